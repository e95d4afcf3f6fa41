/**
 * Stage: the slides read from the page (`read-slides.ts`) written as a
 * PowerPoint file with pptxgenjs — one slide a slide, every text a text box
 * where the browser put it, in the deck's fonts and colours; tables as
 * tables; pictures copied; diagrams as SVG with a PNG beside them; the
 * notes in each slide's notes page. `pptx-package.ts` then puts in what
 * pptxgenjs does not write (the PNGs of the SVGs, the fragments'
 * animations) and makes the file the same bytes for the same deck.
 *
 * Lengths: the canvas is laid out in CSS pixels, 96 an inch, so a 1280×720
 * deck is PowerPoint's 13.33×7.5 in widescreen slide, and a font of 40 px
 * is 30 pt.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import mime from 'mime/lite'
import PptxModule from 'pptxgenjs'
import { finishPackage, type Animation } from './pptx-package.ts'
import type { Box, Cell, Gradient, Paragraph, ReadDeck, Run, Shape } from './read-slides.ts'

/** What the file says about itself. */
export interface PptxMetadata {
  title: string
  author?: string | undefined
  subject?: string | undefined
  lang: string
  creator: string
}

export interface PptxOptions {
  metadata: PptxMetadata
  /** Where the page was shown the deck's folder from, and that folder: a picture's address is its file there. */
  served: string
  folder: string
}

// pptxgenjs's types describe its CommonJS build, where the class is `default` of the module.
// Its ES build, which is loaded, exports the class as default.
const PptxGen = PptxModule as unknown as typeof PptxModule.default
type TextRun = PptxModule.default.TextProps
type Slide = PptxModule.default.Slide

const inches = (pixels: number) => pixels / 96
const points = (pixels: number) => Math.round(pixels * 0.75 * 100) / 100

/** The PowerPoint file of `slides`, as bytes. */
export async function writePptx(deck: ReadDeck, options: PptxOptions): Promise<Uint8Array> {
  const { slides } = deck
  const pptx = new PptxGen()
  pptx.defineLayout({ name: 'diapo', width: inches(deck.width), height: inches(deck.height) })
  pptx.layout = 'diapo'
  const { metadata } = options
  pptx.title = metadata.title
  if (metadata.author) pptx.author = metadata.author
  if (metadata.subject) pptx.subject = metadata.subject
  const lang = metadata.lang
  const pngs = new Map<string, Uint8Array>()
  const gradients = new Map<string, Gradient>()
  const monospaced = new Set<string>()
  const animations: Animation[][] = []
  for (const [number, read] of slides.entries()) {
    const slide = pptx.addSlide()
    const { png, color } = read.background
    slide.background = png ? { data: `data:image/png;base64,${Buffer.from(png).toString('base64')}` } : { color: color ?? 'FFFFFF' }
    const steps: Animation[] = []
    for (const [index, shape] of read.shapes.entries()) {
      const name = `diapo ${index + 1}`
      await addShape(slide, shape, name, { lang, options, pngs })
      if (shape.kind === 'rect' && shape.gradient) gradients.set(`${number + 1}/${name}`, shape.gradient)
      const runs =
        shape.kind === 'text'
          ? shape.paragraphs.flatMap((paragraph) => paragraph.runs)
          : shape.kind === 'table'
            ? shape.rows.flat().flatMap((cell) => cell.runs)
            : []
      for (const run of runs) if (run.mono) monospaced.add(run.font)
      if (shape.fragment !== undefined) steps.push({ shape: name, step: shape.fragment })
      if (shape.kind === 'text') {
        for (const [at, paragraph] of shape.paragraphs.entries())
          if (paragraph.fragment !== undefined && shape.fragment === undefined)
            steps.push({ shape: name, step: paragraph.fragment, paragraph: at })
      }
    }
    animations.push(steps)
    if (read.notes) slide.addNotes(read.notes)
  }
  // Stored, not compressed: the finishing pass writes the file again, and compresses it then.
  const zip = (await pptx.write({ outputType: 'nodebuffer', compression: false })) as Buffer
  return finishPackage(zip, { animations, pngs, gradients, monospaced, metadata })
}

interface Context {
  lang: string
  options: PptxOptions
  /** The PNG to put in place of each SVG's stand-in, by the SVG's data URL. */
  pngs: Map<string, Uint8Array>
}

