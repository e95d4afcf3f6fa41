/**
 * The one browser of a build: found, started on first need, shared by every
 * stage that needs one, and ended with its whole process group.
 *
 * Finder order: `--browser` flag → config → `PUPPETEER_EXECUTABLE_PATH` →
 * `CHROME_PATH` → an installed Chrome, Chromium or Edge. An explicit choice
 * that does not work is an error naming it, never a silent fall-back.
 */
import { accessSync, constants, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Browser } from 'puppeteer-core'
import { EnvironmentError } from './errors.ts'

/** A browser executable, and which rule of the finder chose it. */
export interface BrowserChoice {
  executable: string
  /** `--browser`, `config`, an environment variable's name, or `installed`. */
  source: string
}

/** Where to look first. */
export interface FindBrowserOptions {
  /** The `--browser` flag. */
  flag?: string | undefined
  /** The `browser` setting of the config. */
  config?: string | undefined
  env?: NodeJS.ProcessEnv
}

const installedNames = [
  'chromium',
  'chromium-browser',
  'google-chrome-stable',
  'google-chrome',
  'chrome',
  'microsoft-edge-stable',
  'microsoft-edge',
]
const installedPaths: Partial<Record<NodeJS.Platform, string[]>> = {
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  ],
  win32: [
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
  ],
}

/** Flags that keep Chromium quiet and quick on a machine with no network. */
export const chromiumFlags = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
  '--hide-scrollbars',
  '--mute-audio',
]

/** Find a browser, or throw an error that says what to install. */
export function findBrowser(options: FindBrowserOptions = {}): BrowserChoice {
  const env = options.env ?? process.env
  const explicit: Array<[string, string | undefined]> = [
    ['--browser', options.flag],
    ['config', options.config],
    ['PUPPETEER_EXECUTABLE_PATH', env.PUPPETEER_EXECUTABLE_PATH],
    ['CHROME_PATH', env.CHROME_PATH],
  ]
  for (const [source, value] of explicit) {
    if (!value) continue
    const executable = value.includes(path.sep) ? value : onPath(value, env)
    if (executable && isExecutable(executable)) return { executable, source }
    throw new EnvironmentError(
      `The browser given by ${source} (${value}) is not an executable file; fix it, or unset it to let diapo look for an installed browser`,
    )
  }
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean)
  for (const name of installedNames) {
    const executable = onPath(name, env, dirs)
    if (executable) return { executable, source: 'installed' }
  }
  const known = (installedPaths[process.platform] ?? []).find(isExecutable)
  if (known) return { executable: known, source: 'installed' }
  throw new EnvironmentError(`No Chrome, Chromium or Edge found. ${installAdvice()}`)
}

/** How to get a browser on this system. */
export function installAdvice(): string {
  const how =
    process.platform === 'darwin'
      ? 'brew install --cask chromium'
      : process.platform === 'win32'
        ? 'winget install Google.Chrome'
        : 'sudo apt-get install -y chromium   (Debian/Ubuntu; Fedora: sudo dnf install chromium)'
  return `Install one with:  ${how}\nor name one with --browser /path/to/chrome or CHROME_PATH=/path/to/chrome`
}

function onPath(name: string, env: NodeJS.ProcessEnv, dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean)): string | undefined {
  for (const dir of dirs) {
    const candidate = path.join(dir, name)
    if (isExecutable(candidate)) return candidate
  }
  return undefined
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/** A started browser, and how to end it for good. */
export interface RunningBrowser {
  browser: Browser
  choice: BrowserChoice
  /** End the browser and every process it started, and remove its profile. */
  close(): Promise<void>
}

/** Start `choice` headless, with a fresh profile of its own. */
export async function launchBrowser(choice: BrowserChoice): Promise<RunningBrowser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'diapo-chromium-'))
  const { launch } = await import('puppeteer-core')
  const args = [...chromiumFlags, `--user-data-dir=${profile}`]
  if (process.getuid?.() === 0) args.push('--no-sandbox')
  let browser: Browser
  try {
    browser = await launch({ executablePath: choice.executable, headless: true, args, pipe: true, timeout: 30_000 })
  } catch (error) {
    await rm(profile, { recursive: true, force: true })
    throw new EnvironmentError(
      `Cannot start the browser ${choice.executable} (from ${choice.source}): ${(error as Error).message.split('\n')[0]}`,
      {
        cause: error,
      },
    )
  }
  let closing: Promise<void> | undefined
  return {
    browser,
    choice,
    close() {
      closing ??= (async () => {
        const pid = browser.process()?.pid
        // Killing the whole group: children left alive would write into a deleted profile.
        if (pid) killGroup(pid)
        await browser.close().catch(() => {})
        await rm(profile, { recursive: true, force: true, maxRetries: 3 })
      })()
      return closing
    },
  }
}

function killGroup(pid: number) {
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}
