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
import { warn } from '../messages.ts'
import { isScriptUrl } from '../html/raw-html.ts'
import type { Slide } from '../types.ts'

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
  'background-video': 'data-background-video',
  'background-video-loop': 'data-background-video-loop',
  'background-video-muted': 'data-background-video-muted',
  'background-iframe': 'data-background-iframe',
  'background-interactive': 'data-background-interactive',
  timing: 'data-timing',
  fit: 'data-fit',
}

/** The `::slide` attributes of the header, footer and slide number, kept on the slide for their stage (`slide-bands.ts`). */
export const bandAttributes = { header: 'data-diapo-header', footer: 'data-diapo-footer', 'slide-number': 'data-diapo-slide-number' }

/** What `fit` may say (see `fit-slides.ts`). */
const fitValues = ['split', 'shrink', 'none']

const imageExtension = /\.(?:avif|gif|jpe?g|png|svg|webp)$/i

/**
 * `data-*` attributes of reveal.js's that a slide keeps under `--safe`: plain
 * settings, and media it shows (their URLs checked). Others are dropped:
 * reveal.js shows `data-notes` as HTML in the speaker view, and
 * `data-background-iframe` runs a page in the deck.
 */
const safeData = new Set([
  ...Object.values(sectionAttributes).filter((name) => name.startsWith('data-') && !/iframe|interactive/.test(name)),
  'data-background-video-loop',
  'data-background-video-muted',
  'data-background-size',
  'data-autoslide',
  'data-auto-animate-id',
  'data-auto-animate-restart',
  'data-auto-animate-easing',
  'data-auto-animate-duration',
  'data-auto-animate-unmatched',
  'data-menu-title',
])

/** Options of {@link slideAttributes}. */
export interface SlideAttributesOptions {
  /** `--safe`: keep only attributes that cannot run code or load a page. */
  safe?: boolean | undefined
}

/** Move each `::slide` directive's attributes onto its slide's `<section>`. */
export function slideAttributes(options: SlideAttributesOptions = {}) {
  return function (tree: Root, file: VFile): undefined {
    for (const slide of slidesOf(tree)) {
      let split: SplitImage | undefined
      slide.children = slide.children.filter((node) => {
        if (node.type !== 'leafDirective' || node.name !== 'slide') return true
        split = applyAttributes(slide, node, file, options.safe ?? false) ?? split
        return false
      })
      // Made once the notes are gathered (see image-beside.ts).
      if (split) (slide.data as { splitImage?: SplitImage }).splitImage = split
    }
  }
}

/** `::slide{image-left="photo.png" alt="…" image-width="40%"}`: a picture beside the slide's content, made by image-beside.ts. */
export interface SplitImage {
  side: 'left' | 'right'
  url: string
  alt: string
  width: string
  place: LeafDirective['position']
}

/** Every slide of a split tree, stacked or not. */
export function slidesOf(tree: Root): Slide[] {
  return tree.children.flatMap((node) => (node.type === 'slide' ? [node] : node.type === 'slideStack' ? node.children : []))
}

function applyAttributes(slide: Slide, directive: LeafDirective, file: VFile, safe: boolean): SplitImage | undefined {
  if (directive.children.length > 0) {
    warn(file, 'Unexpected label on `::slide`: it takes only attributes, as in `::slide{class="title"}`', directive, 'slide-attribute')
  }
  const properties: Properties = ((slide.data ??= {}).hProperties ??= {})
  if (directive.position) slide.data.attributesAt = directive.position
  // A picture beside the content: its own settings, read before the others.
  const given = directive.attributes ?? {}
  const side = given['image-left'] ? 'left' : given['image-right'] ? 'right' : undefined
  const split: SplitImage | undefined = side && {
    side,
    url: String(given[`image-${side}`]),
    alt: String(given.alt ?? ''),
    width: /^\d+(\.\d+)?%$/.test(String(given['image-width'] ?? '')) ? String(given['image-width']) : '50%',
    place: directive.position,
  }
  for (const [written, value] of Object.entries(directive.attributes ?? {})) {
    if (value === null || value === undefined) continue
    if (['image-left', 'image-right', 'image-width', 'alt'].includes(written)) {
      if (!split)
        warn(file, `\`${written}\` on \`::slide\` goes with \`image-left\` or \`image-right\`; ignored`, directive, 'slide-attribute')
      continue
    }
    // reveal.js's own spelling (`data-background`, `data-transition`…, from its attribute comments and pandoc's
    // decks) is the same setting: read as diapo's, so the file it names is checked and copied.
    const alias = written.startsWith('data-') ? written.slice('data-'.length) : undefined
    const key = alias !== undefined && (alias === 'background' || alias in sectionAttributes) ? alias : written
    const name = key === 'background' ? 'background' : (sectionAttributes[key] ?? key)
    const image = name === 'background' || name === 'data-background-image'
    if (isScriptUrl(value, { image }) || (name === 'data-background-iframe' && /^\s*data:/i.test(value))) {
      const fate = safe ? 'dropped, as --safe asks' : 'build with --safe to drop it'
      warn(file, `\`${written}\` on \`::slide\` is a URL that runs code in the deck's page; ${fate}`, directive, 'raw-script')
      if (safe) continue
    }
    if (safe && name.startsWith('data-') && !safeData.has(name)) {
      const why = name === 'data-background-iframe' ? 'it runs another page inside the deck' : 'it is not one of the settings --safe keeps'
      warn(file, `\`${written}\` on \`::slide\` is dropped with --safe: ${why}`, directive, 'safe')
      continue
    }
    if (key === 'class') {
      const classes = Array.isArray(properties.className) ? properties.className : []
      properties.className = [...classes, ...value.split(/\s+/).filter(Boolean)].map(String)
    } else if (key === 'background') {
      properties[isImagePath(value) ? 'data-background-image' : 'data-background-color'] = value
    } else if (key === 'fit' && !fitValues.includes(value)) {
      warn(file, `Unknown fit \`${value}\` on \`::slide\`, ignored; expected one of: ${fitValues.join(', ')}`, directive, 'slide-attribute')
    } else if (key === 'color') {
      // A colour, nothing else: the value goes into the section's style.
      if (/^[#\w\s(),.%-]+$/.test(value) && !/url\s*\(/i.test(value)) {
        const style = typeof properties.style === 'string' ? `${properties.style}; ` : ''
        properties.style = `${style}color: ${value}; --r-heading-color: ${value}`
      } else
        warn(
          file,
          `\`color\` on \`::slide\` must be a CSS colour (\`#fff\`, \`white\`, \`rgb(…)\`), not \`${value}\`; ignored`,
          directive,
          'slide-attribute',
        )
    } else if (key in bandAttributes) {
      // Read by the bands' stage, after the slide is fitted (see slide-bands.ts).
      properties[bandAttributes[key as keyof typeof bandAttributes]] = value
    } else if (key in sectionAttributes) {
      properties[sectionAttributes[key]!] = value
    } else if (key.startsWith('data-')) {
      properties[key] = value
    } else {
      const known = [
        'class',
        'background',
        'color',
        'image-left',
        'image-right',
        ...Object.keys(bandAttributes),
        ...Object.keys(sectionAttributes),
      ].join(', ')
      warn(
        file,
        `Unknown attribute \`${written}\` on \`::slide\`, ignored; expected one of: ${known}, or a \`data-*\` attribute`,
        directive,
        'slide-attribute',
      )
    }
  }
  return split
}

function isImagePath(value: string): boolean {
  return imageExtension.test(value.split(/[?#]/)[0] ?? '') || /^(?:https?:|data:image\/)/.test(value)
}
