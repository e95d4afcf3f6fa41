/**
 * A setting's text read as one line of Markdown — a footer, a subtitle:
 * emphasis, links, code, emoji and images as on a slide; what would be a
 * block (a list, a heading) gives its text. Its nodes are placed where the
 * setting was written, so what later stages say of them (an image not
 * found) is said there.
 */
import type { PhrasingContent, Root, RootContent } from 'mdast'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import type { Position } from 'unist'
import { visit } from 'unist-util-visit'
import type { KeyPlace } from '../types.ts'

const parser = unified().use(remarkParse).use(remarkGfm)
/** Each text parsed once a build: a footer is the same on every slide, and a parse costs ~1 ms however short the text. */
const parsed = new Map<string, PhrasingContent[]>()

/** `text` as inline Markdown, its nodes at `place` (or without a place). */
export function settingMarkdown(text: string, place: KeyPlace | Position | undefined): PhrasingContent[] {
  let nodes = parsed.get(text)
  if (!nodes) parsed.set(text, (nodes = phrasing(parser.parse(text).children)))
  const children = structuredClone(nodes)
  const position = place && ('start' in place ? place : positionAt(place))
  visit({ type: 'root', children } as Root, (node) => {
    if (position) node.position = position
    else delete node.position
  })
  return children
}

function phrasing(nodes: RootContent[]): PhrasingContent[] {
  return nodes.flatMap((node): PhrasingContent[] => {
    if (phrasingTypes.has(node.type)) return [node as PhrasingContent]
    return 'children' in node ? phrasing(node.children as RootContent[]) : 'value' in node ? [{ type: 'text', value: node.value }] : []
  })
}

const phrasingTypes = new Set([
  'text',
  'emphasis',
  'strong',
  'delete',
  'inlineCode',
  'link',
  'linkReference',
  'image',
  'imageReference',
  'break',
  'html',
  'textDirective',
  'footnoteReference',
])

/** A setting's place (where its key is written) as the position of a node. */
export function positionAt(place: KeyPlace): Position {
  return { start: { ...place }, end: { ...place } }
}
