/**
 * Shared by the fault tests: a build whose browser lives under a folder of
 * the test's own, so that the test can find it, stop it, kill it, and check
 * that nothing of it is left.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { cli, root } from './helpers.ts'

/** `diapo build --verbose` with its temporary files (the browser's profile) under `dir`. */
export function startBuild(deck: string, dir: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [cli, 'build', deck, '--out', path.join(dir, 'out'), '--verbose', ...extra], {
    cwd: root,
    env: { ...process.env, TMPDIR: path.join(dir, 'tmp'), ...env },
  })
  let stderr = ''
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = []
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    for (const waiter of waiters.filter((item) => item.pattern.test(stderr))) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
  })
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })))
  return {
    process: child,
    done,
    waitFor: (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stderr)) return resolve()
        waiters.push({ pattern, resolve })
        void done.then(() => reject(new Error(`the build ended before ${pattern}: ${stderr}`)))
      }),
  }
}

/** Browser processes whose profile lives under `dir` (zombies excepted: they are gone, awaiting their parent). */
export function browsersUnder(dir: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' })
  return ps.stdout
    .split('\n')
    .filter((line) => line.includes(`--user-data-dir=${path.join(dir, 'tmp')}`) && !/^\s*\d+\s+Z/.test(line))
    .map((line) => line.trim())
}

/** Send `signal` to the browser processes under `dir`; one that ended between `ps` and now is skipped (Chromium starts short-lived helpers). */
export function signalBrowsersUnder(dir: string, signal: NodeJS.Signals) {
  for (const line of browsersUnder(dir)) {
    try {
      process.kill(Number(line.split(/\s+/)[0]), signal)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error
    }
  }
}

export function killBrowsersUnder(dir: string) {
  signalBrowsersUnder(dir, 'SIGKILL')
}

/** What a failed build left: the output, staging folders, temporary PDFs, browser profiles. */
export async function leftovers(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => name !== 'deck.md' && name !== 'tmp' && name !== 'cache')
  const temporary = (await readdir(path.join(dir, 'tmp'))).map((name) => `tmp/${name}`)
  return [...names, ...temporary]
}

/** The build ended as a failure must: exit `code`, a message matching `message`, nothing left behind, no browser. */
export async function assertEndedCleanly(build: ReturnType<typeof startBuild>, dir: string, code: number, message: RegExp) {
  const ended = await build.done
  assert.equal(ended.code, code, ended.stderr)
  assert.match(ended.stderr, message)
  assert.deepEqual(await leftovers(dir), [])
  // Under this test's deep TMPDIR, the browser's temporary files go to /tmp (see socketFits): gone too.
  const stray = (await readdir('/tmp')).filter((name) => name.startsWith('diapo-chromium-') && name.includes(`-${build.process.pid}-`))
  assert.deepEqual(stray, [], 'nothing of the browser left in /tmp')
  assert.deepEqual(browsersUnder(dir), [])
}
