/**
 * PDFs as attendees get them: real Chromium, real files, read back with
 * pdf.js and pdf-lib. And what happens when the browser fails.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { before, describe, test } from 'node:test'
import { BrowserSession } from '../src/browser/browser.ts'
import { exportPdf, openPrintTab } from '../src/browser/export-pdf.ts'
import { assertEndedCleanly, killBrowsersUnder, signalBrowsersUnder, startBuild } from './faults.ts'
import { readPdf, type PdfSummary } from './pdf-helpers.ts'
import { root, runCli, talkHeadings, tempDir } from './helpers.ts'

const talkPdf = 'introduccion-a-los-contenedores.pdf'
const notesPdf = 'introduccion-a-los-contenedores-notes.pdf'
const normalize = (text: string) => text.replace(/\s+/g, ' ').trim()

describe('the talk’s PDF and handout', () => {
  let slides: PdfSummary
  let notes: PdfSummary
  let headings: string[]

  before(async () => {
    const out = path.join(await tempDir(), 'dist')
    const run = await runCli(['build', '--out', out, '--notes'])
    assert.equal(run.code, 0, run.stderr)
    slides = await readPdf(path.join(out, talkPdf))
    notes = await readPdf(path.join(out, notesPdf))
    headings = await talkHeadings()
  })

  test('one page a slide: no slide spills onto a second page', () => {
    assert.equal(slides.pages.length, headings.length)
  })

  test('each page holds its own slide, as selectable text', () => {
    for (const [index, heading] of headings.entries()) {
      assert.ok(normalize(slides.pages[index]!.text).includes(normalize(heading)), `page ${index + 1} lacks “${heading}”`)
    }
  })

  test('pages are the 1280×720 canvas (960×540 pt)', () => {
    for (const page of slides.pages) assert.deepEqual([page.width, page.height], [960, 540])
  })

  test('metadata: title, author, subject, language, creator', () => {
    assert.equal(slides.info.Title, 'Introducción a los contenedores')
    assert.equal(slides.info.Author, 'bitlogic · hello-docker')
    assert.match(String(slides.info.Subject), /^Una breve introducción/)
    assert.equal(slides.info.Language, 'es')
    assert.match(String(slides.info.Creator), /^diapo /)
  })

  test('the bundled fonts are embedded, no other', () => {
    assert.ok(slides.fonts.length > 0)
    for (const font of slides.fonts) {
      assert.equal(font.embedded, true, `${font.name} is not embedded`)
      assert.match(font.name, /SourceSans3|JetBrainsMono/)
    }
  })

  test('diagrams stay vector, with their labels as text', () => {
    const vm = slides.pages.find((page) => page.text.includes('Hypervisor'))
    const platform = slides.pages.find((page) => page.text.includes('Docker Engine'))
    assert.ok(vm && platform)
    for (const label of ['libs/bin', 'SO invitado', 'daemon']) assert.ok(vm.text.includes(label), label)
    for (const label of ['Registry', '$ docker build', '$ docker pull', '$ docker run']) assert.ok(platform.text.includes(label), label)
    assert.equal(vm.images, 0)
    assert.equal(platform.images, 0)
  })

  test('links are clickable', () => {
    const links = slides.pages.flatMap((page) => page.links)
    assert.ok(links.includes('https://github.com/bitlogic/hello-docker'))
    assert.ok(links.includes('https://github.com/bitlogic/hello-docker/tree/master/1-running-containers'))
  })

  test('bookmarks by section, and tags', () => {
    for (const title of ['Introducción a los contenedores', 'Docker', '¿Qué es un contenedor?', 'La plataforma Docker', 'Créditos']) {
      assert.ok(slides.outline.map(normalize).includes(title), `no bookmark “${title}” in ${JSON.stringify(slides.outline)}`)
    }
    assert.equal(slides.tagged, true)
  })

  test('handout: A4 portrait, each slide with its own notes on its page, slides without notes sharing pages', () => {
    assert.ok(notes.pages.length < headings.length, `${notes.pages.length} pages for ${headings.length} slides`)
    for (const page of notes.pages) assert.deepEqual([Math.round(page.width), Math.round(page.height)], [596, 842])
    const expectations: Array<[string, string]> = [
      ['¿Qué es un contenedor?', 'Un contenedor es una instancia de una imagen corriendo en memoria'],
      ['La máquina virtual', 'Una máquina virtual es un sistema operativo completo'],
      ['¿Qué es Docker?', 'Docker es una plataforma para desarrollar, transportar y correr aplicaciones'],
    ]
    for (const [heading, note] of expectations) {
      const page = notes.pages.map((page) => normalize(page.text)).find((text) => text.includes(heading))
      assert.ok(page?.includes(note), `the note of “${heading}” is not on its page: ${page?.slice(0, 200)}`)
    }
    assert.equal(notes.info.Title, 'Introducción a los contenedores (notas)')
  })
})

describe('PDF layouts', () => {
  test('--fragments each: a page for every fragment step', async () => {
    const dir = await tempDir()
    const run = await runCli(['build', 'test/fixtures/fragments/input.md', '--out', path.join(dir, 'out'), '--fragments', 'each'])
    assert.equal(run.code, 0, run.stderr)
    const [pdf] = (await readdir(path.join(dir, 'out'))).filter((name) => name.endsWith('.pdf'))
    const summary = await readPdf(path.join(dir, 'out', pdf!))
    // Slide 1: all at once, then 2 steps; slide 2: 3 steps (a block, some words, a paragraph).
    assert.equal(summary.pages.length, 3 + 4)
    assert.ok(!summary.pages[0]!.text.includes('second step'))
    assert.ok(summary.pages[2]!.text.includes('third, fading up'))
  })

  test('--paper letter for the handout; diapo pdf writes only the PDF, where --out says', async () => {
    const dir = await tempDir()
    const file = path.join(dir, 'handout', 'talk.pdf')
    await mkdir(path.dirname(file))
    const input = path.join(root, 'test/fixtures/split-headings/input.md')
    const run = await runCli(['pdf', input, '--out', file, '--notes', '--paper', 'letter'], dir)
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual((await readdir(dir)).sort(), ['handout'])
    assert.deepEqual((await readdir(path.dirname(file))).sort(), ['talk-notes.pdf', 'talk.pdf'])
    const handout = await readPdf(path.join(dir, 'handout', 'talk-notes.pdf'))
    assert.deepEqual([handout.pages[0]!.width, handout.pages[0]!.height], [612, 792])
    assert.equal(handout.pages.length, 1, 'the fixture’s 3 slides have no notes: they share a page')
    assert.equal((await readPdf(file)).pages.length, 3, 'one page for each of the fixture’s 3 slides')
  })

  test('diapo pdf without --out: the PDF alone in dist/, where build would put it', async () => {
    const dir = await tempDir()
    const run = await runCli(['pdf', path.join(root, 'test/fixtures/split-headings/input.md')], dir)
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual(await readdir(dir), ['dist'])
    assert.deepEqual(await readdir(path.join(dir, 'dist')), ['deck-title.pdf'])
  })

  test('diapo pdf --out a folder (ending with a slash, or one that exists): the PDF in it, named by the title', async () => {
    const dir = await tempDir()
    const input = path.join(root, 'test/fixtures/split-headings/input.md')
    const slashed = await runCli(['pdf', input, '--out', `new${path.sep}`], dir)
    assert.equal(slashed.code, 0, slashed.stderr)
    assert.deepEqual(await readdir(path.join(dir, 'new')), ['deck-title.pdf'])
    await mkdir(path.join(dir, 'there'))
    const existing = await runCli(['pdf', input, '--out', 'there'], dir)
    assert.equal(existing.code, 0, existing.stderr)
    assert.deepEqual(await readdir(path.join(dir, 'there')), ['deck-title.pdf'])
    assert.match(existing.stdout, /→ there[\\/]deck-title\.pdf/)
  })

  test('what a <details> holds is printed: on paper nobody can click it open', async () => {
    const dir = await tempDir()
    const details = '<details>\n<summary>Why is it faster?</summary>\n\nBecause it streams.\n\n</details>'
    await writeFile(path.join(dir, 'deck.md'), `## FAQ\n\n${details}\n`)
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out')])
    assert.equal(run.code, 0, run.stderr)
    const [page] = (await readPdf(path.join(dir, 'out', 'faq.pdf'))).pages
    assert.match(page!.text, /Why is it faster\? Because it streams\./)
  })

  test('a remote image: warned once, at its line, and blocked while printing', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), '## Remote\n\n![A logo](https://example.com/logo.png)\n')
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out')])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /deck\.md:3:1 +warning +Remote image `https:\/\/example\.com\/logo\.png` needs the network/)
    assert.equal(run.stderr.match(/logo\.png/g)?.length, 1, run.stderr)
    assert.equal((await readPdf(path.join(dir, 'out', 'remote.pdf'))).pages.length, 1)
  })

  test('a remote resource only the browser finds (a CSS url()) is blocked while printing, and warned', async () => {
    const dir = await tempDir()
    const html = '<div style="background-image: url(https://example.com/bg.png)">Fondo</div>'
    await writeFile(path.join(dir, 'deck.md'), `## Remote\n\n${html}\n`)
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out')])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /The deck asks for https:\/\/example\.com\/bg\.png, outside its folder: blocked while printing/)
  })
})

describe('PDF links', () => {
  test('links to the deck’s own files are paths from the PDF’s folder (no address of the tab’s or of this machine), the same bytes each build; #anchors are pages', async () => {
    const dir = await tempDir()
    await copyFile(path.join(root, 'test', 'fixtures', 'images', 'pixel.png'), path.join(dir, 'pic.png'))
    await writeFile(
      path.join(dir, 'deck.md'),
      '## Links\n\n[Other](other.html), [the picture](pic.png), [a site](https://example.com/) and [the end](#end)\n\n## End\n\n![Picture](pic.png)\n',
    )
    const out = path.join(dir, 'out')
    const first = await runCli(['build', path.join(dir, 'deck.md'), '--out', out])
    assert.equal(first.code, 0, first.stderr)
    const pdf = path.join(out, 'links.pdf')
    const bytes = await readFile(pdf)
    const [page] = (await readPdf(pdf)).pages
    // The PDF is written beside the deck: its links lead to the deck's files from there, wherever both are copied.
    assert.deepEqual(page!.links, ['other.html', 'pic.png', 'https://example.com/'])
    assert.doesNotMatch(bytes.toString('latin1'), /deck\.invalid|diapo-relative|file:/)
    const second = await runCli(['build', path.join(dir, 'deck.md'), '--out', out])
    assert.equal(second.code, 0, second.stderr)
    assert.ok(bytes.equals(await readFile(pdf)), 'two builds of the same deck print the same bytes')
  })

  test('a CSS url() that climbs out of the deck is blocked while printing, and named as a path', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), '## Up\n\n<div style="background-image: url(../../secret.png)">Fondo</div>\n')
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out')])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /The deck asks for \.\.\/secret\.png, outside its folder: blocked while printing/)
  })
})

describe('header, footer and slide numbers', () => {
  test('on every page that has them, as text; off where a slide says so; a slide that needs their room is fitted', async () => {
    const dir = await tempDir()
    const fixture = path.join(root, 'test', 'fixtures', 'slide-bands', 'input.md')
    const code = Array.from({ length: 16 }, (_, line) => `$ echo ${line + 1}`).join('\n')
    await writeFile(path.join(dir, 'deck.md'), `${await readFile(fixture, 'utf8')}\n## Long\n\n\`\`\`sh\n${code}\n\`\`\`\n`)
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out')])
    assert.equal(run.code, 0, run.stderr)
    // Sixteen lines fit on a slide without bands: with them, the slide is made to fit (split in two), not cut.
    assert.match(run.stdout, /Built 7 slides \(1 made to fit\)/)
    assert.doesNotMatch(run.stderr, /overflow/)
    const pages = (await readPdf(path.join(dir, 'out', 'bands.pdf'))).pages.map((page) => normalize(page.text))
    assert.equal(pages.length, 7)
    assert.doesNotMatch(pages[0]!, /Introducción a Docker|hello-docker|\d/)
    for (const index of [1, 3, 4, 5, 6]) assert.match(pages[index]!, /Introducción a Docker/)
    for (const index of [1, 3, 4, 5, 6]) assert.match(pages[index]!, /diapo · hello-docker/)
    assert.match(pages[2]!, /Just here/)
    assert.doesNotMatch(pages[2]!, /hello-docker/)
    // Numbers count the slides reveal.js counts: the fourth slide is not, and has none.
    assert.match(pages[1]!, /\b2$/)
    assert.match(pages[2]!, /\b3$/)
    assert.doesNotMatch(pages[3]!, /\b[0-9]$/)
    assert.match(pages[4]!, /\b4$/)
    assert.match(pages[5]!, /\b5$/)
    assert.match(pages[6]!, /\b6$/)
    assert.deepEqual(
      pages
        .slice(5)
        .join(' ')
        .match(/echo \d+/g),
      Array.from({ length: 16 }, (_, line) => `echo ${line + 1}`),
    )
  })

  test('a slide far too long is split, each part with the header, footer and a number, as without them; its fit kept apart', async () => {
    const dir = await tempDir()
    const items = Array.from({ length: 24 }, (_, item) => `- Item ${item + 1} of a list far too long for one slide`).join('\n')
    const deck = (bands: string) => `---\ntitle: Long\n${bands}---\n\n## A long list\n\n${items}\n`
    const build = async (name: string, bands: string, cache: string) => {
      await writeFile(path.join(dir, `${name}.md`), deck(bands))
      const run = await runCli(['build', `${name}.md`, '--out', name], dir, { DIAPO_CACHE_DIR: path.join(dir, cache) })
      assert.equal(run.code, 0, run.stderr)
      // Neither cut off nor shrunk past reading, nor said to hold raw HTML: split, as the slide without bands is.
      assert.equal(run.stderr, '')
      return (await readPdf(path.join(dir, name, 'long.pdf'))).pages.map((page) => normalize(page.text))
    }
    const banded = await build('banded', 'header: Top band\nfooter: Bottom band\nslideNumber: true\n', 'shared')
    assert.ok(banded.length >= 2, `${banded.length} pages`)
    banded.forEach((page, index) => {
      assert.match(page, /Top band/)
      assert.match(page, new RegExp(`Bottom band.*\\b${index + 1}$`))
    })
    const listed = banded.join(' ').match(/Item \d+ /g)
    assert.deepEqual(
      listed,
      Array.from({ length: 24 }, (_, item) => `Item ${item + 1} `),
    )
    // The same slide without bands, in the cache the banded one filled and in an empty one: fitted alike.
    const plain = await build('plain', '', 'shared')
    assert.deepEqual(plain, await build('fresh', '', 'empty'))
  })
})

describe('layouts in the PDF', () => {
  test('a slide with fragments sits on its page where the same slide without them does', async () => {
    // reveal.js centres each slide on its page by the height it reads; fragments took 0.2 s to follow the
    // print layout's larger text, and it read them half-way (the slide a few points off, and not the same each build).
    const dir = await tempDir()
    const items = (mark: string) =>
      Array.from(
        { length: 4 },
        (_, index) => `- Point ${index + 1}, long enough to wrap onto a second line when set at the size of print${mark}`,
      )
    await writeFile(path.join(dir, 'deck.md'), `## Plain\n\n${items('').join('\n')}\n\n## Stepped\n\n${items(' :fragment').join('\n')}\n`)
    const out = path.join(dir, 'out')
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', out], root, { DIAPO_CACHE_DIR: path.join(dir, 'cache') })
    assert.equal(run.code, 0, run.stderr)
    const { pages } = await readPdf(path.join(out, 'plain.pdf'))
    const top = (page: number, words: string) => pages[page]!.runs.find((item) => item.text.includes(words))!.y
    assert.ok(Math.abs(top(0, 'Plain') - top(1, 'Stepped')) < 0.5, `${top(0, 'Plain')} ${top(1, 'Stepped')}`)
    assert.ok(Math.abs(top(0, 'Point 4') - top(1, 'Point 4')) < 0.5, `${top(0, 'Point 4')} ${top(1, 'Point 4')}`)
  })

  test('columns side by side, and a picture beside the text, by the coordinates of their text', async () => {
    const out = path.join(await tempDir(), 'out')
    const run = await runCli(['build', path.join(root, 'test', 'decks', 'features', 'deck.md'), '--out', out])
    assert.equal(run.code, 0, run.stderr)
    const { pages } = await readPdf(path.join(out, 'every-authoring-feature.pdf'))
    assert.equal(pages.length, 8)
    const at = (page: number, words: string) => pages[page]!.runs.find((item) => item.text.includes(words))!
    const left = at(2, 'The narrow column')
    const right = at(2, 'The wide one')
    // Side by side: the right column starts past the narrow one's 40% of the 960 pt page, on the same line.
    assert.ok(left.x < 100 && right.x > 960 * 0.4, `${left.x} ${right.x}`)
    assert.ok(Math.abs(left.y - right.y) < 2, `${left.y} ${right.y}`)
    // The text beside the picture keeps to the left 60% of the slide.
    assert.ok(pages[3]!.runs.filter((item) => /text|picture/.test(item.text)).every((item) => item.x < 960 * 0.6))
  })
})

describe('PDF faults', () => {
  test('no browser: exit 3 with what to install', async () => {
    const dir = await tempDir()
    const run = await runCli(['build', 'test/fixtures/split-headings/input.md', '--out', path.join(dir, 'out')], undefined, {
      PATH: '/nonexistent',
      CHROME_PATH: '',
      PUPPETEER_EXECUTABLE_PATH: '',
    })
    assert.equal(run.code, 3)
    assert.match(run.stderr, /No Chrome, Chromium or Edge found/)
    assert.equal(existsSync(path.join(dir, 'out')), false)
  })

  test('the browser killed while printing: exit 3, no partial output, no browser left', async () => {
    const { dir, deck } = await bigDeck()
    const child = startBuild(deck, dir)
    await child.waitFor(/pdf: printing/)
    killBrowsersUnder(dir)
    await assertEndedCleanly(child, dir, 3, /browser/i)
  })

  test('a browser that hangs: exit 3 once --timeout passes, naming the step, no browser left', async () => {
    const { dir, deck } = await bigDeck()
    const child = startBuild(deck, dir, ['--timeout', '3'])
    await child.waitFor(/pdf: page open/)
    signalBrowsersUnder(dir, 'SIGSTOP')
    await assertEndedCleanly(
      child,
      dir,
      3,
      /Timed out after 3 s waiting for the deck to load .*; on a busy machine, give it more time with --timeout \d+, or build the HTML alone with --no-pdf/,
    )
  })

  test('a deck whose printing takes longer than --timeout, in a browser that answers: printed', async () => {
    const dir = await tempDir()
    const deck = path.join(dir, 'deck.md')
    // ~2.5 s to print here: the steps that work on every slide get 0.1 s a slide more than --timeout.
    await writeFile(deck, Array.from({ length: 1000 }, (_, index) => `## Slide ${index + 1}\n\n- A point\n- Another point\n`).join('\n'))
    const run = await runCli(['build', deck, '--out', path.join(dir, 'out'), '--timeout', '1.5', '--verbose'])
    assert.equal(run.code, 0, run.stderr)
    const took = (pattern: RegExp) => Number(pattern.exec(run.stderr)?.[1])
    assert.match(run.stdout, /\(1000 pages\)/)
    // The case this test is for: printing alone took longer than --timeout.
    const printing = took(/\[(\d+) ms\] pdf: printed/) - took(/\[(\d+) ms\] pdf: printing/)
    assert.ok(printing > 1500, `printing took ${printing} ms`)
  })

  test('a deck that never becomes ready to print: exit 3 once --timeout passes, naming what it waited for', async () => {
    const { dir, deck } = await bigDeck()
    // A script of the deck's own swallows reveal.js's pdf-ready.
    const swallow = '<script>document.addEventListener("pdf-ready", (event) => event.stopPropagation(), true)</script>'
    await writeFile(deck, `## Never printed\n\nText.\n\n${swallow}\n`)
    const child = startBuild(deck, dir, ['--timeout', '3'])
    await assertEndedCleanly(child, dir, 3, /Timed out after 3 s waiting for reveal\.js to lay out the slides for print \(pdf-ready\)/)
  })

  test('Ctrl-C while printing: exit 130, nothing written, no browser left', async () => {
    const { dir, deck } = await bigDeck()
    const child = startBuild(deck, dir)
    await child.waitFor(/pdf: printing/)
    child.process.kill('SIGINT')
    await assertEndedCleanly(child, dir, 130, /interrupted/)
  })
})

describe('the print tab, shared by the decks of a session', () => {
  test('a second deck gets the tab the first released, its own files, and keeps only files named by their content', async () => {
    const session = new BrowserSession()
    try {
      // Two "decks": a file of each name in both, different in each; the hashed name breaks its promise on purpose, to see it kept.
      const decks = await Promise.all(
        ['A', 'B'].map(async (name) => {
          const dir = await tempDir()
          await mkdir(path.join(dir, 'assets'))
          await writeFile(
            path.join(dir, 'index.html'),
            '<!doctype html><title>deck</title><script src="own.js"></script><script src="assets/shared-0123456789.js"></script>',
          )
          await writeFile(path.join(dir, 'own.js'), `window.own = '${name}'`)
          await writeFile(path.join(dir, 'assets', 'shared-0123456789.js'), `window.shared = '${name}'`)
          return dir
        }),
      )
      const seen: Array<{ own: string; shared: string }> = []
      const pages = []
      for (const dir of decks) {
        const tab = await openPrintTab(session)
        const root = tab.allow(dir)
        await tab.page.goto(`${root}index.html`, { waitUntil: 'load' })
        seen.push((await tab.page.evaluate('({ own: window.own, shared: window.shared })')) as { own: string; shared: string })
        pages.push(tab.page)
        assert.deepEqual(tab.blocked, [])
        tab.release()
      }
      assert.equal(pages[1], pages[0], 'the second deck is shown in the tab the first released')
      assert.deepEqual(seen, [
        { own: 'A', shared: 'A' },
        // Its own file is its own; a file named by its content is the one already loaded.
        { own: 'B', shared: 'A' },
      ])
    } finally {
      await session.close()
    }
  })
})

describe('a deck printed in a tab behind another', () => {
  test('is printed whole, its pictures waited for', async () => {
    // A course prints its decks in several tabs at once: all but one are behind the others. Chromium 156
    // never settles an image's decode() in such a tab, which hung the build until it timed out.
    const dir = await tempDir()
    await copyFile(path.join(root, 'test', 'fixtures', 'images', 'pixel.png'), path.join(dir, 'pixel.png'))
    await writeFile(path.join(dir, 'deck.md'), '# A picture\n\n![A dot](pixel.png)\n\n## And text\n\nWords.\n')
    const built = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(built.code, 0, built.stderr)
    const session = new BrowserSession()
    try {
      const tabs = [await openPrintTab(session), await openPrintTab(session)]
      const shown = await Promise.all(tabs.map((tab) => tab.page.evaluate('document.visibilityState')))
      const behind = tabs[shown.indexOf('hidden')]
      assert.ok(behind, `one of two tabs is behind the other (${shown.join(', ')})`)
      const slides = path.join(dir, 'out', 'deck.pdf')
      const metadata = { title: 'A picture', lang: 'en', creator: 'diapo' }
      const printed = await exportPdf(session, {
        html: path.join(dir, 'out', 'index.html'),
        slides,
        metadata,
        tab: Promise.resolve(behind),
        timeout: 15_000,
      })
      assert.equal(printed.pages.slides, 2)
      assert.equal((await readPdf(slides)).pages.length, 2)
    } finally {
      await session.close()
    }
  })
})

/** A deck long enough that printing it takes a while, in a folder of its own. */
async function bigDeck() {
  const dir = await tempDir()
  const slides = Array.from({ length: 200 }, (_, index) => `## Slide ${index + 1}\n\n- A point\n- Another point\n`).join('\n')
  const deck = path.join(dir, 'deck.md')
  await writeFile(deck, slides)
  await mkdir(path.join(dir, 'tmp'))
  return { dir, deck }
}
