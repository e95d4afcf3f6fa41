/**
 * The PowerPoint file pptxgenjs wrote, finished: what it cannot write put
 * in, and made the same bytes for the same deck.
 *
 * - **A PNG for each SVG.** PowerPoint draws an SVG picture from its SVG
 *   part and keeps a PNG beside it for what cannot read SVG; in Node
 *   pptxgenjs has no way to draw one and writes the SVG's bytes under the
 *   PNG's name. The browser's picture of the diagram (`read-slides.ts`)
 *   takes their place.
 * - **Fragments as animations.** Each fragment step is a click, its shapes
 *   (or its list's paragraphs) appearing on it, in the order reveal.js
 *   shows them: PowerPoint's "Appear" entrance effect, the one with no
 *   motion, as a fragment's default has little.
 * - **A paragraph's settings once**, where pptxgenjs repeats them before
 *   each run (see {@link withOneParagraphSetting}).
 * - **Gradients** (a theme's accent bar) where pptxgenjs fills with one
 *   colour; and the fonts of code marked monospaced, so that PowerPoint's
 *   stand-in for a missing one is monospaced too.
 * - **Each picture once.** pptxgenjs writes a copy of a picture for each
 *   slide that shows it (a theme's background on every slide): copies are
 *   dropped, the slides pointed at the first.
 * - **Same deck, same bytes.** pptxgenjs dates the file and each of its
 *   parts with the time it ran: the document's properties are written
 *   again without dates (with the deck's title, author, subject and
 *   language), and every part is dated 1980-01-01, the ZIP format's first day.
 */
import { createHash } from 'node:crypto'
import path from 'node:path'
import JSZip from 'jszip'
import yazl from 'yazl'
import type { Gradient } from './read-slides.ts'
import type { PptxMetadata } from './write-pptx.ts'

/** A shape (or one of its paragraphs) that appears at a step of its slide (0 the first click). */
export interface Animation {
  /** The shape's name, as written (`objectName`). */
  shape: string
  step: number
  paragraph?: number | undefined
}

export interface PackageParts {
  /** Each slide's animations, in the slides' order. */
  animations: Animation[][]
  /** The PNG of each SVG, by the SVG's data URL. */
  pngs: ReadonlyMap<string, Uint8Array>
  /** Rectangles filled with a gradient, by `<slide number>/<shape name>`: pptxgenjs fills them with its first colour. */
  gradients: ReadonlyMap<string, Gradient>
  /** The fonts of code: said to be monospaced, so that PowerPoint picks a monospaced font where it lacks them. */
  monospaced: ReadonlySet<string>
  metadata: PptxMetadata
}

/**
 * The ZIP's earliest date: the parts carry it, not the time of the build.
 * Made of local fields, as ZIP dates are written from them: the same bytes in every time zone.
 */
const zipEpoch = new Date(1980, 0, 1)

/** The finished file, from pptxgenjs's. */
export async function finishPackage(written: Uint8Array, parts: PackageParts): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(written)
  const slides = Object.keys(zip.files)
    .filter((name) => /^ppt\/slides\/slide\d+\.xml$/.test(name))
    .sort((a, b) => slideNumber(a) - slideNumber(b))
  for (const [index, name] of slides.entries()) {
    let xml = await zip.file(name)!.async('string')
    const rels = `ppt/slides/_rels/${name.slice('ppt/slides/'.length)}.rels`
    await pngsForSvgs(zip, xml, await zip.file(rels)!.async('string'), parts.pngs)
    const animations = parts.animations[index] ?? []
    if (animations.length > 0) xml = withTiming(xml, animations)
    xml = withOneParagraphSetting(xml)
    xml = withGradients(xml, index + 1, parts.gradients)
    xml = withMonospaced(xml, parts.monospaced)
    zip.file(name, xml)
  }
  await sharedMedia(zip)
  zip.file('docProps/core.xml', coreProperties(parts.metadata))
  return zipped(zip)
}

/**
 * The package written with yazl, which compresses with Node's zlib: JSZip
 * compresses in JavaScript (pako), ~100 ms of a build for the talk's file
 * in a process that has not run it before, where zlib takes ~20 ms. Parts
 * in JSZip's order, each dated {@link zipEpoch}; pictures stored as they
 * are (already compressed), the XML and the SVGs deflated.
 */
