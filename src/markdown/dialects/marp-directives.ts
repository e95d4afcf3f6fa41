/**
 * Stage: a deck written for Marp (`marp: true`, or `dialect: marp`) built as
 * Marp would build it, as far as diapo can — the rest said at its line.
 *
 * - Slides are split at `---` only (or at the headings `headingDivider`
 *   names: see `frontmatter.ts`), so a slide's `#` and `##` stay together.
 * - Directives, in the frontmatter and in HTML comments (`<!-- class: lead -->`;
 *   `_class` for one slide only, the others for that slide and the ones
 *   after it): `class`, `backgroundColor`, `backgroundImage`,
 *   `backgroundSize`, `backgroundPosition`, `backgroundRepeat`, `header`,
 *   `footer` and `paginate` become the slide's `::slide{…}` attributes
 *   (`header`, `footer` and `paginate` diapo's header, footer and slide
 *   number: slide-bands.ts; `color` the slide's text colour). `size: 4:3`
 *   is a 960×720 canvas (frontmatter.ts).
 * - Any other HTML comment is the slide's speaker notes, as in Marp.
 * - Images: `![bg](photo.jpg)` is the slide's background (`contain`,
 *   `cover`, `fit`, or a size such as `80%`); `![w:300](…)`,
 *   `![height:200px](…)` size the image.
 *
 * `![bg left:40%](…)` sets the image beside the content, as two columns.
 * `math` needs nothing: `$…$` is rendered in every deck (render-math.ts).
 * `style` in the frontmatter is CSS added after the theme (build.ts).
 * What diapo does not render yet (`style` in a comment, other sizes,
 * several backgrounds) is a warning at its
 * place, naming Marp's feature, never silently dropped.
 *
 * From Marpit's documentation (marpit.marp.app: "Directives", "Image syntax").
 */
import type { LeafDirective } from 'mdast-util-directive'
import type { Html, Image, Parent, Root, RootContent } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { columnsOf } from '../columns.ts'
import { warn } from '../../messages.ts'
import { commentText, notesOf } from '../speaker-notes.ts'
import { slidesOf } from '../slide-attributes.ts'
import type { Slide } from '../../types.ts'

/** Marp's directives, global and local: keys of a Marp deck's frontmatter that are not unknown. */
export const marpDirectives = new Set([
  'theme',
  'style',
  'headingDivider',
  'lang',
  'math',
  'title',
  'author',
  'description',
  'image',
  'size',
  'paginate',
  'header',
  'footer',
  'class',
  'backgroundColor',
  'backgroundImage',
  'backgroundPosition',
  'backgroundRepeat',
  'backgroundSize',
  'color',
])

/** Marp's local directives diapo renders, and the `::slide` attribute each is. */
const asSlideAttribute: Record<string, string> = {
  class: 'class',
  backgroundColor: 'background-color',
  backgroundImage: 'background-image',
  backgroundPosition: 'background-position',
  backgroundRepeat: 'background-repeat',
  backgroundSize: 'background-size',
  header: 'header',
  footer: 'footer',
  paginate: 'slide-number',
  color: 'color',
}

/** The sizes of Marp's built-in themes, as canvases of reveal.js (read in frontmatter.ts). */
export const marpSizes = new Map([
  ['16:9', { width: 1280, height: 720 }],
  ['4:3', { width: 960, height: 720 }],
])

/** Global directives diapo reads elsewhere, or that change nothing in its output. */
const readElsewhere = new Set(['marp', 'theme', 'headingDivider', 'lang', 'title', 'author', 'description', 'image', 'math', 'style'])

const why: Record<string, string> = {
  style: 'CSS for the deck, written in a comment: diapo reads it in the frontmatter',
  size: 'a slide size other than 16:9 and 4:3',
}

type Place = Html['position'] | { line: number; column: number }