async function addShape(slide: Slide, shape: Shape, name: string, context: Context): Promise<void> {
  const at = place(shape.box)
  switch (shape.kind) {
    case 'rect':
      slide.addShape(shape.radius > 0 ? 'roundRect' : 'rect', {
        ...at,
        objectName: name,
        fill: shape.fill ? { color: shape.fill } : { type: 'none' },
        line: shape.line ? { color: shape.line.color, width: points(shape.line.width) } : { type: 'none' },
        ...(shape.radius > 0 ? { rectRadius: Math.min(0.5, shape.radius / Math.min(shape.box.w, shape.box.h)) } : {}),
      })
      return
    case 'text': {
      const [left, right, bottom, top] = shape.inset.map(points) as [number, number, number, number]
      slide.addText(textRuns(shape.paragraphs, context.lang), {
        ...at,
        // A little room to the right: PowerPoint's text measures differ by a hair, and a line must not wrap where the slide's did not.
        w: inches(shape.box.w * 1.02 + 2),
        objectName: name,
        margin: [left, right, bottom, top],
        valign: 'top',
        fit: 'none',
        wrap: true,
        ...(shape.fill ? { fill: { color: shape.fill } } : {}),
      })
      return
    }
    case 'table':
      slide.addTable(tableRows(shape.rows, context.lang), {
        ...at,
        objectName: name,
        colW: shape.columns.length > 0 ? shape.columns.map(inches) : undefined,
        rowH: shape.heights.map(inches),
        margin: [2, 4, 2, 4],
        autoPage: false,
      })
      return
    case 'image': {
      const picture = await pictureOf(shape.src, context.options)
      if (!picture) return
      slide.addImage({ ...at, data: picture.data, altText: shape.alt, objectName: name })
      return
    }
    case 'svg': {
      const svg = shape.svg ?? (await pictureOf(shape.src ?? '', context.options))?.text
      if (!svg) return
      const data = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`
      if (shape.png) context.pngs.set(data, shape.png)
      slide.addImage({ ...at, data, altText: shape.alt, objectName: name })
      return
    }
    case 'picture':
      if (!shape.png) return
      slide.addImage({
        ...at,
        data: `data:image/png;base64,${Buffer.from(shape.png).toString('base64')}`,
        altText: shape.what,
        objectName: name,
      })
      return
  }
}

function place(box: Box) {
  return { x: inches(box.x), y: inches(box.y), w: inches(box.w), h: inches(box.h) }
}

/** The paragraphs as pptxgenjs's runs: each paragraph's settings on each of its runs, a break after its last. */
function textRuns(paragraphs: Paragraph[], lang: string): TextRun[] {
  const runs: TextRun[] = []
  for (const [index, paragraph] of paragraphs.entries()) {
    const settings = {
      align: paragraph.align,
      lineSpacing: points(paragraph.lineHeight),
      paraSpaceBefore: points(paragraph.spaceBefore),
      ...(paragraph.level > 0 ? { indentLevel: paragraph.level } : {}),
    }
    const bullet = paragraph.bullet
    const bulletOf = bullet
      ? bullet.type === 'number'
        ? { type: 'number' as const, numberStartAt: bullet.start, indent: points(bullet.indent) }
        : { indent: points(bullet.indent) }
      : undefined
    const last = index === paragraphs.length - 1
    const source = paragraph.runs.length > 0 ? paragraph.runs : []
    source.forEach((run, at) => {
      runs.push({
        text: run.text,
        options: {
          ...runOptions(run, lang),
          ...settings,
          ...(at === 0 && bulletOf ? { bullet: bulletOf } : {}),
          ...(at > 0 && source[at - 1]!.breakAfter ? { softBreakBefore: true } : {}),
          breakLine: at === source.length - 1 && !last,
        },
      })
    })
  }
  return runs
}

function runOptions(run: Run, lang: string): PptxModule.default.TextPropsOptions {
  return {
    fontFace: run.font,
    fontSize: points(run.size),
    color: run.color,
    lang,
    ...(run.bold ? { bold: true } : {}),
    ...(run.italic ? { italic: true } : {}),
    ...(run.underline ? { underline: { style: 'sng' as const } } : {}),
    ...(run.strike ? { strike: 'sngStrike' as const } : {}),
    ...(run.highlight ? { highlight: run.highlight } : {}),
    ...(run.baseline === 'super' ? { superscript: true } : run.baseline === 'sub' ? { subscript: true } : {}),
    ...(run.link ? { hyperlink: run.link.startsWith('#') ? { slide: Number(run.link.slice(1)) } : { url: run.link } } : {}),
  }
}

function tableRows(rows: Cell[][], lang: string): PptxModule.default.TableRow[] {
  return rows.map((row) =>
    row.map((cell) => ({
      text: cell.runs.map((run) => ({ text: run.text, options: runOptions(run, lang) })),
      options: {
        align: cell.align === 'justify' ? 'left' : cell.align,
        valign: 'middle' as const,
        ...(cell.fill ? { fill: { color: cell.fill } } : {}),
        ...(cell.header ? { bold: true } : {}),
        border: bordersOf(cell),
        ...(cell.colspan > 1 ? { colspan: cell.colspan } : {}),
        ...(cell.rowspan > 1 ? { rowspan: cell.rowspan } : {}),
      },
    })),
  )
}

type BorderProps = PptxModule.default.BorderProps

/** A cell's borders as the slide draws them, top, right, bottom, left: a side without one has none (PowerPoint's default is a grid). */
function bordersOf(cell: Cell): [BorderProps, BorderProps, BorderProps, BorderProps] {
  const side = (index: number): BorderProps => {
    const line = cell.borders[index]
    return line ? { type: 'solid', pt: points(line.width), color: line.color } : { type: 'none' }
  }
  return [side(0), side(1), side(2), side(3)]
}

/** A picture the page showed, from the deck's folder (or its data URL): as a data URL, and as text for an SVG. */
async function pictureOf(src: string, options: PptxOptions): Promise<{ data: string; text?: string } | undefined> {
  if (src.startsWith('data:')) {
    const svg = /^data:image\/svg\+xml(;base64)?,(.*)$/s.exec(src)
    if (svg) return { data: src, text: svg[1] ? Buffer.from(svg[2]!, 'base64').toString() : decodeURIComponent(svg[2]!) }
    return { data: src }
  }
  if (!src.startsWith(options.served)) return undefined
  const relative = decodeURIComponent(new URL(src).pathname.slice(new URL(options.served).pathname.length))
  const file = path.resolve(options.folder, relative)
  if (!file.startsWith(options.folder + path.sep)) return undefined
  const bytes = await readFile(file).catch(() => undefined)
  if (!bytes) return undefined
  const type = mime.getType(file) ?? 'application/octet-stream'
  return { data: `data:${type};base64,${bytes.toString('base64')}`, text: type === 'image/svg+xml' ? bytes.toString() : undefined }
}
