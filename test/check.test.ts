/**
 * The layout check and auto-fit, in real Chromium: `diapo check` on decks
 * with known problems, on the talk in both themes, on the unedited seed
 * article; continuation slides and the PDF that follows them.
 */
import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { before, describe, test } from 'node:test'
import { readPdf } from './pdf-helpers.ts'
import { root, runCli, slidesOf, tempDir } from './helpers.ts'

const decks = path.join(root, 'test', 'decks')

/** The warnings of a run, one a line, as `file:line:col  warning  message  rule`. */
const warningLines = (stderr: string) => stderr.split('\n').filter((line) => / {2}warning {2}/.test(line))

describe('diapo check on a deck with known problems', () => {
  let run: Awaited<ReturnType<typeof runCli>>
  let lines: string[]

  before(async () => {
    run = await runCli(['check', path.join(decks, 'check'), '--strict'])
    lines = warningLines(run.stderr)
  })

  test('--strict exits 1 when there is a finding', () => {
    assert.equal(run.code, 1, run.stderr)
    assert.match(run.stdout, /Checked 9 slides: 7 warnings/)
  })

  // Each problem of test/decks/check/deck.md, at its slide's (or its own) line, with its rule.
  const expected: Array<[string, RegExp]> = [
    [
      'overflow, bottom (fit="none")',
      /deck\.md:10:1 +warning +Slide 2: Content runs \d+ px off the bottom of the slide: “Point number 1.*diapo:overflow$/,
    ],
    [
      'text under 20 px',
      /deck\.md:55:1 +warning +Slide 3: Text at 12 px is smaller than the 20 px minimum: “tiny print” +diapo:text-size$/,
    ],
    [
      'contrast under AA',
      /deck\.md:59:1 +warning +Slide 4: Text contrast is 1\.67:1, under the 3:1 of WCAG AA: “faint words”.*diapo:contrast$/,
    ],
    ['image without alt text', /deck\.md:65:1 +warning +Image `pixel\.png` has no alt text.*diapo:image-alt$/],
    [
      'link to a slide that does not exist',
      /deck\.md:69:5 +warning +Link `#\/99` leads nowhere: the deck has 9 slides.*diapo:broken-link$/,
    ],
    [
      'overflow, right',
      /deck\.md:71:1 +warning +Slide 7: Content runs \d+ px off the right of the slide: “A box wider than the slide” +diapo:overflow$/,
    ],
    ['empty slide', /deck\.md:77:1 +warning +Slide 8: The slide is empty +diapo:empty-slide$/],
  ]
  for (const [what, pattern] of expected) {
    test(`reports ${what}`, () => {
      assert.ok(
        lines.some((line) => pattern.test(line)),
        `no line matches ${pattern}:\n${lines.join('\n')}`,
      )
    })
  }

  test('reports nothing about the slides that are fine', () => {
    assert.ok(!lines.some((line) => /Slide (1|9):/.test(line)), lines.join('\n'))
    assert.equal(lines.length, expected.length, lines.join('\n'))
  })

  test('without --strict the findings are warnings: exit 0', async () => {
    const loose = await runCli(['check', path.join(decks, 'check')])
    assert.equal(loose.code, 0, loose.stderr)
    assert.equal(warningLines(loose.stderr).length, expected.length)
  })

  test('code in a sentence is held to code’s minimum, not prose’s', async () => {
    const dir = await tempDir()
    const sized = (code: number) => `<p style="font-size: 24px">Call <code style="font-size: ${code}px">total()</code> here.</p>`
    await writeFile(path.join(dir, 'deck.md'), `## Small enough\n\n${sized(17)}\n\n## Too small\n\n${sized(11)}\n`)
    const run = await runCli(['check', path.join(dir, 'deck.md')])
    assert.deepEqual(
      warningLines(run.stderr).map((line) => line.replace(/^.*?warning +/, '')),
      ['Slide 2: Code at 11 px is smaller than the 14 px minimum: “total()”  diapo:text-size'],
    )
  })
})

describe('the talk and the seed article pass the check', () => {
  for (const theme of ['diapo', 'diapo-dark']) {
    test(`the talk, theme ${theme}: diapo check --strict passes`, async () => {
      const run = await runCli(['check', '--strict', '--theme', theme])
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /Checked 15 slides: all fit/)
    })
  }

  for (const theme of ['diapo', 'diapo-dark']) {
    test(`a deck of every authoring feature (math, layouts, image sizes, code steps, css:, header, footer, numbers), theme ${theme}: diapo check --strict passes, nothing fetched`, async () => {
      const run = await runCli(['check', '--strict', '--theme', theme, path.join(decks, 'features', 'deck.md')])
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /Checked 8 slides: all fit/)
    })
  }

  test('what the authoring features deck is made of', async () => {
    const out = path.join(await tempDir(), 'out')
    const run = await runCli(['build', path.join(decks, 'features', 'deck.md'), '--out', out, '--no-pdf'])
    assert.equal(run.code, 0, run.stderr)
    const slides = slidesOf(await readFile(path.join(out, 'index.html'), 'utf8'))
    for (const made of [
      'class="katex"',
      'class="columns"',
      'columns diapo-split',
      'object-fit: contain',
      'diapo-steps',
      'line highlighted',
      'diapo-footer',
      'diapo-slide-number">2<',
    ]) {
      assert.ok(slides.includes(made), made)
    }
  })

  test('the unedited seed article becomes slides that fit, with no hand editing', async () => {
    const run = await runCli(['check', '--strict', path.join(decks, 'seed'), '--allow-path', path.join(root, 'slides', 'diagrams')])
    assert.equal(run.code, 0, run.stderr)
    // 4 headed sections: the two long ones are cut into continuation slides.
    assert.match(run.stdout, /Checked (\d+) slides, 2 made to fit: all fit/)
    const count = Number(/Checked (\d+) slides/.exec(run.stdout)![1])
    assert.ok(count > 4, run.stdout)
  })
})