/** Build a Marp deck's directives, comment notes and image syntax into diapo's model. */
export function marpDirectivesStage() {
  return function (tree: Root, file: VFile): undefined {
    const global = file.data.frontmatter?.marp
    if (!global) return
    const unsupported = (name: string, place: Place | undefined) =>
      warn(
        file,
        `Marp's \`${name}\` (${why[name] ?? 'a directive'}) is not rendered by diapo yet: the deck is built without it`,
        place,
        'marp',
      )
    // The frontmatter's directives hold for every slide, unless a comment changes them.
    let inherited: Record<string, string> = {}
    // `_name` in the frontmatter: for the first slide only.
    const firstSpot: Record<string, string> = {}
    for (const [key, { value, place }] of Object.entries(global)) {
      const name = key.replace(/^_/, '')
      if (readElsewhere.has(name) || (name === 'size' && marpSizes.has(String(value)))) continue
      if (key.startsWith('_')) {
        if (name in asSlideAttribute && value !== undefined && value !== null) firstSpot[name] = String(value)
        else if (value !== false && value !== undefined) unsupported(name, place)
        continue
      }
      if (name in asSlideAttribute && value !== undefined && value !== null) inherited[name] = String(value)
      else if (value !== false && value !== undefined) unsupported(name, place)
    }
    for (const [index, slide] of slidesOf(tree).entries()) {
      const spot: Record<string, string> = index === 0 ? { ...firstSpot } : {}
      const notes: Parameters<typeof notesOf>[0] = []
      slide.children = slide.children.filter((node) => {
        const body = commentText(node)
        if (body === undefined) return true
        const directives = readDirectives(body)
        if (!directives) {
          // Marp: a comment that is not a directive is a presenter note.
          notes.push({ text: body.trim(), position: node.position })
          return false
        }
        for (const [key, value] of Object.entries(directives)) {
          const local = key.startsWith('_')
          const name = local ? key.slice(1) : key
          if (readElsewhere.has(name) && name !== 'style') continue
          if (!(name in asSlideAttribute)) {
            unsupported(name, node.position?.start)
            continue
          }
          if (local) spot[name] = value
          else inherited = { ...inherited, [name]: value }
        }
        return false
      })
      const attributes = Object.fromEntries(
        Object.entries({ ...inherited, ...spot }).map(([name, value]) => [asSlideAttribute[name]!, cssUrl(value)]),
      )
      // `lead`, the class Marp's themes centre a slide with: diapo's title slide.
      if (attributes.class !== undefined && /(^|\s)lead(\s|$)/.test(attributes.class)) attributes.class += ' title'
      backgroundImages(slide, attributes, file)
      if (Object.keys(attributes).length > 0) {
        const directive: LeafDirective = { type: 'leafDirective', name: 'slide', attributes, children: [] }
        slide.children.unshift(directive)
      }
      if (notes.length > 0) slide.children.push(notesOf(notes))
      sizeImages(slide)
      fittingHeadings(slide, file)
    }
  }
}

/**
 * A comment's `key: value` lines, if every key is a Marp directive (`_` for
 * one slide); undefined if it is a note. Read line by line, not as YAML:
 * Marp decks write `backgroundColor: #123456`, a YAML comment.
 */
