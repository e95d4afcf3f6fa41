/**
 * Read the deck's sources: one Markdown file, or every `*.md` of a folder in
 * name order (each file starts a new slide).
 */
import type { Dirent } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { VFile } from 'vfile'
import { DiapoError, ExitCode, UsageError } from '../errors.ts'
import type { DeckFiles } from './deck-files.ts'
import { fail, warn } from '../messages.ts'

/** A Markdown file's name. */
export const markdownFile = /\.(?:md|markdown)$/i

/**
 * Most Markdown a deck may have: ten times a 1,000-slide talk (~170 kB).
 * Beyond it a build would take minutes and gigabytes for a deck nobody can
 * present: it is refused at once instead.
 */
export const maxDeckBytes = 2 * 1024 * 1024

/**
 * The Markdown files of `input`, read into vfiles. Binary, oversized and
 * mis-encoded files get messages; so does a folder's file that is a link to
 * a file outside the deck's folders (`files`), which is not read.
 */
export async function readInput(input: string, files: DeckFiles): Promise<VFile[]> {
  const info = await stat(input).catch(() => undefined)
  if (!info) throw new UsageError(`Input not found: ${input}; pass a Markdown file or a folder of them (default: slides/)`)
  const paths = info.isDirectory() ? await markdownFilesIn(input) : [input]
  return checkSize(await Promise.all(paths.map((file) => (info.isDirectory() ? readInside(file, files) : readSource(file)))))
}

/** A file of the input folder, unless it leads outside the deck's folders. */
async function readInside(file: string, files: DeckFiles): Promise<VFile> {
  const resolved = await files.resolve(path.basename(file), path.dirname(path.resolve(file)))
  if (resolved.ok) return readSource(file)
  const vfile = new VFile({ path: path.resolve(file), value: '' })
  fail(vfile, `This Markdown file ${files.explain(path.basename(file), resolved.path)}`, { line: 1, column: 1 }, 'outside-deck')
  return vfile
}

/** `files`, the largest with an error when together they are more than a deck may be. */
function checkSize(files: VFile[]): VFile[] {
  const bytes = files.reduce((sum, file) => sum + (file.data.bytes ?? 0), 0)
  if (bytes > maxDeckBytes) {
    const biggest = files.reduce((big, file) => ((file.data.bytes ?? 0) > (big.data.bytes ?? 0) ? file : big))
    const size = (count: number) => `${(count / 1024 / 1024).toFixed(1)} MB`
    fail(
      biggest,
      `The deck is ${size(bytes)} of Markdown, more than the ${size(maxDeckBytes)} diapo builds; split it into several decks`,
      { line: 1, column: 1 },
      'too-large',
    )
  }
  return files
}

/**
 * The names of the Markdown files among a folder's `entries`, in name order.
 * Links count too: a link to a missing file is then reported, not silently skipped.
 */
export function markdownNames(entries: readonly Dirent[]): string[] {
  return entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && markdownFile.test(entry.name))
    .map((entry) => entry.name)
    .sort()
}

/** Paths of a folder's Markdown files, in name order. */
export async function markdownFilesIn(folder: string): Promise<string[]> {
  const files = markdownNames(await readdir(folder, { withFileTypes: true }))
  if (files.length === 0) {
    throw new DiapoError(`No Markdown files (*.md) in ${folder}; add one, or pass a file or another folder`, ExitCode.content)
  }
  return files.map((name) => path.join(folder, name))
}

async function readSource(file: string): Promise<VFile> {
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new DiapoError(`Cannot read ${file}: ${error.code ?? error.message}; check that it exists and is readable`, ExitCode.environment)
  })
  if (bytes.includes(0)) {
    const vfile = new VFile({ path: path.resolve(file), value: '' })
    fail(
      vfile,
      'This is a binary file, not Markdown text; remove it from the slides folder or pass a .md file',
      { line: 1, column: 1 },
      'binary-input',
    )
    return vfile
  }
  const vfile = new VFile({ path: path.resolve(file), value: bytes.toString('utf8'), data: { bytes: bytes.length } })
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    // Shown with U+FFFD where the bytes are not UTF-8: say where the first one is.
    const text = String(vfile.value)
    const before = text.slice(0, text.indexOf('\uFFFD')).split('\n')
    warn(
      vfile,
      'This file is not valid UTF-8: the bytes that are not are shown as �; save it as UTF-8',
      { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 },
      'encoding',
    )
  }
  return vfile
}
