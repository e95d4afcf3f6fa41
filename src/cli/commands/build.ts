/**
 * `diapo build`: Markdown → reveal.js deck and its PDF in the output folder.
 * `diapo pdf` (see `pdf.ts`) shares this code and writes only the PDF.
 */
import type { PdfSettings } from '../../build.ts'
import { ExitCode, UsageError } from '../../errors.ts'
import { fittingSummary } from '../../markdown/fit-slides.ts'
import { build, pdf as printPdf, pptx as writePptx, type BuildResult } from '../../index.ts'
import { countMessages, formatMessages, shownPath } from '../../report.ts'
import { browserOptions, deckOptionsOf, perPageOption, readCommandLine } from './options.ts'

/** Run `diapo build` with its command-line arguments; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return runBuild(args, 'build')
}

/** `build` writes the deck and its PDFs; `pdf` writes only the PDF, to `--out`; `pptx` only the PowerPoint file. */
export async function runBuild(args: string[], mode: 'build' | 'pdf' | 'pptx'): Promise<number> {
  const started = performance.now()
  const { values, input } = readCommandLine(args, {
    ...browserOptions,
    out: { type: 'string', short: 'o' },
    'no-pdf': { type: 'boolean' },
    notes: { type: 'boolean' },
    fragments: { type: 'string' },
    paper: { type: 'string' },
    'per-page': { type: 'string' },
    verbose: { type: 'boolean' },
    screenshots: { type: 'string' },
    pptx: { type: 'boolean' },
  })
  if (mode !== 'build' && values.pptx) throw new UsageError(`\`diapo ${mode}\` takes no --pptx: it is \`diapo build\`'s`)
  const printing = ['no-pdf', 'notes', 'fragments', 'paper', 'per-page', 'screenshots'] as const
  const given = printing.filter((name) => values[name] !== undefined)
  if (mode === 'pptx' && given.length > 0)
    throw new UsageError(
      `\`diapo pptx\` prints no PDF: --${given.join(', --')} ${given.length > 1 ? 'are' : 'is'} for \`diapo build\` or \`diapo pdf\``,
    )
  const pdf = mode === 'pptx' ? false : pdfSettings(values, mode)
  const log = values.verbose
    ? (line: string) => process.stderr.write(`[${Math.round(performance.now() - started)} ms] ${line}\n`)
    : undefined
  const deck = { ...deckOptionsOf(values, input), log }
  // `diapo pdf` keeps only the PDF, where --out says (see deck-runs.ts).
  const result =
    mode === 'pdf'
      ? await printPdf({ ...deck, ...(pdf || {}), out: values.out })
      : mode === 'pptx'
        ? await writePptx({ ...deck, out: values.out })
        : await build({ ...deck, out: values.out, pdf, screenshots: values.screenshots, pptx: Boolean(values.pptx) })

  const { errors, warnings } = countMessages(result.files)
  const lines = formatMessages(result.files).filter((line) => !values.quiet || / {2}error {2}/.test(line))
  if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`)
  if (!result.ok) {
    process.stderr.write(`\n${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}: nothing was written\n`)
    return ExitCode.content
  }
  if (!values.quiet) {
    const line = result.course
      ? courseSummary(result, performance.now() - started, warnings)
      : summary(result, mode, performance.now() - started, warnings)
    process.stdout.write(`${line}\n`)
  }
  return ExitCode.ok
}

function summary(result: BuildResult, mode: 'build' | 'pdf' | 'pptx', milliseconds: number, warnings: number): string {
  const relative = (file: string | undefined) => (file ? shownPath(file) : '')
  const outputs = mode === 'build' ? [relative(result.html)] : []
  if (result.pdf) {
    outputs.push(`${relative(result.pdf.slides)} (${plural(result.pdf.slidesPages, 'page')})`)
    if (result.pdf.notes) outputs.push(`${relative(result.pdf.notes)} (${plural(result.pdf.notesPages ?? 0, 'page')})`)
  }
  if (result.pptx) outputs.push(`${relative(result.pptx.file)} (${plural(result.pptx.slides, 'slide')})`)
  const warned = warnings ? ` (${plural(warnings, 'warning')})` : ''
  const fitted = fittingSummary(result.fitted)
  const fit = fitted ? ` (${fitted})` : ''
  return `Built ${plural(result.slideCount, 'slide')}${fit} → ${outputs.join(', ')} in ${(milliseconds / 1000).toFixed(2)} s${warned}`
}

/** A course's build: each deck, built or kept, then the index. */
function courseSummary(result: BuildResult, milliseconds: number, warnings: number): string {
  const course = result.course!
  const seconds = `${(milliseconds / 1000).toFixed(2)} s`
  const index = shownPath(result.html ?? '')
  if (course.unchanged)
    return `Course unchanged: ${plural(course.decks.length, 'deck')}, ${plural(result.slideCount, 'slide')} → ${index} (${seconds})`
  const lines = course.decks.map((deck) => {
    const pdf = [deck.pdf, deck.pptx].map((file) => (file ? `, ${shownPath(file)}` : '')).join('')
    return `  ${deck.built ? 'built' : 'kept '}  ${deck.name}: ${plural(deck.slideCount, 'slide')} → ${shownPath(deck.html)}${pdf}`
  })
  const built = course.decks.filter((deck) => deck.built).length
  const warned = warnings ? ` (${plural(warnings, 'warning')})` : ''
  return `${lines.join('\n')}\nBuilt a course of ${plural(course.decks.length, 'deck')} (${built} built, ${course.decks.length - built} unchanged), ${plural(result.slideCount, 'slide')} → ${index} in ${seconds}${warned}`
}

function pdfSettings(
  values: { 'no-pdf'?: boolean; notes?: boolean; fragments?: string; paper?: string; 'per-page'?: string },
  mode: 'build' | 'pdf',
): false | PdfSettings {
  if (values['no-pdf']) {
    if (mode === 'pdf') throw new UsageError('`diapo pdf` writes a PDF: --no-pdf makes no sense here')
    if (values.notes || values.fragments || values.paper || values['per-page'])
      throw new UsageError('--notes, --fragments, --paper and --per-page need the PDF: drop --no-pdf')
    return false
  }
  const fragments = values.fragments ?? 'final'
  if (fragments !== 'final' && fragments !== 'each') throw new UsageError(`--fragments takes \`final\` or \`each\`, not \`${fragments}\``)
  const paper = (values.paper ?? 'a4').toLowerCase()
  if (paper !== 'a4' && paper !== 'letter') throw new UsageError(`--paper takes \`a4\` or \`letter\`, not \`${values.paper}\``)
  const perPage = perPageOption(values['per-page'])
  if (perPage !== undefined && !values.notes) throw new UsageError('--per-page lays out the handout: add --notes')
  return { fragments, paper, notes: values.notes ?? false, perPage }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}
