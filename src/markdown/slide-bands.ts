/**
 * Stages: a header, a footer and the slide's number, on every slide that
 * has them — the bands along the top and bottom edges of the canvas.
 *
 * ```markdown
 * ---
 * footer: "**diapo** · hello-docker"
 * slideNumber: true
 * ---
 *
 * # A title slide
 *
 * ::slide{footer="" slide-number=false}
 * ```
 *
 * `header:`, `footer:` (Markdown, one line) and `slideNumber:` in the
 * frontmatter hold for every slide; `::slide{header=… footer=…
 * slide-number=…}` changes them for one slide (an empty text takes the
 * band off it). The bands are written into each slide at build time, so
 * they are the same on screen and in the PDF, and on every part of a slide
 * split to fit (this stage runs after the fitting): the slide keeps room
 * for them (`diapo-banded`, see `themes/common/layout.css`), which its fit
 * is measured with. Numbers are given once the deck is whole
 * ({@link numberSlides}): a slide's place among the slides, skipping those
 * reveal.js does not count (`visibility="uncounted"`).
 */
import type { Element, Root as HastRoot } from 'hast'
import type { Paragraph, Root, RootContent } from 'mdast'
import type { Position } from 'unist'
import type { VFile } from 'vfile'
import type { DeckConfig } from '../config/deck-config.ts'
import { settingMarkdown } from './setting-markdown.ts'
import { bandAttributes, slidesOf } from './slide-attributes.ts'
import type { KeyPlace } from '../types.ts'

/** Put the deck's header, footer and number places into each slide that has them. */
export function slideBands(config: Pick<DeckConfig, 'header' | 'footer' | 'slideNumber'>) {
  return function (tree: Root, file: VFile): undefined {
    const places = file.data.frontmatter?.places
    for (const slide of slidesOf(tree)) {
      const properties = (slide.data ??= {}).hProperties ?? {}
      const own = (name: keyof typeof bandAttributes) => {
        const value = properties[bandAttributes[name]]
        delete properties[bandAttributes[name]]
        return value === undefined || value === null ? undefined : String(value)
      }
      const header = own('header')
      const footer = own('footer')
      const number = own('slide-number')
      // The slide's own setting where it has one (written at its `::slide`), else the deck's (at its frontmatter key).
      const band = (text: string | undefined, deck: string | undefined, key: 'header' | 'footer') =>
        text !== undefined ? text && bandNode(text, key, slide.data?.attributesAt) : deck && bandNode(deck, key, places?.[key])
      const bands: RootContent[] = []
      const top = band(header, config.header, 'header')
      const bottom = band(footer, config.footer, 'footer')
      if (top) bands.push(top)
      if (bottom) bands.push(bottom)
      if (number !== undefined ? !/^(false|no|off|0)$/i.test(number) : config.slideNumber) bands.push(numberPlace())
      if (bands.length === 0) continue
      slide.children.push(...bands)
      const classes = Array.isArray(properties.className) ? properties.className.map(String) : []
      slide.data.hProperties = { ...properties, className: [...classes, 'diapo-banded'] }
    }
  }
}

const bandClasses = new Set(['diapo-header', 'diapo-footer', 'diapo-slide-number'])

/** Whether `node` is a band this stage put into its slide. */
export function isBand(node: RootContent): boolean {
  const classes = node.type === 'paragraph' ? node.data?.hProperties?.className : undefined
  return Array.isArray(classes) && classes.some((name) => bandClasses.has(String(name)))
}

/** The text of a band, as Markdown (see setting-markdown.ts), in its `<div>`. */
function bandNode(text: string, key: 'header' | 'footer', at: KeyPlace | Position | undefined): Paragraph {
  return { type: 'paragraph', children: settingMarkdown(text, at), data: { hName: 'div', hProperties: { className: [`diapo-${key}`] } } }
}

/** Where the slide's number goes, filled once the deck is whole. */
function numberPlace(): Paragraph {
  return { type: 'paragraph', children: [], data: { hName: 'div', hProperties: { className: ['diapo-slide-number'] } } }
}

/** Stage, whole deck: each slide's number, in the places {@link slideBands} left for it. */
export function numberSlides() {
  return function (tree: HastRoot): undefined {
    let number = 0
    const sections = (nodes: HastRoot['children']): Element[] =>
      nodes.flatMap((node) => {
        if (node.type !== 'element' || node.tagName !== 'section') return []
        const inner = sections(node.children as HastRoot['children'])
        return inner.length > 0 ? inner : [node]
      })
    for (const section of sections(tree.children)) {
      const visibility = section.properties.dataVisibility ?? section.properties['data-visibility']
      if (visibility !== 'uncounted') number++
      for (const place of section.children) {
        if (place.type === 'element' && isNumberPlace(place)) place.children = [{ type: 'text', value: String(number) }]
      }
    }
  }
}

function isNumberPlace(element: Element): boolean {
  const classes = element.properties.className
  return Array.isArray(classes) && classes.includes('diapo-slide-number')
}
