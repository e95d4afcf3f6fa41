/**
 * Math: TeX between dollars rendered at build time by KaTeX, its stylesheet
 * and fonts copied into the deck, printed as text; a TeX error placed at
 * its line; a deck without math given nothing of KaTeX.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, test } from 'node:test'
import { findBrowser, launchBrowser } from '../src/browser/browser.ts'
import { readPdf } from './pdf-helpers.ts'
import { root, runCli, slidesOf, tempDir } from './helpers.ts'

const deck = `---
title: Math
---

## Inline

Energy: $E = mc^2$; a price between $5 and $10 stays text.

## Display

$$
\\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2}
$$

\`\`\`math
\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}
\`\`\`
`

describe('math', () => {
  test('rendered at build time as HTML and MathML, its stylesheet and fonts in the deck, printed as text with KaTeX’s fonts', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), deck)
    const out = path.join(dir, 'out')
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', out])
    assert.equal(run.code, 0, run.stderr)
    // Laid out and checked like any slide: nothing cut off, nothing too small, every glyph drawn.
    assert.equal(run.stderr, '')
    const html = await readFile(path.join(out, 'index.html'), 'utf8')
    const slides = slidesOf(html)
    assert.equal(slides.match(/class="katex"/g)?.length, 3)
    assert.equal(slides.match(/class="katex-display"/g)?.length, 2)
    assert.match(slides, /<math xmlns="http:\/\/www\.w3\.org\/1998\/Math\/MathML"/)
    assert.match(slides, /a price between \$5 and \$10 stays text/)
    assert.doesNotMatch(slides, /<script/)
    assert.match(html, /<link rel="stylesheet" href="assets\/katex\/katex\.css">/)
    // Every font the stylesheet names is in the deck: it works from file://, offline.
    const css = await readFile(path.join(out, 'assets', 'katex', 'katex.css'), 'utf8')
    const urls = [...css.matchAll(/url\(([^)]+)\)/g)].map((match) => match[1]!)
    assert.ok(urls.length >= 15)
    for (const url of urls) assert.ok(existsSync(path.join(out, 'assets', 'katex', url)), url)
    assert.ok(urls.every((url) => url.endsWith('.woff2')))

    const pdf = await readPdf(path.join(out, 'math.pdf'))
    const [inline, display] = pdf.pages.map((page) => page.text.replace(/\s+/g, ''))
    assert.match(inline!, /E=mc2/)
    assert.match(display!, /∫0∞/)
    assert.ok(
      pdf.fonts.some((font) => /KaTeX_Main/.test(font.name) && font.embedded),
      JSON.stringify(pdf.fonts),
    )
    assert.ok(pdf.fonts.some((font) => /KaTeX_Math/.test(font.name) && font.embedded))
  })

  // KaTeX's HTML is drawn by its stylesheet: the one copied must be that of the KaTeX that rendered it (a newer
  // one renamed the class that makes scripts smaller), and a theme's rules for pictures must leave its SVGs alone
  // (a root's sign was 0.2 px tall). Text and fonts alone (the test above) passed with both wrong.
  test('laid out as KaTeX draws it in every built-in theme and a reveal.js one: scripts smaller, a root’s sign as tall as its text', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), '## Shapes\n\nA square $x^2$, an index $a_{1}$ and a root $\\sqrt{2}$.\n')
    const browser = await launchBrowser(findBrowser(), { loopback: true })
    try {
      for (const theme of ['diapo', 'diapo-dark', 'white']) {
        const out = path.join(dir, theme)
        const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', out, '--no-pdf', '--theme', theme])
        assert.equal(run.code, 0, run.stderr)
        const page = await browser.browser.newPage()
        try {
          await page.goto(pathToFileURL(path.join(out, 'index.html')).href, { waitUntil: 'load' })
          await page.waitForFunction('window.Reveal && Reveal.isReady()')
          // A string: the test's compiler would name the functions inside with a helper the page does not have.
          const shapes = (await page.evaluate(`(() => {
            const size = (element) => parseFloat(getComputedStyle(element).fontSize)
            const [square, index] = [...document.querySelectorAll('.katex .msupsub .mord')]
            const root = document.querySelector('.katex .sqrt svg')
            const text = document.querySelector('.katex .sqrt .mord')
            return {
              scripts: [square, index].map((script) => size(script) / size(script.closest('.katex'))),
              sign: root.getBoundingClientRect().height / text.getBoundingClientRect().height,
            }
          })()`)) as { scripts: number[]; sign: number }
          for (const ratio of shapes.scripts) assert.ok(ratio > 0.6 && ratio < 0.8, `${theme}: a script at ${ratio} of its formula's size`)
          assert.ok(shapes.sign > 0.8, `${theme}: a root's sign ${shapes.sign} of its text's height`)
        } finally {
          await page.close()
        }
      }
    } finally {
      await browser.close()
    }
  })

  test('a formula wider than its box, on its slide or beside a picture, is scaled to it: whole in the PDF, nothing reported', async () => {
    const dir = await tempDir()
    await copyFile(path.join(root, 'test', 'fixtures', 'images', 'pixel.png'), path.join(dir, 'pixel.png'))
    const sum = (terms: number) => Array.from({ length: terms }, (_, term) => `\\frac{x_{${term}}}{y_{${term}}}`).join(' + ')
    await writeFile(
      path.join(dir, 'deck.md'),
      `## Wide\n\n$$\n${sum(14)} = z_{end}\n$$\n\n## Beside\n\n::slide{image-right="pixel.png" alt="A square"}\n\n$$\n${sum(8)} = w_{end}\n$$\n` +
        // On a slide shrunk whole, where the slide's zoom and the formula's are on the same element (layout.css).
        `\n## Shrunk\n\n::slide{fit="shrink"}\n\n${Array.from({ length: 11 }, (_, line) => `Line ${line + 1} of a tall slide.`).join('\n\n')}\n\n$$\n${sum(14)} = v_{end}\n$$\n`,
    )
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out')], undefined, {
      DIAPO_CACHE_DIR: path.join(dir, 'cache'),
    })
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stderr, '', 'nothing runs off, nothing is reported')
    const html = await readFile(path.join(dir, 'out', 'index.html'), 'utf8')
    const scales = [...html.matchAll(/class="katex-display" style="--diapo-math-fit: ([\d.]+)"/g)].map((match) => Number(match[1]))
    assert.equal(scales.length, 3)
    assert.ok(
      scales.every((scale) => scale < 1 && scale > 0.6),
      String(scales),
    )
    const pages = (await readPdf(path.join(dir, 'out', 'wide.pdf'))).pages
    for (const [index, page] of pages.entries()) {
      const ends = page.runs.filter((run) => /end/.test(run.text))
      assert.ok(ends.length > 0, `page ${index + 1}: the formula's last term is printed`)
      // On the second slide the picture takes the right half: the formula ends before it.
      const room = index === 1 ? page.width / 2 : page.width
      for (const end of ends) assert.ok(end.x < room, `page ${index + 1}: ${end.x} within ${room}`)
    }
  })

  test('renderings are kept: a second build takes them from the cache and does not load KaTeX, the same bytes', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), deck)
    const env = { DIAPO_CACHE_DIR: path.join(dir, 'cache') }
    const build = (out: string) =>
      runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, out), '--no-pdf', '--verbose'], undefined, env)
    const first = await build('a')
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stderr, /math: 0 from the cache, 3 rendered/)
    const second = await build('b')
    assert.match(second.stderr, /math: 3 from the cache, 0 rendered/)
    assert.equal(await readFile(path.join(dir, 'b', 'index.html'), 'utf8'), await readFile(path.join(dir, 'a', 'index.html'), 'utf8'))
  })

  test('a TeX error: exit 1 at its line and column with KaTeX’s message, nothing written', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), '## Broken\n\nA fraction $\\frac{1}{$ and $\\foo{x}$.\n')
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(run.code, 1)
    assert.match(
      run.stderr,
      /deck\.md:3:12 +error +TeX cannot be rendered: Unexpected end of input in a macro argument, expected '\}'.* {2}diapo:math/,
    )
    assert.match(
      run.stderr,
      /deck\.md:3:28 +error +TeX cannot be rendered: Undefined control sequence: \\foo at position 1: \\foo\{x\} {2}diapo:math/,
    )
    assert.equal(existsSync(path.join(dir, 'out')), false)
  })

  test('a LaTeX environment in the text, as pandoc decks write them, is a warning at its place', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), '## Model\n\nThe system \\begin{equation} \\dot x = Ax \\end{equation} is linear.\n')
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /deck\.md:3:1 +warning +A LaTeX `equation` environment in the text is not rendered by diapo .* {2}diapo:math/)
  })

  test('a build loads KaTeX only for math it has not rendered before: never for a deck without math', async () => {
    const dir = await tempDir()
    const env = { DIAPO_CACHE_DIR: path.join(dir, 'cache') }
    const loaded = async (name: string, markdown: string) => {
      await writeFile(path.join(dir, `${name}.md`), markdown)
      const trace = path.join(dir, `${name}.trace`)
      const run = await runCli(
        ['build', path.join(dir, `${name}.md`), '--out', path.join(dir, name), '--no-pdf'],
        undefined,
        { ...env, DIAPO_MODULE_TRACE: trace },
        ['--import', path.join(root, 'test', 'module-trace.mjs')],
      )
      assert.equal(run.code, 0, run.stderr)
      const urls = (await readFile(trace, 'utf8')).split('\n')
      assert.ok(
        urls.some((url) => url.endsWith('/lib/cli.js')),
        'the trace sees the modules diapo loads',
      )
      return urls.some((url) => /katex/i.test(url))
    }
    assert.equal(await loaded('prose', '## Prices\n\nFrom $5 to $10.\n'), false)
    assert.equal(await loaded('math', '## Energy\n\n$E = mc^2$\n'), true)
    assert.equal(await loaded('again', '## Energy\n\n$E = mc^2$\n'), false, 'rendered before: taken from the cache')
  })

  test('a deck without math has nothing of KaTeX', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), '## Prices\n\nFrom $5 to $10, and `$x$` in code.\n')
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(run.code, 0, run.stderr)
    const html = await readFile(path.join(dir, 'out', 'index.html'), 'utf8')
    assert.doesNotMatch(html, /katex/i)
    assert.match(slidesOf(html), /From \$5 to \$10, and <code>\$x\$<\/code> in code\./)
    assert.deepEqual((await readdir(path.join(dir, 'out', 'assets'))).includes('katex'), false)
  })
})
