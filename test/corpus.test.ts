/**
 * The regression corpus (test/corpus/): real tutorial chapters nobody here
 * wrote, and decks of our own that push the same things harder. Each comes
 * out whole: one PDF page a slide, nothing running off, no empty slide,
 * every glyph drawn, every in-deck link leading somewhere — in the HTML,
 * where reveal.js follows it, and in the PDF, where it is a link to its page.
 */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, describe, test } from 'node:test'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import type { Page } from 'puppeteer-core'
import { findBrowser, launchBrowser, type RunningBrowser } from '../src/browser/browser.ts'
import { root, runCli, slidesOf, tempDir } from './helpers.ts'

declare const Reveal: { isReady(): boolean; getCurrentSlide(): HTMLElement; slide(index: number): void }

const corpus = path.join(root, 'test', 'corpus')
const decks = [
  'hello-docker/README.md',
  'hello-docker/1-corriendo-contenedores/README.md',
  'hello-docker/3-servicios/README.md',
  'hello-docker/4-docker-stacks/README.md',
  'hello-docker/docker-cheatsheet.md',
  'own/codigo.md',
  'own/tablas.md',
  'own/escrituras.md',
  'own/enlaces.md',
  // Decks in other tools' syntax (see test/fixtures/*-dialect for what each construct becomes).
  'own/marp.md',
  'own/pandoc.md',
  'own/reveal-md.md',
  'own/slidev.md',
]
/** What a deck must never do, whoever wrote it. */
const forbidden = ['overflow', 'empty-slide', 'missing-glyph', 'broken-link']

let cache: string
before(async () => {
  cache = path.join(await tempDir(), 'cache')
})

/** Build `deck` with its PDF; the HTML's slides and the PDF's file. */
async function build(deck: string) {
  const out = path.join(await tempDir(), 'out')
  const run = await runCli(['build', path.join(corpus, deck), '--out', out], root, { DIAPO_CACHE_DIR: cache })
  const pdf = (await readdir(out).catch(() => [])).find((name) => name.endsWith('.pdf'))
  const html = run.code === 0 ? slidesOf(await readFile(path.join(out, 'index.html'), 'utf8')) : ''
  return { run, out, html, pdf: pdf && path.join(out, pdf) }
}

describe('every deck of the corpus comes out whole', () => {
  for (const deck of decks) {
    test(deck, async () => {
      const { run, html, pdf } = await build(deck)
      assert.equal(run.code, 0, run.stderr)
      const findings = run.stderr.split('\n').filter((line) => forbidden.some((rule) => line.endsWith(`diapo:${rule}`)))
      assert.deepEqual(findings, [])
      // A vertical stack's own <section> holds its slides: it is not one.
      const slides = (html.match(/<section\b(?![^>]*>\s*<section\b)/g) ?? []).length
      assert.match(run.stdout, new RegExp(`Built ${slides} slides?\\b`))
      const document = await getDocument({ data: new Uint8Array(await readFile(pdf!)), verbosity: 0 }).promise
      assert.equal(document.numPages, slides, 'one PDF page a slide')
    })
  }
})

