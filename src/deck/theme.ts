/**
 * Themes: find the CSS of a theme and gather the files it needs.
 *
 * A theme is a name in diapo's `themes/`, a reveal.js theme name, or a path
 * to a CSS file. `url()`s in it — relative, or `~package/file` from npm —
 * are copied into the output under content-hashed names, and local
 * `@import`s are inlined, so the deck needs no network and no system font.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { DeckFiles } from '../files/deck-files.ts'
import { isRemoteUrl, offlineUrl } from './offline-css.ts'
import { packageDir, packageRoot } from '../packages.ts'
import type { Asset } from '../types.ts'

/** A theme ready to be written: its CSS with rewritten urls, and the files it refers to. */
export interface LoadedTheme {
  /** Where the theme's CSS was read from. */
  source: string
  /** Path of the CSS in the output folder. */
  output: string
  css: string
  assets: Asset[]
  /** Things worth telling the author, such as a font from the web that was left out. */
  warnings: string[]
  /** What fails the build: a file the theme names outside the folders it may read. */
  errors: string[]
  /** The CSS files read: the theme and every file it imports. */
  sources: string[]
  /**
   * What the theme is, whichever characters the deck uses: a hash of the
   * CSS read. The output's CSS holds only the font subsets the deck needs,
   * so it changes with the deck's text; what is drawn with it does not.
   */
  identity: string
}

const themesDir = path.join(packageRoot, 'themes')

function revealThemesDir(): string {
  return path.join(packageDir('reveal.js'), 'dist', 'theme')
}

/** A theme of diapo's or of reveal.js's, by name: its CSS file, or undefined when there is none. */
export function builtInTheme(name: string): string | undefined {
  if (!/^[\w.-]+$/.test(name)) return undefined
  for (const dir of [themesDir, revealThemesDir()]) {
    const file = path.join(dir, `${name}.css`)
    if (existsSync(file)) return file
  }
  return undefined
}

/** Whether a theme setting names a CSS file rather than a theme. */
export function isThemePath(name: string): boolean {
  return /[\\/]|\.css$/i.test(name)
}

/** Names of the built-in themes: diapo's first, then reveal.js's. */
export function themeNames(): string[] {
  const names = (dir: string) =>
    readdirSync(dir)
      .filter((file) => file.endsWith('.css'))
      .map((file) => file.slice(0, -4))
      .sort()
  return [...names(themesDir), ...names(revealThemesDir())]
}

/**
 * The blocks diapo's fallback fonts are for: emoji (as Twemoji's range in
 * themes/common/fonts.css), and the scripts and punctuation of Chinese,
 * Japanese and Korean.
 */
const fallbackBlocks: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x11ff], // Hangul Jamo
  [0x2122, 0x2122], // ™, drawn as an emoji
  [0x2139, 0x2139],
  [0x2194, 0x21aa],
  [0x231a, 0x23ff],
  [0x24c2, 0x24c2],
  [0x25aa, 0x27bf],
  [0x2934, 0x2935],
  [0x2b05, 0x2b55],
  [0x2e80, 0x9fff], // CJK radicals, punctuation, kana, Hangul compatibility, ideographs
  [0xa960, 0xa97f], // Hangul Jamo extended
  [0xac00, 0xd7ff], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe30, 0xfe4f], // CJK compatibility forms
  [0xff00, 0xffef], // full- and half-width forms
  [0x1f000, 0x1faff], // emoji
  [0x20000, 0x3134f], // CJK extensions
]

function inFallbackBlocks(code: number): boolean {
  return fallbackBlocks.some(([low, high]) => code >= low && code <= high)
}

/** diapo's fallback fonts (emoji, CJK), and its layout rules, added to every theme. */
const fallbackFonts = path.join(themesDir, 'common', 'fonts.css')
const layoutRules = path.join(themesDir, 'common', 'layout.css')

/**
 * Read a theme's CSS and collect the files its `url()`s point at. A
 * built-in theme may read its own folder; any theme may read files of npm
 * packages (`~package/file`) and those `files` allows. diapo's fallback
 * fonts are added to it; of every font with a `unicode-range`, only the
 * subsets holding one of `characters` (the deck's) are kept.
 */
