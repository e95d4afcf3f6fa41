/**
 * The PDF's document information, written after Chromium prints it: title,
 * author, subject and language from the frontmatter. Chromium's own dates
 * change every run; they are dropped, so the same deck gives the same bytes.
 * So are the DOM node numbers it names tagged elements by (`node00000042`),
 * which depend on what the page did before printing: they are renumbered.
 *
 * Chromium's printer (Skia) writes a plain PDF: numbered objects, one
 * cross-reference table, no object streams, no encryption. Such a file is
 * rewritten object by object, in a few milliseconds; loading it into pdf-lib
 * and saving it again took ~70 ms, on the path of every build with a PDF.
 * A PDF of any other form goes to pdf-lib (`pdf-metadata-fallback.ts`).
 */
import { deflateSync } from 'node:zlib'

/** What the PDF says about itself. */
export interface PdfMetadata {
  title: string
  author?: string | undefined
  subject?: string | undefined
  lang: string
  creator: string
}

/**
 * The address links of the deck are put behind before printing (see
 * `pointLinksAt` in `export-pdf.ts`), taken off here: what is left is a
 * path relative to the PDF's folder, which viewers resolve from where the
 * PDF is. The path is the address's fragment: the one part of it where
 * `../` is kept as written.
 */
export const relativeLinks = 'http://diapo-relative.invalid/#'

/** A PDF string's bytes of `relativeLinks`, as Chromium writes a link's URI. */
const markedUri = /\/URI \(http:\/\/diapo-relative\.invalid\/#/g

/** Set `metadata` on the printed `pdf`; return the bytes and the page count. */
export async function finishPdf(pdf: Uint8Array, metadata: PdfMetadata): Promise<{ bytes: Uint8Array; pages: number }> {
  const plain = readPlainPdf(pdf)
  const finished = plain && rewritePlainPdf(plain, metadata)
  if (finished) return finished
  const { finishWithPdfLib } = await import('./pdf-metadata-fallback.ts')
  return finishWithPdfLib(pdf, metadata)
}

/** A plain PDF, as text (one character a byte): its objects in file order, and what its trailer names. */
interface PlainPdf {
  /** `%PDF-1.4` and the binary comment line, up to the first object. */
  header: string
  objects: Array<{ number: number; text: string }>
  /** The cross-reference entries, for the free ones (kept as they are). */
  entries: string[]
  root: number
  info: number
}

/** Read `pdf` if it is plain (see above); undefined for any other form. */
function readPlainPdf(pdf: Uint8Array): PlainPdf | undefined {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1')
  const end = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text.slice(-64))
  if (!end) return undefined
  const tableAt = Number(end[1])
  // One section, from object 0, of 20-byte entries.
  const table = /^xref\r?\n0 (\d+)\r?\n/.exec(text.slice(tableAt, tableAt + 32))
  if (!table) return undefined
  const size = Number(table[1])
  const entriesAt = tableAt + table[0].length
  const entries = Array.from({ length: size }, (_, number) => text.slice(entriesAt + number * 20, entriesAt + number * 20 + 20))
  const trailer = /^trailer\s*<<([^]*?)>>\s*startxref/.exec(text.slice(entriesAt + size * 20))?.[1]
  if (trailer === undefined || /\/(?:Prev|Encrypt|XRefStm)\b/.test(trailer)) return undefined
  const root = /\/Root (\d+) 0 R/.exec(trailer)?.[1]
  const info = /\/Info (\d+) 0 R/.exec(trailer)?.[1]
  if (root === undefined || info === undefined) return undefined

  const offsets: Array<{ number: number; offset: number }> = []
  for (const [number, entry] of entries.entries()) {
    const match = /^(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)$/.exec(entry)
    if (!match) return undefined
    if (match[3] === 'f') continue
    // A generation other than 0 means the file was edited after it was written: not Chromium's.
    if (match[2] !== '00000') return undefined
    offsets.push({ number, offset: Number(match[1]) })
  }
  offsets.sort((a, b) => a.offset - b.offset)
  const objects = offsets.map(({ number, offset }, index) => ({
    number,
    text: text.slice(offset, offsets[index + 1]?.offset ?? tableAt),
  }))
  const first = offsets[0]
  if (!first || !objects.every(({ number, text }) => text.startsWith(`${number} 0 obj`) && /endobj\s*$/.test(text))) return undefined
  return { header: text.slice(0, first.offset), objects, entries, root: Number(root), info: Number(info) }
}

