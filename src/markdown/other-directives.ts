/**
 * Stage: directives no other stage claimed.
 *
 * - `:::name` … `:::` becomes `<div class="name">`, like a pandoc fenced div
 *   (`:::columns`), keeping its attributes (a `:::column`'s `width="40%"`
 *   its share of the row: themes/common/layout.css sets columns side by side);
 * - `::name` (a leaf) is unknown: reported, and left out;
 * - `:name` in running text is put back as the text it was written as, so
 *   prose such as `ratio 16:9` or `hora:tarde` is never eaten;
 * - a `:::` left closing nothing (nested blocks fenced alike) is said, and left out.
 */
import type { Properties } from 'hast'
import type { Parent, Root, RootContent } from 'mdast'
import type { VFile } from 'vfile'
import { warn } from '../messages.ts'

/** Give every remaining directive its HTML, or its text back. */
export function otherDirectives() {
  return function (tree: Root, file: VFile): undefined {
    visit(tree, file)
  }
}

function visit(parent: Parent, file: VFile) {
  const children: RootContent[] = []
  for (const child of parent.children as RootContent[]) {
    if (child.type === 'textDirective' && !child.data?.hName) {
      if (child.children.length > 0 || Object.keys(child.attributes ?? {}).length > 0) {
        warn(file, `Unknown directive \`:${child.name}\`; it is shown as written. Known: \`:fragment\``, child, 'unknown-directive')
      }
      children.push({ type: 'text', value: sourceOf(child, file) })
      continue
    }
    if (child.type === 'leafDirective' && !child.data?.hName) {
      warn(file, `Unknown directive \`::${child.name}\`; it is left out. Known: \`::slide\``, child, 'unknown-directive')
      continue
    }
    // A closing `:::` that had nothing left to close: the block it was meant for ended at an earlier one.
    if (
      child.type === 'paragraph' &&
      child.children.length === 1 &&
      child.children[0]?.type === 'text' &&
      /^:{3,}\s*$/.test(child.children[0].value)
    ) {
      warn(
        file,
        'This `:::` closes no block, and is left out: the block it was meant to close ended at an earlier `:::`. A block inside another needs fewer colons than the one around it, as in `::::columns` around `:::column` blocks',
        child,
        'directive-fence',
      )
      continue
    }
    if (child.type === 'containerDirective' && !child.data?.hName) {
      child.data = { hName: 'div', hProperties: divProperties(child.name, child.attributes ?? {}) }
    }
    if ('children' in child) visit(child, file)
    children.push(child)
  }
  parent.children = children
}

function divProperties(name: string, attributes: Record<string, string | null | undefined>): Properties {
  const properties: Properties = {}
  const classes = [name, ...(attributes.class ?? '').split(/\s+/)].filter(Boolean)
  properties.className = classes
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'class' || value === null || value === undefined) continue
    // A column's width, as pandoc writes it (`::: {.column width="40%"}`): its share of the row.
    if (name === 'column' && key === 'width' && /^\d+(\.\d+)?%$/.test(value)) properties.style = `flex: 0 0 ${value}`
    else properties[key] = value
  }
  return properties
}

/** The directive exactly as the author typed it. */
function sourceOf(node: RootContent, file: VFile): string {
  const start = node.position?.start.offset
  const end = node.position?.end.offset
  if (start === undefined || end === undefined) return ''
  return String(file.value).slice(start, end)
}
