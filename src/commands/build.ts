/**
 * `diapo build`: Markdown → reveal.js deck and its PDF in the output folder.
 * `diapo pdf` (see `pdf.ts`) shares this code and writes only the PDF.
 */
import { BrowserSession, findBrowser } from '../browser.ts'
import type { BuildResult, PdfSettings } from '../build.ts'
import { ExitCode, UsageError } from '../errors.ts'
import { fittingSummary } from '../fit-slides.ts'
import { countMessages, formatMessages, shownPath } from '../report.ts'
import { browserOptions, configFor, deckAccess, perPageOption, readCommandLine, timeoutOption } from './options.ts'

/** Run `diapo build` with its command-line arguments; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return runBuild(args, 'build')
}

/** `build` writes the deck and its PDFs; `pdf` writes only the PDF, to `--out`. */
export async function runBuild(args: string[], mode: 'build' | 'pdf'): Promise<number> {
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
  })
  const pdf = pdfSettings(values, mode)
  const timeout = timeoutOption(values.timeout)

  const config = await configFor(values)
  // An explicit browser that does not exist is an error now, not only once something needs it.
  if (values.browser) findBrowser({ flag: values.browser })
  const log = values.verbose
    ? (line: string) => process.stderr.write(`[${Math.round(performance.now() - started)} ms] ${line}\n`)
    : undefined

  // A PDF needs the browser: start it first, so it boots while the build code loads and runs.
  const session = new BrowserSession({ flag: values.browser, config: config.browser, log, timeout })
  if (pdf) session.get().catch(() => {})
  const [{ buildDeck }, { pdfOnly }] = await Promise.all([import('../build.ts'), import('../deck-runs.ts')])

  let result: BuildResult
  try {
    const options = {
      session,
      input,
      theme: values.theme,
      css: values.css,
      safe: values.safe,
      ...deckAccess(values, config),
      cacheDir: config.cacheDir,
      pdf,
      screenshots: values.screenshots,
      log,
      timeout,
      // Ended as soon as the build is done with it, while the output is written.
      browserDone: () => void session.close(),
    }
    // `diapo pdf` keeps only the PDF, where --out says (see deck-runs.ts).
    result = mode === 'pdf' ? await pdfOnly(options, values.out) : await buildDeck({ ...options, outDir: values.out })
  } finally {
    await session.close()
  }

  const { errors, warnings } = countMessages(result.files)
  const lines = formatMessages(result.files).filter((line) => !values.quiet || / {2}error {2}/.test(line))
  if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`)
  if (!result.ok) {
    process.stderr.write(`\n${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}: nothing was written\n`)
    return ExitCode.content
  }
  if (!values.quiet) process.stdout.write(`${summary(result, mode, performance.now() - started, warnings)}\n`)
  return ExitCode.ok
}

function summary(result: BuildResult, mode: 'build' | 'pdf', milliseconds: number, warnings: number): string {
  const relative = (file: string | undefined) => (file ? shownPath(file) : '')
  const outputs = mode === 'build' ? [relative(result.html)] : []
  if (result.pdf) {
    outputs.push(`${relative(result.pdf.slides)} (${plural(result.pdf.pages.slides ?? 0, 'page')})`)
    if (result.pdf.notes) outputs.push(`${relative(result.pdf.notes)} (${plural(result.pdf.pages.notes ?? 0, 'page')})`)
  }
  const warned = warnings ? ` (${plural(warnings, 'warning')})` : ''
  const fitted = fittingSummary(result.fitted)
  const fit = fitted ? ` (${fitted})` : ''
  return `Built ${plural(result.slideCount, 'slide')}${fit} → ${outputs.join(', ')} in ${(milliseconds / 1000).toFixed(2)} s${warned}`
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