describe('auto-fit', () => {
  let html: string
  let pdfPages: number
  let stdout: string

  before(async () => {
    const out = path.join(await tempDir(), 'out')
    const run = await runCli(['build', path.join(decks, 'fit'), '--out', out])
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual(warningLines(run.stderr), [])
    stdout = run.stdout
    html = slidesOf(await readFile(path.join(out, 'index.html'), 'utf8'))
    pdfPages = (await readPdf(path.join(out, 'auto-fit.pdf'))).pages.length
  })

  const sections = () => html.split('<section').slice(1)
  // The first part's heading has the deck's id for it; a continuation's has none.
  const titled = (title: string) => sections().filter((section) => /<h2(?: id="[^"]*")?>([^<]*)/.exec(section)?.[1]?.startsWith(title))

  test('a 40-item list is cut between items, numbering carried on, the heading repeated', () => {
    const parts = titled('Una lista de cuarenta puntos')
    assert.ok(parts.length >= 3, `${parts.length} parts`)
    assert.ok(parts.slice(1).every((part) => part.includes('Una lista de cuarenta puntos (cont.)</h2>')))
    const items = parts.map((part) => [...part.matchAll(/Point number (\d+)</g)].map((match) => Number(match[1])))
    assert.deepEqual(
      items.flat(),
      Array.from({ length: 40 }, (_, index) => index + 1),
    )
    for (const [index, part] of parts.entries()) {
      if (index > 0) assert.match(part, new RegExp(`<ol start="${items[index]![0]}">`))
    }
  })

  test('the notes stay with the first part', () => {
    const parts = titled('Una lista de cuarenta puntos')
    assert.match(parts[0]!, /Estas notas van con la primera parte/)
    assert.ok(parts.slice(1).every((part) => !part.includes('<aside class="notes">')))
  })

  test('a long article is cut between paragraphs, never inside one', () => {
    const parts = titled('Un artículo largo')
    assert.ok(parts.length >= 2)
    const paragraphs = parts.flatMap((part) => [...part.matchAll(/<p>Párrafo (\d+)\./g)].map((match) => Number(match[1])))
    assert.deepEqual(paragraphs, [1, 2, 3, 4, 5, 6, 7, 8])
  })

  test('a long table is cut between rows, its header row repeated', () => {
    const parts = titled('Una tabla larga')
    assert.ok(parts.length >= 2)
    assert.ok(parts.every((part) => part.includes('<th>Orden</th>')))
    const rows = parts.flatMap((part) => [...part.matchAll(/<td>docker ([a-z ]+)<\/td>/g)].map((match) => match[1]))
    assert.equal(rows.length, 15)
    assert.equal(new Set(rows).size, 15)
  })

  test('fit="shrink" scales the slide down whole instead', () => {
    const [part, ...more] = titled('Un Dockerfile largo')
    assert.equal(more.length, 0)
    assert.match(part!, /style="--diapo-fit: 0\.\d+"/)
  })

  test('the PDF follows: one page a slide, and the build says how many were made to fit', () => {
    assert.equal(pdfPages, sections().length)
    assert.match(stdout, new RegExp(`Built ${sections().length} slides \\(4 made to fit\\)`))
  })

  test('every part passes the check', async () => {
    const run = await runCli(['check', '--strict', path.join(decks, 'fit')])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /Checked \d+ slides, 4 made to fit: all fit/)
  })

  test('fits are cached: a build without the browser fits the same, a build that prints loads the deck once, same bytes', async () => {
    const dir = await tempDir()
    const env = { DIAPO_CACHE_DIR: path.join(dir, 'cache') }
    const build = (out: string, ...flags: string[]) =>
      runCli(['build', path.join(decks, 'fit'), '--out', path.join(dir, out), ...flags], root, env)
    const first = await build('first', '--verbose')
    assert.equal(first.code, 0, first.stderr)
    assert.equal(first.stderr.match(/pdf: deck loaded/g)?.length, 1, 'loaded once')
    assert.equal(first.stderr.match(/pdf: slides shown again/g)?.length, 1, 'measured, fitted, the slides shown again in the same page')

    const htmlOnly = await build('html', '--no-pdf')
    assert.equal(htmlOnly.code, 0, htmlOnly.stderr)
    assert.match(htmlOnly.stdout, /Built 12 slides \(4 made to fit\)/)
    const second = await build('second', '--verbose')
    assert.equal(second.stderr.match(/pdf: deck loaded/g)?.length, 1, 'fitted from the cache: nothing to redo')

    const read = (out: string, file: string) => readFile(path.join(dir, out, file))
    assert.deepEqual(await read('html', 'index.html'), await read('first', 'index.html'))
    assert.deepEqual(await read('second', 'index.html'), await read('first', 'index.html'))
    assert.deepEqual(await read('second', 'auto-fit.pdf'), await read('first', 'auto-fit.pdf'))
  })

  test('a deck with a script in a slide is loaded again after a fit, so that the script runs', async () => {
    const dir = await tempDir()
    const items = Array.from({ length: 40 }, (_, index) => `- Point ${index + 1}`).join('\n')
    const script = "<script>document.querySelector('#ran').textContent = 'The script ran'</script>"
    await writeFile(path.join(dir, 'deck.md'), `## Scripted\n\n<p id="ran">Not yet</p>\n\n${script}\n\n## Long\n\n${items}\n`)
    const env = { DIAPO_CACHE_DIR: path.join(dir, 'cache') }
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--verbose'], root, env)
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stderr.match(/pdf: deck loaded/g)?.length, 2, run.stderr)
    assert.doesNotMatch(run.stderr, /slides shown again/)
    assert.match(run.stdout, /\(1 made to fit\)/)
    assert.match((await readPdf(path.join(dir, 'out', 'scripted.pdf'))).pages[0]!.text, /The script ran/)
  })

  test('a deck whose own code keeps reveal.js from starting again in place is loaded again after a fit', async () => {
    const dir = await tempDir()
    const items = Array.from({ length: 40 }, (_, index) => `- Point ${index + 1}`).join('\n')
    // Printing opens every <details>; this one's handler then takes reveal.js's destroy() away.
    const details = '<details ontoggle="Reveal.destroy = null"><summary>More</summary>Hidden text</details>'
    await writeFile(path.join(dir, 'deck.md'), `## Details\n\n${details}\n\n## Long\n\n${items}\n`)
    const env = { DIAPO_CACHE_DIR: path.join(dir, 'cache') }
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--verbose'], root, env)
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /the slides could not be shown again in place \(.+\); loading the deck again/)
    assert.equal(run.stderr.match(/pdf: deck loaded/g)?.length, 2, run.stderr)
    assert.match(run.stdout, /\(1 made to fit\)/)
    const { pages } = await readPdf(path.join(dir, 'out', 'details.pdf'))
    assert.equal(pages.length, Number(/Built (\d+) slides/.exec(run.stdout)?.[1]))
    assert.match(pages[0]!.text, /Hidden text/)
  })

  test('fit="none" leaves the slide as written, and the build warns', async () => {
    const dir = await tempDir()
    const items = Array.from({ length: 40 }, (_, index) => `- Point ${index + 1}`).join('\n')
    await writeFile(path.join(dir, 'deck.md'), `## Short\n\nFine.\n\n## Far too long\n\n::slide{fit="none"}\n\n${items}\n`)
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out')])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /deck\.md:5:1 +warning +Slide 2: Content runs \d+ px off the bottom of the slide/)
    assert.match(run.stdout, /Built 2 slides/)
  })
})

