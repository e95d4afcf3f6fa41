/**
 * Quarto's `format:` in a deck's frontmatter: the options of its reveal.js
 * output, which diapo's settings and reveal.js's options are.
 *
 * ```yaml
 * format:
 *   revealjs:
 *     slide-number: true      diapo's slideNumber
 *     footer: "A talk"        footer
 *     incremental: true       incremental
 *     css: custom.css         css
 *     theme: simple           theme
 *     transition: fade        reveal.js's `transition` (any of its options, in Quarto's kebab-case)
 * ```
 *
 * A deck with `format: revealjs` is Quarto's, and so pandoc's: it gets the
 * title slide pandoc makes (see `pandoc-title.ts`). What diapo does not
 * render (`logo`, `chalkboard`, another format, a `.scss` theme) is a
 * warning at `format`. From Quarto's documentation, "Revealjs options".
 */
import type { VFile } from 'vfile'
import type { DeckConfig } from '../../config/deck-config.ts'
import { plainOptions } from '../../config/reveal-options.ts'
import { warn } from '../../messages.ts'
import type { Frontmatter, KeyPlace } from '../../types.ts'
import { isRecord, revealValue } from './pandoc-title.ts'

/** Whether a frontmatter's `format` is Quarto's reveal.js output. */
export function isQuartoRevealjs(format: unknown): boolean {
  return format === 'revealjs' || (isRecord(format) && 'revealjs' in format)
}

/** Read Quarto's `format` into the deck's settings; `given` are the keys the frontmatter sets itself, which win. */
export function quartoFormat(format: unknown, place: KeyPlace, frontmatter: Frontmatter, given: Set<string>, file: VFile): void {
  const unread: string[] = []
  const outputs = typeof format === 'string' ? { [format]: undefined } : isRecord(format) ? format : {}
  for (const name of Object.keys(outputs)) if (name !== 'revealjs') unread.push(`format \`${name}\``)
  const options = isRecord(outputs.revealjs) ? outputs.revealjs : {}
  const values = frontmatter.values as Partial<Record<keyof DeckConfig, unknown>>
  const set = (name: keyof DeckConfig, value: unknown) => {
    if (given.has(name)) return
    values[name] = value
    frontmatter.places[name] = place
  }
  for (const [key, value] of Object.entries(options)) {
    const camel = key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())
    if (key === 'slide-number') {
      set('slideNumber', value !== false && value !== 'false')
      if (typeof value === 'string' && value !== 'true' && value !== 'false')
        unread.push(`\`slide-number: ${value}\` (numbers are shown alone)`)
    } else if ((key === 'footer' || key === 'css') && (typeof value === 'string' || Array.isArray(value))) set(key, value)
    else if (key === 'incremental' && typeof value === 'boolean') set('incremental', value)
    else if (key === 'theme') {
      const themes = (Array.isArray(value) ? value : [value]).map(String)
      const sass = themes.filter((name) => /\.s[ac]ss$/.test(name))
      const theme = themes.find((name) => !sass.includes(name))
      if (theme && theme !== 'default') set('theme', theme)
      for (const name of sass) unread.push(`Sass theme \`${name}\``)
    } else if (plainOptions.has(camel) && ['boolean', 'number', 'string'].includes(typeof value)) {
      frontmatter.values.reveal = { [camel]: revealValue(value), ...frontmatter.values.reveal }
      frontmatter.revealPlaces[camel] = place
    } else unread.push(`\`${key}\``)
  }
  if (unread.length > 0) {
    warn(
      file,
      `diapo does not render Quarto's ${unread.join(', ')}: the deck is built without ${unread.length > 1 ? 'them' : 'it'}`,
      place,
      'pandoc',
    )
  }
}
