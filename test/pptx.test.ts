/**
 * The PowerPoint export, read back as PowerPoint reads it: the file
 * unzipped and its XML parsed — slides, their text as runs in reading
 * order, notes, tables, pictures, the diagrams' SVG and PNG parts, the
 * fragments' animations, the document's properties — and, where
 * LibreOffice is installed, turned into a PDF and compared page by page
 * with diapo's own.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { before, describe, test } from 'node:test'
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom'
import JSZip from 'jszip'
import { fixtures, root, runCli, tempDir } from './helpers.ts'
import { readPdf } from './pdf-helpers.ts'

/** A `.pptx` read back: each slide's XML, its relationships, its notes; the parts by name. */
interface Presentation {
  zip: JSZip
  slides: Array<{ xml: XmlElement; rels: Map<string, { target: string; type: string; external: boolean }>; notes: string }>
  core: XmlElement
}

async function readPptx(file: string): Promise<Presentation> {
  const zip = await JSZip.loadAsync(await readFile(file))
  const parse = async (name: string) => new DOMParser().parseFromString(await zip.file(name)!.async('string'), 'text/xml').documentElement!
  const names = Object.keys(zip.files)
    .filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name))
    .sort((a, b) => Number(/(\d+)\.xml/.exec(a)![1]) - Number(/(\d+)\.xml/.exec(b)![1]))
  const slides = []
  for (const name of names) {
    const relsXml = await parse(name.replace('slides/', 'slides/_rels/') + '.rels')
    const rels = new Map(
      elements(relsXml, 'Relationship').map((rel) => [
        rel.getAttribute('Id')!,
        { target: rel.getAttribute('Target')!, type: rel.getAttribute('Type')!, external: rel.getAttribute('TargetMode') === 'External' },
      ]),
    )
    const notesTarget = [...rels.values()].find((rel) => rel.type.endsWith('/notesSlide'))?.target
    const notes = notesTarget ? paragraphsOf(await parse(path.posix.join('ppt/slides', notesTarget))).join('\n') : ''
    slides.push({ xml: await parse(name), rels, notes })
  }
  return { zip, slides, core: await parse('docProps/core.xml') }
}

function elements(node: XmlElement, name: string): XmlElement[] {
  return Array.from(node.getElementsByTagName(name)) as XmlElement[]
}

/** The text of each paragraph (`a:p`) under `node`, its runs joined, in document order. */
function paragraphsOf(node: XmlElement): string[] {
  return elements(node, 'a:p')
    .map((paragraph) =>
      elements(paragraph, 'a:t')
        .map((text) => text.textContent)
        .join(''),
    )
    .filter((text) => text.trim() !== '')
}

/** The text shapes of a slide (`p:sp`), each as its paragraphs. */
function shapesOf(slide: XmlElement): Array<{ name: string; id: string; paragraphs: XmlElement[] }> {
  return elements(slide, 'p:sp').map((shape) => ({
    name: elements(shape, 'p:cNvPr')[0]!.getAttribute('name')!,
    id: elements(shape, 'p:cNvPr')[0]!.getAttribute('id')!,
    paragraphs: elements(shape, 'a:p'),
  }))
}

const execute = promisify(execFile)

const deckMarkdown = `---
title: Probe deck
author: Ana Pérez
lang: es
footer: "**diapo** · probe"
slideNumber: true
---

# Probe deck

Subtitle line

---

## Steps

- First :fragment
- Second :fragment
  - Nested deeper
- Third

:::notes
Say the steps slowly.
:::

---

## Table

| Command | What |
| --- | ---: |
| \`docker ps\` | lists **containers** |
| \`docker run\` | runs one |

---

## Code

\`\`\`js {2}
function total(items) {
  let sum = 0
  return sum
}
\`\`\`

---

## Math and links

The energy $E = mc^2$ and [the site](https://example.com), or [back](#probe-deck).

$$
\\int_0^1 x\\,dx = \\frac{1}{2}
$$

---

## Picture

![A dot](pixel.png){width=30%}

---

## Diagram

\`\`\`mermaid
flowchart LR
  A[Write Markdown] --> B{Build}
  B --> C[Slides]
\`\`\`

---

## Embedded

<iframe srcdoc="<p style='font: 40px sans-serif'>An embedded page</p>" width="400" height="200"></iframe>
`

async function probeDeck(): Promise<string> {
  const dir = await tempDir('diapo-pptx-')
  await writeFile(path.join(dir, 'deck.md'), deckMarkdown)
  await copyFile(path.join(fixtures, 'images', 'pixel.png'), path.join(dir, 'pixel.png'))
  return dir
}

