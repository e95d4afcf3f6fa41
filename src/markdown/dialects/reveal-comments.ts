/**
 * Stage: reveal.js's attribute comments, as its Markdown plugin reads them.
 *
 * ```markdown
 * <!-- .slide: data-background="#0db7ed" class="title" -->
 * - A point <!-- .element: class="fragment" data-fragment-index="2" -->
 * ```
 *
 * `.slide:` sets attributes of its slide: it becomes the `::slide{…}` it
 * means (which reads reveal.js's `data-background…` as its own), checked
 * and confined like one. `.element:` sets attributes of the element before
 * it in the same parent (text does not count), or else of its parent — the
 * list item for `- A point <!-- .element: … -->` — as reveal.js does. The
 * comment itself is taken out.
 */
import type { LeafDirective } from 'mdast-util-directive'
import type { ListItem, Parent, Root, RootContent } from 'mdast'
import type { VFile } from 'vfile'
import { warn } from '../../messages.ts'

const slideComment = /^<!--\s*\.slide:\s*([\s\S]*?)\s*-->$/
const elementComment = /^<!--\s*\.element:?\s*([\s\S]*?)\s*-->$/
/** `name="value"`, `name='value'`, `name=value`, or `name` alone. */
const attribute = /([^\s=]+)(?:=(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?/g

/** Read attribute comments into the slides' and elements' attributes. */
export function revealComments() {
  return function (tree: Root, file: VFile): undefined {
    if (!/<!--\s*\.(?:slide|element)/.test(String(file.value))) return
    const visit = (parent: Parent, grandparent: Parent | undefined) => {
      const children = parent.children as RootContent[]
      for (let index = 0; index < children.length; index++) {
        const child = children[index]!
        if (child.type !== 'html') {
          if ('children' in child) visit(child, parent)
          continue
        }
        const value = child.value.trim()
        const slide = slideComment.exec(value)
        const element = slide ? undefined : elementComment.exec(value)
        if (!slide && !element) continue
        const attributes = parse(slide ? slide[1]! : element![1]!)
        if (slide) {
          const directive: LeafDirective = { type: 'leafDirective', name: 'slide', attributes, children: [] }
          if (child.position) directive.position = child.position
          children[index] = directive
          continue
        }
        const target = elementBefore(children, index) ?? containerOf(parent, grandparent)
        if (!target) {
          warn(
            file,
            'This `.element:` comment has no element to set attributes on; put it after the element, on its line',
            child,
            'reveal-comment',
          )
          continue
        }
        const properties = ((target.data ??= {}).hProperties ??= {}) as Record<string, string>
        for (const [name, value] of Object.entries(attributes)) {
          properties[name] = name === 'class' && properties.class ? `${properties.class} ${value}` : value
        }
        children.splice(index, 1)
        index--
      }
    }
    visit(tree, undefined)
  }
}

function parse(text: string): Record<string, string> {
  const attributes: Record<string, string> = {}
  for (const match of text.matchAll(attribute)) attributes[match[1]!] = match[2] ?? match[3] ?? match[4] ?? ''
  return attributes
}

/** The element before `index` among `children`, as the browser counts elements: text is none. */
function elementBefore(children: RootContent[], index: number): RootContent | undefined {
  for (let at = index - 1; at >= 0; at--) {
    const node = children[at]!
    if (node.type === 'text' || (node.type === 'html' && /^<!--/.test(node.value)) || node.type === 'break') continue
    return node
  }
  return undefined
}

/** The element that holds the comment: a tight list item's paragraph is not one (it is not in the HTML). */
function containerOf(parent: Parent, grandparent: Parent | undefined): RootContent | undefined {
  if (parent.type === 'root') return undefined
  if (parent.type === 'paragraph' && grandparent?.type === 'listItem' && !(grandparent as ListItem).spread)
    return grandparent as RootContent
  return parent as RootContent
}
