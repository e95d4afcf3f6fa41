/**
 * Stage: syntax highlighting of fenced code, at build time, so the deck ships
 * no highlighting script. The highlighter (highlight.js's common languages)
 * is only loaded for a deck that has code with a language.
 */
import type { Element, Root } from 'hast'
import type { Transformer } from 'unified'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'

/** Languages kept as plain text: they are not code to colour. */
const plainText = ['text', 'txt', 'plain', 'mermaid']

let highlighter: Promise<Transformer<Root>> | undefined

/** Highlight `<pre><code class="language-x">` blocks with highlight.js classes. */
export function highlightCode() {
  return async function (tree: Root, file: VFile): Promise<undefined> {
    if (!hasHighlightableCode(tree)) return
    highlighter ??= import('rehype-highlight').then(({ default: rehypeHighlight }) => {
      const transform = rehypeHighlight({ plainText, detect: false })
      return transform as Transformer<Root>
    })
    const transform = await highlighter
    await transform(tree, file, () => {})
  }
}

function hasHighlightableCode(tree: Root): boolean {
  let found = false
  visit(tree, 'element', (node: Element) => {
    if (found) return false
    if (node.tagName !== 'code') return
    const classes = node.properties.className
    if (Array.isArray(classes) && classes.some((name) => String(name).startsWith('language-'))) found = true
  })
  return found
}
