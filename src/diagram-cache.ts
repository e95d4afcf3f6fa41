/**
 * Rendered diagrams kept on disk, so a rebuild with unchanged diagrams
 * starts no browser. An entry is named by a hash of everything that shapes
 * the SVG; it is written atomically and checked when read, so a torn or
 * corrupt entry is never used: it is rendered again.
 */
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/** What an entry holds: the SVG, and a checksum of it. */
interface Entry {
  key: string
  sha256: string
  svg: string
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

/** An on-disk store of SVGs by key. */
export class DiagramCache {
  readonly dir: string

  constructor(dir: string) {
    this.dir = path.join(dir, 'diagrams')
  }

  /** The SVG stored under `key`, or undefined when absent or damaged. */
  async get(key: string): Promise<string | undefined> {
    const text = await readFile(this.file(key), 'utf8').catch(() => undefined)
    if (text === undefined) return undefined
    try {
      const entry = JSON.parse(text) as Entry
      if (entry.key === key && typeof entry.svg === 'string' && sha256(entry.svg) === entry.sha256) return entry.svg
    } catch {
      // Damaged: fall through and let it be rendered again.
    }
    await rm(this.file(key), { force: true })
    return undefined
  }

  /** Store `svg` under `key`: written beside, then renamed into place. */
  async set(key: string, svg: string): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const entry: Entry = { key, sha256: sha256(svg), svg }
    const temporary = `${this.file(key)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
    try {
      await writeFile(temporary, JSON.stringify(entry))
      await rename(temporary, this.file(key))
    } catch {
      // A cache that cannot be written costs time, not correctness.
      await rm(temporary, { force: true })
    }
  }

  private file(key: string): string {
    return path.join(this.dir, `${key}.json`)
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
