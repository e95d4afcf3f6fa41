/**
 * Stage: `::slide{…}` sets attributes of the slide it stands in.
 *
 * ```markdown
 * ::slide{background="#0db7ed" class="title" transition="fade"}
 * ```
 */
import type { LeafDirective } from 'mdast-util-directive'
import type { Properties } from 'hast'
import type { Root } from 'mdast'
import type { VFile } from 'vfile'
import { warn } from './messages.ts'
import type { Slide } from './types.ts'

/** Attribute of `::slide` → attribute of the `<section>`. */
const sectionAttributes: Record<string, string> = {
  id: 'id',
  transition: 'data-transition',
  'transition-speed': 'data-transition-speed',
  'background-color': 'data-background-color',
  'background-image': 'data-background-image',
  'background-size': 'data-background-size',
  'background-position': 'data-background-position',
  'background-repeat': 'data-background-repeat',
  'background-opacity': 'data-background-opacity',
  'background-gradient': 'data-background-gradient',
  'background-transition': 'data-background-transition',
  'auto-animate': 'data-auto-animate',
  visibility: 'data-visibility',
  state: 'data-state',
  timing: 'data-timing',
  fit: 'data-fit',
}

/** What `fit` may say (see `fit-slides.ts`). */
const fitValues = ['split', 'shrink', 'none']

const imageExtension = /\.(?:avif|gif|jpe?g|png|svg|webp)$/i

/** Move each `::slide` directive's attributes onto its slide's `<section>`. */
export function slideAttributes() {
  return function (tree: Root, file: VFile): undefined {
    for (const slide of slidesOf(tree)) {
      slide.children = slide.children.filter((node) => {
        if (node.type !== 'leafDirective' || node.name !== 'slide') return true
        applyAttributes(slide, node, file)
        return false
      })
    }
  }
}

/** Every slide of a split tree, stacked or not. */
export function slidesOf(tree: Root): Slide[] {
  return tree.children.flatMap((node) => (node.type === 'slide' ? [node] : node.type === 'slideStack' ? node.children : []))
}

function applyAttributes(slide: Slide, directive: LeafDirective, file: VFile) {
  if (directive.children.length > 0) {
    warn(file, 'Unexpected label on `::slide`: it takes only attributes, as in `::slide{class="title"}`', directive, 'slide-attribute')
  }
  const properties: Properties = ((slide.data ??= {}).hProperties ??= {})
  for (const [key, value] of Object.entries(directive.attributes ?? {})) {
    if (value === null || value === undefined) continue
    if (key === 'class') {
      const classes = Array.isArray(properties.className) ? properties.className : []
      properties.className = [...classes, ...value.split(/\s+/).filter(Boolean)].map(String)
    } else if (key === 'background') {
      properties[isImagePath(value) ? 'data-background-image' : 'data-background-color'] = value
    } else if (key === 'fit' && !fitValues.includes(value)) {
      warn(file, `Unknown fit \`${value}\` on \`::slide\`, ignored; expected one of: ${fitValues.join(', ')}`, directive, 'slide-attribute')
    } else if (key in sectionAttributes) {
      properties[sectionAttributes[key]!] = value
    } else if (key.startsWith('data-')) {
      properties[key] = value
    } else {
      const known = ['class', 'background', ...Object.keys(sectionAttributes)].join(', ')
      warn(
        file,
        `Unknown attribute \`${key}\` on \`::slide\`, ignored; expected one of: ${known}, or a \`data-*\` attribute`,
        directive,
        'slide-attribute',
      )
    }
  }
}

function isImagePath(value: string): boolean {
  return imageExtension.test(value.split(/[?#]/)[0] ?? '') || /^(?:https?:|data:image\/)/.test(value)
}
