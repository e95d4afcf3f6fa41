#!/usr/bin/env node
// Set-up before `npm run build` and `npm test`, with no dependency of its own:
// 1. installs the npm dependencies (`npm ci`) when node_modules is missing or
//    older than package-lock.json;
// 2. compiles src/ into lib/ when lib/ is missing or older than a source;
// 3. finds a Chromium for the PDF and the tests with diapo's own finder,
//    installing Debian's when there is none and we may (root on
//    Debian/Ubuntu), else saying how to.
// With everything in place it only compares a few file times.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
process.chdir(root)

const [major] = process.versions.node.split('.').map(Number)
if (major < 20)
  fail(`diapo needs Node.js 20 or newer; this is ${process.version}. Install it from https://nodejs.org or with your package manager.`)

if (isOlder('node_modules/.package-lock.json', ['package-lock.json'])) {
  say('installing dependencies (npm ci)')
  run('npm', ['ci', '--no-audit', '--no-fund'])
}

if (isOlder('lib/cli.js', ['package.json', 'package-lock.json', 'scripts/compile.mjs', ...filesIn('src')])) {
  say('compiling src/ into lib/')
  const { compile } = await import('./compile.mjs')
  await compile()
}

// diapo's own finder, compiled above: the same rules the build will apply.
const { findBrowser } = await import('../lib/browser.js')
if (!hasBrowser()) installBrowser()

/** Whether diapo's finder finds a browser; an explicit choice that does not work stops the set-up. */
function hasBrowser() {
  try {
    findBrowser()
    return true
  } catch (error) {
    if (/^No Chrome/.test(error.message)) return false
    fail(error.message)
  }
}

/** Whether `target` is missing or older than any of `sources`. */
function isOlder(target, sources) {
  if (!existsSync(target)) return true
  const built = statSync(target).mtimeMs
  return sources.some((source) => existsSync(source) && statSync(source).mtimeMs > built)
}

function filesIn(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
}

function installBrowser() {
  const os = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : ''
  const debian = /^(?:ID|ID_LIKE)=.*\b(?:debian|ubuntu)\b/m.test(os)
  const packages = ['chromium', 'fonts-dejavu-core']
  if (debian && process.getuid?.() === 0) {
    say(`no Chrome or Chromium found: installing Debian's ${packages.join(' ')} with apt`)
    run('apt-get', ['update', '-qq'])
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { DEBIAN_FRONTEND: 'noninteractive' })
    if (!hasBrowser()) fail('apt installed chromium, but no browser was found on PATH afterwards.')
    // The headless shell makes every build with a browser 0.15–0.25 s faster; older Debian releases lack it, and chromium is enough.
    const shell = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium-headless-shell'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    })
    if (shell.status !== 0) say('chromium-headless-shell could not be installed; diapo uses chromium')
    return
  }
  const how = debian
    ? `sudo apt-get install -y ${packages.join(' ')}`
    : process.platform === 'darwin'
      ? 'brew install --cask chromium'
      : /^(?:ID|ID_LIKE)=.*\b(?:fedora|rhel)\b/m.test(os)
        ? 'sudo dnf install -y chromium'
        : 'install Chrome or Chromium with your package manager'
  process.stderr.write(
    `setup: no Chrome or Chromium found; the PDF export and the browser tests need one.\n` +
      `       Install it with:  ${how}\n` +
      `       or point diapo at one:  export CHROME_PATH=/path/to/chrome\n`,
  )
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  if (result.error) fail(`could not run ${command}: ${result.error.message}`)
  if (result.status !== 0) fail(`\`${command} ${args.join(' ')}\` failed with exit status ${result.status}`)
}

function say(message) {
  process.stderr.write(`setup: ${message}\n`)
}

function fail(message) {
  process.stderr.write(`setup: ${message}\n`)
  process.exit(3)
}