describe('a table of contents leads to its slides', () => {
  let out: string
  let pdf: string
  let running: RunningBrowser
  let page: Page
  /** Each in-deck link of the table of contents, and the heading it leads to. */
  const links = [
    ['#prerrequisitos', 'Prerrequisitos'],
    ['#instalación-en-linux', 'Instalación en Linux'],
    ['#primeros-pasos', 'Primeros pasos'],
    ['#preguntas-frecuentes', 'Preguntas frecuentes'],
  ]

  before(async () => {
    const built = await build('own/enlaces.md')
    assert.equal(built.run.code, 0, built.run.stderr)
    out = built.out
    pdf = built.pdf!
    running = await launchBrowser(findBrowser())
    page = await running.browser.newPage()
    await page.setViewport({ width: 1280, height: 720 })
  })
  after(async () => {
    await running?.close()
  })

  test('in the HTML: reveal.js goes to the slide with the heading', async () => {
    for (const [href, heading] of links) {
      await page.goto(pathToFileURL(path.join(out, 'index.html')).href, { waitUntil: 'load' })
      await page.waitForFunction(() => typeof Reveal !== 'undefined' && Reveal.isReady())
      await page.evaluate(() => Reveal.slide(1))
      // The link as the audience clicks it (its href is percent-encoded in the HTML).
      await page.evaluate((target) => {
        const link = [...document.querySelectorAll('a')].find((anchor) => decodeURIComponent(anchor.getAttribute('href') ?? '') === target)
        if (!link) throw new Error(`no link to ${target}`)
        link.click()
      }, href!)
      await page.waitForFunction((text) => Reveal.getCurrentSlide().querySelector('h2')?.textContent === text, { timeout: 5000 }, heading!)
    }
  })

  test('in the PDF: each is a link to the page of its slide', async () => {
    const document = await getDocument({ data: new Uint8Array(await readFile(pdf)), verbosity: 0 }).promise
    const titles: string[] = []
    for (let number = 1; number <= document.numPages; number++) {
      const content = await (await document.getPage(number)).getTextContent()
      titles.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '))
    }
    const contents = await document.getPage(titles.findIndex((text) => text.startsWith('Contenido')) + 1)
    const targets: number[] = []
    for (const note of await contents.getAnnotations()) {
      if (note.subtype !== 'Link' || !note.dest) continue
      const destination = typeof note.dest === 'string' ? await document.getDestination(note.dest) : note.dest
      targets.push(await document.getPageIndex(destination![0]))
    }
    assert.equal(targets.length, links.length)
    for (const [index, [, heading]] of links.entries()) assert.ok(titles[targets[index]!]!.startsWith(heading!), heading)
  })
})

test('columns (pandoc’s, Slidev’s two-cols) are side by side in the PDF', async () => {
  for (const [deck, left, right] of [
    ['own/pandoc.md', 'A la izquierda.', 'A la derecha.'],
    ['own/slidev.md', 'Content on the left', 'Content on the right'],
  ] as const) {
    const { run, pdf } = await build(deck)
    assert.equal(run.code, 0, run.stderr)
    const document = await getDocument({ data: new Uint8Array(await readFile(pdf!)), verbosity: 0 }).promise
    let found = false
    for (let number = 1; number <= document.numPages && !found; number++) {
      const items = (await (await document.getPage(number)).getTextContent()).items.filter((item) => 'str' in item)
      const at = (text: string) => items.find((item) => item.str === text)?.transform as number[] | undefined
      const [a, b] = [at(left), at(right)]
      if (!a || !b) continue
      found = true
      assert.ok(Math.abs(a[5]! - b[5]!) < 1, `${deck}: on one line (y ${a[5]} and ${b[5]})`)
      assert.ok(b[4]! - a[4]! > 200, `${deck}: the right column to the right (x ${a[4]} and ${b[4]})`)
    }
    assert.ok(found, `${deck}: both columns' text found on one page`)
  }
})

test('a Slidev slide’s <style> styles that slide only, in the browser', async () => {
  const { run, out } = await build('own/slidev.md')
  assert.equal(run.code, 0, run.stderr)
  const running = await launchBrowser(findBrowser())
  try {
    const page = await running.browser.newPage()
    await page.goto(pathToFileURL(path.join(out, 'index.html')).href, { waitUntil: 'load' })
    await page.waitForFunction(() => typeof Reveal !== 'undefined' && Reveal.isReady())
    const colours = await page.evaluate(() =>
      [...document.querySelectorAll('.reveal .slides section h1')].map((h1) => [h1.textContent, getComputedStyle(h1).color]),
    )
    assert.deepEqual(
      colours.filter(([, colour]) => colour === 'rgb(255, 99, 71)').map(([text]) => text),
      ['Learn More'],
    )
  } finally {
    await running.close()
  }
})
