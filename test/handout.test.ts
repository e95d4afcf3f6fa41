/**
 * The handout (`--notes`) as attendees get it on paper: real Chromium, real
 * files, read back with pdf.js. Slides without notes share pages; with
 * `--per-page <n>`, every page holds n slides, each with its notes.
 */
import assert from 'node:assert/strict'
import { readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { readPdf, type PdfSummary } from './pdf-helpers.ts'
import { root, runCli, tempDir } from './helpers.ts'

const normalize = (text: string) => text.replace(/\s+/g, ' ').trim()

/** A slide of a test deck: its title, and its speaker notes if any. */
interface TestSlide {
  title: string
  notes?: string
}

/** Write `slides` as a deck, build it with `--notes` and `args`, and read its handout. */
async function handoutOf(slides: TestSlide[], args: string[] = []): Promise<PdfSummary> {
  const dir = await tempDir()
  const input = path.join(dir, 'talk.md')
  const markdown = slides.map(({ title, notes }) => `## ${title}\n\nSome text on the slide.\n${notes ? `\n:::notes\n${notes}\n:::\n` : ''}`)
  await writeFile(input, markdown.join('\n'))
  const out = path.join(dir, 'out')
  const run = await runCli(['build', input, '--out', out, '--notes', ...args], dir)
  assert.equal(run.code, 0, run.stderr)
  const [handout] = (await readdir(out)).filter((name) => name.endsWith('-notes.pdf'))
  assert.ok(handout, 'no handout written')
  return readPdf(path.join(out, handout))
}

/** The page each title is on, asserting that every title is there once, and in order. */
function pagesOf(handout: PdfSummary, titles: string[]): number[] {
  const text = handout.pages.map((page) => normalize(page.text))
  const whole = text.join(' ')
  let last = -1
  return titles.map((title) => {
    assert.equal(whole.split(title).length - 1, 1, `“${title}” is in the handout ${whole.split(title).length - 1} times`)
    assert.ok(whole.indexOf(title) > last, `“${title}” is out of order`)
    last = whole.indexOf(title)
    return text.findIndex((page) => page.includes(title))
  })
}

/** Slide titles no one of which contains another. */
const titles = (count: number, word = 'Slide') => Array.from({ length: count }, (_, index) => `${word} ${String.fromCharCode(65 + index)}x`)

describe('the handout: slides without notes share pages', () => {
  test('12 slides without notes: two abreast, four rows a page of A4, in order', async () => {
    const names = titles(12)
    const handout = await handoutOf(names.map((title) => ({ title })))
    assert.equal(handout.pages.length, Math.ceil(12 / 8), 'eight slides a page')
    for (const page of handout.pages) assert.deepEqual([Math.round(page.width), Math.round(page.height)], [596, 842])
    assert.deepEqual(pagesOf(handout, names), [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
  })

  test('slides with and without notes: each note on its slide’s page, in order, fewer pages than slides', async () => {
    const slides: TestSlide[] = [
      { title: 'Opening Ax' },
      { title: 'Agenda Bx' },
      { title: 'Problem Cx', notes: 'Speaker note of the problem: why it matters to the audience.' },
      { title: 'Chart Dx' },
      { title: 'Detail Ex', notes: 'Speaker note of the detail, with a second sentence to make it longer.' },
      { title: 'Quote Fx' },
      { title: 'Demo Gx' },
      { title: 'Summary Hx', notes: 'Speaker note of the summary.' },
      { title: 'Questions Ix' },
    ]
    const handout = await handoutOf(slides)
    const pages = pagesOf(
      handout,
      slides.map((slide) => slide.title),
    )
    assert.ok(handout.pages.length < slides.length, `${handout.pages.length} pages for ${slides.length} slides`)
    for (const [index, slide] of slides.entries()) {
      if (!slide.notes) continue
      const page = normalize(handout.pages[pages[index]!]!.text)
      assert.ok(page.includes(slide.notes), `the note of “${slide.title}” is not on its page: ${page}`)
      // Notes come after their slide and before the next one.
      assert.ok(page.indexOf(slide.notes) > page.indexOf(slide.title), `the note of “${slide.title}” is before it`)
      const next = slides[index + 1]
      if (next && pages[index + 1] === pages[index]) assert.ok(page.indexOf(slide.notes) < page.indexOf(next.title))
    }
  })

  test('a slide printed a page a fragment step is one slide in the handout, as it ends', async () => {
    const dir = await tempDir()
    const out = path.join(dir, 'out')
    const input = path.join(root, 'test/fixtures/fragments/input.md')
    const run = await runCli(['build', input, '--out', out, '--notes', '--fragments', 'each'], dir)
    assert.equal(run.code, 0, run.stderr)
    const [handout] = (await readdir(out)).filter((name) => name.endsWith('-notes.pdf'))
    const summary = await readPdf(path.join(out, handout!))
    // The slides PDF has 7 pages (a page a step); the handout, each of the 2 slides once, every fragment shown.
    pagesOf(summary, ['List items', 'third, fading up', 'Blocks', 'A whole paragraph as a fragment.'])
  })
})

describe('the handout: --per-page <n>', () => {
  test('--per-page 4: ceil(slides / 4) pages, four slides on each, with their notes, in order', async () => {
    const names = titles(10, 'Topic')
    const slides = names.map((title, index) => (index % 3 === 0 ? { title, notes: `Note number ${index} of the talk.` } : { title }))
    const handout = await handoutOf(slides, ['--per-page', '4'])
    assert.equal(handout.pages.length, Math.ceil(10 / 4))
    const pages = pagesOf(handout, names)
    assert.deepEqual(
      pages,
      names.map((_, index) => Math.floor(index / 4)),
    )
    for (const [index, slide] of slides.entries()) {
      if (slide.notes) assert.ok(normalize(handout.pages[pages[index]!]!.text).includes(slide.notes), `note of “${slide.title}”`)
    }
  })

  test('--per-page 6 on Letter: long notes are made smaller to fit their slide’s cell, never cut', async () => {
    const long = Array.from({ length: 15 }, (_, index) => `Sentence ${index + 1} of a long speaker note that goes on.`).join(' ')
    const names = titles(7, 'Part')
    const slides = names.map((title, index) => ({ title, notes: `${long} The end of part ${index + 1}.` }))
    const handout = await handoutOf(slides, ['--per-page', '6', '--paper', 'letter'])
    assert.equal(handout.pages.length, 2)
    assert.deepEqual([handout.pages[0]!.width, handout.pages[0]!.height], [612, 792])
    const pages = pagesOf(handout, names)
    for (const [index, title] of names.entries()) {
      const page = normalize(handout.pages[pages[index]!]!.text)
      assert.ok(page.includes(`Sentence 15 of a long speaker note that goes on. The end of part ${index + 1}.`), `notes of “${title}” cut`)
    }
  })

  test('a value it does not take: a usage error naming those it takes', async () => {
    for (const value of ['5', '0', 'two']) {
      const run = await runCli(['build', 'slides', '--notes', '--per-page', value])
      assert.equal(run.code, 2, run.stderr)
      assert.match(run.stderr, /--per-page takes .*1, 2, 3, 4 or 6, not `[^`]+`/)
    }
  })

  test('without --notes, or with --no-pdf: a usage error', async () => {
    const alone = await runCli(['build', 'slides', '--per-page', '4'])
    assert.equal(alone.code, 2)
    assert.match(alone.stderr, /--per-page lays out the handout: add --notes/)
    const noPdf = await runCli(['build', 'slides', '--no-pdf', '--notes', '--per-page', '4'])
    assert.equal(noPdf.code, 2)
    assert.match(noPdf.stderr, /need the PDF: drop --no-pdf/)
  })
})
