/**
 * Stage: write the deck's files atomically. Everything goes into a fresh
 * folder beside the output first, which then takes the output's place, so a
 * failed or interrupted build never leaves a half-written deck behind.
 */
import { existsSync, rmSync } from 'node:fs'
import { chmod, copyFile, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { untilDone } from './cleanup.ts'
import { DiapoError, EnvironmentError } from './errors.ts'

/** One file of the output: text or bytes to write, or a file to copy. */
export type OutputFile = { path: string; content: string | Uint8Array } | { path: string; source: string }

/** Marks a folder as diapo's output, so a build never replaces a folder it did not write. */
export const outputMarker = '.diapo-output'

/** Options of {@link writeDeck}. */
export interface WriteDeckOptions {
  /** Work on the written deck before it takes the output's place, e.g. print it to PDF into the same folder. */
  beforeSwap?: (staging: string) => Promise<void>
}

/** Write `files` as the new content of `outDir`, replacing what it held. */
export async function writeDeck(outDir: string, files: OutputFile[], options: WriteDeckOptions = {}): Promise<void> {
  const target = path.resolve(outDir)
  await checkReplaceable(target)
  const parent = path.dirname(target)
  const staging = await attempt(`create a folder in ${parent}`, async () => {
    await mkdir(parent, { recursive: true })
    const folder = await mkdtemp(path.join(parent, `.${path.basename(target)}.tmp-`))
    // mkdtemp makes a private folder; the output is an ordinary one.
    await chmod(folder, 0o755)
    return folder
  })

  const done = untilDone(() => rmSync(staging, { recursive: true, force: true }))
  try {
    const folders = new Set(files.map((file) => path.dirname(path.join(staging, file.path))))
    for (const folder of [...folders].sort()) await mkdir(folder, { recursive: true })
    await Promise.all([
      writeFile(path.join(staging, outputMarker), 'This folder is written by diapo; each build replaces it whole.\n'),
      ...files.map((file) =>
        'content' in file ? writeFile(path.join(staging, file.path), file.content) : copyFile(file.source, path.join(staging, file.path)),
      ),
    ])
    await options.beforeSwap?.(staging)
    await swap(staging, target)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    if (error instanceof DiapoError) throw error
    throw new EnvironmentError(`Cannot write the deck into ${outDir}: ${(error as Error).message}`, { cause: error })
  } finally {
    done()
  }
}

async function checkReplaceable(target: string) {
  const info = await stat(target).catch(() => undefined)
  if (!info) return
  if (!info.isDirectory()) {
    throw new EnvironmentError(`Output ${target} is a file, not a folder; remove it or choose another folder with --out`)
  }
  const entries = await readdir(target)
  if (entries.length > 0 && !entries.includes(outputMarker)) {
    throw new EnvironmentError(
      `Output folder ${target} holds files diapo did not write; a build replaces the whole folder, so choose another with --out, or empty it`,
    )
  }
}

/** Put `staging` in place of `target`, keeping the old output until the new one is in. */
async function swap(staging: string, target: string) {
  const previous = `${staging}.previous`
  const hadOutput = existsSync(target)
  if (hadOutput) await rename(target, previous)
  try {
    await rename(staging, target)
  } catch (error) {
    if (hadOutput) await rename(previous, target)
    throw error
  }
  if (hadOutput) await rm(previous, { recursive: true, force: true })
}

async function attempt<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (error) {
    throw new EnvironmentError(`Cannot ${what}: ${(error as Error).message}`, { cause: error })
  }
}