async function zipped(zip: JSZip): Promise<Uint8Array> {
  const out = new yazl.ZipFile()
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue
    const bytes = await entry.async('nodebuffer')
    out.addBuffer(bytes, entry.name, { mtime: zipEpoch, compress: !/\.(png|jpe?g|gif|webp)$/i.test(entry.name) })
  }
  out.end()
  const chunks: Buffer[] = []
  for await (const chunk of out.outputStream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function slideNumber(name: string): number {
  return Number(/(\d+)\.xml$/.exec(name)![1])
}

/** In each picture drawn from an SVG, the PNG part beside it made the browser's picture of the SVG. */
async function pngsForSvgs(zip: JSZip, slide: string, rels: string, pngs: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const targets = new Map([...rels.matchAll(/<Relationship Id="(\w+)"[^>]*?Target="\.\.\/media\/([^"]+)"/g)].map((m) => [m[1]!, m[2]!]))
  // Within one picture: a blip and the SVG blip it holds, with no other blip (a background's) between.
  for (const match of slide.matchAll(/<a:blip r:embed="(\w+)">(?:(?!<\/a:blip>)[\s\S])*?<asvg:svgBlip [^>]*?r:embed="(\w+)"/g)) {
    const png = targets.get(match[1]!)
    const svg = targets.get(match[2]!)
    if (!png || !svg) continue
    const svgBytes = await zip.file(`ppt/media/${svg}`)?.async('nodebuffer')
    const shot = svgBytes && pngs.get(`data:image/svg+xml;base64,${svgBytes.toString('base64')}`)
    if (shot) zip.file(`ppt/media/${png}`, shot)
  }
}

/** Media parts with the same bytes made one: every relationship to a copy pointed at the first, the copies removed. */
async function sharedMedia(zip: JSZip): Promise<void> {
  const first = new Map<string, string>()
  const renamed = new Map<string, string>()
  const media = Object.keys(zip.files).filter((name) => name.startsWith('ppt/media/') && !zip.files[name]!.dir)
  for (const name of media) {
    const bytes = await zip.file(name)!.async('nodebuffer')
    const key = `${path.extname(name)}:${createHash('sha256').update(bytes).digest('hex')}`
    const kept = first.get(key)
    if (kept === undefined) first.set(key, name)
    else renamed.set(name.slice('ppt/media/'.length), kept.slice('ppt/media/'.length))
  }
  if (renamed.size === 0) return
  for (const name of Object.keys(zip.files).filter((name) => name.endsWith('.rels'))) {
    const rels = await zip.file(name)!.async('string')
    const pointed = rels.replace(/Target="\.\.\/media\/([^"]+)"/g, (whole, file: string) => {
      const kept = renamed.get(file)
      return kept ? `Target="../media/${kept}"` : whole
    })
    if (pointed !== rels) zip.file(name, pointed)
  }
  for (const copy of renamed.keys()) zip.remove(`ppt/media/${copy}`)
}

