/**
 * Stage: pandoc's pause, a paragraph of `. . .` alone: what follows it on
 * the slide appears on the next step, as a `:::fragment` would make it
 * (speaker notes stay where they are). From pandoc's manual, "Incremental
 * lists" and "Inserting pauses".
 */
import type { ContainerDirective } from 'mdast-util-directive'
import type { Root, RootContent } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { slidesOf } from '../slide-attributes.ts'

const isPause = (node: RootContent) => node.type === 'paragraph' && toString(node).trim() === '. . .'
const isNotes = (node: RootContent) => node.type === 'containerDirective' && node.name === 'notes'

/** Wrap what follows each pause in a fragment. */
export function pandocPauses() {
  return function (tree: Root): undefined {
    for (const slide of slidesOf(tree)) {
      if (!slide.children.some(isPause)) continue
      const children: RootContent[] = []
      let fragment: ContainerDirective | undefined
      for (const node of slide.children) {
        if (isPause(node)) {
          fragment = { type: 'containerDirective', name: 'fragment', attributes: {}, children: [] }
          children.push(fragment)
        } else if (fragment && !isNotes(node)) fragment.children.push(node as ContainerDirective['children'][number])
        else children.push(node)
      }
      // A pause at the very end shows nothing more: no empty step.
      slide.children = children.filter((node) => node.type !== 'containerDirective' || node.name !== 'fragment' || node.children.length > 0)
    }
  }
}
