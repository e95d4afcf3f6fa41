/**
 * Stage: speaker notes become the slide's `<aside class="notes">`.
 *
 * Two ways to write them:
 * - a `:::notes` container directive, anywhere in the slide;
 * - a paragraph starting with `Note:` (reveal-md's convention): it and
 *   everything after it on the slide are notes.
 */
import type { ContainerDirective } from 'mdast-util-directive'
import type { Root, RootContent, Text } from 'mdast'
import type { VFile } from 'vfile'
import { warn } from '../messages.ts'
import { slidesOf } from './slide-attributes.ts'

const notePrefix = /^notes?:[ \t]*/i

/** The text of an HTML comment standing alone as a block (Marp's and Slidev's notes); undefined for anything else. */
export function commentText(node: RootContent | undefined): string | undefined {
  if (node?.type !== 'html') return undefined
  return /^\s*<!--([\s\S]*)-->\s*$/.exec(node.value)?.[1]
}

/** Whether `node` is a `:::notes` block (as written, or as the stage below gathers the slide's notes into). */
export function isNotesBlock(node: RootContent): node is ContainerDirective {
  return node.type === 'containerDirective' && node.name === 'notes'
}

/** A `:::notes` block of these paragraphs of text, for the stage below to gather. */
export function notesOf(texts: Array<{ text: string; position?: RootContent['position'] }>): ContainerDirective {
  return {
    type: 'containerDirective',
    name: 'notes',
    attributes: {},
    children: texts.map(({ text, position }) => ({
      type: 'paragraph',
      children: [{ type: 'text', value: text }],
      ...(position ? { position } : {}),
    })),
  }
}

/** Gather each slide's notes into one `<aside class="notes">`, last in the slide. */
export function speakerNotes() {
  return function (tree: Root, file: VFile): undefined {
    for (const slide of slidesOf(tree)) {
      const notes: RootContent[] = []
      const content: RootContent[] = []
      let inTrailingNotes = false

      for (const node of slide.children) {
        if (!inTrailingNotes && startsWithNotePrefix(node)) inTrailingNotes = true
        if (inTrailingNotes) notes.push(node)
        else if (isNotesBlock(node)) for (const child of node.children) notes.push(child)
        else content.push(node)
      }

      // Notes nested in a list or a quote are hidden, but the speaker view may miss them: say so.
      for (const node of content) findNestedNotes(node, file)

      if (notes.length > 0) {
        content.push({
          type: 'containerDirective',
          name: 'notes',
          attributes: {},
          children: notes as never,
          data: { hName: 'aside', hProperties: { className: ['notes'] } },
        })
      }
      slide.children = content
    }
  }
}

function startsWithNotePrefix(node: RootContent): boolean {
  if (node.type !== 'paragraph') return false
  const first = node.children[0]
  if (first?.type !== 'text' || !notePrefix.test(first.value)) return false
  stripPrefix(first)
  if (first.value === '' && node.children.length > 1) node.children.shift()
  return true
}

function stripPrefix(text: Text) {
  text.value = text.value.replace(notePrefix, '')
}

function findNestedNotes(node: RootContent, file: VFile) {
  if (!('children' in node)) return
  for (const child of node.children) {
    if (isNotesBlock(child)) {
      warn(
        file,
        'Speaker notes inside a list or quote may be missing from the speaker view; move `:::notes` to the top level of the slide',
        child,
        'nested-notes',
      )
      child.data = { hName: 'aside', hProperties: { className: ['notes'] } }
    } else {
      findNestedNotes(child as RootContent, file)
    }
  }
}