/** The slide with a timing tree: a click a step, each of its shapes (or paragraphs) appearing with the first. */
function withTiming(slide: string, animations: Animation[]): string {
  const ids = new Map([...slide.matchAll(/<p:cNvPr id="(\d+)" name="([^"]+)"/g)].map((m) => [m[2]!, m[1]!]))
  const steps = new Map<number, Array<{ id: string; paragraph?: number | undefined }>>()
  for (const { shape, step, paragraph } of animations) {
    const id = ids.get(shape)
    if (id === undefined) continue
    if (!steps.has(step)) steps.set(step, [])
    steps.get(step)!.push({ id, paragraph })
  }
  if (steps.size === 0) return slide
  let node = 2 // 1 is the root; 2 the main sequence.
  const clicks = [...steps.keys()]
    .sort((a, b) => a - b)
    .map((step) => {
      const click = ++node
      const group = ++node
      const effects = steps.get(step)!.map(({ id, paragraph }, index) => {
        const effect = ++node
        const set = ++node
        const target =
          paragraph === undefined
            ? `<p:spTgt spid="${id}"/>`
            : `<p:spTgt spid="${id}"><p:txEl><p:pRg st="${paragraph}" end="${paragraph}"/></p:txEl></p:spTgt>`
        return (
          `<p:par><p:cTn id="${effect}" presetID="1" presetClass="entr" presetSubtype="0" fill="hold" grpId="0" nodeType="${index === 0 ? 'clickEffect' : 'withEffect'}">` +
          `<p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst><p:set><p:cBhvr><p:cTn id="${set}" dur="1" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst></p:cTn>` +
          `<p:tgtEl>${target}</p:tgtEl><p:attrNameLst><p:attrName>style.visibility</p:attrName></p:attrNameLst></p:cBhvr><p:to><p:strVal val="visible"/></p:to></p:set></p:childTnLst></p:cTn></p:par>`
        )
      })
      return (
        `<p:par><p:cTn id="${click}" fill="hold"><p:stCondLst><p:cond delay="indefinite"/></p:stCondLst><p:childTnLst>` +
        `<p:par><p:cTn id="${group}" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>${effects.join('')}</p:childTnLst></p:cTn></p:par>` +
        `</p:childTnLst></p:cTn></p:par>`
      )
    })
  // Shapes whose paragraphs appear one by one are built by paragraph; a text shape that appears whole, as one.
  const texts = new Set([...slide.matchAll(/<p:sp>\s*<p:nvSpPr>\s*<p:cNvPr id="(\d+)"/g)].map((m) => m[1]!))
  const built = new Map<string, boolean>()
  for (const targets of steps.values())
    for (const { id, paragraph } of targets) if (texts.has(id)) built.set(id, (built.get(id) ?? false) || paragraph !== undefined)
  const builds = [...built].map(([id, byParagraph]) =>
    byParagraph ? `<p:bldP spid="${id}" grpId="0" build="p"/>` : `<p:bldP spid="${id}" grpId="0"/>`,
  )
  const timing =
    `<p:timing><p:tnLst><p:par><p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>` +
    `<p:seq concurrent="1" nextAc="seek"><p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>${clicks.join('')}</p:childTnLst></p:cTn>` +
    `<p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:prevCondLst>` +
    `<p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:nextCondLst></p:seq>` +
    `</p:childTnLst></p:cTn></p:par></p:tnLst>${builds.length > 0 ? `<p:bldLst>${builds.join('')}</p:bldLst>` : ''}</p:timing>`
  // After the colour mapping, before any extension list: the order PresentationML sets.
  return slide.includes('<p:extLst>') && slide.lastIndexOf('<p:extLst>') > slide.indexOf('</p:cSld>')
    ? slide.replace(/<p:extLst>(?![\s\S]*<p:extLst>)/, `${timing}<p:extLst>`)
    : slide.replace('</p:sld>', `${timing}</p:sld>`)
}

/**
 * pptxgenjs writes a paragraph's settings (`a:pPr`) before each of its runs,
 * the runs after the first with none of the paragraph's (no bullet, no
 * indent): PowerPoint reads the first and calls the file damaged, others
 * start a new paragraph. The first is the paragraph's; the others go.
 */
function withOneParagraphSetting(slide: string): string {
  return slide.replace(/<a:p>([\s\S]*?)<\/a:p>/g, (whole, inside: string) => {
    let first = true
    const kept = inside.replace(/<a:pPr\b(?:[^>]*\/>|[^>]*>[\s\S]*?<\/a:pPr>)/g, (setting) => {
      if (first) {
        first = false
        return setting
      }
      return ''
    })
    return kept === inside ? whole : `<a:p>${kept}</a:p>`
  })
}

/** The gradient of each shape that has one, in place of the single colour pptxgenjs filled it with. */
function withGradients(slide: string, number: number, gradients: ReadonlyMap<string, Gradient>): string {
  return slide.replace(
    /(<p:cNvPr id="\d+" name="([^"]+)"[\s\S]*?<p:spPr>[\s\S]*?)<a:solidFill>[\s\S]*?<\/a:solidFill>/g,
    (whole, before: string, name: string) => {
      const gradient = gradients.get(`${number}/${name}`)
      if (!gradient || before.includes('</p:sp>')) return whole
      // CSS measures from "upwards", clockwise; DrawingML from "to the right", clockwise, in 60,000ths of a degree.
      const angle = Math.round((((gradient.angle - 90) % 360) + 360) % 360) * 60_000
      const stops = gradient.stops
        .map((stop) => `<a:gs pos="${Math.round(stop.position * 100_000)}"><a:srgbClr val="${stop.color}"/></a:gs>`)
        .join('')
      return `${before}<a:gradFill rotWithShape="1"><a:gsLst>${stops}</a:gsLst><a:lin ang="${angle}" scaled="0"/></a:gradFill>`
    },
  )
}

/** Runs in a font of code: a monospaced family ("modern", fixed pitch: 49), where pptxgenjs says a proportional one (34). */
function withMonospaced(slide: string, fonts: ReadonlySet<string>): string {
  if (fonts.size === 0) return slide
  return slide.replace(/<a:latin typeface="([^"]+)" pitchFamily="34"/g, (whole, font: string) =>
    fonts.has(font.replace(/&amp;/g, '&')) ? `<a:latin typeface="${font}" pitchFamily="49"` : whole,
  )
}

function coreProperties(metadata: PptxMetadata): string {
  const element = (name: string, value: string | undefined) => (value ? `<${name}>${escapeXml(value)}</${name}>` : '')
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    element('dc:title', metadata.title) +
    element('dc:subject', metadata.subject) +
    element('dc:creator', metadata.author) +
    element('cp:lastModifiedBy', metadata.creator) +
    element('dc:language', metadata.lang) +
    '</cp:coreProperties>'
  )
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`)
}
