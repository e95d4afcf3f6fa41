/**
 * Stage: an image's alt text as written. remark-directive reads `:9` in
 * `Ratio 16:9` as a text directive, and the parser builds alt text from the
 * label's text, where a directive has none: `Ratio 16:9 at 10:30` became
 * `Ratio 16 at 10`, which is also the image's accessible name. In running
 * text such directives are put back as written (`other-directives.ts`); an
 * image's label is read again here, without directives.
 */
import type { Image, ImageReference, Root } from 'mdast'
import { toString } from 'mdast-util-to-string'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'

let labels: ReturnType<typeof labelParser> | undefined

function labelParser() {
  return unified().use(remarkParse).use(remarkGfm)
}

/** Give each image whose label holds a `:` the alt text its label says. */
export function imageAlt() {
  return function (tree: Root, file: VFile): undefined {
    const text = String(file.value)
    visit(tree, (node) => {
      if (node.type !== 'image' && node.type !== 'imageReference') return
      const label = labelOf(node, text)
      if (label === undefined || !label.includes(':')) return
      labels ??= labelParser()
      node.alt = toString(labels.parse(label))
    })
  }
}

/** The label of `![label](…)` or `![label][…]` as written: from after `![` to its matching `]`. */
function labelOf(node: Image | ImageReference, text: string): string | undefined {
  const start = node.position?.start.offset
  const end = node.position?.end.offset
  if (start === undefined || end === undefined || !text.startsWith('![', start)) return undefined
  let depth = 0
  for (let index = start + 1; index < end; index++) {
    const char = text[index]
    if (char === '\\') index++
    else if (char === '[') depth++
    else if (char === ']' && --depth === 0) return text.slice(start + 2, index)
  }
  return undefined
}