describe('diapo build --pptx', () => {
  let dir: string
  let stderr: string
  let stdout: string
  let pptx: Presentation
  const file = () => path.join(dir, 'out', 'probe-deck.pptx')

  before(async () => {
    dir = await probeDeck()
    const run = await runCli(['build', 'deck.md', '--out', 'out', '--pptx'], dir, { DIAPO_CACHE_DIR: path.join(dir, 'cache') })
    assert.equal(run.code, 0, run.stderr)
    ;({ stderr, stdout } = run)
    pptx = await readPptx(file())
  })

  test('writes <title>.pptx beside the PDF, a slide a slide, and says so', async () => {
    assert.match(stdout, /out\/probe-deck\.pptx \(8 slides\)/)
    const pdf = await readPdf(path.join(dir, 'out', 'probe-deck.pdf'))
    assert.equal(pptx.slides.length, pdf.pages.length)
    assert.equal(pptx.slides.length, 8)
    // 16:9, the canvas at 96 pixels an inch: 1280×720 px is 13.33×7.5 in.
    const presentation = new DOMParser().parseFromString(await pptx.zip.file('ppt/presentation.xml')!.async('string'), 'text/xml')
    const size = presentation.getElementsByTagName('p:sldSz')[0]!
    assert.equal(Number(size.getAttribute('cx')), Math.round((1280 / 96) * 914400))
    assert.equal(Number(size.getAttribute('cy')), 720 * 9525)
  })

  test('every slide’s text is runs in text boxes, in reading order, each paragraph with its settings once', () => {
    const texts = pptx.slides.map((slide) => paragraphsOf(slide.xml))
    assert.deepEqual(texts[0]!.slice(0, 2), ['Probe deck', 'Subtitle line'])
    assert.deepEqual(texts[1]!.slice(0, 5), ['Steps', 'First', 'Second', 'Nested deeper', 'Third'])
    assert.deepEqual(texts[3]!.slice(0, 5), ['Code', 'function total(items) {', '  let sum = 0', '  return sum', '}'])
    // The footer and number of the frontmatter, on every slide.
    for (const [index, slide] of texts.entries()) {
      assert.ok(slide.includes('diapo · probe'), `slide ${index + 1}: ${slide.join(' | ')}`)
      assert.ok(slide.includes(String(index + 1)), `slide ${index + 1}`)
    }
    // pptxgenjs writes a paragraph's settings before each run; PowerPoint calls such a file damaged.
    for (const slide of pptx.slides) for (const paragraph of elements(slide.xml, 'a:p')) assert.ok(elements(paragraph, 'a:pPr').length <= 1)
  })

  test('lists keep their bullets and levels; runs their font, size, weight and colour', () => {
    const steps = shapesOf(pptx.slides[1]!.xml).find((shape) => shape.paragraphs.some((p) => p.textContent!.includes('Nested deeper')))!
    const levels = steps.paragraphs.map((p) => Number(elements(p, 'a:pPr')[0]?.getAttribute('lvl') ?? 0))
    assert.deepEqual(levels, [0, 0, 1, 0])
    for (const paragraph of steps.paragraphs) assert.equal(elements(paragraph, 'a:buChar').length, 1)
    const heading = elements(shapesOf(pptx.slides[1]!.xml)[0]!.paragraphs[0]!, 'a:rPr')[0]!
    assert.equal(heading.getAttribute('b'), '1')
    // The theme's 51 px heading is 38.25 pt.
    assert.ok(Number(heading.getAttribute('sz')) > 3000, heading.getAttribute('sz')!)
    assert.equal(elements(heading, 'a:latin')[0]!.getAttribute('typeface'), 'Source Sans 3')
    // Code in the deck's monospaced font, said to be monospaced; the highlighted line in other colours than the dimmed ones.
    const code = shapesOf(pptx.slides[3]!.xml).find((shape) => shape.paragraphs.some((p) => p.textContent!.includes('let sum')))!
    const fonts = elements(code.paragraphs[1]!, 'a:latin')
    assert.ok(fonts.every((font) => font.getAttribute('typeface') === 'JetBrains Mono' && font.getAttribute('pitchFamily') === '49'))
    const colours = (paragraph: XmlElement) => new Set(elements(paragraph, 'a:srgbClr').map((colour) => colour.getAttribute('val')))
    assert.notDeepEqual(colours(code.paragraphs[1]!), colours(code.paragraphs[2]!))
  })

  test('speaker notes are in the notes page', () => {
    assert.match(pptx.slides[1]!.notes, /Say the steps slowly\./)
    assert.doesNotMatch(paragraphsOf(pptx.slides[1]!.xml).join(' '), /slowly/)
  })

  test('tables are PowerPoint tables, cell by cell', () => {
    const table = elements(pptx.slides[2]!.xml, 'a:tbl')[0]!
    const rows = elements(table, 'a:tr').map((row) =>
      elements(row, 'a:tc').map((cell) =>
        elements(cell, 'a:t')
          .map((text) => text.textContent)
          .join(''),
      ),
    )
    assert.deepEqual(rows, [
      ['Command', 'What'],
      ['docker ps', 'lists containers'],
      ['docker run', 'runs one'],
    ])
    // The second column is right-aligned, as in the Markdown.
    assert.equal(elements(elements(table, 'a:tc')[3]!, 'a:pPr')[0]!.getAttribute('algn'), 'r')
    // Lines where the slide draws them, not PowerPoint's grid: the theme's blue under the header row, its rule
    // colour under each body row but the last, none at the sides.
    const lines = elements(table, 'a:tr').map((row) =>
      elements(row, 'a:tc').map((cell) => {
        const line = (name: string) => {
          const [side] = elements(cell, name)
          const colour = side && elements(side, 'a:srgbClr')[0]?.getAttribute('val')
          return colour ? `${colour} ${side.getAttribute('w')}` : 'none'
        }
        return { left: line('a:lnL'), right: line('a:lnR'), bottom: line('a:lnB') }
      }),
    )
    const under = (colour: string, emu: number) => ({ left: 'none', right: 'none', bottom: `${colour} ${emu}` })
    const none = { left: 'none', right: 'none', bottom: 'none' }
    assert.deepEqual(lines, [
      [under('1D63ED', 28575), under('1D63ED', 28575)],
      [under('C9D6EE', 9525), under('C9D6EE', 9525)],
      [none, none],
    ])
  })

  test('links lead to their address, and a link within the deck to its slide', () => {
    const rels = [...pptx.slides[4]!.rels.values()]
    assert.ok(rels.some((rel) => rel.target === 'https://example.com/' && rel.external))
    const jumps = elements(pptx.slides[4]!.xml, 'a:hlinkClick').map((link) => link.getAttribute('action'))
    assert.ok(jumps.includes('ppaction://hlinksldjump'))
    assert.ok(rels.some((rel) => rel.target === 'slide1.xml'))
  })

  test('math in a sentence is its TeX, a line of math a picture, and both are said', () => {
    assert.ok(paragraphsOf(pptx.slides[4]!.xml).some((text) => text.includes('E = mc^2')))
    assert.equal(elements(pptx.slides[4]!.xml, 'p:pic').length, 1)
    assert.match(stderr, /deck\.md:\d+:1 +warning +Slide 5: Math cannot be carried into PowerPoint as math/)
  })

  test('pictures are copied as they are', async () => {
    const pictures = elements(pptx.slides[5]!.xml, 'p:pic')
    assert.equal(pictures.length, 1)
    assert.equal(elements(pictures[0]!, 'p:cNvPr')[0]!.getAttribute('descr'), 'A dot')
    const id = elements(pictures[0]!, 'a:blip')[0]!.getAttribute('r:embed')!
    const part = pptx.slides[5]!.rels.get(id)!.target
    const bytes = await pptx.zip.file(path.posix.join('ppt/slides', part))!.async('nodebuffer')
    assert.deepEqual(bytes, await readFile(path.join(fixtures, 'images', 'pixel.png')))
  })

  test('a diagram is an SVG with its labels as SVG text, and a PNG of it beside', async () => {
    const picture = elements(pptx.slides[6]!.xml, 'p:pic')[0]!
    const blip = elements(picture, 'a:blip')[0]!
    const svgBlip = elements(picture, 'asvg:svgBlip')[0]!
    const part = async (id: string) =>
      pptx.zip.file(path.posix.join('ppt/slides', pptx.slides[6]!.rels.get(id)!.target))!.async('nodebuffer')
    const png = await part(blip.getAttribute('r:embed')!)
    const svg = (await part(svgBlip.getAttribute('r:embed')!)).toString()
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG, not the SVG again')
    const drawing = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement!
    assert.equal(drawing.tagName, 'svg')
    // PowerPoint draws no HTML inside an SVG: Mermaid's labels are SVG text.
    assert.equal(elements(drawing, 'foreignObject').length, 0)
    const labels = elements(drawing, 'text').map((text) => text.textContent)
    for (const label of ['Write Markdown', 'Build', 'Slides']) assert.ok(labels.includes(label), labels.join(' | '))
  })

  test('what PowerPoint cannot hold is a picture of it, with a warning at its slide', () => {
    const pictures = elements(pptx.slides[7]!.xml, 'p:pic')
    assert.equal(pictures.length, 1)
    assert.equal(elements(pictures[0]!, 'p:cNvPr')[0]!.getAttribute('descr'), 'iframe')
    assert.match(
      stderr,
      /deck\.md:\d+:1 +warning +Slide 8: An iframe cannot be carried into PowerPoint: it is a picture of it there +diapo:pptx/,
    )
  })

  test('fragments appear on clicks, in order; a list’s items paragraph by paragraph', () => {
    const slide = pptx.slides[1]!.xml
    const list = shapesOf(slide).find((shape) => shape.paragraphs.some((p) => p.textContent!.includes('Nested deeper')))!
    const clicks = elements(elements(slide, 'p:timing')[0]!, 'p:par').filter((par) =>
      elements(par, 'p:cond').some((cond) => cond.getAttribute('delay') === 'indefinite' && cond.parentNode?.parentNode === par.firstChild),
    )
    const targets = clicks.map((click) =>
      elements(click, 'p:spTgt').map((target) => {
        const range = elements(target, 'p:pRg')[0]
        return `${target.getAttribute('spid')}:${range?.getAttribute('st')}`
      }),
    )
    // "First" on the first click; "Second" and the item nested in it on the second; "Third" is no fragment.
    assert.deepEqual(targets, [[`${list.id}:0`], [`${list.id}:1`, `${list.id}:2`]])
    assert.equal(elements(slide, 'p:bldP')[0]!.getAttribute('build'), 'p')
    // Slides without fragments have no animations.
    assert.equal(elements(pptx.slides[2]!.xml, 'p:timing').length, 0)
  })

  test('the document says its title, author and language', () => {
    const text = (name: string) => elements(pptx.core, name)[0]?.textContent
    assert.equal(text('dc:title'), 'Probe deck')
    assert.equal(text('dc:creator'), 'Ana Pérez')
    assert.equal(text('dc:language'), 'es')
    assert.match(text('cp:lastModifiedBy') ?? '', /^diapo \d/)
  })

  test('the same deck gives the same bytes, cold or warm', async () => {
    const first = await readFile(file())
    const again = await runCli(['build', 'deck.md', '--out', 'again', '--pptx', '--no-pdf'], dir, {
      DIAPO_CACHE_DIR: path.join(dir, 'cold'),
    })
    assert.equal(again.code, 0, again.stderr)
    assert.deepEqual(await readFile(path.join(dir, 'again', 'probe-deck.pptx')), first)
    assert.deepEqual(await readdir(path.join(dir, 'again')).then((names) => names.filter((name) => name.endsWith('.pdf'))), [])
  })

  test('LibreOffice shows the same slides, page by page, as diapo’s PDF', async (context) => {
    const soffice = await execute('which', ['soffice']).then(
      ({ stdout: found }) => found.trim(),
      () => undefined,
    )
    if (!soffice) return context.skip('LibreOffice (soffice) is not installed: apt-get install libreoffice-impress to compare')
    const out = path.join(dir, 'libreoffice')
    await mkdir(out, { recursive: true })
    await execute(soffice, ['--headless', '--convert-to', 'pdf', '--outdir', out, file()], {
      env: { ...process.env, HOME: path.join(dir, 'office-home') },
      timeout: 120_000,
    })
    const office = await readPdf(path.join(out, 'probe-deck.pdf'))
    const own = await readPdf(path.join(dir, 'out', 'probe-deck.pdf'))
    assert.equal(office.pages.length, own.pages.length)
    const words = (text: string) => new Set(text.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 2))
    // Pages whose words are partly drawn rather than written: the math (TeX in PowerPoint, glyphs in the PDF), the
    // diagram (LibreOffice draws an SVG's text as shapes) and the iframe (a picture). Their headings are still compared.
    const drawn = new Map([
      [4, 'Math and links'],
      [6, 'Diagram'],
      [7, 'Embedded'],
    ])
    for (const [index, page] of office.pages.entries()) {
      const theirs = words(page.text)
      const missing = [...words(drawn.get(index) ?? own.pages[index]!.text)].filter((word) => !theirs.has(word))
      assert.deepEqual(missing, [], `page ${index + 1} of LibreOffice's PDF lacks words of diapo's`)
      assert.equal(page.width.toFixed(0), own.pages[index]!.width.toFixed(0))
    }
  })
})

