/**
 * Which theme a deck gets, and what is added after it: `--theme` over the
 * frontmatter's `theme:` (a name, or a CSS file), then Marp's `style:`,
 * the frontmatter's `css:` and `--css`. Loaded with the fonts the deck's
 * characters need (see `theme.ts`); every problem is a message on the
 * deck's first file.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { VFile } from 'vfile'
import { defaultConfig } from '../config/deck-config.ts'
import type { DeckFiles } from '../files/deck-files.ts'
import { withDiagramFiles } from '../markdown/collect-diagrams.ts'
import { shortcodeEmoji } from '../markdown/emoji-shortcodes.ts'
import { fail, warn } from '../messages.ts'
import { builtInTheme, isThemePath, loadTheme, themeNames, type LoadedTheme } from './theme.ts'

/** Themes of the tools decks come from, by name, for the warning when a deck names one (`default` is everyone's). */
const otherToolThemes: Record<string, string> = {
  gaia: 'Marp',
  uncover: 'Marp',
  seriph: 'Slidev',
  'apple-basic': 'Slidev',
  bricks: 'Slidev',
  shibainu: 'Slidev',
  default: 'Marp or Slidev',
}

/**
 * The deck's theme, loaded: `--theme` (a name, or a CSS file of the person
 * building's choosing), else the frontmatter's (a name, or a CSS file inside
 * the deck). Undefined, with the error on the first file, when it cannot be.
 */
export async function deckTheme(
  flag: string | undefined,
  setting: string,
  first: VFile,
  files: DeckFiles,
  characters: ReadonlySet<number>,
  css: { flag: readonly string[] | undefined; setting: string | string[] | undefined },
): Promise<LoadedTheme | undefined> {
  let name = flag ?? setting
  const place = flag ? undefined : first.data.frontmatter?.places.theme
  // A deck brought from another tool names that tool's theme: it is built in diapo's, and told so.
  if (!flag && !isThemePath(name) && !builtInTheme(name)) {
    const tool = otherToolThemes[name.toLowerCase()]
    warn(
      first,
      `Theme \`${name}\` is not one diapo has${tool ? ` (it is ${tool}'s)` : ''}: the deck is built with \`${defaultConfig.theme}\`; choose another with \`--theme\` or \`theme:\` (${themeNames().join(', ')}, or a CSS file)`,
      place,
      'unknown-theme',
    )
    name = defaultConfig.theme
  }
  let source = isThemePath(name) ? undefined : builtInTheme(name)
  let readable = files
  if (isThemePath(name) && flag) {
    source = path.resolve(name)
    readable = files.including(path.dirname(source))
  } else if (isThemePath(name)) {
    const resolved = await files.resolve(name, first.dirname ?? process.cwd())
    if (!resolved.ok) {
      fail(first, `Theme ${files.explain(name, resolved.path)}`, place, 'outside-deck')
      return undefined
    }
    source = resolved.path
  }
  if (!source || !existsSync(source)) {
    const names = themeNames().join(', ')
    const reason = isThemePath(name)
      ? `Theme file \`${name}\` not found; give the path to a CSS file, or one of ${names}`
      : `Unknown theme \`${name}\`; use one of ${names}, or a path to a CSS file`
    fail(first, reason, place, 'unknown-theme')
    return undefined
  }
  const extra = await extraStylesheets(css, first, files)
  if (!extra) return undefined
  const theme = await loadTheme(source, readable, { characters, extra })
  for (const warning of theme.warnings) warn(first, warning, place, 'theme')
  for (const error of theme.errors) fail(first, error, place, 'outside-deck')
  return theme.errors.length > 0 ? undefined : theme
}

/**
 * The stylesheets added after the theme: `--css` files (the user's, read
 * wherever they are) and the frontmatter's `css:` (the deck's, inside its
 * folder, as every file it names). Undefined when one cannot be read.
 */
async function extraStylesheets(
  css: { flag: readonly string[] | undefined; setting: string | string[] | undefined },
  first: VFile,
  files: DeckFiles,
): Promise<Array<{ source: string; files: DeckFiles; text?: string }> | undefined> {
  const place = first.data.frontmatter?.places.css
  const sheets: Array<{ source: string; files: DeckFiles; text?: string }> = []
  // Marp's `style:`: CSS for the deck, written in its frontmatter; its urls are the deck's files.
  const marpStyle = first.data.frontmatter?.marp?.style?.value
  if (typeof marpStyle === 'string') sheets.push({ source: `${first.path}#style`, files, text: marpStyle })
  let ok = true
  for (const written of [css.setting ?? []].flat()) {
    const resolved = await files.resolve(written, first.dirname ?? process.cwd())
    if (!resolved.ok) {
      fail(first, `Stylesheet ${files.explain(written, resolved.path)}`, place, 'outside-deck')
      ok = false
    } else if (!existsSync(resolved.path)) {
      fail(
        first,
        `Stylesheet \`${written}\` not found: looked for ${resolved.path}; the path is relative to this Markdown file`,
        place,
        'css',
      )
      ok = false
    } else sheets.push({ source: resolved.path, files })
  }
  for (const written of css.flag ?? []) {
    const source = path.resolve(written)
    if (!existsSync(source)) {
      fail(first, `Stylesheet \`${written}\` (--css) not found: looked for ${source}`, undefined, 'css')
      ok = false
    } else sheets.push({ source, files: files.including(path.dirname(source)) })
  }
  return ok ? sheets : undefined
}

/**
 * Every character of the deck's Markdown and diagram sources, by code
 * point, and the emoji of its shortcodes: which font subsets it needs.
 */
export async function charactersOf(files: readonly VFile[]): Promise<Set<number>> {
  const characters = new Set<number>()
  const add = (text: string) => {
    for (const character of text) characters.add(character.codePointAt(0)!)
  }
  for (const file of withDiagramFiles([...files])) {
    const text = String(file.value)
    add(text)
    for (const emoji of await shortcodeEmoji(text)) add(emoji)
  }
  return characters
}
