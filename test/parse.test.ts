/**
 * Parsing a file part by part (the dev server's way) gives the very tree a
 * whole parse gives, positions included, and an edit re-parses one part.
 */
import assert from 'node:assert/strict'
import { pandocFencedDivs } from '../src/markdown/dialects/pandoc-divs.ts'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { VFile } from 'vfile'
import { parseMarkdown, ParseCache, splitParts } from '../src/markdown/parse-markdown.ts'
import { DeckFiles } from '../src/files/deck-files.ts'
import { parseStages } from '../src/pipeline.ts'
import { fixtures, root } from './helpers.ts'

const tricky = `---
title: Tricky
---

# One

\`\`\`md
# not a heading: inside a fence
\`\`\`

:::notes
# not a slide: inside a container directive
:::

<!--
# inside a comment
-->

<div>
# inside an HTML block
</div>

- a list
# a heading right after it

> a quote
## and another

~~~~
~~~
# still fenced
~~~~
## Last
Text *with* \`code\`.
`

async function samples(): Promise<Array<[string, string]>> {
  const found: Array<[string, string]> = [['tricky', tricky]]
  for (const name of await readdir(fixtures)) {
    const file = path.join(fixtures, name, 'input.md')
    found.push([name, await readFile(file, 'utf8').catch(() => '')])
  }
  for (const name of (await readdir(path.join(root, 'slides'))).filter((file) => file.endsWith('.md'))) {
    found.push([`slides/${name}`, await readFile(path.join(root, 'slides', name), 'utf8')])
  }
  found.push(['seed', await readFile(path.join(root, 'test', 'decks', 'seed', 'introduccion.md'), 'utf8')])
  return found.filter(([, text]) => text !== '')
}

describe('parsing part by part', () => {
  const processor = parseStages(new DeckFiles([root]))
  /** The parse of `text` in parts as small as they can be, with and without a cache, against the whole parse. */
  const assertSameAsWhole = (text: string, name: string) => {
    const whole = processor.parse(new VFile({ value: pandocFencedDivs(text) }))
    assert.deepEqual(parseMarkdown(processor, new VFile({ value: text }), { partSize: 1 }), whole, name)
    assert.deepEqual(parseMarkdown(processor, new VFile({ value: text }), { partSize: 1, cache: new ParseCache() }), whole, name)
  }

  test('gives the same tree as a whole parse, for every fixture, the talk and tricky text', async () => {
    for (const [name, text] of await samples()) assertSameAsWhole(text, name)
  })

  test('cuts only where a block starts that nothing before it can hold', () => {
    const starts = splitParts(tricky, 1).map((part) => part.text.split('\n')[0])
    assert.deepEqual(starts, [
      '---',
      '# One',
      '```md',
      ':::notes',
      '<!--',
      '<div>',
      '# a heading right after it',
      '> a quote',
      '## and another',
      '~~~~',
      '## Last',
    ])
    const cuts = splitParts('Para one.\n\n- item\n\n- loose item\n\n> quote\n\n***\nAfter.\n', 1).map((part) => part.text)
    assert.deepEqual(cuts, ['Para one.\n\n- item\n\n- loose item\n\n', '> quote\n\n', '***\n', 'After.\n'])
  })

  test('definitions and footnotes are found from every part', () => {
    const text = '# A\n\nSee [x], [y][x] and [^1].\n\n# B\n\n[x]: https://example.com\n\n[^1]: A note.\n\n```\n[x]\n'
    assertSameAsWhole(text, 'definitions, and a fence left open at the end')
    const tree = parseMarkdown(processor, new VFile({ value: text }), { partSize: 1 })
    assert.match(JSON.stringify(tree), /"type":"linkReference".*"type":"footnoteReference"/)
  })

  test('gives the same tree as a whole parse for generated Markdown', () => {
    const piece = fc.constantFrom(
      '',
      '',
      '# Heading',
      '## Sub',
      'Para text',
      '  indented',
      '    code',
      '- item',
      '  - nested',
      '1. one',
      '* star',
      '> quote',
      '>> deep',
      'lazy line',
      '---',
      '***',
      '===',
      '```',
      '~~~',
      '```js',
      ':::notes',
      '::: notes',
      ':::: {.columns}',
      ':::',
      '::::box',
      '::::',
      '<div>',
      '</div>',
      '<!--',
      '-->',
      '<script>',
      '</script>',
      '<?php',
      '?>',
      '| a | b |',
      '| - | - |',
      '[x]: /url',
      '[^n]: note',
      'see [x] and [^n]',
      '[x]',
      '$$',
      '$$$',
      '  $$',
      '$$ x $$',
      'inline $x$ math',
      '- ',
      '>',
      '<custom>',
      '</script>',
      '<div',
      '  ```',
      ' ~~~',
      '1) x',
      '    - deep',
      '    indented note',
      '\t- tab item',
      ':::notes{.x}',
      '::leaf',
      '<!-- one -->',
      ':::::big',
      '<style>',
      '</style>',
      '<pre>',
      '<![CDATA[',
      ']]>',
      '<!DOCTYPE x>',
      '## x ##',
      '#no',
      '# ',
      '  # indented heading',
      'text <!--',
      '[^n]:',
      '   [x]: /u',
      '* * *',
      '- - -',
      '_ _ _',
      '= =',
      '--',
      'a | b',
      '|-|',
      '\\',
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (lines) => assertSameAsWhole(lines.join('\n'), JSON.stringify(lines))),
      { numRuns: 300, seed: 20261203 },
    )
  })

  test('an edit re-parses only its part', () => {
    let parses = 0
    const counting = { parse: (file: VFile | string) => (parses++, processor.parse(file)) }
    const cache = new ParseCache()
    const text = Array.from({ length: 50 }, (_, index) => `## Slide ${index}\n\nText ${index}.\n`).join('\n')
    parseMarkdown(counting, new VFile({ value: text }), { cache })
    assert.equal(parses, 50)
    parses = 0
    const edited = parseMarkdown(counting, new VFile({ value: text.replace('Text 20.', 'Text twenty.') }), { cache })
    assert.equal(parses, 1)
    assert.deepEqual(edited, processor.parse(new VFile({ value: text.replace('Text 20.', 'Text twenty.') })))
  })
})

test('pandoc fenced divs read as directives, every line and offset where it was, code fences left alone', () => {
  const text = '::: notes\r\nNotas\r\n:::\r\n\n:::: {.columns #a}\n::: column :::\n:::\n::::\n\n```\n::: notes\n```\n:::   {key=v}\n:::\n'
  const read = pandocFencedDivs(text)
  assert.equal(read.length, text.length)
  assert.deepEqual(
    read.split('\n').map((line) => line.trimEnd()),
    [
      ':::notes',
      'Notas',
      ':::',
      '',
      '::::columns{#a}',
      ':::column',
      ':::',
      '::::',
      '',
      '```',
      '::: notes',
      '```',
      ':::div{key=v}',
      ':::',
      '',
    ],
  )
  assert.equal(pandocFencedDivs('## Nada\n'), '## Nada\n')
})
