/**
 * Stage: read and check a file's YAML frontmatter against the settings schema.
 *
 * Problems name the key's own line and column: an unknown key is a warning
 * (with a suggestion when it looks like a typo), a wrong type an error.
 */
import type { Root } from 'mdast'
import type { VFile } from 'vfile'
import { LineCounter, isMap, isScalar, parseDocument } from 'yaml'
import { configSchema, describeKind, matchesKind, suggestKey, type DeckConfig } from '../config/deck-config.ts'
import { marpDirectives, marpSizes } from './dialects/marp-directives.ts'
import { revealMdKeys } from './dialects/reveal-md.ts'
import { pandocKeys, isRecord, revealValue } from './dialects/pandoc-title.ts'
import { isQuartoRevealjs, quartoFormat } from './dialects/quarto-format.ts'
import { plainOptions } from '../config/reveal-options.ts'
import { slidevKeys } from './dialects/slidev.ts'
import { fail, warn } from '../messages.ts'
import { dialects, type Dialect, type Frontmatter, type KeyPlace } from '../types.ts'

/** Most frontmatter diapo reads, in characters. */
const maxFrontmatter = 64 * 1024

/** Marp's directives no other tool has in its frontmatter: a deck that has one is Marp's. */
const marpOnlyDirectives = new Set([
  'paginate',
  'headingDivider',
  'backgroundColor',
  'backgroundImage',
  'backgroundPosition',
  'backgroundRepeat',
  'backgroundSize',
])

/** A Marp directive, or one of its spot directives (`_paginate`, for one slide). */
function isMarpKey(key: string): boolean {
  return marpDirectives.has(key.replace(/^_/, ''))
}

