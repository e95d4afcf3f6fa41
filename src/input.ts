/**
 * Read the deck's sources: one Markdown file, or every `*.md` of a folder in
 * name order (each file starts a new slide).
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { VFile } from 'vfile'
import { DiapoError, ExitCode, UsageError } from './errors.ts'
import { fail } from './messages.ts'

const markdownFile = /\.(?:md|markdown)$/i

/** The Markdown files of `input`, read into vfiles. Binary files get an error message. */
export async function readInput(input: string): Promise<VFile[]> {
  const info = await stat(input).catch(() => undefined)
  if (!info) throw new UsageError(`Input not found: ${input}; pass a Markdown file or a folder of them (default: slides/)`)
  const files = info.isDirectory() ? await markdownFilesIn(input) : [input]
  return Promise.all(files.map(readSource))
}

/** Paths of a folder's Markdown files, in name order. */
export async function markdownFilesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true })
  const files = entries
    .filter((entry) => entry.isFile() && markdownFile.test(entry.name))
    .map((entry) => entry.name)
    .sort()
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
  return new VFile({ path: path.resolve(file), value: bytes.toString('utf8') })
}
