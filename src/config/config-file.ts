/**
 * The project's settings, from a config file found upward from the deck
 * (`diapo.config.js`, `.mjs`, `.cjs`, `.ts`, `.mts` or `.json`): the
 * browser, the cache, the output folder, folders outside the deck it may
 * read, defaults for every frontmatter key, and remark and rehype plugins
 * of the user's, run at two documented points of the pipeline (see
 * `pipeline.ts`). The folder it is in is the project's: its decks may read
 * files anywhere in it (see `deck-files.ts`).
 *
 * Found and loaded by lilconfig; a TypeScript config is compiled by jiti,
 * loaded only for one. Every key is checked, and a wrong one is an error at
 * its line and column (in a JS or TS file, at the line that names it).
 */
import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { lilconfig, type Loader } from 'lilconfig'
import { configSchema, describeKind, matchesKind, suggestKey, type DeckConfig } from './deck-config.ts'
import { UsageError } from '../errors.ts'
import { members, type Span } from '../files/json-members.ts'

/** A unified plugin: a function of its options that returns a transformer (or nothing). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a plugin of any tree and any options
export type UnifiedPlugin = (this: any, ...options: any[]) => any

/** A plugin loaded, with its options. */
export type LoadedPlugin = [UnifiedPlugin, ...unknown[]]

/** A plugin as the config names it: the plugin, or `[plugin, options]`; in JSON, a package name for the plugin. */
export type PluginEntry = UnifiedPlugin | string | [UnifiedPlugin | string, ...unknown[]]

/** What a config file may hold; {@link defineConfig} types it in a JS or TS file. */
export interface ConfigFile {
  /** Browser executable for diagrams and PDFs, after `--browser`. Default: found (see `findBrowser`). */
  browser?: string
  /** Where rendered diagrams, math and fits are kept. Default: `node_modules/.cache/diapo`. */
  cacheDir?: string
  /** Folders outside the project that decks may read files from, as `--allow-path` (ignored with `--safe`). Default: none. */
  allowPaths?: string[]
  /** Output folder of `diapo build`, after `--out`. Default: `dist`. */
  out?: string
  /** A default for any frontmatter key (`theme`, `lang`, `footer`, `slideNumber`, …); a deck's frontmatter overrides it. */
  defaults?: Partial<DeckConfig>
  /** remark plugins, run on each Markdown file once diapo has read it, before it is cut into slides. */
  remarkPlugins?: PluginEntry[]
  /** rehype plugins, run on each file's slides as HTML, after diapo's own stages, before they make the deck. */
  rehypePlugins?: PluginEntry[]
  /** In a course folder, what a deck is: each subfolder with Markdown (`folders`, the default), or each Markdown file (`files`). */
  decks?: 'folders' | 'files'
  /** The course's title, on its index page. Default: the folder's name. */
  title?: string
  /** A sentence on the course's index page, under its title. */
  description?: string
  /** Public addresses of a course's chapters, and the Markdown each is: a link to one leads to that deck when built in the course. */
  links?: Record<string, string>
}

/** The settings of a config file, read and checked: paths absolute, plugins loaded. */
export interface UserConfig {
  browser?: string
  cacheDir?: string
  allowPaths?: string[]
  out?: string
  defaults?: Partial<DeckConfig>
  remarkPlugins?: LoadedPlugin[]
  rehypePlugins?: LoadedPlugin[]
  decks?: 'folders' | 'files'
  title?: string
  description?: string
  /** Addresses of chapters, and their Markdown files (absolute paths). */
  links?: Map<string, string>
  /** The config file, when there is one. */
  file?: string
  /** Its folder: the project's. */
  folder?: string
  /** A hash of the file's text: a course is built again whole when it changes. */
  digest?: string
  /** The same, when the file has plugins: they change what a build makes (see the fits cache). */
  identity?: string
}

/** Types a config file's settings: `export default defineConfig({ … })`. */
export function defineConfig(config: ConfigFile): ConfigFile {
  return config
}

/** The names a config file may have, in the order they are looked for in each folder. */
export const configNames = [
  'diapo.config.js',
  'diapo.config.mjs',
  'diapo.config.cjs',
  'diapo.config.ts',
  'diapo.config.mts',
  'diapo.config.json',
]

/** What a loader gives: the file's value, and where each key is written in it. */
interface Loaded {
  value: unknown
  text: string
  place: (keys: string[]) => { line: number; column: number } | undefined
}

/**
 * The settings of the config file for the deck at `input` (a file or a
 * folder): `file` when given, else the nearest one upward from the deck;
 * `{}` without one.
 */
export async function readUserConfig(input: string, file?: string): Promise<UserConfig> {
  const searcher = lilconfig('diapo', { searchPlaces: configNames, loaders, cache: false })
  const found = file
    ? await searcher.load(path.resolve(file)).catch((error: Error) => failedToLoad(path.resolve(file), error))
    : await searcher.search(searchStart(input))
  if (!found) return {}
  return checkConfig(found.filepath, found.config as Loaded)
}