/** Parse the frontmatter into `file.data.frontmatter`. */
export function readFrontmatter() {
  return function (tree: Root, file: VFile): undefined {
    const node = tree.children.find((child) => child.type === 'yaml')
    const frontmatter: Frontmatter = { values: {}, places: {}, revealPlaces: {} }
    file.data.frontmatter = frontmatter
    if (!node) pandocTitleBlock(tree, file, frontmatter)
    if (!node || node.type !== 'yaml' || !node.position) return

    // The YAML starts on the line after the opening `---`.
    const firstLine = node.position.start.line + 1
    // Settings are a few lines; reading a huge map takes the YAML library minutes (it compares every key with every other).
    if (node.value.length > maxFrontmatter) {
      const size = `${Math.round(node.value.length / 1024)} KB`
      fail(
        file,
        `The frontmatter is ${size}, more than the ${maxFrontmatter / 1024} KB of settings diapo reads; keep it to settings`,
        node,
        'frontmatter-yaml',
      )
      return
    }
    const lineCounter = new LineCounter()
    const document = parseDocument(node.value, { lineCounter, prettyErrors: false, uniqueKeys: true })
    const placeOf = (offset: number): KeyPlace => {
      const { line, col } = lineCounter.linePos(offset)
      return { line: firstLine + line - 1, column: col }
    }

    // The first error: the ones after it mostly follow from it.
    for (const error of document.errors.slice(0, 1)) {
      fail(
        file,
        `Invalid YAML in frontmatter: ${error.message.split('\n')[0]}; fix the YAML between the \`---\` lines`,
        placeOf(error.pos[0]),
        'frontmatter-yaml',
      )
    }
    if (document.errors.length > 0) return
    if (document.contents === null) return
    if (!isMap(document.contents)) {
      fail(
        file,
        'Frontmatter must be `key: value` lines, such as `title: My talk`',
        placeOf(document.contents.range?.[0] ?? 0),
        'frontmatter-yaml',
      )
      return
    }

    let values: Record<string, unknown>
    try {
      // The yaml library refuses aliases that expand exponentially (a "billion laughs"): the file's fault, not diapo's.
      values = document.toJS({ maxAliasCount: 100 }) as Record<string, unknown>
    } catch (error) {
      fail(
        file,
        `Frontmatter YAML cannot be read: ${(error as Error).message}; write the values out instead of repeating them through \`&anchor\` and \`*alias\``,
        { line: firstLine, column: 1 },
        'frontmatter-yaml',
      )
      return
    }
    // `dialect:` names the tool the deck is written for, over what its syntax suggests.
    const dialectPair = document.contents.items.find((pair) => isScalar(pair.key) && pair.key.value === 'dialect')
    if (dialectPair) {
      const place = placeOf(isScalar(dialectPair.key) ? (dialectPair.key.range?.[0] ?? 0) : 0)
      if ((dialects as readonly unknown[]).includes(values.dialect)) frontmatter.dialect = values.dialect as Dialect
      else fail(file, `\`dialect\` must be one of ${dialects.join(', ')}, not ${JSON.stringify(values.dialect)}`, place, 'frontmatter-type')
    }
    // A Marp deck (`marp: true`): its directives are read by the Marp stage, not warned of as unknown keys.
    // Marp CLI reads any Markdown as Marp (`marp: true` is for Marp's editor extension): a directive only Marp has says so too.
    const marpOnly = Object.keys(values).some((key) => marpOnlyDirectives.has(key) || (key.startsWith('_') && isMarpKey(key)))
    const isMarp = frontmatter.dialect === 'marp' || (frontmatter.dialect === undefined && (values.marp === true || marpOnly))
    const marp: Frontmatter['marp'] = isMarp ? (frontmatter.marp = {}) : undefined
    // A pandoc deck: `dialect: pandoc`, or metadata only pandoc reads; its reveal.js variables are options.
    const pandocOnly = Object.keys(values).some((key) => pandocKeys.has(key)) || isQuartoRevealjs(values.format)
    frontmatter.pandocDeck = frontmatter.dialect === 'pandoc' || (frontmatter.dialect === undefined && !isMarp && pandocOnly)
    for (const pair of document.contents.items) {
      const keyNode = pair.key
      const written = isScalar(keyNode) ? String(keyNode.value) : String(keyNode)
      // reveal-md's `revealOptions` is diapo's `reveal`, pandoc's `slide-level` its `slideLevel` (unless the deck has both).
      const key =
        written === 'revealOptions' && !('reveal' in values)
          ? 'reveal'
          : written === 'slide-level' && !('slideLevel' in values)
            ? 'slideLevel'
            : written
      const place = placeOf(isScalar(keyNode) ? (keyNode.range?.[0] ?? 0) : 0)
      if (key === 'dialect') continue
      if (written === 'revealOptions') frontmatter.revealOptions = true
      if (key === 'format' && frontmatter.pandocDeck) {
        quartoFormat(values.format, place, frontmatter, new Set(Object.keys(values)), file)
        continue
      }
      // Slidev's `css` names its CSS engine (`unocss`), not a stylesheet (reveal-md's `css` is one, as diapo's is).
      if (key === 'css' && (values.css === 'unocss' || values.css === 'windicss')) {
        ;(frontmatter.slidev ??= {})[key] = { value: values[key], place }
        continue
      }
      if (revealMdKeys.has(key)) {
        ;(frontmatter.revealMd ??= {})[key] = { value: values[key], place }
        continue
      }
      if (frontmatter.pandocDeck && pandocKeys.has(key)) {
        ;(frontmatter.pandoc ??= {})[key] = { value: values[key], place }
        if (key === 'pagetitle' && values.title === undefined && typeof values[key] === 'string') frontmatter.values.title = values[key]
        continue
      }
      // pandoc passes its variables of reveal.js's options' names to reveal.js: its plain settings are `reveal:` options.
      if (frontmatter.pandocDeck && !(key in configSchema) && plainOptions.has(key)) {
        frontmatter.values.reveal = { ...frontmatter.values.reveal, [key]: revealValue(values[key]) }
        frontmatter.revealPlaces[key] = place
        continue
      }
      if (!marp && !(key in configSchema) && slidevKeys.has(key)) {
        ;(frontmatter.slidev ??= {})[key] = { value: values[key], place }
        continue
      }
      // Marp's spot directives in the frontmatter (`_paginate: false`) hold for the first slide (see marp-directives.ts).
      if (marp && key !== 'theme' && (key === 'marp' || isMarpKey(key))) {
        marp[key] = { value: values[key], place }
        continue
      }
      if (!(key in configSchema)) {
        const suggestion = suggestKey(key)
        const hint = suggestion ? `; did you mean \`${suggestion}\`?` : `; known keys: ${Object.keys(configSchema).join(', ')}`
        warn(file, `Unknown frontmatter key \`${key}\`, ignored${hint}`, place, 'frontmatter-key')
        continue
      }
      const name = key as keyof DeckConfig
      const given = values[written]
      // Several authors as a list, as pandoc and Quarto decks write them: one line, as the `%` block's `Ana; Luis` is.
      const authors = name === 'author' ? readAuthors(given) : undefined
      const value = authors ? authors.names : given
      if (authors && authors.affiliations.length > 0 && frontmatter.pandocDeck && values.institute === undefined) {
        // Quarto's authors with their affiliations: the title slide's institute line, as pandoc's `institute` is.
        ;(frontmatter.pandoc ??= {}).institute = { value: authors.affiliations.join('; '), place }
      } else if (authors && authors.affiliations.length > 0) authors.unshown.unshift('affiliation')
      if (authors && authors.unshown.length > 0) {
        const fields = [...new Set(authors.unshown)].map((field) => `\`${field}\``).join(', ')
        warn(
          file,
          `diapo does not show the authors' ${fields}: only their names (on the title slide and in the PDF's metadata)`,
          place,
          'frontmatter-key',
        )
      }
      const kind = configSchema[name]
      if (!matchesKind(value, kind)) {
        fail(file, `Frontmatter \`${key}\` must be ${describeKind(kind)}, not ${JSON.stringify(value)}`, place, 'frontmatter-type')
        continue
      }
      ;(frontmatter.values as Record<string, unknown>)[name] = typeof value === 'number' && kind === 'string' ? String(value) : value
      frontmatter.places[name] = place
      if (name === 'reveal' && isMap(pair.value)) {
        for (const option of pair.value.items) {
          if (isScalar(option.key)) frontmatter.revealPlaces[String(option.key.value)] = placeOf(option.key.range?.[0] ?? 0)
        }
      }
    }
    // Marp's `size: 4:3`: a canvas of that shape (unless the deck's `reveal:` says otherwise).
    const size = marp && marpSizes.get(String(marp.size?.value))
    if (size) frontmatter.values.reveal = { ...size, ...frontmatter.values.reveal }
    // Marp splits slides at `---` only, or at the headings `headingDivider` names.
    if (marp && frontmatter.values.slideLevel === undefined) {
      const divider = marp.headingDivider?.value
      frontmatter.values.slideLevel = typeof divider === 'number' && divider >= 1 && divider <= 6 ? divider : 0
    }
  }
}

