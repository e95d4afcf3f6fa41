/**
 * `diapo dev` in real Chromium: a copy of the talk served, edited on disk,
 * and the open page following: in place, on the same slide, with errors
 * shown and cleared; what the server refuses; and that Ctrl-C ends it all.
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, readFile, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { networkInterfaces } from 'node:os'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'puppeteer-core'
import { findBrowser, launchBrowser, type RunningBrowser } from '../src/browser/browser.ts'
import { cli, root, runCli, tempDir } from './helpers.ts'

/** A running `diapo dev` on a copy of the talk, with what it printed. */
interface Dev {
  child: ChildProcess
  url: string
  deck: string
  output: () => string
}

/** `diapo dev` on `input` in `cwd`, once it says where it serves. */
async function serveDev(input: string, cwd = root, flags: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Omit<Dev, 'deck'>> {
  const child = spawn(process.execPath, [cli, 'dev', input, '--port', '0', ...flags], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let output = ''
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /serving (http:\/\/\S+)/.exec(chunk.toString())
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`diapo dev exited (${code}):\n${output}`)))
  })
  return { child, url, output: () => output }
}

/** `diapo dev` on a copy of the talk. */
async function startDev(): Promise<Dev> {
  const deck = path.join(await tempDir(), 'slides')
  await cp(path.join(root, 'slides'), deck, { recursive: true })
  return { ...(await serveDev(deck)), deck }
}

/** Wait until `predicate` holds of what the server printed. */
async function printed(dev: Dev, pattern: RegExp, from = 0): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 20) {
    if (pattern.test(dev.output().slice(from))) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`diapo dev never printed ${pattern}:\n${dev.output()}`)
}

const indices = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { Reveal: { getIndices(): { h: number; v: number } } }).Reveal.getIndices())
const currentText = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { Reveal: { getCurrentSlide(): HTMLElement } }).Reveal.getCurrentSlide().textContent ?? '')

