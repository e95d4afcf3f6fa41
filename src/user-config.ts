/**
 * Settings that do not belong in a deck's frontmatter: which browser to
 * use, where to keep the cache, which folders outside the deck it may read.
 * Read from `diapo.config.json` in the working folder, when there is one;
 * that folder is then the project's, and its decks may read files anywhere
 * in it (see `deck-files.ts`).
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { UsageError } from './errors.ts'

/** What `diapo.config.json` may hold. */
export interface UserConfig {
  /** Browser executable for diagrams and PDFs. Default: found (see `findBrowser`). */
  browser?: string
  /** Where rendered diagrams are kept. Default: `node_modules/.cache/diapo`. */
  cacheDir?: string
  /** Folders outside the project that decks may read files from, as `--allow-path` (ignored with `--safe`). Default: none. */
  allowPaths?: string[]
  /** Where `diapo.config.json` was found: the project's folder. Not a setting; set when the file exists. */
  folder?: string
}

type Setting = Exclude<keyof UserConfig, 'folder'>
const keys: Record<Setting, 'path' | 'paths'> = { browser: 'path', cacheDir: 'path', allowPaths: 'paths' }

/** The settings of `diapo.config.json` in `cwd`; `{}` without one. Paths are made absolute. */
export async function readUserConfig(cwd = process.cwd()): Promise<UserConfig> {
  const file = path.join(cwd, 'diapo.config.json')
  const text = await readFile(file, 'utf8').catch(() => undefined)
  if (text === undefined) return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${file}: invalid JSON (${(error as Error).message}); fix it or remove the file`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${file}: expected an object such as {"browser": "/usr/bin/chromium"}`)
  const config: UserConfig = { folder: path.resolve(cwd) }
  for (const [key, setting] of Object.entries(value)) {
    if (!(key in keys)) throw new UsageError(`${file}: unknown setting \`${key}\`; known: ${Object.keys(keys).join(', ')}`)
    if (keys[key as Setting] === 'paths') {
      if (!Array.isArray(setting) || !setting.every((item) => typeof item === 'string'))
        throw new UsageError(`${file}: \`${key}\` must be a list of paths, such as ["../shared"]`)
      config.allowPaths = setting.map((item: string) => path.resolve(cwd, item))
      continue
    }
    if (typeof setting !== 'string') throw new UsageError(`${file}: \`${key}\` must be a text (a path)`)
    // A bare name (`chromium`) is looked up on PATH; a path is relative to the config file.
    const resolved = key === 'browser' && !/[\\/]/.test(setting) ? setting : path.resolve(cwd, setting)
    if (key === 'browser') config.browser = resolved
    else config.cacheDir = resolved
  }
  return config
}
