/**
 * Machine settings that do not belong in a deck's frontmatter: which
 * browser to use, where to keep the cache. Read from `diapo.config.json`
 * in the working folder, when there is one.
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
}

const keys: Record<keyof UserConfig, 'string'> = { browser: 'string', cacheDir: 'string' }

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
  const config: UserConfig = {}
  for (const [key, setting] of Object.entries(value)) {
    if (!(key in keys)) throw new UsageError(`${file}: unknown setting \`${key}\`; known: ${Object.keys(keys).join(', ')}`)
    if (typeof setting !== 'string') throw new UsageError(`${file}: \`${key}\` must be a text (a path)`)
    // A bare name (`chromium`) is looked up on PATH; a path is relative to the config file.
    config[key as keyof UserConfig] = key === 'browser' && !/[\\/]/.test(setting) ? setting : path.resolve(cwd, setting)
  }
  return config
}
