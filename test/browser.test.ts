/**
 * End to end in real Chromium: the built talk opened from file://, as a
 * speaker would open it on a laptop with no network.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'puppeteer-core'
import { findBrowser, launchBrowser, type RunningBrowser } from '../src/browser/browser.ts'
import { runCli, talkHeadings, tempDir } from './helpers.ts'

declare const Reveal: {
  isReady(): boolean
  getTotalSlides(): number
  getIndices(): { h: number; v: number }
  isLastSlide(): boolean
  slide(index: number): void
  getSlides(): HTMLElement[]
  getSlideNotes(slide: HTMLElement): string | null
  on(event: string, callback: () => void): void
  off(event: string, callback: () => void): void
}

describe('the talk in Chromium, from file://', () => {
  let running: RunningBrowser
  let page: Page
  const requests: string[] = []
  const failures: string[] = []
  const consoleErrors: string[] = []

  before(async () => {
    const out = path.join(await tempDir(), 'dist')
    const build = await runCli(['build', '--out', out, '--no-pdf'])
    assert.equal(build.code, 0, build.stderr)
    running = await launchBrowser(findBrowser())
    page = await running.browser.newPage()
    await page.setViewport({ width: 1280, height: 720 })
    page.on('request', (request) => requests.push(request.url()))
    page.on('requestfailed', (request) => failures.push(`${request.url()}: ${request.failure()?.errorText ?? ''}`))
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text())
    })
    page.on('pageerror', (error) => consoleErrors.push(String(error)))
    await page.goto(pathToFileURL(path.join(out, 'index.html')).href, { waitUntil: 'load' })
    await page.waitForFunction(() => typeof Reveal !== 'undefined' && Reveal.isReady(), { timeout: 10_000 })
  })

  after(async () => {
    await running?.close()
  })

  test('reveal.js is ready with every slide of the Markdown', async () => {
    assert.equal(await page.evaluate(() => Reveal.getTotalSlides()), (await talkHeadings()).length)
  })

  test('makes no network request and none fails', () => {
    assert.ok(requests.length > 0)
    assert.deepEqual(
      requests.filter((url) => !url.startsWith('file://') && !url.startsWith('data:')),
      [],
    )
    assert.deepEqual(failures, [])
  })

  test('logs no console error', () => {
    assert.deepEqual(consoleErrors, [])
  })

  test('is in Spanish', async () => {
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'es')
  })

  test('has speaker notes, hidden from the slides', async () => {
    const notes = await page.evaluate(() => Reveal.getSlides().map((slide) => Reveal.getSlideNotes(slide) ?? ''))
    const withNotes = notes.filter((text) => text.trim().length > 0)
    assert.ok(withNotes.length >= notes.length / 2, `only ${withNotes.length} of ${notes.length} slides have notes`)
    assert.ok(notes.join(' ').includes('Un contenedor es una instancia de una imagen corriendo en memoria'))
    const visible = await page.$$eval('aside.notes', (asides) => asides.filter((aside) => aside.getBoundingClientRect().height > 0).length)
    assert.equal(visible, 0)
  })

  test('the arrow keys move through every slide, in order', async () => {
    const total = await page.evaluate(() => Reveal.getTotalSlides())
    const seen = [await page.evaluate(() => Reveal.getIndices().h)]
    for (let step = 1; step < total; step++) {
      await page.evaluate(listenForSlideChange)
      await page.keyboard.press('ArrowRight')
      await page.evaluate('window.slideChanged')
      seen.push(await page.evaluate(() => Reveal.getIndices().h))
    }
    assert.deepEqual(
      seen,
      Array.from({ length: total }, (_, index) => index),
    )
    assert.equal(await page.evaluate(() => Reveal.isLastSlide()), true)
  })

  test('the speaker view opens with the current slide’s notes', async () => {
    await page.evaluate(() => Reveal.slide(3))
    const opened = running.browser.waitForTarget((target) => target.opener() === page.target(), { timeout: 10_000 })
    await page.keyboard.press('s')
    const speakerPage = await (await opened).page()
    assert.ok(speakerPage)
    await speakerPage.waitForFunction(
      () => document.querySelector('.speaker-controls-notes .value')?.textContent?.includes('Un contenedor es una instancia') ?? false,
      {
        timeout: 10_000,
      },
    )
    await speakerPage.close()
  })
})

/**
 * Sets `window.slideChanged` to a promise of reveal.js's next `slidechanged`.
 * Given as text: the test runner's compiler would add helpers to a function
 * that the page lacks.
 */
const listenForSlideChange = `window.slideChanged = new Promise((resolve) => {
  const done = () => { Reveal.off('slidechanged', done); resolve() }
  Reveal.on('slidechanged', done)
}); true`