describe('code shown in steps', () => {
  test('is a box a step, at the same place, each appearing over the one before on its click', async () => {
    const dir = await tempDir('diapo-pptx-steps-')
    const code = 'function total(items) {\n  let sum = 0\n  return sum\n}'
    await writeFile(path.join(dir, 'deck.md'), `## Steps\n\n\`\`\`js [1|2-3|all]\n${code}\n\`\`\`\n`)
    const run = await runCli(['pptx', 'deck.md', '--out', 'steps.pptx'], dir)
    assert.equal(run.code, 0, run.stderr)
    const slide = (await readPptx(path.join(dir, 'steps.pptx'))).slides[0]!.xml
    const boxes = elements(slide, 'p:sp').filter((shape) => shape.textContent!.includes('let sum'))
    assert.equal(boxes.length, 3)
    const place = (shape: XmlElement) => elements(shape, 'a:off')[0]!.toString() + elements(shape, 'a:ext')[0]!.toString()
    assert.equal(new Set(boxes.map(place)).size, 1)
    // The first step as the slide opens; the second and the third, each on a click.
    const ids = boxes.map((shape) => elements(shape, 'p:cNvPr')[0]!.getAttribute('id'))
    const targets = elements(slide, 'p:spTgt').map((target) => target.getAttribute('spid'))
    assert.deepEqual(targets, ids.slice(1))
    // Each box has the block's fill, so that it hides the step under it.
    for (const shape of boxes) assert.equal(elements(elements(shape, 'p:spPr')[0]!, 'a:solidFill').length, 1)
  })
})

