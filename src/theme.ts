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
  /** The CSS files read: the theme and every file it imports. */
  sources: string[]
}

const themesDir = path.join(packageRoot, 'themes')

function revealThemesDir(): string {
  return path.join(packageDir('reveal.js'), 'dist', 'theme')
}

/** The CSS file of theme `name`, or undefined when there is none. Paths are relative to `baseDir`. */
export function findTheme(name: string, baseDir: string): string | undefined {
  if (/[\\/]|\.css$/i.test(name)) {
    const file = path.resolve(baseDir, name)
    return existsSync(file) ? file : undefined
  }
  for (const dir of [themesDir, revealThemesDir()]) {
    const file = path.join(dir, `${name}.css`)
    if (existsSync(file)) return file
  }
  return undefined
}

/** Names accepted by {@link findTheme}: diapo's themes first, then reveal.js's. */
export function themeNames(): string[] {
  const names = (dir: string) =>
    readdirSync(dir)
      .filter((file) => file.endsWith('.css'))
      .map((file) => file.slice(0, -4))
      .sort()
  return [...names(themesDir), ...names(revealThemesDir())]
}

/** Read a theme's CSS and collect the files its `url()`s point at. */
export async function loadTheme(source: string): Promise<LoadedTheme> {
  const assets = new Map<string, Asset>()
  const warnings: string[] = []
  const seen = new Set<string>()
  const css = await inlineCss(source, assets, warnings, seen)
  const hash = createHash('sha256').update(css).digest('hex').slice(0, 10)
  return { source, output: `assets/theme-${hash}.css`, css, assets: [...assets.values()], warnings, sources: [...seen] }
}

const importRule = /@import\s+(?:url\(\s*)?(['"]?)([^'")\s;]+)\1\s*\)?[^;]*;/g
const urlFunction = /url\(\s*(['"]?)([^'")]+)\1\s*\)/g

async function inlineCss(file: string, assets: Map<string, Asset>, warnings: string[], seen: Set<string>): Promise<string> {
  if (seen.has(file)) return ''
  seen.add(file)
  const css = await readFile(file, 'utf8')
  const dir = path.dirname(file)

  // The file's own CSS gets its urls rewritten; an imported file's CSS comes back rewritten already.
  const parts: string[] = []
  let last = 0
  const own = async (text: string) => parts.push(await rewriteUrls(text, dir, assets, warnings))
  for (const match of css.matchAll(importRule)) {
    const target = match[2] ?? ''
    await own(css.slice(last, match.index))
    last = match.index + match[0].length
    if (isRemote(target)) {
      warnings.push(
        `${path.basename(file)} imports ${target} from the web; left out so the deck works offline (its font falls back to the theme's next choice)`,
      )
    } else {
      const imported = resolveReference(target, dir)
      if (existsSync(imported)) parts.push(await inlineCss(imported, assets, warnings, seen))
      else warnings.push(`${path.basename(file)} imports ${target}, which was not found at ${imported}; left out`)
    }
  }
  await own(css.slice(last))
  return parts.join('')
}

async function rewriteUrls(css: string, dir: string, assets: Map<string, Asset>, warnings: string[]): Promise<string> {
  const replacements = new Map<string, string>()
  for (const match of css.matchAll(urlFunction)) {
    const target = match[2] ?? ''
    if (replacements.has(target) || target.startsWith('data:') || target.startsWith('#')) continue
    if (isRemote(target)) {
      warnings.push(`the theme loads ${target} from the web; it will be missing offline`)
      continue
    }
    const source = resolveReference(target.split(/[?#]/)[0] ?? '', dir)
    const content = await readFile(source).catch(() => undefined)
    if (!content) {
      warnings.push(`the theme refers to ${target}, which was not found at ${source}; left as it is`)
      continue
    }
    const { name, ext } = path.parse(source)
    const output = `assets/${name}-${createHash('sha256').update(content).digest('hex').slice(0, 10)}${ext}`
    assets.set(output, { source, output })
    // The CSS itself lives in assets/, next to the files it names.
    replacements.set(target, output.slice('assets/'.length))
  }
  return css.replace(urlFunction, (whole: string, quote: string, target: string) => {
    const replacement = replacements.get(target)
    return replacement ? `url(${quote}${replacement}${quote})` : whole
  })
}

function isRemote(target: string): boolean {
  return /^(?:[a-z][a-z\d+.-]*:)?\/\//i.test(target)
}

/** `~package/file` is a file of an npm package; anything else is relative to the CSS file. */
function resolveReference(target: string, dir: string): string {
  if (target.startsWith('~')) {
    const [scopeOrName = '', ...rest] = target.slice(1).split('/')
    const name = scopeOrName.startsWith('@') ? `${scopeOrName}/${rest.shift() ?? ''}` : scopeOrName
    return path.join(packageDir(name), ...rest)
  }
  return path.resolve(dir, target)
}
