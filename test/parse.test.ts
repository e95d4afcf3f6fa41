/**
 * Parsing a file part by part (the dev server's way) gives the very tree a
 * whole parse gives, positions included, and an edit re-parses one part.
 */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { VFile } from 'vfile'
import { parseMarkdown, ParseCache, splitAtHeadings } from '../src/parse-markdown.ts'
import { DeckFiles } from '../src/deck-files.ts'
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
  test('gives the same tree as a whole parse, for every fixture, the talk and tricky text', async () => {
    const processor = parseStages(new DeckFiles([root]))
    for (const [name, text] of await samples()) {
      const whole = processor.parse(new VFile({ value: text }))
      const parts = parseMarkdown(processor, new VFile({ value: text }), new ParseCache())
      assert.deepEqual(parts, whole, name)
    }
  })

  test('cuts only where a heading starts a block', () => {
    const starts = splitAtHeadings(tricky).map((part) => part.text.split('\n')[0])
    assert.deepEqual(starts, ['---', '# One', '# a heading right after it', '## and another', '## Last'])
  })

  test('a file with definitions is parsed whole', () => {
    assert.equal(splitAtHeadings('# A\n\nSee [x].\n\n# B\n\n[x]: https://example.com\n').length, 1)
  })

  test('an edit re-parses only its part', () => {
    const processor = parseStages(new DeckFiles([root]))
    let parses = 0
    const counting = { parse: (file: VFile | string) => (parses++, processor.parse(file)) }
    const cache = new ParseCache()
    const text = Array.from({ length: 50 }, (_, index) => `## Slide ${index}\n\nText ${index}.\n`).join('\n')
    parseMarkdown(counting, new VFile({ value: text }), cache)
    assert.equal(parses, 50)
    parses = 0
    const edited = parseMarkdown(counting, new VFile({ value: text.replace('Text 20.', 'Text twenty.') }), cache)
    assert.equal(parses, 1)
    assert.deepEqual(edited, processor.parse(new VFile({ value: text.replace('Text 20.', 'Text twenty.') })))
  })
})