describe('diapo pptx', () => {
  test('writes only the PowerPoint file, where --out says', async () => {
    const dir = await probeDeck()
    const run = await runCli(['pptx', 'deck.md', '--out', 'talk.pptx'], dir)
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /talk\.pptx \(8 slides\)/)
    const names = await readdir(dir)
    assert.ok(names.includes('talk.pptx'))
    assert.ok(!names.includes('dist'), names.join(' '))
    assert.equal((await readPptx(path.join(dir, 'talk.pptx'))).slides.length, 8)
  })

  test('a picture of math is taken again when a stylesheet changes how math looks, and kept while none does', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), '---\ntitle: Roots\ncss: brand.css\n---\n\n## A root\n\n$$\n\\sqrt{2}\n$$\n')
    const env = { DIAPO_CACHE_DIR: path.join(dir, 'cache') }
    const build = async (css: string) => {
      await writeFile(path.join(dir, 'brand.css'), css)
      const run = await runCli(['pptx', 'deck.md', '--verbose'], dir, env)
      assert.equal(run.code, 0, run.stderr)
      return /pptx: slides read, (\d+) pictures to take, (\d+) from the cache/.exec(run.stderr)?.slice(1).map(Number)
    }
    const [pictures] = (await build('.reveal { --r-heading-color: #333; }\n'))!
    assert.deepEqual(await build('.reveal { --r-heading-color: #333; }\n'), [0, pictures])
    // The font and colour of the math are the same: only the stylesheet says its root's sign is drawn otherwise.
    assert.deepEqual(await build('.reveal .katex svg { stroke-width: 40; }\n'), [1, pictures! - 1])
  })

  test('takes none of the PDF’s options, and `diapo pdf` no --pptx', async () => {
    const dir = await probeDeck()
    const notes = await runCli(['pptx', 'deck.md', '--notes'], dir)
    assert.equal(notes.code, 2)
    assert.match(notes.stderr, /`diapo pptx` prints no PDF: --notes is for `diapo build` or `diapo pdf`/)
    const pdf = await runCli(['pdf', 'deck.md', '--pptx'], dir)
    assert.equal(pdf.code, 2)
    assert.match(pdf.stderr, /`diapo pdf` takes no --pptx/)
  })

  test('the talk: every slide, both diagrams as SVG with a PNG', async () => {
    const dir = await tempDir('diapo-pptx-talk-')
    const run = await runCli(['pptx', 'slides', '--out', path.join(dir, 'talk.pptx')], root)
    assert.equal(run.code, 0, run.stderr)
    const talk = await readPptx(path.join(dir, 'talk.pptx'))
    assert.equal(talk.slides.length, 15)
    assert.equal(paragraphsOf(talk.slides[0]!.xml)[0], 'Introducción a los contenedores')
    const svgs = talk.slides.flatMap((slide) => elements(slide.xml, 'asvg:svgBlip'))
    assert.equal(svgs.length, 2)
    assert.equal(Object.keys(talk.zip.files).filter((name) => name.endsWith('.svg')).length, 2)
  })
})
