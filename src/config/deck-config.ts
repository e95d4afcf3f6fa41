/**
 * The deck's settings: what the first file's YAML frontmatter may say.
 * One interface, one default per field, one schema that checks both.
 */

/** Settings of a deck, read from the frontmatter of its first Markdown file. */
export interface DeckConfig {
  /** Title of the deck: the page `<title>`. Default: the first heading's text. */
  title: string | undefined
  /** Author(s), for `<meta name="author">`. Default: none. */
  author: string | undefined
  /** Date of the talk, free text, for `<meta name="dcterms.date">`. Default: none. */
  date: string | undefined
  /** One-sentence summary, for `<meta name="description">`. Default: none. */
  description: string | undefined
  /** Language of the content (BCP 47), for `<html lang>`. Default: `'en'`. */
  lang: string
  /** Theme: a name in `themes/`, a reveal.js theme name, or a path to a CSS file. Default: `'diapo'`. */
  theme: string
  /** Headings of this depth or less start a new slide (like pandoc's slide level). Default: `2`. */
  slideLevel: number
  /** Each `#` section becomes a vertical stack of its `##` slides. Default: `false`. */
  vertical: boolean
  /** Lists are revealed item by item. Default: `false`. */
  incremental: boolean
  /** Text (Markdown, one line) along the top of every slide; `::slide{header=…}` changes it for one. Default: none. */
  header: string | undefined
  /** Text (Markdown, one line) along the bottom of every slide; `::slide{footer=…}` changes it for one. Default: none. */
  footer: string | undefined
  /** Each slide's number in its bottom corner; `::slide{slide-number=false}` leaves it off one. Default: `false`. */
  slideNumber: boolean
  /** Stylesheets (paths from the Markdown file) added after the theme, to change it in a few lines. Default: none. */
  css: string | string[] | undefined
  /** Options passed to `Reveal.initialize`, over diapo's own defaults. Default: `{}`. */
  reveal: Record<string, unknown>
}

/** The settings a deck has when its frontmatter says nothing. */
export const defaultConfig: DeckConfig = {
  title: undefined,
  author: undefined,
  date: undefined,
  description: undefined,
  lang: 'en',
  theme: 'diapo',
  slideLevel: 2,
  vertical: false,
  incremental: false,
  header: undefined,
  footer: undefined,
  slideNumber: false,
  css: undefined,
  reveal: {},
}

/** Type of a value as the schema names it. */
type ValueKind = 'string' | 'strings' | 'boolean' | 'slide level' | 'map'

/** What each frontmatter key must hold. */
export const configSchema: Record<keyof DeckConfig, ValueKind> = {
  title: 'string',
  author: 'string',
  date: 'string',
  description: 'string',
  lang: 'string',
  theme: 'string',
  slideLevel: 'slide level',
  vertical: 'boolean',
  incremental: 'boolean',
  header: 'string',
  footer: 'string',
  slideNumber: 'boolean',
  css: 'strings',
  reveal: 'map',
}

/** `reveal` options diapo sets itself, before the author's `reveal:` map. */
export const revealDefaults: Readonly<Record<string, unknown>> = {
  width: 1280,
  height: 720,
  margin: 0.04,
  hash: true,
  transition: 'slide',
  // One page a slide in the PDF, always: a slide that could not be made to fit is cut at its canvas, marked.
  pdfMaxPagesPerSlide: 1,
}

/** The deck's canvas, in CSS pixels: diapo's, or what the deck's `reveal:` sets. */
export function canvasOf(config: Pick<DeckConfig, 'reveal'>): { width: number; height: number } {
  const options = { ...revealDefaults, ...config.reveal }
  return { width: Number(options.width) || 1280, height: Number(options.height) || 720 }
}

/** Whether `value` is of `kind`; dates and numbers are accepted where a string is expected. */
export function matchesKind(value: unknown, kind: ValueKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number'
    case 'strings':
      return typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string'))
    case 'boolean':
      return typeof value === 'boolean'
    case 'slide level':
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 6
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value)
  }
}

/** How the schema describes a kind in a message. */
export function describeKind(kind: ValueKind): string {
  switch (kind) {
    case 'string':
      return 'a text'
    case 'strings':
      return 'a path, or a list of paths'
    case 'boolean':
      return '`true` or `false`'
    case 'slide level':
      return 'a whole number from 1 to 6'
    case 'map':
      return 'a map of reveal.js options (`key: value` lines indented below it)'
  }
}

/** The closest of the `known` keys (default: the frontmatter's) to `key`, when one is a likely typo of it. */
export function suggestKey(key: string, knownKeys: readonly string[] = Object.keys(configSchema)): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const known of knownKeys) {
    const distance = editDistance(key.toLowerCase(), known.toLowerCase())
    if (distance < bestDistance) {
      best = known
      bestDistance = distance
    }
  }
  return bestDistance <= 2 ? best : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution)
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
