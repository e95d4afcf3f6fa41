/**
 * Stage: write the deck's files atomically. Everything goes into a fresh
 * folder beside the output first, which then takes the output's place, so a
 * failed or interrupted build never leaves a half-written deck behind.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, renameSync, rmSync } from 'node:fs'
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { untilDone } from './cleanup.ts'
import { DiapoError, EnvironmentError } from '../errors.ts'
import { makeDirectory, owner, ownerGone, sweep } from './folders.ts'

/** One file of the output: text or bytes to write, or a file to copy. */
export type OutputFile = { path: string; content: string | Uint8Array } | { path: string; source: string }

/** Marks a folder as diapo's output, so a build never replaces a folder it did not write. */
export const outputMarker = '.diapo-output'

/** Options of {@link writeDeck}. */
export interface WriteDeckOptions {
  /** Work on the written deck before it takes the output's place, e.g. print it to PDF into the same folder. */
  beforeSwap?: (staging: string) => Promise<void>
}

/**
 * Write `files` into `folder`, which exists: a deck's part of an output
 * being made (a course's, whose folder takes the output's place at once).
 */
export async function writeFiles(folder: string, files: OutputFile[]): Promise<void> {
  const folders = new Set(files.map((file) => path.dirname(path.join(folder, file.path))))
  for (const made of [...folders].sort()) await mkdir(made, { recursive: true })
  await Promise.all(
    files.map((file) =>
      'content' in file ? writeFile(path.join(folder, file.path), file.content) : copyFile(file.source, path.join(folder, file.path)),
    ),
  )
}

/** Write `files` as the new content of `outDir`, replacing what it held. */
export async function writeDeck(outDir: string, files: OutputFile[], options: WriteDeckOptions = {}): Promise<void> {
  const target = path.resolve(outDir)
  await checkReplaceable(target)
  const parent = path.dirname(target)
  const prefix = `.${path.basename(target)}.tmp-`
  await attempt(`create the folder ${parent}`, () => makeDirectory(parent))
  await recover(target, prefix)
  // Named before it is made, and its removal registered: Ctrl-C at any moment leaves nothing.
  const staging = path.join(parent, `${prefix}${owner}-${randomBytes(4).toString('hex')}`)
  const done = untilDone(() => rmSync(staging, { recursive: true, force: true }))
  try {
    await attempt(`create a folder in ${parent}`, () => mkdir(staging))
    await Promise.all([
      writeFile(path.join(staging, outputMarker), 'This folder is written by diapo; each build replaces it whole.\n'),
      writeFiles(staging, files),
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
    throw new EnvironmentError(`Output ${target} is a file, not a folder; remove it or choose another with --out`)
  }
  // Another build to the same output may be swapping it at this moment (it is briefly absent): nothing to check then.
  const entries = await readdir(target).catch((error: NodeJS.ErrnoException): string[] => {
    if (error.code === 'ENOENT') return []
    throw error
  })
  if (entries.length > 0 && !entries.includes(outputMarker)) {
    throw new EnvironmentError(
      `Output folder ${target} holds files diapo did not write; a build replaces the whole folder, so choose another with --out, or empty it`,
    )
  }
}

/**
 * What builds to `target` that were killed left beside it: a staging folder
 * is removed; the previous output, moved aside for the new one to take its
 * place, is put back if the new one never arrived.
 */
async function recover(target: string, prefix: string) {
  // (Two builds may both find it: the second's rename fails, and sweep goes on.)
  await sweep(path.dirname(target), prefix, (folder) => {
    if (folder.endsWith('.previous') && !existsSync(target)) renameSync(folder, target)
  })
}

/**
 * Put `staging` in place of `target`, keeping the old output until the new
 * one is in. Builds to the same output take turns (see {@link lock}); the
 * old output is removed after, by name, so a kill then leaves it for the
 * next build to sweep.
 */
async function swap(staging: string, target: string) {
  const previous = `${staging}.previous`
  const release = await lock(target)
  // Interrupted between the two renames: the old output goes back.
  const restore = untilDone(() => {
    if (!existsSync(target) && existsSync(previous)) renameSync(previous, target)
  })
  let hadOutput = false
  try {
    hadOutput = existsSync(target)
    if (hadOutput) await rename(target, previous)
    try {
      await rename(staging, target)
    } catch (error) {
      if (hadOutput) await rename(previous, target)
      throw error
    }
  } finally {
    restore()
    release()
  }
  if (hadOutput) {
    const removing = untilDone(() => rmSync(previous, { recursive: true, force: true }))
    await rm(previous, { recursive: true, force: true })
    removing()
  }
}

/** How long a build waits for another one writing the same output before it says so. */
const lockWait = 60_000

/**
 * Take the output's lock: a folder beside it holding a file named after its
 * owner, made whole beside it and renamed into place (a rename onto a folder
 * that is there fails), so the lock is this build's exactly when it holds
 * this build's name. An interruption at any moment then removes this
 * build's lock and never another's (with the lock made first and named
 * after, Ctrl-C between the two left a nameless lock behind). A lock whose
 * owner is gone is taken over.
 */
async function lock(target: string): Promise<() => void> {
  const folder = path.join(path.dirname(target), `.${path.basename(target)}.lock`)
  const mine = `${owner}-lock`
  const making = `${folder}-${owner}-new`
  const unlock = () => {
    rmSync(making, { recursive: true, force: true })
    if (existsSync(path.join(folder, mine))) rmSync(folder, { recursive: true, force: true })
  }
  const registered = untilDone(unlock)
  const release = () => {
    registered()
    unlock()
  }
  try {
    // What a killed build was making.
    await sweep(path.dirname(folder), `${path.basename(folder)}-`)
    await mkdir(making, { recursive: true })
    await writeFile(path.join(making, mine), '')
    const started = performance.now()
    for (;;) {
      try {
        await rename(making, folder)
        return release
      } catch (error) {
        // Taken (Windows says EPERM of a rename onto a folder that is there).
        const code = (error as NodeJS.ErrnoException).code
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY' && !(code === 'EPERM' && existsSync(folder))) throw error
      }
      const holders = await readdir(folder).catch(() => [] as string[])
      // Empty for long: made by a diapo of before this way of locking, killed before it named itself.
      const abandoned = holders.length === 0 && Date.now() - ((await stat(folder).catch(() => undefined))?.mtimeMs ?? Date.now()) > 5000
      if (abandoned || (holders.length > 0 && holders.every((name) => ownerGone(name)))) {
        await rm(folder, { recursive: true, force: true })
        continue
      }
      if (performance.now() - started > lockWait) {
        throw new EnvironmentError(
          `Another diapo has been writing ${target} for ${lockWait / 1000} s; wait for it, or remove ${folder} if no build is running`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  } catch (error) {
    release()
    throw error
  }
}

async function attempt<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (error) {
    throw new EnvironmentError(`Cannot ${what}: ${(error as Error).message}`, { cause: error })
  }
}