/**
 * The authors as pandoc and Quarto write them: a name, a list of names, or
 * (Quarto) each a map with its `name` (a text, or `literal`, or `given`
 * and `family`), `affiliation(s)` and other details. Undefined when
 * `given` is none of these.
 */
function readAuthors(given: unknown): { names: string; affiliations: string[]; unshown: string[] } | undefined {
  const affiliations: string[] = []
  const unshown: string[] = []
  const nameOf = (author: unknown): string | undefined => {
    if (typeof author === 'string') return author
    if (!isRecord(author)) return undefined
    for (const [field, value] of Object.entries(author)) {
      if (field === 'affiliation' || field === 'affiliations') {
        for (const affiliation of Array.isArray(value) ? value : [value]) {
          const named = typeof affiliation === 'string' ? affiliation : isRecord(affiliation) ? affiliation.name : undefined
          if (typeof named === 'string' && !affiliations.includes(named)) affiliations.push(named)
        }
      } else if (field !== 'name') unshown.push(field)
    }
    const name = author.name
    if (typeof name === 'string') return name
    if (!isRecord(name)) return undefined
    if (typeof name.literal === 'string') return name.literal
    const parts = [name.given, name.family].filter((part) => typeof part === 'string')
    return parts.length > 0 ? parts.join(' ') : undefined
  }
  const names = (Array.isArray(given) ? given : [given]).map(nameOf)
  if (names.some((name) => name === undefined)) return undefined
  return { names: names.join(', '), affiliations, unshown }
}

/**
 * pandoc's title block: `%` lines at the very top of a file without YAML —
 * the title, the authors (`;` between them) and the date, each of which may
 * be left empty — read as the frontmatter's `title`, `author` and `date`,
 * and taken off the slides (it showed as a slide of its own).
 */
function pandocTitleBlock(tree: Root, file: VFile, frontmatter: Frontmatter): void {
  const first = tree.children[0]
  const start = first?.position?.start
  const end = first?.position?.end
  if (first?.type !== 'paragraph' || start?.offset !== 0 || end?.offset === undefined) return
  const lines = String(file.value).slice(0, end.offset).split(/\r?\n/)
  if (!lines.every((line) => line.startsWith('%') || /^\s/.test(line))) return
  // A line starting with a space goes on the line before it.
  const fields: Array<{ text: string; line: number }> = []
  lines.forEach((line, index) => {
    if (line.startsWith('%')) fields.push({ text: line.slice(1).trim(), line: index + 1 })
    else if (fields.length > 0) fields.at(-1)!.text += ` ${line.trim()}`
  })
  const keys = ['title', 'author', 'date'] as const
  for (const [index, key] of keys.entries()) {
    const field = fields[index]
    if (!field?.text) continue
    frontmatter.values[key] = key === 'author' ? field.text.split(/\s*;\s*/).join(', ') : field.text
    frontmatter.places[key] = { line: field.line, column: 1 }
  }
  tree.children.shift()
  frontmatter.pandocDeck = true
}
