/**
 * The deck as the speaker shows it, in a real browser at several window
 * sizes: reveal.js's arrows never sit on a slide's number or footer.
 */
import assert from 'node:assert/strict'
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, describe, test } from 'node:test'
import { findBrowser, launchBrowser, type RunningBrowser } from '../src/browser/browser.ts'
import { root, runCli, tempDir } from './helpers.ts'

interface Box {
  left: number
  top: number
  right: number
  bottom: number
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom

describe('reveal.js’s arrows and the slide bands', () => {
  let browser: RunningBrowser
  before(async () => {
    browser = await launchBrowser(findBrowser(), { loopback: true })
  })
  after(() => browser.close())

  /** Build `frontmatter` over three slides; the live page's arrows and bands on the middle slide, at a window of `width` × `height`. */
  async function shown(frontmatter: string, width: number, height: number) {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), `---\n${frontmatter}\n---\n\n## One\n\nText.\n\n## Two\n\nMore text.\n\n## Three\n\nLast.\n`)
    const run = await runCli(['build', 'deck.md', '--out', 'out', '--no-pdf'], dir)
    assert.equal(run.code, 0, run.stderr)
    const page = await browser.browser.newPage()
    try {
      await page.setViewport({ width, height })
      await page.goto(`${pathToFileURL(path.join(dir, 'out', 'index.html')).href}#/1`, { waitUntil: 'load' })
      await page.waitForFunction('window.Reveal && Reveal.isReady()')
      // A string: the test's compiler would name the functions inside with a helper the page does not have.
      return (await page.evaluate(`(() => {
        const box = (element) => {
          const { left, top, right, bottom } = element.getBoundingClientRect()
          return { left, top, right, bottom }
        }
        const current = document.querySelector('.reveal .slides section.present')
        const arrows = [...document.querySelectorAll('.reveal .controls .navigate-left, .reveal .controls .navigate-right')]
          .filter((button) => getComputedStyle(button).display !== 'none' && getComputedStyle(button).visibility !== 'hidden')
          .map(box)
        const bands = [...current.querySelectorAll('.diapo-slide-number, .diapo-footer, .diapo-header')].map(box)
        return { layout: document.querySelector('.reveal .controls').getAttribute('data-controls-layout'), arrows, bands }
      })()`)) as { layout: string | null; arrows: Box[]; bands: Box[] }
    } finally {
      await page.close()
    }
  }

  for (const [width, height] of [
    [1280, 720],
    [1024, 768],
    [1920, 1080],
    [800, 600],
  ] as const) {
    test(`with a footer and numbers, at ${width}×${height}: the arrows at the edges, over neither`, async () => {
      const { layout, arrows, bands } = await shown(
        'footer: "**diapo** · a talk with a rather long footer"\nslideNumber: true',
        width,
        height,
      )
      assert.equal(layout, 'edges')
      assert.equal(bands.length, 2)
      assert.ok(arrows.length >= 2, JSON.stringify({ arrows, bands }))
      for (const arrow of arrows)
        for (const band of bands) assert.ok(!overlaps(arrow, band), `${JSON.stringify(arrow)} over ${JSON.stringify(band)}`)
    })
  }

  test('a deck without bands keeps reveal.js’s own layout; a deck’s `reveal:` has the last word', async () => {
    assert.equal((await shown('title: Plain', 1280, 720)).layout, 'bottom-right')
    assert.equal((await shown('slideNumber: true\nreveal:\n  controlsLayout: bottom-right', 1280, 720)).layout, 'bottom-right')
  })

  test('the option is in the page, where reveal.js reads it', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), '---\nslideNumber: true\n---\n\n## One\n')
    assert.equal((await runCli(['build', 'deck.md', '--out', 'out', '--no-pdf'], dir)).code, 0)
    assert.match(await readFile(path.join(dir, 'out', 'index.html'), 'utf8'), /"controlsLayout":"edges"/)
  })

  test('images are as large as their Markdown says, in diapo’s, pandoc’s and Marp’s spellings', async () => {
    const dir = await tempDir()
    await copyFile(path.join(root, 'test', 'fixtures', 'images', 'pixel.png'), path.join(dir, 'pixel.png'))
    const deck = (sizes: string[]) => `## Sizes\n\n${sizes.join('\n\n')}\n`
    await writeFile(path.join(dir, 'deck.md'), deck(['![Tall](pixel.png){height=150}', '![Wide](pixel.png){width=120}']))
    await writeFile(path.join(dir, 'marp.md'), `---\nmarp: true\n---\n\n${deck(['![h:150 Tall](pixel.png)', '![w:120 Wide](pixel.png)'])}`)
    for (const name of ['deck', 'marp']) {
      const run = await runCli(['build', `${name}.md`, '--out', name, '--no-pdf'], dir)
      assert.equal(run.code, 0, run.stderr)
      const page = await browser.browser.newPage()
      try {
        await page.goto(pathToFileURL(path.join(dir, name, 'index.html')).href, { waitUntil: 'load' })
        await page.waitForFunction('window.Reveal && Reveal.isReady()')
        const sizes = await page.evaluate(
          `[...document.querySelectorAll('.reveal .slides img')].map((image) => [image.offsetWidth, image.offsetHeight])`,
        )
        // The picture is square: a height alone sets its width too, and a width its height.
        assert.deepEqual(
          sizes,
          [
            [150, 150],
            [120, 120],
          ],
          name,
        )
      } finally {
        await page.close()
      }
    }
  })
})
