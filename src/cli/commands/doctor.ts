/**
 * `diapo doctor`: what diapo finds on this machine — Node, the browser and
 * which rule chose it, the packages it draws and shows with, the cache.
 */
import { spawnSync } from 'node:child_process'
import { readdir, stat } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { findBrowser } from '../../browser/browser.ts'
import { defaultCacheDir } from '../../files/cache.ts'
import { DiapoError, ExitCode, UsageError } from '../../errors.ts'
import { diapoVersion, packageDir } from '../../packages.ts'
import { themeNames } from '../../deck/theme.ts'
import { readUserConfig } from '../../config/config-file.ts'
import { shownPath } from '../../report.ts'

/** Run `diapo doctor`; exit 3 when no browser can be used. */
export async function run(args: string[]): Promise<number> {
  let values: { browser?: string | undefined }
  try {
    values = parseArgs({ args, options: { browser: { type: 'string' } } }).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  // The project of the working folder: the config file found upward from it.
  const config = await readUserConfig('.')
  const lines: Array<[string, string]> = [
    ['diapo', `${diapoVersion()} on Node.js ${process.version} (${process.platform} ${process.arch})`],
    ['reveal.js', packageVersion('reveal.js')],
    ['mermaid', packageVersion('mermaid')],
    ['puppeteer-core', packageVersion('puppeteer-core')],
  ]
  let status: number = ExitCode.ok
  try {
    const choice = findBrowser({ flag: values.browser, config: config.browser })
    lines.push(['browser', `${choice.executable} (from ${choice.source})`])
    lines.push(['browser version', browserVersion(choice.executable)])
    if (!/headless-shell/.test(path.basename(choice.executable)))
      lines.push([
        'hint',
        'a Chromium headless shell (Debian: apt-get install chromium-headless-shell) makes every build with a browser 0.15–0.25 s faster',
      ])
  } catch (error) {
    if (!(error instanceof DiapoError)) throw error
    lines.push(['browser', `none: ${error.message}`])
    status = ExitCode.environment
  }
  lines.push(['config', config.file ? shownPath(config.file) : 'none (diapo.config.js, .ts or .json, found upward from the deck)'])
  const cacheDir = config.cacheDir ?? defaultCacheDir()
  lines.push(['diagram cache', `${shownPath(cacheDir)} (${await describeCache(cacheDir)})`])
  lines.push(['themes', themeNames().join(', ')])

  const width = Math.max(...lines.map(([name]) => name.length))
  process.stdout.write(`${lines.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n')}\n`)
  return status
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return 'not installed: run npm install'
  }
}

function browserVersion(executable: string): string {
  const result = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 10_000 })
  return result.stdout.trim() || `unknown (${result.error?.message ?? result.stderr.trim().split('\n').at(-1)})`
}

async function describeCache(cacheDir: string): Promise<string> {
  const dir = path.join(cacheDir, 'diagrams')
  const names = await readdir(dir).catch(() => [])
  const sizes = await Promise.all(names.map((name) => stat(path.join(dir, name)).then((info) => info.size)))
  const kilobytes = Math.round(sizes.reduce((sum, size) => sum + size, 0) / 1024)
  return `${names.length} diagram${names.length === 1 ? '' : 's'}, ${kilobytes} KB`
}
