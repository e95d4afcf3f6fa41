/**
 * Module augmentation: the nodes and file data that diapo adds to unified's
 * types, so that no stage needs a cast to read them.
 */
import type { Parent, RootContent } from 'mdast'
import type { Point, Position } from 'unist'
import type { VFile } from 'vfile'
import type { DeckConfig } from './config/deck-config.ts'

/** One slide: becomes a reveal.js `<section>`. */
export interface Slide extends Parent {
  type: 'slide'
  children: RootContent[]
}

/** A vertical stack of slides: a `<section>` of `<section>`s. */
export interface SlideStack extends Parent {
  type: 'slideStack'
  children: Slide[]
}

/** A Mermaid diagram's place in a slide: a `<figure>` that receives its SVG. */
export interface DiagramNode extends Parent {
  type: 'diagram'
  children: []
}

/** A diagram found in the Markdown, with where its source text is. */
export interface DiagramSource {
  /** The Mermaid text. */
  source: string
  /** Accessible name of the diagram: the image's alt text. */
  alt: string | undefined
  /** Identifies the diagram's `<figure>` in the HTML (a hash of source and alt). */
  ref: string
  /** The file holding the Mermaid text: the Markdown file, or the `.mmd` file. */
  file: VFile
  /** Line and column, in `file`, of the Mermaid text's first line. */
  line: number
  column: number
}

/** A file that the deck needs beside its HTML, such as an image. */
export interface Asset {
  /** Absolute path of the file to copy. */
  source: string
  /** Path inside the output folder, with `/` separators. */
  output: string
}

/** Where a frontmatter key was written. */
export interface KeyPlace {
  line: number
  column: number
}

/** What a file's YAML frontmatter said, with where it said it. */
/** The tools whose decks diapo reads (see `dialect:`). */
export const dialects = ['diapo', 'marp', 'slidev', 'reveal-md', 'pandoc'] as const
export type Dialect = (typeof dialects)[number]

export interface Frontmatter {
  values: Partial<DeckConfig>
  places: Partial<Record<keyof DeckConfig, KeyPlace>>
  /** Where each key of the `reveal:` map was written. */
  revealPlaces: Record<string, KeyPlace>
  /** A deck written for Marp (`marp: true`): its global directives, as written (see `marp-directives.ts`). */
  marp?: Record<string, { value: unknown; place: KeyPlace }>
  /** reveal-md's settings (`separator`, `verticalSeparator`, …), as written (see `reveal-md.ts`). */
  revealMd?: Record<string, { value: unknown; place: KeyPlace }>
  /** A Slidev deck's headmatter settings diapo's own frontmatter does not have, as written (see `slidev.ts`). */
  slidev?: Record<string, { value: unknown; place: KeyPlace }>
  /** A deck written for pandoc (see `pandoc-title.ts`): its metadata diapo's frontmatter does not have, as written. */
  pandoc?: Record<string, { value: unknown; place: KeyPlace }>
  /** Whether the file is written for pandoc: `dialect: pandoc`, a `%` title block, or a key only pandoc reads. */
  pandocDeck?: boolean
  /** The tool the deck is written for, as its `dialect:` says; found from its syntax when not given. */
  dialect?: Dialect
  /** Whether the file is a Slidev deck, as `slidev.ts` found. */
  slidevDeck?: boolean
  /** Whether the frontmatter has reveal-md's `revealOptions` (read as `reveal:`): the deck is reveal-md's. */
  revealOptions?: boolean
}

declare module 'mdast' {
  interface RootContentMap {
    slide: Slide
    slideStack: SlideStack
    diagram: DiagramNode
  }
}

declare module 'unist' {
  interface Data {
    /** Where a slide's `::slide` attributes were written: messages about them go there. */
    attributesAt?: Position
  }
}

declare module 'vfile' {
  interface DataMap {
    /** Settings read from this file's frontmatter (see `frontmatter.ts`). */
    frontmatter: Frontmatter
    /** Files this Markdown file refers to, to copy into the output. */
    assets: Asset[]
    /** The file has math, rendered by KaTeX: the deck needs KaTeX's stylesheet and fonts (see `render-math.ts`); how much came from the cache. */
    math: { cached: number; rendered: number }
    /** Mermaid diagrams of this Markdown file, in order. */
    diagrams: DiagramSource[]
    /** Size of the file as read, in bytes. */
    bytes: number
    /** In a course, its links to a slide of another deck: checked once every deck is built (see `build-course.ts`). */
    courseAnchors: Array<{ deck: string; anchor: string; url: string; place: Point | undefined }>
  }
}
