/**
 * Stage: pandoc's attributes in braces, which CommonMark shows as text.
 *
 * ```markdown
 * ## A slide {.center data-background-color="#123"}   the slide's attributes
 * ### A heading {#here .fragment}                     the heading's
 * Words, then [these appear later]{.fragment}.        a span's
 * ![A chart](chart.png){width=50%}                      an image's
 * ```
 *
 * On the heading that starts a slide they are the slide's, as pandoc's
 * reveal.js writer makes them (its `id` stays the heading's); on any other
 * heading, the heading's; after a bracketed run of text, a `<span>`'s. Only
 * a whole `{…}` of attributes is read: `{like this}` in prose stays text.
 * From pandoc's manual, "Heading identifiers" and "Bracketed spans".
 */
import type { LeafDirective } from 'mdast-util-directive'
import type { Heading, Parent, PhrasingContent, Root, RootContent, Text } from 'mdast'
import type { VFile } from 'vfile'
import { warn } from '../../messages.ts'
import { slidesOf } from '../slide-attributes.ts'

const trailing = /\s*\{((?:[#.][\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s"'{}]+)|\s)+)\}\s*$/
const leading = /^\{((?:[#.][\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s"'{}]+)|\s)+)\}/
const span = /\[([^[\]]+)\]\{((?:[#.][\w-]+|[\w-]+=(?:"[^"]*"|'[^']*'|[^\s"'{}]+)|\s)+)\}/g

interface Attributes {
  id?: string
  classes: string[]
  others: Record<string, string>
}

/** A `{…}` of pandoc's attributes: `#id`, `.class` and `name=value` (quoted or not). */
export function parseAttributes(text: string): Attributes {
  const attributes: Attributes = { classes: [], others: {} }
  for (const match of text.matchAll(/([#.])([\w-]+)|([\w-]+)=(?:"([^"]*)"|'([^']*)'|([^\s"'{}]+))/g)) {
    if (match[1] === '#') attributes.id = match[2]!
    else if (match[1] === '.') attributes.classes.push(match[2]!)
    else attributes.others[match[3]!] = match[4] ?? match[5] ?? match[6] ?? ''
  }
  return attributes
}

/**
 * Before the headings get their ids: a heading's `{…}` taken off its text
 * (so its GitHub id is of the words alone), its `#id` its id, the rest kept
 * for {@link pandocAttributes}.
 */
export function pandocHeadingAttributes() {
  return function (tree: Root): undefined {
    const visit = (parent: Parent) => {
      for (const node of parent.children as RootContent[]) {
        if (node.type === 'heading') readHeading(node)
        else if ('children' in node && node.type !== 'paragraph') visit(node)
      }
    }
    visit(tree)
  }
}

function readHeading(heading: Heading) {
  const last = heading.children.at(-1)
  if (last?.type !== 'text') return
  const match = trailing.exec(last.value)
  if (!match) return
  last.value = last.value.slice(0, match.index)
  const attributes = parseAttributes(match[1]!)
  if (attributes.id) ((heading.data ??= {}).hProperties ??= {}).id = attributes.id
  ;((heading.data ??= {}) as { pandocAttributes?: Attributes }).pandocAttributes = attributes
}

/** After the split: each heading's attributes (the slide's, for the heading that starts it), and the spans. */
export function pandocAttributes() {
  return function (tree: Root, file: VFile): undefined {
    for (const slide of slidesOf(tree)) {
      // A fenced div with attributes but no class (`::: {#id}`) cannot be read as a directive (see pandoc-divs.ts).
      for (const node of slide.children) {
        const first = node.type === 'paragraph' && node.children[0]?.type === 'text' ? node.children[0].value.split('\n')[0]! : ''
        if (/^:{3,}\s*\{[^{}]*\}\s*:*\s*$/.test(first)) {
          warn(
            file,
            'This pandoc fenced div has no class, and diapo reads only those with one: write it as `::: {.box #id}`, or `:::box{#id}`',
            node,
            'pandoc',
          )
        }
      }
      for (const [index, node] of [...slide.children].entries()) {
        const attributes =
          node.type === 'heading' ? (node.data as { pandocAttributes?: Attributes } | undefined)?.pandocAttributes : undefined
        if (!attributes || node.type !== 'heading') continue
        const { classes, others } = attributes
        if (index === 0) {
          // pandoc's reveal.js writer puts them on the slide; its files checked as `::slide` checks them.
          const slideAttributes: Record<string, string> = { ...others }
          if (classes.length > 0) slideAttributes.class = classes.join(' ')
          if (Object.keys(slideAttributes).length > 0) {
            const directive: LeafDirective = { type: 'leafDirective', name: 'slide', attributes: slideAttributes, children: [] }
            slide.children.push(directive)
          }
          continue
        }
        const properties = ((node.data ??= {}).hProperties ??= {}) as Record<string, unknown>
        if (classes.length > 0) properties.className = classes
        Object.assign(properties, others)
      }
      spans(slide)
      imageAttributes(slide, file)
    }
  }
}

/**
 * `![alt](photo.png){width=50%}`: the image's size (`width`, `height`: a
 * length, or a number of pixels), `#id`, `.class` and `style`, as pandoc's
 * `link_attributes` reads them, and `fit` (`contain`, `cover`: CSS's
 * object-fit, for an image given both sizes); anything else is said and left out.
 */
function imageAttributes(parent: Parent, file: VFile) {
  const source = String(file.value)
  let children = parent.children as RootContent[]
  for (let index = 0; index < children.length; index++) {
    const child = children[index]!
    if ('children' in child) imageAttributes(child, file)
    const end = child.position?.end.offset
    if (child.type !== 'image' || end === undefined || source[end] !== '{') continue
    // Read from the source: `{style="top:15px"}` is not one text node (`:15px` reads as a directive).
    const match = leading.exec(source.slice(end, end + 1000))
    if (!match) continue
    const stop = end + match[0].length
    const after = children.slice(index + 1)
    const covered = after.findIndex((node) => (node.position?.end.offset ?? Infinity) > stop)
    const rest = covered === -1 ? [] : after.slice(covered)
    const partial = rest[0]
    const start = partial?.position?.start.offset
    // The text the braces end in keeps what follows them (a text node is its source, but for escapes).
    if (partial?.type === 'text' && start !== undefined && start < stop) {
      if (source.slice(start, partial.position!.end.offset) !== partial.value) continue
      partial.value = partial.value.slice(stop - start)
    } else if (start !== undefined && start < stop) continue
    children = [...children.slice(0, index + 1), ...rest.filter((node) => node.type !== 'text' || node.value !== '')]
    const { id, classes, others } = parseAttributes(match[1]!)
    const properties = ((child.data ??= {}).hProperties ??= {}) as Record<string, unknown>
    const style: string[] = []
    for (const [name, value] of Object.entries(others)) {
      if (name === 'width' || name === 'height') style.push(`${name}: ${/^\d+(\.\d+)?$/.test(value) ? `${value}px` : value}`)
      else if (name === 'fit' && /^(contain|cover|fill|none|scale-down)$/.test(value)) style.push(`object-fit: ${value}`)
      else if (name === 'style' && !/url\s*\(|expression\s*\(|[<>]/i.test(value)) style.push(value.replace(/;\s*$/, ''))
      else
        warn(
          file,
          `\`${name}\` on an image is not one diapo applies (width, height, fit, style, #id, .class): left out`,
          child,
          'image-attribute',
        )
    }
    if (style.length > 0) properties.style = style.join('; ')
    if (id) properties.id = id
    if (classes.length > 0) properties.className = classes
  }
  parent.children = children as Parent['children']
}

/** `[words]{.class}` in the text of `parent`, at any depth: a `<span>` with those attributes. */
function spans(parent: Parent) {
  const children: RootContent[] = []
  for (const child of parent.children as RootContent[]) {
    if (child.type !== 'text' || !child.value.includes(']{')) {
      if ('children' in child && child.type !== 'link') spans(child)
      children.push(child)
      continue
    }
    let at = 0
    for (const match of child.value.matchAll(span)) {
      if (match.index > at) children.push({ type: 'text', value: child.value.slice(at, match.index) })
      const { id, classes, others } = parseAttributes(match[2]!)
      const properties: Record<string, unknown> = { ...others }
      if (id) properties.id = id
      if (classes.length > 0) properties.className = classes
      const text: Text = { type: 'text', value: match[1]! }
      children.push({ type: 'emphasis', children: [text], data: { hName: 'span', hProperties: properties } } as PhrasingContent)
      at = match.index + match[0].length
    }
    if (at === 0) children.push(child)
    else if (at < child.value.length) children.push({ type: 'text', value: child.value.slice(at) })
  }
  parent.children = children as Parent['children']
}