function readDirectives(body: string): Record<string, string> | undefined {
  const lines = body.split('\n').filter((line) => line.trim() !== '')
  const directives: Record<string, string> = {}
  for (const line of lines) {
    const match = /^\s*(_?[A-Za-z]+)\s*:\s*(.*?)\s*$/.exec(line)
    if (!match || !marpDirectives.has(match[1]!.replace(/^_/, ''))) return undefined
    directives[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2')
  }
  return lines.length > 0 ? directives : undefined
}

/** `url(photo.jpg)`, as Marp's `backgroundImage` is written: the path. */
function cssUrl(value: string): string {
  return /^\s*url\(\s*(['"]?)(.*?)\1\s*\)\s*$/.exec(value)?.[2] ?? value
}

/** `![bg …](…)`: the slide's background, taken off the slide; a split background stays an image, with a warning. */
function backgroundImages(slide: Slide, attributes: Record<string, string>, file: VFile) {
  const images: Array<{ image: Image; parent: Parent }> = []
  visit(slide, 'image', (image, _, parent) => {
    if (parent && /(^|\s)bg(\s|$)/.test(image.alt ?? '')) images.push({ image, parent })
  })
  let split: { image: Image; side: string; width: string } | undefined
  for (const [index, { image, parent }] of images.entries()) {
    const words = (image.alt ?? '').split(/\s+/)
    const filters = words.filter((word) =>
      /^(blur|brightness|contrast|drop-shadow|grayscale|hue-rotate|invert|opacity|saturate|sepia)(:|$)/.test(word),
    )
    if (filters.length > 0) {
      const named = filters.map((word) => `\`${word}\``).join(', ')
      const what = filters.length > 1 ? `filters ${named} are` : `filter ${named} is`
      warn(file, `Marp's image ${what} not rendered by diapo yet: the picture is shown as it is`, image, 'marp')
    }
    const side = words.map((word) => /^(left|right)(?::(\d+(?:\.\d+)?%))?$/.exec(word)).find(Boolean)
    if (index > 0 || words.some((word) => /^vertical$/.test(word))) {
      warn(
        file,
        "Marp's several backgrounds on a slide are not rendered by diapo yet: the image is shown on the slide instead",
        image,
        'marp',
      )
      image.alt = words.filter((word) => word !== 'bg' && word !== 'vertical' && !filters.includes(word)).join(' ')
      continue
    }
    if (side) {
      // `bg left:40%`: the image takes that share of the slide, beside the content, as two columns.
      image.alt = words
        .filter(
          (word) => word !== 'bg' && word !== side[0] && !filters.includes(word) && !/^(contain|cover|fit|auto|\d+(\.\d+)?%)$/.test(word),
        )
        .join(' ')
      split = { image, side: side[1]!, width: side[2] ?? '50%' }
      parent.children = (parent.children as RootContent[]).filter((child) => child !== image) as Parent['children']
      continue
    }
    attributes['background-image'] = image.url
    const size = words.find((word) => /^(contain|cover|fit|auto|\d+(\.\d+)?%)$/.test(word))
    if (size) attributes['background-size'] = size === 'fit' ? 'contain' : size
    parent.children = (parent.children as RootContent[]).filter((child) => child !== image) as Parent['children']
  }
  // A paragraph that held only the background is gone with it.
  slide.children = slide.children.filter(
    (node) => node.type !== 'paragraph' || node.children.some((child) => child.type !== 'text' || child.value.trim() !== ''),
  )
  if (split) {
    const picture = { children: [{ type: 'paragraph', children: [split.image] } as RootContent], width: split.width }
    const content = { children: slide.children }
    slide.children = [columnsOf(split.side === 'left' ? [picture, content] : [content, picture], 'marp-split')]
  }
}

/** `# <!--fit--> Title`, Marp's heading scaled to the slide's width: not done by diapo, said at its place (the comment shows nothing). */
function fittingHeadings(slide: Slide, file: VFile) {
  visit(slide, 'heading', (heading) => {
    heading.children = heading.children.filter((node) => {
      if (node.type !== 'html' || !/^<!--\s*fit\s*-->$/.test(node.value)) return true
      warn(
        file,
        "Marp's `<!--fit-->` heading (scaled to the slide's width) is not rendered by diapo yet: the heading keeps the theme's size",
        node,
        'marp',
      )
      return false
    })
  })
}

/**
 * `![w:300](…)`, `![height:200px](…)`: the image's size, the rest of the
 * words its alt text. A style, as Marp sets it (and as `{height=…}` does):
 * a `height` attribute loses to the theme's `height: auto`.
 */
function sizeImages(slide: Slide) {
  visit(slide, 'image', (image) => {
    if (!image.alt) return
    const sizes: string[] = []
    const words = image.alt.split(/\s+/).filter((word) => {
      const size = /^(w|width|h|height):(\d+(?:\.\d+)?)(px)?$/.exec(word)
      if (!size) return true
      sizes.push(`${size[1]!.startsWith('w') ? 'width' : 'height'}: ${size[2]!}px`)
      return false
    })
    if (sizes.length > 0) {
      image.alt = words.join(' ')
      const properties = ((image.data ??= {}).hProperties ??= {}) as Record<string, string>
      properties.style = [properties.style, ...sizes].filter(Boolean).join('; ')
    }
  })
}