export async function loadTheme(
  source: string,
  files: DeckFiles,
  options: {
    characters?: ReadonlySet<number> | undefined
    /** Stylesheets added after the theme (`css:`, `--css`), each with the files it may read. */
    extra?: ReadonlyArray<{ source: string; files: DeckFiles; text?: string }> | undefined
  } = {},
): Promise<LoadedTheme> {
  const builtIn = [themesDir, revealThemesDir()].some((dir) => path.dirname(source) === dir)
  const context: Context = {
    assets: new Map(),
    warnings: [],
    errors: [],
    seen: new Set(),
    read: [],
    files: builtIn ? files.including(path.dirname(source)) : files,
    characters: options.characters,
  }
  const theme = await inlineCss(source, context)
  // The fallback fonts are for emoji and for Chinese, Japanese and Korean: their subsets are copied only for
  // characters of those blocks, not for a digit an emoji set also has or an arrow a CJK font also has (the
  // theme's own fonts, or the system's, draw those; the glyph check says if none does).
  const forFallback = options.characters && new Set([...options.characters].filter(inFallbackBlocks))
  // A deck without any (most) need not even read the fallback fonts' CSS: ~15–40 ms of a build.
  const fallback =
    forFallback?.size === 0
      ? ''
      : await inlineCss(fallbackFonts, {
          ...context,
          files: new DeckFiles([path.dirname(fallbackFonts)]),
          characters: forFallback,
          covered: new Set(),
        })
  const layout = await inlineCss(layoutRules, { ...context, files: new DeckFiles([path.dirname(layoutRules)]) })
  // A theme that does not colour code (reveal.js's own do not) gets highlight.js's GitHub colours, light or dark as it is.
  const codeColours = /\.hljs\b/.test(context.read.join('\n'))
    ? ''
    : await inlineCss(path.join(packageDir('highlight.js'), 'styles', isDark(theme) ? 'github-dark.css' : 'github.css'), {
        ...context,
        files: new DeckFiles([packageDir('highlight.js')]),
      })
  // Last, so that a few lines of the deck's own change what the theme and diapo's rules set.
  const extra: string[] = []
  for (const sheet of options.extra ?? []) extra.push(await inlineCss(sheet.source, { ...context, files: sheet.files }, sheet.text))
  const css = `${fallback}\n${theme}\n${codeColours}${fallbackStacks(theme)}${layout}${extra.map((text) => `\n${text}`).join('')}`
  const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 10)
  return {
    source,
    output: `assets/theme-${hash(css)}.css`,
    css,
    assets: [...context.assets.values()],
    warnings: context.warnings,
    errors: context.errors,
    sources: [...context.seen],
    identity: hash(context.read.join('\n')),
  }
}

/**
 * Whether the theme's background is dark: the last `--r-background-color`
 * it sets (every reveal.js theme sets one), as a hex or rgb() colour.
 */
