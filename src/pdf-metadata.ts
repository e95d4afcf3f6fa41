/**
 * The PDF's document information, written after Chromium prints it: title,
 * author, subject and language from the frontmatter. Chromium's own dates
 * and ids change every run; they are dropped, so the same deck gives the
 * same bytes.
 */
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib'

/** What the PDF says about itself. */
export interface PdfMetadata {
  title: string
  author?: string | undefined
  subject?: string | undefined
  lang: string
  creator: string
}

/** Set `metadata` on the printed `pdf`; return the bytes and the page count. */
export async function finishPdf(pdf: Uint8Array, metadata: PdfMetadata): Promise<{ bytes: Uint8Array; pages: number }> {
  const document = await PDFDocument.load(pdf, { updateMetadata: false })
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
  const bytes = await document.save({ useObjectStreams: true })
  return { bytes, pages: document.getPageCount() }
}
