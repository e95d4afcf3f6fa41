/**
 * Stage: a deck written for pandoc (`pandoc -t revealjs`) gets the title
 * slide pandoc makes from its metadata — the title, subtitle, authors,
 * institute and date, with `title-slide-attributes` as the slide's
 * (`data-background-image: photo.png`) — before its first slide, as pandoc
 * does whenever a deck has a `title`. Its metadata diapo does not render
 * (`bibliography`, `header-includes`, …) is a warning at its key.
 *
 * Which decks are pandoc's: `dialect: pandoc`, a `%` title block, or a key
 * only pandoc reads (`subtitle`, `institute`, `title-slide-attributes`, …)
 * — see `frontmatter.ts`. Their reveal.js variables at the top level
 * (`transition: fade`, `controls: "false"`) are reveal.js's options there.
 *
 * From pandoc's manual ("Producing slide shows with pandoc", "Variables for
 * HTML slides") and its `default.revealjs` template.
 */
import type { LeafDirective } from 'mdast-util-directive'
import type { Heading, Paragraph, Root, RootContent } from 'mdast'
import type { Position } from 'unist'
import type { VFile } from 'vfile'
import { warn } from '../../messages.ts'
import { positionAt, settingMarkdown } from '../setting-markdown.ts'
import type { KeyPlace } from '../../types.ts'

/** Metadata only pandoc reads: a deck that has one is pandoc's. The first ones are rendered here; the rest are warned of. */
export const pandocKeys = new Set([
  'subtitle',
  'institute',
  'title-slide-attributes',
  'pagetitle',
  'bibliography',
  'nocite',
  'csl',
  'link-citations',
  'header-includes',
  'include-before',
  'include-after',
  'revealjs-url',
  'title-prefix',
  'toc',
  'toc-title',
  'toc-depth',
  'abstract',
  'keywords',
  'parallaxBackgroundImage',
  'parallaxBackgroundSize',
  'parallaxBackgroundHorizontal',
  'parallaxBackgroundVertical',
])
const rendered = new Set(['subtitle', 'institute', 'title-slide-attributes', 'pagetitle'])

/** A pandoc variable's value as reveal.js reads it: `"false"` a boolean, `"0.2"` a number. */
export function revealValue(value: unknown): unknown {
  if (value === 'true' || value === 'false') return value === 'true'
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value)
  return value
}

/** Put pandoc's title slide before the first slide of a pandoc deck with a title; warn of the metadata it does not render. */
export function pandocTitle() {
  return function (tree: Root, file: VFile): undefined {
    const frontmatter = file.data.frontmatter
    if (!frontmatter?.pandocDeck) return
    const metadata = frontmatter.pandoc ?? {}
    for (const [key, { place }] of Object.entries(metadata)) {
      if (!rendered.has(key)) warn(file, `pandoc's \`${key}\` is not rendered by diapo: the deck is built without it`, place, 'pandoc')
    }
    // A title from `pagetitle` names the page, not a slide (nor does it in pandoc).
    const title = frontmatter.values.title
    if (title === undefined || frontmatter.places.title === undefined) return
    const at = (place: KeyPlace | undefined): Position | undefined => place && positionAt(place)
    const line = (text: string, className: string, place: KeyPlace | undefined): Paragraph => ({
      type: 'paragraph',
      children: settingMarkdown(text, place),
      data: { hProperties: { className: [className] } },
    })
    const titlePlace = frontmatter.places.title
    const heading: Heading = { type: 'heading', depth: 1, children: settingMarkdown(title, titlePlace), position: at(titlePlace) }
    const attributes: Record<string, string> = { class: 'title', id: 'title-slide' }
    const slideAttributes = metadata['title-slide-attributes']
    if (isRecord(slideAttributes?.value)) {
      for (const [name, value] of Object.entries(slideAttributes.value)) attributes[name] = String(value)
    }
    const directive: LeafDirective = {
      type: 'leafDirective',
      name: 'slide',
      attributes,
      children: [],
      position: at(slideAttributes?.place ?? titlePlace),
    }
    const text = (key: string) => {
      const value = metadata[key]?.value
      return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
    }
    const slide: RootContent[] = [heading, directive]
    const subtitle = text('subtitle')
    if (subtitle) slide.push(line(subtitle, 'subtitle', metadata.subtitle?.place))
    const author = frontmatter.values.author
    if (author) slide.push(line(author, 'author', frontmatter.places.author))
    const institute = text('institute')
    if (institute) slide.push(line(institute, 'institute', metadata.institute?.place))
    const date = frontmatter.values.date
    if (date) slide.push(line(date, 'date', frontmatter.places.date))
    // After the frontmatter, before the first slide.
    const first = tree.children.findIndex((node) => node.type !== 'yaml')
    tree.children.splice(first === -1 ? tree.children.length : first, 0, ...slide)
  }
}

/** Whether a YAML value is a map. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