describe('diapo dev', () => {
  let dev: Dev
  let browser: RunningBrowser
  let page: Page
  const file = () => path.join(dev.deck, '01-introduccion.md')

  before(async () => {
    dev = await startDev()
    browser = await launchBrowser(findBrowser(), { loopback: true })
    page = await browser.browser.newPage()
    await page.setViewport({ width: 1280, height: 720 })
    await page.goto(`${dev.url}#/3`, { waitUntil: 'load' })
    await page.waitForFunction('window.Reveal && Reveal.isReady()')
    await markPage()
  })

  /** A mark that a reload of the page would wipe. */
  const markPage = () => page.evaluate('window.diapoTestMark = true')
  const reloaded = async () => !(await page.evaluate('window.diapoTestMark === true'))

  after(async () => {
    await browser?.close()
    dev?.child.kill('SIGINT')
  })

  test('serves on 127.0.0.1 only, by default', async () => {
    assert.match(dev.url, /^http:\/\/127\.0\.0\.1:\d+\/$/)
    const port = new URL(dev.url).port
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && address.family === 'IPv4' && !address.internal)
    for (const address of others) {
      const reached = await new Promise<boolean>((resolve) => {
        const probe = request({ host: address!.address, port, path: '/', timeout: 1000 }, () => resolve(true))
        probe.on('error', () => resolve(false))
        probe.on('timeout', () => (probe.destroy(), resolve(false)))
        probe.end()
      })
      assert.equal(reached, false, `reachable on ${address!.address}`)
    }
  })

  test('editing slide 3 shows the new text on slide 3, in place, with no browser started', async () => {
    assert.deepEqual(await indices(page), { h: 3, v: 0 })
    const from = dev.output().length
    const text = await readFile(file(), 'utf8')
    await writeFile(file(), text.replace('Una instancia de una imagen corriendo en memoria', 'Una instancia recién editada'))
    await page.waitForFunction(() => document.querySelector('.reveal .slides')!.textContent!.includes('recién editada'), {
      timeout: 10_000,
    })
    assert.deepEqual(await indices(page), { h: 3, v: 0 })
    assert.match(await currentText(page), /recién editada/)
    assert.equal(await reloaded(), false, 'the page was not reloaded')
    await printed(dev, /✓ 1 slide updated in \d+ ms\n/, from)
    assert.doesNotMatch(dev.output().slice(from), /drew/)
  })

  test('adding a slide before it keeps the view on the same content', async () => {
    const text = await readFile(file(), 'utf8')
    await writeFile(
      file(),
      text.replace('## ¿Qué es un contenedor?', '## Una diapositiva nueva\n\nInsertada antes.\n\n## ¿Qué es un contenedor?'),
    )
    await page.waitForFunction(() => document.querySelector('.reveal .slides')!.textContent!.includes('Insertada antes'), {
      timeout: 10_000,
    })
    assert.deepEqual(await indices(page), { h: 4, v: 0 })
    assert.match(await currentText(page), /recién editada/)
    assert.equal(await reloaded(), false)
  })

  test('the speaker view’s slide frames follow too', async () => {
    const receiver = await browser.browser.newPage()
    await receiver.goto(`${dev.url}?receiver#/4`, { waitUntil: 'load' })
    await receiver.waitForFunction('window.Reveal && Reveal.isReady()')
    const text = await readFile(file(), 'utf8')
    await writeFile(file(), text.replace('Una instancia recién editada', 'Visto también en la vista del orador'))
    await receiver.waitForFunction(() => document.querySelector('.reveal .slides')!.textContent!.includes('Visto también'), {
      timeout: 10_000,
    })
    await receiver.close()
  })

  test('an invalid diagram shows an overlay with its line; fixing it clears it', async () => {
    const closing = path.join(dev.deck, '04-cierre.md')
    const text = await readFile(closing, 'utf8')
    const lines = text.split('\n').length
    await writeFile(closing, `${text.trimEnd()}\n\n## Roto\n\n\`\`\`mermaid\nflowchart LR\n  A --> B -->\n\`\`\`\n`)
    const broken = await page.waitForSelector('#diapo-dev-errors', { timeout: 30_000 })
    const message = await broken!.evaluate((element) => element.textContent ?? '')
    // The fence opens 4 lines after the old end; its second line, the broken one, 2 further.
    assert.match(message, new RegExp(`04-cierre\\.md:${lines + 5}:\\d+`), message)
    assert.match(await currentText(page), /Visto también/, 'the last good deck stays')
    await writeFile(closing, text)
    await page.waitForFunction(() => !document.querySelector('#diapo-dev-errors'), { timeout: 10_000 })
    assert.equal(await reloaded(), false)
  })

  test('a new theme reloads the page, on the same slide', async () => {
    const text = await readFile(file(), 'utf8')
    await writeFile(file(), text.replace('slideLevel: 2', 'slideLevel: 2\ntheme: diapo-dark'))
    await page.waitForFunction('window.diapoTestMark !== true && window.Reveal && Reveal.isReady()', { timeout: 10_000 })
    assert.deepEqual(await indices(page), { h: 4, v: 0 })
    const background = await page.evaluate(() => getComputedStyle(document.querySelector('.reveal-viewport')!).backgroundColor)
    assert.equal(background, 'rgb(11, 26, 51)', 'the dark theme is on')
  })

  test('10 saves within 100 ms end in one correct final state', async () => {
    const text = await readFile(file(), 'utf8')
    for (let save = 1; save <= 10; save++) {
      await writeFile(file(), text.replace('Visto también en la vista del orador', `Guardado número ${save}`))
      await new Promise((resolve) => setTimeout(resolve, 8))
    }
    await page.waitForFunction(() => document.querySelector('.reveal .slides')!.textContent!.includes('Guardado número 10'), {
      timeout: 10_000,
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const slides = await page.evaluate(() => document.querySelector('.reveal .slides')!.textContent!)
    assert.doesNotMatch(slides, /Guardado número [1-9]\D/)
    assert.equal(dev.child.exitCode, null, 'the server is still running')
  })

  test('Ctrl-C ends the server and the browser it started for the diagram', async () => {
    const children = spawnSync('pgrep', ['-P', String(dev.child.pid)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map(Number)
    assert.ok(children.length > 0, 'a browser was started for the broken diagram')
    const exited = new Promise<number | null>((resolve) => dev.child.once('exit', (code) => resolve(code)))
    dev.child.kill('SIGINT')
    assert.equal(await exited, 130)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const alive = children.filter(
      (pid) =>
        spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' })
          .stdout.trim()
          .replace(/^Z.*/, '') !== '',
    )
    assert.deepEqual(alive, [], 'no browser process left')
  })
})

describe('what diapo dev refuses', () => {
  let dev: Dev

  before(async () => {
    dev = await startDev()
  })

  after(() => {
    dev?.child.kill('SIGINT')
  })

  /** A raw request, so that the path goes out exactly as written. */
  const get = (pathname: string, headers: Record<string, string> = {}) =>
    new Promise<number>((resolve, reject) => {
      const { hostname, port } = new URL(dev.url)
      const probe = request({ host: hostname, port, path: pathname, headers }, (response) => {
        response.destroy()
        resolve(response.statusCode ?? 0)
      })
      probe.on('error', reject)
      probe.end()
    })

  for (const attempt of [
    '/../package.json',
    '/%2e%2e/package.json',
    '/%2E%2E%2Fpackage.json',
    '/assets/..%2f..%2fpackage.json',
    '//etc/passwd',
    '/etc/passwd',
    `/${root}/package.json`,
    '/assets/',
    '/assets/reveal/',
  ]) {
    test(`${attempt}: 404`, async () => {
      assert.equal(await get(attempt), 404)
    })
  }

  test('the deck and its files are served', async () => {
    assert.equal(await get('/'), 200)
    assert.equal(await get('/assets/reveal/reveal.js'), 200)
  })

  test('another Host (DNS rebinding) is refused; an IP address is not', async () => {
    const port = new URL(dev.url).port
    assert.equal(await get('/', { host: 'evil.example' }), 403)
    assert.equal(await get('/', { host: `evil.example:${port}` }), 403)
    assert.equal(await get('/', { host: `localhost:${port}` }), 200)
    assert.equal(await get('/', { host: `192.168.1.5:${port}` }), 200)
  })

  test('the update stream refuses other origins', async () => {
    const host = new URL(dev.url).host
    assert.equal(await get('/__diapo/events', { origin: 'http://evil.example', host }), 403)
    assert.equal(await get('/__diapo/events', { 'sec-fetch-site': 'cross-site', host }), 403)
  })

  test('Ctrl-C ends the server: exit 130, the port closed', async () => {
    const exited = new Promise<number | null>((resolve) => dev.child.once('exit', (code) => resolve(code)))
    dev.child.kill('SIGINT')
    assert.equal(await exited, 130)
    await assert.rejects(get('/'))
  })
})

describe('diapo dev serves what a slide needs as a browser needs it', () => {
  test('a video: its type, and the part a Range asks for (so that it can seek)', async () => {
    const deck = await tempDir()
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, index) => index % 256))
    await writeFile(path.join(deck, 'clip.mp4'), bytes)
    await writeFile(path.join(deck, 'deck.md'), '## Video\n\n<video src="clip.mp4" controls></video>\n')
    const { child, url } = await serveDev('deck.md', deck)
    try {
      const page = await (await fetch(url)).text()
      const src = /src="(assets\/[^"]+\.mp4)"/.exec(page)?.[1]
      assert.ok(src, page)
      const whole = await fetch(new URL(src, url))
      assert.equal(whole.headers.get('content-type'), 'video/mp4')
      assert.equal(whole.headers.get('accept-ranges'), 'bytes')
      assert.deepEqual(Buffer.from(await whole.arrayBuffer()), bytes)
      const part = await fetch(new URL(src, url), { headers: { range: 'bytes=100-199' } })
      assert.equal(part.status, 206)
      assert.equal(part.headers.get('content-range'), 'bytes 100-199/4096')
      assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(100, 200))
    } finally {
      child.kill('SIGINT')
    }
  })

  test('--open opens the deck in the desktop’s browser (xdg-open here)', async () => {
    const dir = await tempDir()
    const opened = path.join(dir, 'opened.txt')
    // A stand-in for the desktop's opener: it writes down what it was asked to open.
    await writeFile(path.join(dir, 'xdg-open'), `#!/bin/sh\necho "$@" > '${opened}'\n`, { mode: 0o755 })
    await writeFile(path.join(dir, 'deck.md'), '## One\n')
    const { child, url } = await serveDev('deck.md', dir, ['--open'], { PATH: `${dir}${path.delimiter}${process.env.PATH}` })
    try {
      for (let waited = 0; waited < 10_000 && !existsSync(opened); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50))
      assert.equal((await readFile(opened, 'utf8')).trim(), url)
    } finally {
      child.kill('SIGINT')
    }
  })
})

