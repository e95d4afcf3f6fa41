/**
 * What the browser pass found, said on the Markdown: the layout check's
 * findings at their slide's line (at the character, when it names one),
 * and requests the deck made outside its folder.
 */
import type { VFile } from 'vfile'
import { location } from 'vfile-location'
import { isClipped, type SlideSource } from '../markdown/fit-slides.ts'
import { warn } from '../messages.ts'
import type { PdfResult } from './export-pdf.ts'

/** Warnings from the browser pass: what the layout check found, requests outside the deck. */
export function reportPrinting(printed: PdfResult | undefined, slides: SlideSource[], files: VFile[]) {
  if (!printed) return
  const clippedReported = new Set<number>()
  for (const { slide, rule, message, character } of printed.layout.findings) {
    const source = slides[slide - 1]
    const file = source?.file ?? files[0]!
    if (rule === 'overflow' && source && isClipped(source)) {
      // What runs off a slide marked as continuing: one finding says it all.
      if (clippedReported.has(slide)) continue
      clippedReported.add(slide)
      warn(
        file,
        `Slide ${slide} cannot be made to fit, even split and shrunk to the smallest legible text (${message.replace(/^Content /, 'content ')}): it is shown cut off, marked “⋯”; split it with \`---\` or shorten it`,
        source.slide.position?.start,
        'overflow',
      )
      continue
    }
    const place = character && source ? placeOf(source, character) : undefined
    warn(file, `Slide ${slide}: ${message}`, place ?? source?.slide.position?.start, rule)
  }
  // What the PowerPoint file could not hold as it is: at its slide.
  for (const { slide, message } of printed.pptx?.notices ?? []) {
    const source = slides[slide - 1]
    warn(source?.file ?? files[0]!, `Slide ${slide}: ${message}`, source?.slide.position?.start, 'pptx')
  }
  // A remote image or video already has its warning, at its line.
  const named = files.flatMap((file) =>
    file.messages.filter((message) => message.ruleId === 'remote-resource').map((message) => message.reason),
  )
  for (const url of [...new Set(printed.blocked)]) {
    if (named.some((reason) => reason.includes(`\`${url}\``))) continue
    warn(
      files[0]!,
      `The deck asks for ${url}, outside its folder: blocked while printing, so the PDF never depends on the network`,
      undefined,
      'remote-resource',
    )
  }
}

/** Where `character` first is in the Markdown of a slide; undefined if it is not (it came from a shortcode, say). */
function placeOf({ file, slide }: SlideSource, character: string): { line: number; column: number } | undefined {
  const start = slide.position?.start.offset
  const end = slide.position?.end.offset
  if (start === undefined || end === undefined) return undefined
  const at = String(file.value).indexOf(character, start)
  if (at === -1 || at >= end) return undefined
  const { line, column } = location(file).toPoint(at) ?? {}
  return line === undefined || column === undefined ? undefined : { line, column }
}
