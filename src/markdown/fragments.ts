/**
 * Stage: fragments, the parts of a slide revealed step by step.
 *
 * - `:fragment` at the end of a list item or paragraph makes it a fragment;
 *   `:fragment{.fade-up index=2}` gives it a style and an order.
 * - `:fragment[some words]` makes those words an inline fragment.
 * - `:::fragment` … `:::` makes its blocks one fragment.
 * - `:::incremental` … `:::` (or `incremental: true` in the frontmatter) reveals
 *   list items one by one; `:::nonincremental` turns that off.
 */
import type { Properties } from 'hast'
import type { ContainerDirective, TextDirective } from 'mdast-util-directive'
import type { Nodes, Parent, Root, RootContent } from 'mdast'
import type { VFile } from 'vfile'
import { fail } from '../messages.ts'

/** Options of {@link fragments}. */
export interface FragmentsOptions {
  /** Reveal every list item one by one. Default: false. */
  incremental?: boolean
}

type Directive = ContainerDirective | TextDirective

/** Turn fragment directives into reveal.js `class="fragment"` attributes. */
export function fragments(options: FragmentsOptions = {}) {
  return function (tree: Root, file: VFile): undefined {
    visitChildren(tree, options.incremental ?? false, undefined, file)
  }
}

function visitChildren(parent: Parent, incremental: boolean, enclosing: Nodes | undefined, file: VFile) {
  const children: RootContent[] = []
  for (const child of parent.children as RootContent[]) {
    if (child.type === 'containerDirective' && (child.name === 'incremental' || child.name === 'nonincremental')) {
      checkAttributes(child, [], file)
      visitChildren(child, child.name === 'incremental', undefined, file)
      for (const grandchild of child.children) children.push(grandchild)
      continue
    }
    if (child.type === 'containerDirective' && child.name === 'fragment') {
      child.data = { hName: 'div', hProperties: fragmentProperties(child, file) }
    }
    if (child.type === 'textDirective' && child.name === 'fragment') {
      if (child.children.length > 0) {
        child.data = { hName: 'span', hProperties: fragmentProperties(child, file) }
      } else {
        markFragment(enclosing ?? (parent as Nodes), child, file)
        trimEnd(children)
        continue
      }
    }
    if (child.type === 'list' && incremental) {
      for (const item of child.children) markFragment(item, undefined, file)
    }
    if ('children' in child) {
      // A `:fragment` in a list item's paragraph marks the item, not the paragraph.
      visitChildren(child, incremental, fragmentTarget(child, enclosing), file)
    }
    children.push(child)
  }
  parent.children = children
}

function markFragment(node: Nodes, directive: Directive | undefined, file: VFile) {
  const data = (node.data ??= {})
  const properties = (data.hProperties ??= {})
  const extra = directive ? fragmentProperties(directive, file) : { className: ['fragment'] }
  const classes = Array.isArray(properties.className) ? properties.className.map(String) : []
  properties.className = [...new Set([...classes, ...(extra.className as string[])])]
  if (extra['data-fragment-index'] !== undefined) properties['data-fragment-index'] = extra['data-fragment-index']
}

/** What a bare `:fragment` inside `node` marks: its list item, else its paragraph. */
function fragmentTarget(node: RootContent, enclosing: Nodes | undefined): Nodes | undefined {
  if (node.type === 'listItem') return node
  if (node.type === 'paragraph') return enclosing ?? node
  if (blockContainers.has(node.type)) return undefined
  return enclosing
}

const blockContainers = new Set([
  'blockquote',
  'containerDirective',
  'footnoteDefinition',
  'list',
  'slide',
  'slideStack',
  'table',
  'tableRow',
  'tableCell',
])

function fragmentProperties(directive: Directive, file: VFile): Properties {
  checkAttributes(directive, ['class', 'index'], file)
  const attributes = directive.attributes ?? {}
  const classes = (attributes.class ?? '').split(/\s+/).filter(Boolean)
  const properties: Properties = { className: ['fragment', ...classes] }
  const index = attributes.index
  if (index !== undefined && index !== null) {
    if (/^\d+$/.test(index)) properties['data-fragment-index'] = index
    else fail(file, `Fragment \`index\` must be a whole number, not \`${index}\``, directive, 'fragment-index')
  }
  return properties
}

function checkAttributes(directive: Directive, allowed: string[], file: VFile) {
  for (const key of Object.keys(directive.attributes ?? {})) {
    if (!allowed.includes(key)) {
      const expected = allowed.length > 0 ? `; expected ${allowed.map((name) => `\`${name}\``).join(' or ')}` : ''
      fail(file, `Unknown attribute \`${key}\` on \`${directive.name}\`${expected}`, directive, 'fragment-attribute')
    }
  }
}

/** Drop the space left before a removed trailing `:fragment`. */
function trimEnd(children: RootContent[]) {
  const last = children.at(-1)
  if (last?.type === 'text') last.value = last.value.trimEnd()
}
