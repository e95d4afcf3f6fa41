/**
 * `diapo/unified`: diapo's stages in someone else's unified pipeline —
 * Markdown in, the reveal.js slides out, without a browser.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import rehypeStringify from 'rehype-stringify'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { VFile } from 'vfile'
import diapo from '../src/unified.ts'
import { root } from './helpers.ts'

test('remark-parse, diapo, rehype-stringify: a section a slide, notes, fragments, highlighting, math, a dialect; a diagram left as code, said', async () => {
  const markdown = [
    '---\ntitle: In another pipeline\n---\n',
    '# One\n\n- shown :fragment\n- always\n\n:::notes\nSaid, not shown.\n:::\n',
    '## Two\n\n```js\nconst x = 1\n```\n\nThe area $A = \\pi r^2$.\n\n```mermaid\nflowchart LR\n  A --> B\n```\n',
    "## Three\n\n![A pixel](test/fixtures/images/pixel.png)\n\n::: notes\npandoc's notes\n:::\n",
  ].join('\n')
  const file = await unified()
    .use(remarkParse)
    .use(diapo)
    .use(rehypeStringify)
    .process(new VFile({ path: path.join(root, 'talk.md'), value: markdown }))
  const html = String(file)
  assert.equal(html.match(/<section\b/g)?.length, 3)
  assert.match(html, /<li class="fragment">shown<\/li>/)
  assert.match(html, /<aside class="notes"><p>Said, not shown\.<\/p><\/aside>/)
  assert.match(html, /<aside class="notes"><p>pandoc’s notes<\/p><\/aside>/, 'pandoc’s `::: notes` read as notes')
  assert.match(html, /<code class="hljs language-js"><span class="hljs-keyword">const<\/span>/)
  assert.match(html, /<span class="katex">.*<annotation encoding="application\/x-tex">A = \\pi r\^2<\/annotation>/s)
  assert.match(html, /<code class="language-mermaid">flowchart LR/)
  assert.deepEqual(
    file.messages.map((message) => `${message.line}:${message.column} ${message.ruleId}`),
    ['22:1 diagram'],
  )
  // The picture's file, for whoever writes the page: where it is and where the slide points.
  const assets = file.data.assets ?? []
  assert.equal(assets.length, 1)
  assert.equal(assets[0]!.source, path.join(root, 'test/fixtures/images/pixel.png'))
  assert.match(html, new RegExp(`<img src="${assets[0]!.output}" alt="A pixel">`))
})