/** The config file `readUserConfig` would read for the deck at `input`, found without loading it (nothing of it runs). */
export async function findConfigFile(input: string): Promise<string | undefined> {
  const unread: Loader = () => ({})
  const none = Object.fromEntries(Object.keys(loaders).map((extension) => [extension, unread]))
  const found = await lilconfig('diapo', { searchPlaces: configNames, loaders: none, cache: false }).search(searchStart(input))
  return found?.filepath
}

/** Where the search for a config starts: the deck's folder (or the working folder, for an input that is not there). */
function searchStart(input: string): string {
  const resolved = path.resolve(input)
  const stats = statSync(resolved, { throwIfNoEntry: false })
  if (!stats) return process.cwd()
  return stats.isDirectory() ? resolved : path.dirname(resolved)
}

function failedToLoad(file: string, error: Error): never {
  if (error instanceof UsageError) throw error
  throw new UsageError(`${file}: cannot be loaded: ${error.message}`)
}

/** A JS config, imported; again when its text changed (the dev server reads it at each build). */
const loadModule: Loader = async (file, text) => {
  const url = `${pathToFileURL(file).href}?text=${hash(text)}`
  const module = (await import(url).catch((error: Error) => failedToLoad(file, error))) as { default?: unknown }
  return { value: module.default ?? module, text, place: placeInCode(text) } satisfies Loaded
}

/** A TypeScript config, compiled by jiti (loaded only for one: ~170 ms a build, measured). */
const loadTypeScript: Loader = async (file, text) => {
  const { createJiti } = await import('jiti')
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false })
  const value = await jiti.import(file, { default: true }).catch((error: Error) => failedToLoad(file, error))
  return { value, text, place: placeInCode(text) } satisfies Loaded
}

const loadJson: Loader = (file, text) => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${file}: invalid JSON (${(error as Error).message}); fix it or remove the file`)
  }
  return { value, text, place: placeInJson(Buffer.from(text)) } satisfies Loaded
}

/** How each kind of config file is read, by its extension. */
const loaders: Record<string, Loader> = {
  '.js': loadModule,
  '.mjs': loadModule,
  '.cjs': loadModule,
  '.ts': loadTypeScript,
  '.mts': loadTypeScript,
  '.json': loadJson,
}

/** In a JS or TS file, the line naming the last of `keys` (the first such line after the one naming the key it is in). */
function placeInCode(text: string) {
  return (keys: string[]) => {
    let from = 0
    let found: { line: number; column: number } | undefined
    for (const key of keys) {
      const match = new RegExp(`(^|[\\s{,])(['"]?)${key.replace(/[^\w]/g, '\\$&')}\\2\\s*:`).exec(text.slice(from))
      if (!match) return found
      from += match.index + match[1]!.length
      found = placeOfOffset(text, from)
    }
    return found
  }
}

/** In a JSON file, the place of the value of `keys` (an object's key each, from the top). */
function placeInJson(json: Buffer) {
  return (keys: string[]) => {
    try {
      let span: Span | undefined
      for (const key of keys) {
        span = members(json, span?.start).get(key)
        if (!span) return undefined
      }
      if (!span) return undefined
      const before = json.toString('utf8', 0, span.start)
      return placeOfOffset(before, before.length)
    } catch {
      return undefined
    }
  }
}

function placeOfOffset(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n')
  return { line: before.length, column: before.at(-1)!.length + 1 }
}

/** What each setting holds. */
const settings = {
  browser: 'path',
  cacheDir: 'path',
  allowPaths: 'paths',
  out: 'path',
  defaults: 'frontmatter',
  remarkPlugins: 'plugins',
  rehypePlugins: 'plugins',
  decks: 'decks',
  title: 'text',
  description: 'text',
  links: 'links',
} as const satisfies Record<keyof ConfigFile, string>