/** `pdf` with `metadata`, its dates dropped and its node ids renumbered; undefined if its catalog is not as expected. */
function rewritePlainPdf(pdf: PlainPdf, metadata: PdfMetadata): { bytes: Uint8Array; pages: number } | undefined {
  const objects = new Map(pdf.objects.map((object) => [object.number, object.text]))
  const catalog = withLanguage(objects.get(pdf.root) ?? '', metadata.lang)
  const pagesObject = /\/Pages (\d+) 0 R/.exec(catalog ?? '')?.[1]
  const pages = /\/Count (\d+)/.exec(objects.get(Number(pagesObject)) ?? '')?.[1]
  if (catalog === undefined || pages === undefined) return undefined

  const producer = /\/Producer (\((?:\\[^]|[^\\()])*\))/.exec(objects.get(pdf.info) ?? '')?.[1]
  const information = [
    `/Title ${textString(metadata.title)}`,
    metadata.author ? `/Author ${textString(metadata.author)}` : '',
    metadata.subject ? `/Subject ${textString(metadata.subject)}` : '',
    `/Creator ${textString(metadata.creator)}`,
    producer ? `/Producer ${producer}` : '',
  ].filter(Boolean)
  const renamed = nodeIdNames(pdf.objects)
  const rewritten = pdf.objects.map(({ number, text }) => ({
    number,
    text:
      number === pdf.info
        ? `${number} 0 obj\n<<${information.join('\n')}>>\nendobj\n`
        : number === pdf.root
          ? catalog
          : isStream(text)
            ? text
            : text.replace(nodeId, (id, digits: string) => renamed.get(digits) ?? id).replace(markedUri, '/URI ('),
  }))
  return { bytes: packPdf(pdf, rewritten), pages: Number(pages) }
}

/** Objects a compressed object stream holds. */
const objectsPerStream = 200

/**
 * Write `objects` as a PDF 1.5 file: the streams as they are, the small
 * objects (tags, outline, pages: hundreds of them) packed into compressed
 * object streams, found through a compressed cross-reference stream. The PDF
 * of the talk is 89 KB so, and 134 KB as Chromium writes it.
 */
function packPdf(pdf: PlainPdf, objects: PlainPdf['objects']): Uint8Array {
  // A cross-reference entry: type, then two fields (offset and generation, or stream and index).
  const entries: Array<[number, number, number]> = pdf.entries.map(() => [0, 0, 0])
  entries[0] = [0, 0, 65535]
  const parts: Buffer[] = []
  let length = 0
  const append = (part: Buffer) => {
    parts.push(part)
    length += part.length
  }
  const appendObject = (number: number, dictionary: string, data: Buffer) => {
    entries[number] = [1, length, 0]
    append(Buffer.from(`${number} 0 obj\n<<${dictionary}/Length ${data.length}>>\nstream\n`, 'latin1'))
    append(data)
    append(Buffer.from('\nendstream\nendobj\n', 'latin1'))
  }

  append(Buffer.from(pdf.header.replace(/^%PDF-1\.[0-4]/, '%PDF-1.5'), 'latin1'))
  const small: PlainPdf['objects'] = []
  for (const object of objects) {
    if (!isStream(object.text)) {
      small.push(object)
      continue
    }
    entries[object.number] = [1, length, 0]
    append(Buffer.from(object.text, 'latin1'))
  }
  for (let first = 0; first < small.length; first += objectsPerStream) {
    const number = entries.length
    entries.push([1, 0, 0])
    const offsets: string[] = []
    const bodies: string[] = []
    let bodiesLength = 0
    for (const [index, object] of small.slice(first, first + objectsPerStream).entries()) {
      const body = `${objectBody(object.text)}\n`
      entries[object.number] = [2, number, index]
      offsets.push(`${object.number} ${bodiesLength}`)
      bodies.push(body)
      bodiesLength += body.length
    }
    const head = `${offsets.join(' ')}\n`
    const data = deflateSync(Buffer.from(head + bodies.join(''), 'latin1'))
    appendObject(number, `/Type /ObjStm\n/N ${offsets.length}\n/First ${head.length}\n/Filter /FlateDecode\n`, data)
  }

  const table = entries.length
  entries.push([1, 0, 0])
  const tableAt = length
  const fields = Buffer.alloc(entries.length * 7)
  entries[table] = [1, tableAt, 0]
  for (const [index, [type, field, other]] of entries.entries()) {
    fields.writeUInt8(type, index * 7)
    fields.writeUInt32BE(field, index * 7 + 1)
    fields.writeUInt16BE(other, index * 7 + 5)
  }
  const trailer = `/Type /XRef\n/Size ${entries.length}\n/W [1 4 2]\n/Root ${pdf.root} 0 R\n/Info ${pdf.info} 0 R\n/Filter /FlateDecode\n`
  appendObject(table, trailer, deflateSync(fields))
  append(Buffer.from(`startxref\n${tableAt}\n%%EOF\n`, 'latin1'))
  return Buffer.concat(parts, length)
}