function isDark(css: string): boolean {
  const value = [...css.matchAll(/--r-background-color\s*:\s*([^;}]+)/g)].at(-1)?.[1]?.trim() ?? ''
  let rgb: number[] | undefined
  const hex = /^#([\da-f]{3,8})$/i.exec(value)?.[1]
  if (hex) {
    const digits = hex.length < 6 ? [...hex.slice(0, 3)].map((digit) => digit + digit) : [hex.slice(0, 2), hex.slice(2, 4), hex.slice(4, 6)]
    rgb = digits.map((pair) => parseInt(pair, 16))
  } else if (/^rgba?\(/i.test(value)) {
    rgb = (value.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number)
  }
  if (rgb?.length !== 3) return false
  // Relative luminance, as WCAG defines it: dark under the middle grey.
  const [red, green, blue] = rgb.map((channel) => {
    const value = channel / 255
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.18
}

/** The generic CSS font families: fallback families go before them, or the system's font would answer first. */
const genericFamilies = /^(?:serif|sans-serif|monospace|cursive|fantasy|system-ui|ui-[a-z-]+|emoji|math|fangsong)$/i
const fallbackFamilies = ["'Twemoji'", "'Noto Sans JP Variable'", "'Noto Sans KR Variable'", "'Noto Sans SC Variable'"]

/**
 * A rule that adds the fallback families to each font stack the theme sets
 * (its last value of each custom property), before its generic family.
 */
function fallbackStacks(css: string): string {
  const declarations: string[] = []
  for (const property of ['--r-main-font', '--r-heading-font', '--r-code-font', '--diapo-diagram-font']) {
    const values = [...css.matchAll(new RegExp(`${property}\\s*:\\s*([^;}]+)`, 'g'))]
    const value = values.at(-1)?.[1]?.trim()
    if (!value || value.includes('var(')) continue
    const families = value.split(',').map((family) => family.trim())
    const generic = families.findIndex((family) => genericFamilies.test(family.replace(/['"]/g, '')))
    const at = generic === -1 ? families.length : generic
    declarations.push(`  ${property}: ${[...families.slice(0, at), ...fallbackFamilies, ...families.slice(at)].join(', ')};`)
  }
  return declarations.length > 0 ? `:root {\n${declarations.join('\n')}\n}\n` : ''
}

/**
 * `css` without the `@font-face` rules whose `unicode-range` holds none of
 * `characters`, so their files are not copied; and a rule that offers WOFF2
 * offers only it (every browser that runs reveal.js reads it).
 */
function pruneFontFaces(css: string, { characters, covered }: Pick<Context, 'characters' | 'covered'>): string {
  const sorted = characters && [...characters].sort((a, b) => a - b)
  return css.replace(/@font-face\s*\{[^}]*\}/g, (whole) => {
    const rule = whole.replace(/src\s*:\s*([^;}]+)/i, (src: string, list: string) => {
      const woff2 = list.split(/,(?=\s*url\()/).find((entry) => /format\(\s*['"]woff2/.test(entry))
      return woff2 ? `src: ${woff2.trim()}` : src
    })
    const range = /unicode-range\s*:\s*([^;}]+)/i.exec(rule)?.[1]
    if (!range || !sorted) return rule
    const drawn: number[] = []
    const spans = unicodeRange(range)
    for (let span = 0; span < spans.length; span += 2) {
      const [low, high] = [spans[span]!, spans[span + 1]!]
      // The deck's characters in the span, found by bisection: a CJK font has hundreds of faces of hundreds of spans.
      for (let index = firstAtLeast(sorted, low); index < sorted.length && sorted[index]! <= high; index++) {
        if (!covered?.has(sorted[index]!)) drawn.push(sorted[index]!)
      }
    }
    for (const code of drawn) covered?.add(code)
    return drawn.length > 0 ? rule : ''
  })
}

/**
 * A `unicode-range`'s spans, as lowest and highest code point in turn. Kept
 * for the process: the decks of a course read the same fonts' hundreds of
 * ranges, which took ~6 ms a deck to read again.
 */
function unicodeRange(range: string): Float64Array {
  let spans = unicodeRanges.get(range)
  if (spans) return spans
  const parts = range.split(',')
  spans = new Float64Array(parts.length * 2)
  for (const [index, span] of parts.entries()) {
    const [from = '', to = from] = span.trim().replace(/^U\+/i, '').split('-')
    // `U+4??` is the range U+400–U+4FF.
    spans[index * 2] = parseInt(from.replace(/\?/g, '0'), 16)
    spans[index * 2 + 1] = parseInt(to === from ? from.replace(/\?/g, 'f') : to, 16)
  }
  unicodeRanges.set(range, spans)
  return spans
}
const unicodeRanges = new Map<string, Float64Array>()

/** The index of the first of `sorted` (ascending) that is `value` or more. */
function firstAtLeast(sorted: readonly number[], value: number): number {
  let [low, high] = [0, sorted.length]
  while (low < high) {
    const middle = (low + high) >>> 1
    if (sorted[middle]! < value) low = middle + 1
    else high = middle
  }
  return low
}

/** What loading a theme gathers as it goes through the theme and its imports. */
interface Context {
  assets: Map<string, Asset>
  warnings: string[]
  errors: string[]
  seen: Set<string>
  /** The CSS of each file read, as read. */
  read: string[]
  files: DeckFiles
  /** The deck's characters: font subsets for none of them are left out. */
  characters: ReadonlySet<number> | undefined
  /**
   * For fallback fonts, read in the order the stacks try them: the
   * characters an earlier subset draws, which a later one then need not.
   */
  covered?: Set<number>
}

const importRule = /@import\s+(?:url\(\s*)?(['"]?)([^'")\s;]+)\1\s*\)?[^;]*;/g
const urlFunction = /url\(\s*(['"]?)([^'")]+)\1\s*\)/g

/** `file`'s CSS, its imports inlined and its urls rewritten; `text` is its CSS when it is not a file's own (Marp's `style:`). */
async function inlineCss(file: string, context: Context, text?: string): Promise<string> {
  if (context.seen.has(file)) return ''
  if (text === undefined) context.seen.add(file)
  const css = text ?? (await readFile(file, 'utf8'))
  context.read.push(css)
  const dir = path.dirname(file)

  // The file's own CSS gets its urls rewritten; an imported file's CSS comes back rewritten already.
  const parts: string[] = []
  let last = 0
  const own = async (text: string) => parts.push(await rewriteUrls(pruneFontFaces(text, context), dir, context))
  for (const match of css.matchAll(importRule)) {
    const target = match[2] ?? ''
    await own(css.slice(last, match.index))
    last = match.index + match[0].length
    if (isRemoteUrl(target)) {
      context.warnings.push(
        `${path.basename(file)} imports ${target} from the web; left out so the deck works offline (its font falls back to the theme's next choice)`,
      )
      continue
    }
    const imported = await resolveReference(target, dir, context)
    if (imported === undefined) continue
    // A stylesheet of an npm package (`~package/file.css`) reads the files of its package.
    const inPackage = target.startsWith('~') ? packageRootOf(target) : undefined
    const readable = inPackage ? { ...context, files: new DeckFiles([inPackage]) } : context
    if (existsSync(imported)) parts.push(await inlineCss(imported, readable))
    else context.warnings.push(`${path.basename(file)} imports ${target}, which was not found at ${imported}; left out`)
  }
  await own(css.slice(last))
  return parts.join('')
}

async function rewriteUrls(css: string, dir: string, context: Context): Promise<string> {
  const replacements = new Map<string, string>()
  for (const match of css.matchAll(urlFunction)) {
    const target = match[2] ?? ''
    if (replacements.has(target) || target.startsWith('data:') || target.startsWith('#')) continue
    if (isRemoteUrl(target)) {
      context.warnings.push(`the theme loads ${target} from the web; left out so the deck works offline`)
      replacements.set(target, offline)
      continue
    }
    const source = await resolveReference(target.split(/[?#]/)[0] ?? '', dir, context)
    if (source === undefined) {
      replacements.set(target, offline)
      continue
    }
    const content = await readFile(source).catch(() => undefined)
    if (!content) {
      context.warnings.push(`the theme refers to ${target}, which was not found at ${source}; left as it is`)
      continue
    }
    const { name, ext } = path.parse(source)
    const output = `assets/${name}-${createHash('sha256').update(content).digest('hex').slice(0, 10)}${ext}`
    context.assets.set(output, { source, output })
    // The CSS itself lives in assets/, next to the files it names.
    replacements.set(target, output.slice('assets/'.length))
  }
  return css.replace(urlFunction, (whole: string, quote: string, target: string) => {
    const replacement = replacements.get(target)
    if (replacement === offline) return offlineUrl
    return replacement ? `url(${quote}${replacement}${quote})` : whole
  })
}

/** Stands for a url() left out: an empty data URL, which loads nothing and keeps the declaration valid. */
const offline = '\0offline'

const packageName = /^(?:@[a-z\d~-][a-z\d._~-]*\/)?[a-z\d~-][a-z\d._~-]*$/

/** `~package/path/file` as the package's name and the path inside it. */
function packageTarget(target: string): { name: string; rest: string } {
  const [scopeOrName = '', ...rest] = target.slice(1).split('/')
  const name = scopeOrName.startsWith('@') ? `${scopeOrName}/${rest.shift() ?? ''}` : scopeOrName
  return { name, rest: rest.join('/') }
}

/** The folder of the npm package `~package/…` names; undefined when it is not an installed package. */
function packageRootOf(target: string): string | undefined {
  const { name } = packageTarget(target)
  try {
    return packageName.test(name) ? packageDir(name) : undefined
  } catch {
    return undefined
  }
}

/**
 * The file a theme names: `~package/file` is a file of an npm package,
 * anything else is relative to the CSS file. Undefined, with an error
 * noted, when it lies outside the folders the theme may read.
 */
async function resolveReference(target: string, dir: string, context: Context): Promise<string | undefined> {
  if (target.startsWith('~')) {
    const { name, rest } = packageTarget(target)
    const root = packageRootOf(target)
    if (!root) {
      context.warnings.push(`the theme refers to ${target}, but no npm package \`${name}\` is installed; left out`)
      return undefined
    }
    const resolved = await new DeckFiles([root]).resolve(rest, root)
    if (resolved.ok) return resolved.path
    context.errors.push(`The theme refers to \`${target}\`, which leads outside the package ${name}`)
    return undefined
  }
  const resolved = await context.files.resolve(target, dir)
  if (resolved.ok) return resolved.path
  context.errors.push(`The theme refers to ${context.files.explain(target, resolved.path)}`)
  return undefined
}