/** The file's settings checked, paths made absolute (from the file's folder), plugins loaded. */
async function checkConfig(file: string, loaded: Loaded): Promise<UserConfig> {
  const { value, place } = loaded
  const folder = path.dirname(file)
  const wrong = (keys: string[], message: string): never => {
    const at = place(keys)
    throw new UsageError(`${file}${at ? `:${at.line}:${at.column}` : ''}: ${message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    wrong([], 'expected an object of settings, such as {"out": "public"}')
  }
  const config: UserConfig = { file, folder }
  for (const [key, setting] of Object.entries(value as Record<string, unknown>)) {
    if (!(key in settings)) {
      const near = suggestKey(key, Object.keys(settings))
      const inFrontmatter = key in configSchema ? `; frontmatter keys go in \`defaults\`` : ''
      wrong(
        [key],
        `unknown setting \`${key}\`${near ? `; did you mean \`${near}\`?` : inFrontmatter}; known: ${Object.keys(settings).join(', ')}`,
      )
    }
    const name = key as keyof ConfigFile
    switch (settings[name]) {
      case 'path': {
        if (typeof setting !== 'string' || setting === '') wrong([key], `\`${key}\` must be a path (a text)`)
        // A bare browser name (`chromium`) is looked up on PATH; a path is relative to the config file.
        const text = setting as string
        const resolved = name === 'browser' && !/[\\/]/.test(text) ? text : path.resolve(folder, text)
        config[name as 'browser' | 'cacheDir' | 'out'] = resolved
        break
      }
      case 'paths':
        if (!Array.isArray(setting) || !setting.every((item) => typeof item === 'string'))
          wrong([key], `\`${key}\` must be a list of paths, such as ["../shared"]`)
        config.allowPaths = (setting as string[]).map((item) => path.resolve(folder, item))
        break
      case 'frontmatter':
        config.defaults = checkDefaults(setting, folder, wrong)
        break
      case 'decks':
        if (setting !== 'folders' && setting !== 'files')
          wrong([key], '`decks` is `folders` (each subfolder with Markdown is a deck) or `files` (each Markdown file is)')
        config.decks = setting as 'folders' | 'files'
        break
      case 'text':
        if (typeof setting !== 'string') wrong([key], `\`${key}\` must be a text`)
        config[name as 'title' | 'description'] = setting as string
        break
      case 'links':
        if (
          typeof setting !== 'object' ||
          setting === null ||
          Array.isArray(setting) ||
          !Object.values(setting).every((item) => typeof item === 'string')
        )
          wrong(
            [key],
            '`links` maps addresses to the Markdown of a chapter, such as {"https://example.com/chapter-1": "1-chapter/README.md"}',
          )
        config.links = new Map(
          Object.entries(setting as Record<string, string>).map(([address, file]) => [address, path.resolve(folder, file)]),
        )
        break
      case 'plugins':
        config[name as 'remarkPlugins' | 'rehypePlugins'] = await loadPlugins(key, setting, file, wrong)
        break
    }
  }
  config.digest = hash(loaded.text)
  if (config.remarkPlugins?.length || config.rehypePlugins?.length) config.identity = config.digest
  return config
}

/** `defaults`: frontmatter keys and values, as the frontmatter's schema has them; paths from the config's folder. */
function checkDefaults(value: unknown, folder: string, wrong: (keys: string[], message: string) => never): Partial<DeckConfig> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    wrong(['defaults'], '`defaults` must be an object of frontmatter keys, such as {"lang": "es"}')
  const defaults: Record<string, unknown> = {}
  for (const [key, setting] of Object.entries(value as Record<string, unknown>)) {
    if (!(key in configSchema)) {
      const suggestion = suggestKey(key)
      const hint = suggestion ? `did you mean \`${suggestion}\`?` : `known: ${Object.keys(configSchema).join(', ')}`
      wrong(['defaults', key], `unknown frontmatter key \`${key}\` in \`defaults\`; ${hint}`)
    }
    const kind = configSchema[key as keyof DeckConfig]
    if (!matchesKind(setting, kind)) wrong(['defaults', key], `\`defaults.${key}\` must be ${describeKind(kind)}`)
    defaults[key] = setting
  }
  // A theme that is a CSS file, and `css:`, are paths from the config file, as they are from the Markdown file in a frontmatter.
  if (typeof defaults.theme === 'string' && /\.css$/i.test(defaults.theme)) defaults.theme = path.resolve(folder, defaults.theme)
  if (defaults.css !== undefined)
    defaults.css = ([] as string[]).concat(defaults.css as string | string[]).map((item) => path.resolve(folder, item))
  return defaults as Partial<DeckConfig>
}

/** The plugins of `remarkPlugins` or `rehypePlugins`, each a function (a package name loaded from the config's folder). */
async function loadPlugins(
  key: string,
  value: unknown,
  file: string,
  wrong: (keys: string[], message: string) => never,
): Promise<LoadedPlugin[]> {
  const example =
    key === 'remarkPlugins'
      ? "[remarkEmoji, [remarkToc, { heading: 'contents' }]]"
      : "[rehypeSlug, [rehypeExternalLinks, { target: '_blank' }]]"
  if (!Array.isArray(value)) wrong([key], `\`${key}\` must be a list of plugins, such as ${example}`)
  const plugins: LoadedPlugin[] = []
  for (const [index, entry] of (value as unknown[]).entries()) {
    const [plugin, ...options] = Array.isArray(entry) ? (entry as unknown[]) : [entry]
    const loaded =
      typeof plugin === 'string'
        ? await importPackage(plugin, file, () =>
            wrong([key], `\`${key}\`[${index}]: the package \`${plugin}\` cannot be loaded from ${path.dirname(file)}; install it there`),
          )
        : plugin
    if (typeof loaded !== 'function')
      wrong([key], `\`${key}\`[${index}] must be a plugin (a function) or [plugin, options], such as ${example}`)
    plugins.push([loaded as UnifiedPlugin, ...options])
  }
  return plugins
}

/** A package the config names, loaded from the config's folder (its default export). */
async function importPackage(name: string, file: string, missing: () => never): Promise<unknown> {
  const { createJiti } = await import('jiti')
  return createJiti(file).import(name, { default: true }).catch(missing)
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}