test('diapo dev on an input that does not exist: exit 2, naming it', async () => {
  const run = await runCli(['dev', 'no-such-slides', '--port', '0'])
  assert.equal(run.code, 2, run.stderr)
  assert.match(run.stderr, /Input not found: no-such-slides/)
})

test('diapo dev reads diapo.config.json again when it changes: a broken one shows, a fixed one clears', async () => {
  const dir = await tempDir()
  await writeFile(path.join(dir, 'deck.md'), '## Hola\n\nTexto.\n')
  const { child, url } = await serveDev('deck.md', dir)
  const browser = await launchBrowser(findBrowser(), { loopback: true })
  try {
    const page = await browser.browser.newPage()
    await page.goto(url, { waitUntil: 'load' })
    await page.waitForFunction('window.Reveal && Reveal.isReady()')
    await writeFile(path.join(dir, 'diapo.config.json'), '{"cacheDir": ')
    const overlay = await page.waitForSelector('#diapo-dev-errors', { timeout: 10_000 })
    assert.match((await overlay!.evaluate((element) => element.textContent)) ?? '', /diapo\.config\.json: invalid JSON/)
    await writeFile(path.join(dir, 'diapo.config.json'), '{"cacheDir": "cache"}')
    await page.waitForFunction(() => !document.querySelector('#diapo-dev-errors'), { timeout: 10_000 })
  } finally {
    await browser.close()
    child.kill('SIGINT')
  }
})

describe('diapo dev on a deck broken from the start', () => {
  test('the page shows the errors; once fixed, it shows the deck', async () => {
    const deck = path.join(await tempDir(), 'deck.md')
    const good = '## Hola\n\nYa funciona.\n'
    await writeFile(deck, '## Hola\n\n![falta](falta.png)\n')
    const { child, url } = await serveDev(deck)
    const browser = await launchBrowser(findBrowser(), { loopback: true })
    try {
      const page = await browser.browser.newPage()
      await page.goto(url, { waitUntil: 'load' })
      const overlay = await page.waitForSelector('#diapo-dev-errors', { timeout: 10_000 })
      assert.match((await overlay!.evaluate((element) => element.textContent)) ?? '', /deck\.md:3:1 +error +Image `falta\.png` not found/)
      await writeFile(deck, good)
      await page.waitForFunction(() => document.querySelector('.reveal .slides')?.textContent?.includes('Ya funciona'), { timeout: 10_000 })
      assert.equal(await page.$('#diapo-dev-errors'), null)
    } finally {
      await browser.close()
      child.kill('SIGINT')
    }
  })
})
