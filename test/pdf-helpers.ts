/**
 * Reading PDFs in tests, with pdf.js (text, links, outline, metadata) and
 * pdf-lib (fonts, tags, images): what a reader of the handout gets.
 */
import { readFile } from 'node:fs/promises'
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { PDFDict, PDFDocument, PDFName, PDFArray, PDFRef, type PDFObject } from 'pdf-lib'

/** What a PDF holds, page by page. */
export interface PdfSummary {
  pages: Array<{
    text: string
    /** Each run of text where it is drawn: x from the left, y from the bottom, in points. */
    runs: Array<{ text: string; x: number; y: number }>
    width: number
    height: number
    links: string[]
    images: number
  }>
  info: Record<string, unknown>
  outline: string[]
  /** Names of the fonts used, and whether each is embedded. */
  fonts: Array<{ name: string; embedded: boolean }>
  tagged: boolean
}

/** Read `file` into a {@link PdfSummary}. */
export async function readPdf(file: string): Promise<PdfSummary> {
  const bytes = new Uint8Array(await readFile(file))
  const document = await getDocument({ data: bytes.slice(), disableFontFace: true, verbosity: 0 }).promise
  const pages: PdfSummary['pages'] = []
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number)
    const content = await page.getTextContent()
    const text = content.items
      .map((item) => ('str' in item ? item.str : ''))
      .join(' ')
      .replace(/\s+/g, ' ')
    const runs = content.items.flatMap((item) =>
      'str' in item && item.str.trim() !== '' ? [{ text: item.str, x: item.transform[4] as number, y: item.transform[5] as number }] : [],
    )
    // pdf.js gives file: links as `unsafeUrl` only (it would not open them): a reader's viewer may.
    const links = (await page.getAnnotations())
      .filter((note) => note.subtype === 'Link' && (note.url || note.unsafeUrl))
      .map((note) => String(note.url ?? note.unsafeUrl))
    const operators = await page.getOperatorList()
    const images = operators.fnArray.filter(
      (operation) => operation === OPS.paintImageXObject || operation === OPS.paintInlineImageXObject,
    ).length
    const [, , width, height] = page.view as [number, number, number, number]
    pages.push({ text, runs, width, height, links, images })
  }
  const { info } = await document.getMetadata()
  const outline: string[] = []
  const walk = (items: Array<{ title: string; items: unknown[] }> | null) => {
    for (const item of items ?? []) {
      outline.push(item.title)
      walk(item.items as Array<{ title: string; items: unknown[] }>)
    }
  }
  walk(await document.getOutline())
  await document.destroy()

  const structure = await PDFDocument.load(bytes, { updateMetadata: false })
  const fonts = new Map<string, boolean>()
  for (const page of structure.getPages()) {
    const resources = page.node.Resources()
    const fontDict = resources?.lookupMaybe(PDFName.of('Font'), PDFDict)
    for (const [, ref] of fontDict?.entries() ?? []) {
      const font = structure.context.lookup(ref, PDFDict)
      fonts.set(String(font.get(PDFName.of('BaseFont'))), isEmbedded(structure, font))
    }
  }
  const tagged = structure.catalog.has(PDFName.of('StructTreeRoot'))
  return {
    pages,
    info: info as Record<string, unknown>,
    outline,
    fonts: [...fonts].map(([name, embedded]) => ({ name, embedded })),
    tagged,
  }
}

function isEmbedded(document: PDFDocument, font: PDFDict): boolean {
  const descendants = font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray)
  const target = descendants ? document.context.lookup(descendants.get(0) as PDFRef | PDFObject, PDFDict) : font
  const descriptor = target.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict)
  return Boolean(descriptor && ['FontFile', 'FontFile2', 'FontFile3'].some((key) => descriptor.has(PDFName.of(key))))
}
