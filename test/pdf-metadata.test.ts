/**
 * Finishing a printed PDF: a small PDF in Chromium's plain form, made here,
 * read back with pdf-lib and pdf.js. The end-to-end PDF tests cover real
 * Chromium output.
 */
import assert from 'node:assert/strict'
import { inflateSync } from 'node:zlib'
import { describe, test } from 'node:test'
import { PDFDict, PDFDocument, PDFName, PDFString } from 'pdf-lib'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { finishPdf, type PdfMetadata } from '../src/browser/pdf-metadata.ts'

const metadata: PdfMetadata = {
  title: 'Introducción a los contenedores',
  author: 'bitlogic · hello-docker',
  subject: 'Imágenes y contenedores',
  lang: 'es',
  creator: 'diapo 0.1.0',
}

/** A one-page tagged PDF as Chromium writes it, with its run-specific date and node numbers. */
function chromiumPdf(options: { date: string; nodes: [number, number] }): Uint8Array {
  const content = 'BT /F1 24 Tf 72 700 Td (Hola \\(node00000099\\)) Tj ET'
  const id = (number: number) => `(node${String(number).padStart(8, '0')})`
  const objects: Array<[number, string]> = [
    [1, `<</Title (Deck)\n/Producer (Skia/PDF m156)\n/CreationDate (D:${options.date}+00'00')\n/ModDate (D:${options.date}+00'00')>>`],
    [5, `<</Length ${content.length}>> stream\n${content}\nendstream`],
    [2, '<</Type /Page\n/Parent 3 0 R\n/MediaBox [0 0 612 792]\n/Contents 5 0 R\n/StructParents 0>>'],
    [3, '<</Type /Pages\n/Count 1\n/Kids [2 0 R]>>'],
    [6, `<</Type /StructElem\n/S /TH\n/P 7 0 R\n/ID ${id(options.nodes[0])}>>`],
    [8, `<</Type /StructElem\n/S /TD\n/P 7 0 R\n/Headers [${id(options.nodes[0])}]\n/ID ${id(options.nodes[1])}>>`],
    [7, '<</Type /StructTreeRoot\n/K [6 0 R 8 0 R]>>'],
    [
      4,
      '<</Type /Catalog\n/Pages 3 0 R\n/MarkInfo <</Type /MarkInfo\n/Marked true>>\n/StructTreeRoot 7 0 R\n/ViewerPreferences <</Type /ViewerPreferences\n/DisplayDocTitle true>>\n/Lang (en)>>',
    ],
  ]
  let text = '%PDF-1.4\n%\xd3\xeb\xe9\xe1\n'
  const offsets = new Map<number, number>()
  for (const [number, body] of objects) {
    offsets.set(number, text.length)
    text += `${number} 0 obj\n${body}\nendobj\n`
  }
  const size = objects.length + 1
  const entries = Array.from({ length: size }, (_, number) =>
    number === 0 ? '0000000000 65535 f \n' : `${String(offsets.get(number)).padStart(10, '0')} 00000 n \n`,
  )
  const table = text.length
  text += `xref\n0 ${size}\n${entries.join('')}trailer\n<</Size ${size}\n/Root 4 0 R\n/Info 1 0 R>>\nstartxref\n${table}\n%%EOF\n`
  return Buffer.from(text, 'latin1')
}

/** The text of every object stream of `bytes`, inflated, with the file's own text. */
function allText(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('latin1')
  const streams = [...text.matchAll(/\/Type \/ObjStm[^]*?stream\n([^]*?)\nendstream/g)].map((match) =>
    inflateSync(Buffer.from(match[1]!, 'latin1')).toString('latin1'),
  )
  return [text, ...streams].join('\n')
}

describe('finishing a PDF Chromium printed', () => {
  test('metadata from the frontmatter; the date Chromium wrote is gone', async () => {
    const { bytes, pages } = await finishPdf(chromiumPdf({ date: '20261128124612', nodes: [41, 42] }), metadata)
    assert.equal(pages, 1)
    const document = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise
    const info = (await document.getMetadata()).info as Record<string, unknown>
    await document.destroy()
    assert.equal(info.Title, metadata.title)
    assert.equal(info.Author, metadata.author)
    assert.equal(info.Subject, metadata.subject)
    assert.equal(info.Creator, metadata.creator)
    assert.equal(info.Producer, 'Skia/PDF m156')
    assert.equal(info.Language, 'es')
    assert.equal(info.CreationDate, undefined)
    assert.equal(info.ModDate, undefined)
    const structure = await PDFDocument.load(bytes, { updateMetadata: false })
    const preferences = structure.catalog.lookup(PDFName.of('ViewerPreferences'), PDFDict)
    assert.equal(String(preferences.get(PDFName.of('DisplayDocTitle'))), 'true')
  })

  test('the same deck gives the same bytes, whatever the run’s date and DOM node numbers', async () => {
    const first = await finishPdf(chromiumPdf({ date: '20261128124612', nodes: [41, 42] }), metadata)
    const second = await finishPdf(chromiumPdf({ date: '20270101000000', nodes: [1041, 1107] }), metadata)
    assert.deepEqual(Buffer.from(first.bytes), Buffer.from(second.bytes))
  })

  test('node ids are renumbered from 1, in their order, where tags refer to them; page content is left as it is', async () => {
    const { bytes } = await finishPdf(chromiumPdf({ date: '20261128124612', nodes: [1041, 1107] }), metadata)
    const text = allText(bytes)
    assert.match(text, /\/S \/TH\n\/P 7 0 R\n\/ID \(node00000001\)/)
    assert.match(text, /\/Headers \[\(node00000001\)\]\n\/ID \(node00000002\)/)
    assert.doesNotMatch(text, /node0000104|node0000110/)
    assert.match(text, /\(Hola \\\(node00000099\\\)\) Tj/)
  })

  test('small objects are packed into compressed object streams, found through a cross-reference stream', async () => {
    const plain = chromiumPdf({ date: '20261128124612', nodes: [41, 42] })
    const { bytes } = await finishPdf(plain, metadata)
    const text = Buffer.from(bytes).toString('latin1')
    assert.ok(text.startsWith('%PDF-1.5\n'))
    assert.match(text, /\/Type \/ObjStm/)
    assert.match(text, /\/Type \/XRef/)
    assert.doesNotMatch(text, /^xref$/m)
    assert.doesNotMatch(text, /\/Type \/StructElem/)
  })

  test('a PDF in another form goes through pdf-lib, with the same result', async () => {
    // Once finished, the PDF has object streams and a cross-reference stream: not Chromium's plain form.
    const once = await finishPdf(chromiumPdf({ date: '20261128124612', nodes: [41, 42] }), { ...metadata, title: 'Antes' })
    const twice = await finishPdf(once.bytes, metadata)
    assert.equal(twice.pages, 1)
    const structure = await PDFDocument.load(twice.bytes, { updateMetadata: false })
    assert.equal(structure.getTitle(), metadata.title)
    assert.equal(structure.getAuthor(), metadata.author)
    assert.equal(structure.catalog.lookup(PDFName.of('Lang'), PDFString).decodeText(), 'es')
  })
})