test('slides are measured as they print: CSS for print only is checked too', async () => {
  const dir = await tempDir()
  const deck = path.join(dir, 'deck.md')
  const style = '<style>@media print { .grows { font-size: 160px } }</style>'
  await writeFile(
    deck,
    `## Bigger on paper\n\n::slide{fit="none"}\n\n${style}\n\n<p class="grows">Small on screen, far too big in print</p>\n`,
  )
  const run = await runCli(['check', '--strict', deck], root, { DIAPO_CACHE_DIR: path.join(dir, 'cache') })
  assert.equal(run.code, 1, run.stderr)
  assert.match(run.stderr, /deck\.md:1:1 +warning +Slide 1: Content runs \d+ px off the bottom of the slide: “Small on screen/)
})

test('--screenshots writes a PNG of every slide, at the canvas size', async () => {
  const dir = path.join(await tempDir(), 'shots')
  const run = await runCli(['check', path.join(decks, 'seed'), '--screenshots', dir, '--allow-path', path.join(root, 'slides', 'diagrams')])
  assert.equal(run.code, 0, run.stderr)
  const files = (await readdir(dir)).sort()
  const slides = Number(/Checked (\d+) slides/.exec(run.stdout)![1])
  assert.equal(files.length, slides)
  assert.equal(files[0], 'slide-01.png')
  for (const file of files) {
    const png = await readFile(path.join(dir, file))
    assert.equal(png.subarray(1, 4).toString(), 'PNG')
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1280, 720], file)
  }
})
