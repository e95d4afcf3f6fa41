/**
 * `finishPdf` for a PDF that is not in the plain form Chromium writes (see
 * `pdf-metadata.ts`): pdf-lib reads any PDF, in ~70 ms for the talk. It does
 * the same as the plain rewrite, and also packs the small objects into
 * compressed object streams.
 */
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFString, type PDFObject } from 'pdf-lib'
import { relativeLinks, type PdfMetadata } from './pdf-metadata.ts'

/** Set `metadata` on the printed `pdf` with pdf-lib; return the bytes and the page count. */
export async function finishWithPdfLib(pdf: Uint8Array, metadata: PdfMetadata): Promise<{ bytes: Uint8Array; pages: number }> {
  // pdf-lib yields to the event loop every 50–100 objects by default (≥ 1 ms each): nothing here needs it.
  const document = await PDFDocument.load(pdf, { updateMetadata: false, parseSpeed: Infinity })
  document.setTitle(metadata.title, { showInWindowTitleBar: true })
  if (metadata.author) document.setAuthor(metadata.author)
  if (metadata.subject) document.setSubject(metadata.subject)
  document.setCreator(metadata.creator)
  document.setLanguage(metadata.lang)
  const info = document.context.lookup(document.context.trailerInfo.Info)
  if (info instanceof PDFDict) {
    info.delete(PDFName.of('CreationDate'))
    info.delete(PDFName.of('ModDate'))
  }
  document.context.trailerInfo.ID = undefined
  renumberNodeIds(document)
  unmarkLinks(document)
  const bytes = await document.save({ useObjectStreams: true, objectsPerTick: Infinity })
  return { bytes, pages: document.getPageCount() }
}

/** Links made relative before printing (see `relativeLinks`): the mark taken off. */
function unmarkLinks(document: PDFDocument) {
  const objects = [...document.context.enumerateIndirectObjects()].map(([, object]) => object)
  walk(objects, (object) => {
    if (!(object instanceof PDFString || object instanceof PDFHexString)) return undefined
    const text = object.decodeText()
    return text.startsWith(relativeLinks) ? PDFString.of(text.slice(relativeLinks.length)) : undefined
  })
}

const nodeId = /^node(\d+)$/

/** Chromium's `nodeNNN` ids of tagged elements, renumbered from 1 in their order: the same whatever the page did first. */
function renumberNodeIds(document: PDFDocument) {
  const objects = [...document.context.enumerateIndirectObjects()].map(([, object]) => object)
  const numberOf = (object: PDFObject | undefined) =>
    object instanceof PDFString || object instanceof PDFHexString ? Number(nodeId.exec(object.decodeText())?.[1] ?? NaN) : NaN
  const numbers = new Set<number>()
  walk(objects, (object) => {
    const number = numberOf(object)
    if (!Number.isNaN(number)) numbers.add(number)
    return undefined
  })
  const order = [...numbers].sort((a, b) => a - b)
  const renamed = new Map(order.map((number, index) => [number, `node${String(index + 1).padStart(8, '0')}`]))
  walk(objects, (object) => {
    const name = renamed.get(numberOf(object))
    if (name === undefined) return undefined
    return object instanceof PDFHexString ? PDFHexString.fromText(name) : PDFString.of(name)
  })
}

/** Visit every value inside `objects`' dictionaries and arrays; a value `replace` returns takes the old one's place. */
function walk(objects: PDFObject[], replace: (object: PDFObject) => PDFObject | undefined) {
  const visit = (object: PDFObject): void => {
    if (object instanceof PDFDict) {
      for (const [key, value] of object.entries()) {
        const replacement = replace(value)
        if (replacement) object.set(key, replacement)
        else visit(value)
      }
    } else if (object instanceof PDFArray) {
      for (const [index, value] of object.asArray().entries()) {
        const replacement = replace(value)
        if (replacement) object.set(index, replacement)
        else visit(value)
      }
    }
  }
  for (const object of objects) visit(object)
}
