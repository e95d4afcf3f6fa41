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
import { DeckFiles } from './deck-files.ts'
import { isRemoteUrl, offlineUrl } from './offline-css.ts'
import { packageDir, packageRoot } from './packages.ts'
import type { Asset } from './types.ts'

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
 * Read a theme's CSS and collect the files its `url()`s point at. A
 * built-in theme may read its own folder; any theme may read files of npm
 * packages (`~package/file`) and those `files` allows.
 */
export async function loadTheme(source: string, files: DeckFiles): Promise<LoadedTheme> {
  const builtIn = [themesDir, revealThemesDir()].some((dir) => path.dirname(source) === dir)
  const context: Context = {
    assets: new Map(),
    warnings: [],
    errors: [],
    seen: new Set(),
    files: builtIn ? files.including(path.dirname(source)) : files,
  }
  const css = await inlineCss(source, context)
  const hash = createHash('sha256').update(css).digest('hex').slice(0, 10)
  return {
    source,
    output: `assets/theme-${hash}.css`,
    css,
    assets: [...context.assets.values()],
    warnings: context.warnings,
    errors: context.errors,
    sources: [...context.seen],
  }
}

/** What loading a theme gathers as it goes through the theme and its imports. */
interface Context {
  assets: Map<string, Asset>
  warnings: string[]
  errors: string[]
  seen: Set<string>
  files: DeckFiles
}

const importRule = /@import\s+(?:url\(\s*)?(['"]?)([^'")\s;]+)\1\s*\)?[^;]*;/g
const urlFunction = /url\(\s*(['"]?)([^'")]+)\1\s*\)/g

async function inlineCss(file: string, context: Context): Promise<string> {
  if (context.seen.has(file)) return ''
  context.seen.add(file)
  const css = await readFile(file, 'utf8')
  const dir = path.dirname(file)

  // The file's own CSS gets its urls rewritten; an imported file's CSS comes back rewritten already.
  const parts: string[] = []
  let last = 0
  const own = async (text: string) => parts.push(await rewriteUrls(text, dir, context))
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
    if (existsSync(imported)) parts.push(await inlineCss(imported, context))
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

/**
 * The file a theme names: `~package/file` is a file of an npm package,
 * anything else is relative to the CSS file. Undefined, with an error
 * noted, when it lies outside the folders the theme may read.
 */
async function resolveReference(target: string, dir: string, context: Context): Promise<string | undefined> {
  if (target.startsWith('~')) {
    const [scopeOrName = '', ...rest] = target.slice(1).split('/')
    const name = scopeOrName.startsWith('@') ? `${scopeOrName}/${rest.shift() ?? ''}` : scopeOrName
    let root: string | undefined
    try {
      root = packageName.test(name) ? packageDir(name) : undefined
    } catch {
      root = undefined
    }
    if (!root) {
      context.warnings.push(`the theme refers to ${target}, but no npm package \`${name}\` is installed; left out`)
      return undefined
    }
    const resolved = await new DeckFiles([root]).resolve(rest.join('/'), root)
    if (resolved.ok) return resolved.path
    context.errors.push(`The theme refers to \`${target}\`, which leads outside the package ${name}`)
    return undefined
  }
  const resolved = await context.files.resolve(target, dir)
  if (resolved.ok) return resolved.path
  context.errors.push(`The theme refers to ${context.files.explain(target, resolved.path)}`)
  return undefined
}