/** What lies between `N 0 obj` and `endobj`, trimmed. */
function objectBody(text: string): string {
  return text.replace(/^\d+ 0 obj\s*/, '').replace(/\s*endobj\s*$/, '')
}

/** A catalog's `/Lang` entry, as Chromium writes it: a literal string. */
const langEntry = /\/Lang\s*\((?:\\[^]|[^\\()])*\)/

/** The catalog object `text` with `/Lang` set and the title shown in the window's bar; undefined if it is not a plain dictionary. */
function withLanguage(text: string, lang: string): string | undefined {
  const parts = /^(\d+ 0 obj\s*<<)([^]*)(>>\s*endobj\s*)$/.exec(text)
  if (!parts || isStream(text)) return undefined
  let entries = parts[2]!
  const language = `/Lang ${/^[\x20-\x7e]*$/.test(lang) ? literalString(lang) : textString(lang)}`
  entries = langEntry.test(entries) ? entries.replace(langEntry, language) : `${entries}\n${language}`
  if (!/\/DisplayDocTitle true/.test(entries)) {
    // Viewer preferences of some other kind would have to be merged with: not Chromium's.
    if (/\/ViewerPreferences/.test(entries)) return undefined
    entries += '\n/ViewerPreferences <</DisplayDocTitle true>>'
  }
  return `${parts[1]}${entries}${parts[3]}`
}

/** Chromium names a tagged element that others refer to (a table's header cells) by its DOM node: `(node00000042)`. */
const nodeId = /\(node(\d+)\)/g

/** New names for the node ids found in `objects`: `node00000001` on, in the order of the old numbers. */
function nodeIdNames(objects: PlainPdf['objects']): Map<string, string> {
  const found = new Set<string>()
  for (const { text } of objects) if (!isStream(text)) for (const match of text.matchAll(nodeId)) found.add(match[1]!)
  const order = [...found].sort((a, b) => Number(a) - Number(b))
  return new Map(order.map((digits, index) => [digits, `(node${String(index + 1).padStart(8, '0')})`]))
}

/** Whether the object `text` holds a stream (page content, a font, an image): its bytes are kept as they are. */
function isStream(text: string): boolean {
  return /endstream\s*endobj\s*$/.test(text)
}

/** `text` as a PDF text string: UTF-16BE with its byte-order mark, in hex. */
function textString(text: string): string {
  let hex = '<FEFF'
  for (let index = 0; index < text.length; index++) hex += text.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0')
  return `${hex}>`
}

/** Printable ASCII `text` as a PDF literal string. */
function literalString(text: string): string {
  return `(${text.replace(/[\\()]/g, '\\$&')})`
}
