/**
 * What the browser made, kept on disk: rendered diagrams (so a rebuild with
 * unchanged diagrams starts no browser) and how slides were made to fit (so
 * a build without the browser fits them the same way). An entry is named by
 * a hash of everything that shapes it; it is written atomically and checked
 * when read, so a torn or corrupt entry is never used: it is made again.
 */
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { makeDirectory, owner, ownerGone } from './folders.ts'

/** What an entry holds: the value (an SVG, a fit as JSON), and a checksum of it. */
interface Entry {
  key: string
  sha256: string
  value: string
}

/** The cache folder: `DIAPO_CACHE_DIR`, else `node_modules/.cache/diapo` of the working folder, else the user's cache. */
export function defaultCacheDir(cwd = process.cwd(), env = process.env): string {
  if (env.DIAPO_CACHE_DIR) return path.resolve(cwd, env.DIAPO_CACHE_DIR)
  const modules = path.join(cwd, 'node_modules')
  if (existsSync(modules)) return path.join(modules, '.cache', 'diapo')
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  return path.join(base, 'diapo')
}

/** The key of an entry: a hash of its parts, in order. */
export function cacheKey(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex')
}

/**
 * An on-disk store of text values by key, in one folder of the cache:
 * `diagrams/`, `fits/`, `math/`, `pictures/`. It is best effort: a cache that cannot be read or
 * written costs time, never the build; {@link problem} says why, once.
 */
export class DiskCache {
  readonly dir: string
  /** Why the cache could not be written, the first time it could not: for a warning. */
  problem: string | undefined

  constructor(dir: string, folder: 'diagrams' | 'fits' | 'math' | 'pictures' = 'diagrams') {
    this.dir = path.join(dir, folder)
  }

  /** The keys stored, read at once: so that looking up many absent keys costs no file access each. */
  async keys(): Promise<Set<string>> {
    const names = await readdir(this.dir).catch(() => [])
    // What a killed build was writing: its owner is gone.
    for (const name of names) {
      const writer = /\.json\.([0-9a-f]{6}-\d+-)[0-9a-f]+\.tmp$/.exec(name)
      if (writer && ownerGone(writer[1]!)) void rm(path.join(this.dir, name), { force: true }).catch(() => {})
    }
    return new Set(names.filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)))
  }

  /** The value stored under `key`, or undefined when absent or damaged. */
  async get(key: string): Promise<string | undefined> {
    const text = await readFile(this.file(key), 'utf8').catch(() => undefined)
    if (text === undefined) return undefined
    try {
      const entry = JSON.parse(text) as Entry
      if (entry.key === key && typeof entry.value === 'string' && sha256(entry.value) === entry.sha256) return entry.value
    } catch {
      // Damaged: fall through and let it be rendered again.
    }
    await rm(this.file(key), { force: true }).catch(() => {})
    return undefined
  }

  /** Store `value` under `key`: written beside, then renamed into place. */
  async set(key: string, value: string): Promise<void> {
    if (this.problem) return
    const entry: Entry = { key, sha256: sha256(value), value }
    const temporary = `${this.file(key)}.${owner}-${randomBytes(4).toString('hex')}.tmp`
    try {
      await makeDirectory(this.dir)
      await writeFile(temporary, JSON.stringify(entry))
      await rename(temporary, this.file(key))
    } catch (error) {
      this.problem ??= `${this.dir} cannot be written (${(error as Error).message.split('\n')[0]})`
      await rm(temporary, { force: true }).catch(() => {})
    }
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`)
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
