/**
 * Code line steps end to end: stepped through with the arrow keys in
 * Chromium, a page a step in the PDF printed a page a fragment, and line
 * numbers kept under --safe.
 */
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'puppeteer-core'
import { findBrowser, launchBrowser, type RunningBrowser } from '../src/browser/browser.ts'
import { readPdf } from './pdf-helpers.ts'
import { root, runCli, slidesOf, tempDir } from './helpers.ts'

declare const Reveal: { isReady(): boolean; slide(index: number): void; getIndices(): { h: number } }

const fixture = path.join(root, 'test', 'fixtures', 'code-lines', 'input.md')

describe('code line steps', () => {
  let out: string
  let running: RunningBrowser
  let page: Page

  before(async () => {
    out = path.join(await tempDir(), 'out')
    const build = await runCli(['build', fixture, '--out', out, '--fragments', 'each'])
    assert.equal(build.code, 0, build.stderr)
    running = await launchBrowser(findBrowser())
    page = await running.browser.newPage()
    await page.setViewport({ width: 1280, height: 720 })
    await page.goto(pathToFileURL(path.join(out, 'index.html')).href, { waitUntil: 'load' })
    await page.waitForFunction(() => typeof Reveal !== 'undefined' && Reveal.isReady(), { timeout: 10_000 })
  })

  after(async () => {
    await running?.close()
  })

  /** The lines highlighted in the step shown on the current slide: the one code block of its `<pre>` that is visible. */
  const shown = () =>
    page.evaluate(() => {
      const codes = [...document.querySelectorAll('.reveal .slides section.present pre code')]
      const visible = codes.filter((code) => getComputedStyle(code).visibility === 'visible' && getComputedStyle(code).opacity === '1')
      return visible.map((code) => [...code.querySelectorAll('.line.highlighted')].map((line) => line.textContent).join(' / '))
    })

  test('the arrow keys step through the highlights, one step shown at a time, then go on to the next slide', async () => {
    await page.evaluate(() => Reveal.slide(0))
    assert.deepEqual(await shown(), ['interface User {'])
    await page.keyboard.press('ArrowRight')
    assert.deepEqual(await shown(), ['} / function update(id: number) {'])
    await page.keyboard.press('ArrowRight')
    // `all`: nothing dimmed, nothing singled out.
    assert.deepEqual(await shown(), [''])
    assert.equal(await page.evaluate(() => document.querySelectorAll('.reveal section.present pre code:last-child .line.dimmed').length), 0)
    await page.keyboard.press('ArrowRight')
    assert.equal(await page.evaluate(() => Reveal.getIndices().h), 1)
    await page.keyboard.press('ArrowLeft')
    assert.equal(await page.evaluate(() => Reveal.getIndices().h), 0)
    assert.deepEqual(await shown(), [''])
  })

  test('printed a page a fragment: a page a step, numbered lines as text', async () => {
    const pdf = await readPdf(path.join(out, 'steps-as-slidev-and-diapo-write-them.pdf'))
    // Steps: 3 + 2 + 1 + 1 + 1.
    assert.equal(pdf.pages.length, 8)
    // Each line's number is printed as text with it (in the order pdf.js reads the runs).
    for (const text of ['712', '713', '714', 'const a = 1', 'console']) assert.ok(pdf.pages[3]!.text.includes(text), text)
  })

  test('a block of steps too tall for its slide is shrunk, never split (its steps would part)', async () => {
    const dir = await tempDir()
    const code = Array.from({ length: 30 }, (_, line) => `echo ${line + 1}`).join('\n')
    await writeFile(path.join(dir, 'deck.md'), `## Tall\n\n\`\`\`sh {1|30}\n${code}\n\`\`\`\n`)
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out')])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /Built 1 slide \(1 made to fit\)/)
    assert.equal((await readPdf(path.join(dir, 'out', 'tall.pdf'))).pages.length, 1)
  })

  test('under --safe the lines keep their numbers and steps', async () => {
    const safe = path.join(await tempDir(), 'out')
    const run = await runCli(['build', fixture, '--out', safe, '--safe', '--no-pdf'])
    assert.equal(run.code, 0, run.stderr)
    const slides = slidesOf(await readFile(path.join(safe, 'index.html'), 'utf8'))
    assert.match(slides, /<span class="line highlighted" data-line="712">/)
    assert.match(slides, /<code class="hljs language-js diapo-numbered fragment diapo-step">/)
  })
})
