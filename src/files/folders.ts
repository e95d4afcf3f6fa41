/**
 * Folders diapo makes on the machine: the output's parent, the cache, the
 * staging folder of a build, the browser's profile.
 *
 * - Made one level at a time: Node's recursive `mkdir` retries forever
 *   under a folder that cannot hold folders (`/proc`), which hung a build.
 * - A temporary folder is named after the process that owns it (host and
 *   pid), so that a later build can sweep what a killed one (`kill -9`, a
 *   power cut) left, without touching a build still running.
 * - `TMPDIR` is checked once, so that a missing one is an environment
 *   error naming it, not a browser failure or a stack trace.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { access, constants, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { untilDone } from './cleanup.ts'
import { EnvironmentError } from '../errors.ts'

/** Make `dir` and its missing parents, one level at a time; an error names the level that failed. */
export async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = []
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const info = await stat(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined
      throw error
    })
    if (info) {
      if (!info.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, ${at}`), { code: 'ENOTDIR', path: at })
      break
    }
    missing.push(at)
    if (path.dirname(at) === at) break
  }
  for (const folder of missing.reverse()) {
    await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error
    })
  }
}

const checkedTmp = new Map<string, Promise<string>>()

/** The system's temporary folder; with `TMPDIR` set, checked to be a folder diapo can write in (exit 3 if not). */
export function temporaryRoot(): Promise<string> {
  const dir = os.tmpdir()
  const known = checkedTmp.get(dir)
  if (known) return known
  const checking = (async () => {
    if (!process.env.TMPDIR) return dir
    const info = await stat(dir).catch((error: NodeJS.ErrnoException) => error)
    const why =
      info instanceof Error
        ? (info as NodeJS.ErrnoException).code
        : !info.isDirectory()
          ? 'not a folder'
          : await access(dir, constants.W_OK).then(
              () => undefined,
              (error: NodeJS.ErrnoException) => error.code,
            )
    if (why)
      throw new EnvironmentError(`TMPDIR is ${process.env.TMPDIR}, which diapo cannot use (${why}); create that folder, or unset TMPDIR`)
    return dir
  })()
  checkedTmp.set(dir, checking)
  return checking
}

/**
 * A folder of one's own in the temporary folder, named after its owner:
 * removed by `remove()`, or by the signal handler on Ctrl-C, or else swept
 * by a later run once its owner is gone.
 */
export async function scratchFolder(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const parent = await temporaryRoot()
  await sweep(parent, prefix)
  const folder = await mkdtemp(path.join(parent, `${prefix}${owner}-`)).catch((error: Error) => {
    throw new EnvironmentError(
      `Cannot make a temporary folder in ${parent}: ${error.message}; free some space, or set TMPDIR to another folder`,
    )
  })
  const done = untilDone(() => rmSync(folder, { recursive: true, force: true }))
  return {
    path: folder,
    async remove() {
      await rm(folder, { recursive: true, force: true })
      done()
    },
  }
}

/** This machine, in a few characters: a folder on a shared disk is swept only by the machine that made it. */
const host = createHash('sha256').update(os.hostname()).digest('hex').slice(0, 6)

/** The part of a temporary folder's name that says whose it is: `<host>-<pid>`. */
export const owner = `${host}-${process.pid}`

/** Whether the process that owns a name starting with `owner` is gone (never true for another machine's). */
export function ownerGone(name: string): boolean {
  const match = /^([0-9a-f]{6})-(\d+)-/.exec(name)
  if (!match || match[1] !== host) return false
  return !processAlive(Number(match[2]))
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Remove the entries of `parent` whose names start with `prefix` and whose
 * owner is gone, after `beforeRemove` (e.g. ending processes that use one);
 * returns their names. Best effort: an entry that cannot be removed stays.
 */
export async function sweep(parent: string, prefix: string, beforeRemove?: (entry: string) => void): Promise<string[]> {
  const names = await readdir(parent).catch(() => [] as string[])
  const stale = names.filter((name) => name.startsWith(prefix) && ownerGone(name.slice(prefix.length)))
  await Promise.all(
    stale.map(async (name) => {
      try {
        beforeRemove?.(path.join(parent, name))
      } catch {
        // Best effort, as the removal.
      }
      await rm(path.join(parent, name), { recursive: true, force: true }).catch(() => {})
    }),
  )
  return stale
}

/**
 * The processes of group `pgid` that are still running (zombies, which
 * only await their parent, excepted), read from `/proc`; empty where there
 * is no `/proc`.
 */
export function groupMembers(pgid: number): number[] {
  return processesWhere((pid) => {
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last `)`.
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(pgrp) === pgid && state !== 'Z' && state !== 'X'
  })
}

/** Processes whose command line names `text` (e.g. a browser profile's path), from `/proc`. */
export function processesUsing(text: string): number[] {
  return processesWhere((pid) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(text))
}

/** The processes for which `test` holds, reading `/proc` (none where there is none; one gone meanwhile is skipped). */
function processesWhere(test: (pid: string) => boolean): number[] {
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  return entries
    .filter((entry) => {
      if (!/^\d+$/.test(entry)) return false
      try {
        return test(entry)
      } catch {
        return false
      }
    })
    .map(Number)
}

/** Wait, without yielding, until `done()` or `milliseconds` have passed: for what must finish inside a signal handler. */
export function waitSync(done: () => boolean, milliseconds: number): void {
  const cell = new Int32Array(new SharedArrayBuffer(4))
  for (let waited = 0; !done() && waited < milliseconds; waited += 5) Atomics.wait(cell, 0, 0, 5)
}
