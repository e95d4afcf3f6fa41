/**
 * The files a deck may read: only those inside its own folder.
 *
 * Decks come from other people (a pull request, a colleague's folder) and
 * are built where secrets live (CI). A path in the Markdown — an image, a
 * diagram source, a video, a theme — is resolved against the file that names
 * it and must lie, after following symlinks, inside one of the deck's roots:
 * the input folder (or the input file's folder), the project folder when
 * the config file there holds the input, and the folders the person
 * building allowed with `--allow-path` (or `allowPaths` in the config), which
 * `--safe` never honours. Anything else is refused before it is read, so no
 * byte of it reaches the output, an error message, or the dev server.
 */
import { realpathSync } from 'node:fs'
import { realpath } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { shownPath } from '../report.ts'

/** Where a path in the deck led: the file to read, or (refused) where it leads outside. */
export type Resolved = { ok: true; path: string } | { ok: false; path: string; reason: 'outside' }

/** The folders a deck may read from, and how to say so when it reaches past them. */
export class DeckFiles {
  /** The deck's own folders, as given (for messages) and as real paths (for checks). */
  readonly roots: readonly string[]
  readonly #real: readonly string[]
  readonly #safe: boolean

  /**
   * `roots`: the deck's folders; `allowed`: further folders the person
   * building named (ignored with `safe`).
   */
  constructor(roots: readonly string[], options: { allowed?: readonly string[] | undefined; safe?: boolean | undefined } = {}) {
    this.#safe = options.safe ?? false
    const all = [...roots, ...(this.#safe ? [] : (options.allowed ?? []))].map((root) => path.resolve(root))
    this.roots = [...new Set(all)]
    this.#real = this.roots.map((root) => {
      try {
        return realpathSync(root)
      } catch {
        return root
      }
    })
  }

  /** The same folders and `folder` too: e.g. a built-in theme may read its own folder. */
  including(folder: string): DeckFiles {
    return new DeckFiles([...this.roots, folder])
  }

  /**
   * The file a local reference (`url`, as written in `fromDir`'s file) names:
   * without query or fragment, percent-decoded, `file:` URLs included; and
   * whether the deck may read it. A missing file inside is `ok` (reading it
   * then says it is missing); a path outside is refused whether it exists or
   * not, so that a deck cannot even probe the disk.
   */
  async resolve(url: string, fromDir: string): Promise<Resolved> {
    const file = localPath(url, fromDir)
    if (!this.#inside(file, this.roots)) return { ok: false, path: file, reason: 'outside' }
    // A symlink inside may point anywhere: what counts is where it leads.
    const real = await realpath(file).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? file : undefined))
    if (real === undefined) return { ok: false, path: file, reason: 'outside' }
    if (!this.#inside(real, this.#real)) return { ok: false, path: real, reason: 'outside' }
    return { ok: true, path: file }
  }

  /** What to tell the author of a path that leads outside the deck, to `file` (where a link inside points). */
  explain(written: string, file: string): string {
    const folders = this.roots.map((root) => shownPath(root)).join(', ')
    const allow = this.#safe
      ? ' (with --safe no other folder can be allowed)'
      : `, or allow its folder with --allow-path ${path.dirname(file)}`
    const to = written === file ? '' : ` (${file})`
    return `\`${written}\`${to} is outside the deck's folder (${folders}): diapo reads no file outside it; copy the file into the folder${allow}`
  }

  /** Whether `file` lies in one of the folders, as written (symlinks not followed). */
  contains(file: string): boolean {
    return this.#inside(path.resolve(file), this.roots)
  }

  #inside(file: string, roots: readonly string[]): boolean {
    return roots.some((root) => file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep))
  }
}

/** A local reference as a path: without query or fragment, decoded, `\` read as `/`, relative to `fromDir`. */
export function localPath(url: string, fromDir: string): string {
  if (/^file:/i.test(url)) {
    try {
      return fileURLToPath(url.split(/[?#]/)[0] ?? '')
    } catch {
      return path.resolve(fromDir, url)
    }
  }
  // `\` is `/` in a URL, as browsers read it: a deck written on Windows (`.\assets\photo.png`) finds its files.
  return path.resolve(fromDir, safeDecode(url.split(/[?#]/)[0] ?? '').replaceAll('\\', '/'))
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
