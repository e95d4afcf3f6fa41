/**
 * `diapo check`: build the deck where nobody sees it, lay it out in the
 * browser at the canvas size, and report every slide that does not fit, is
 * too small to read, too faint, or empty: `file:line:col  warning  Slide N:
 * message  rule`. Nothing is written, except screenshots when asked for.
 */
import { BrowserSession, findBrowser } from '../browser.ts'
import { ExitCode } from '../errors.ts'
import { fittingSummary } from '../fit-slides.ts'
import { countMessages, formatMessages } from '../report.ts'
import { browserOptions, configFor, deckAccess, readCommandLine, timeoutOption } from './options.ts'

/** Run `diapo check` with its command-line arguments; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const started = performance.now()
  const { values, input } = readCommandLine(args, { ...browserOptions, strict: { type: 'boolean' }, screenshots: { type: 'string' } })
  const timeout = timeoutOption(values.timeout)
  const config = await configFor(values)
  if (values.browser) findBrowser({ flag: values.browser })

  // The check always needs the browser: start it now, while the build code loads.
  const session = new BrowserSession({ flag: values.browser, config: config.browser, timeout })
  session.get().catch(() => {})
  const { checkDeck } = await import('../deck-runs.ts')
  let result
  try {
    result = await checkDeck({
      session,
      input,
      theme: values.theme,
      css: values.css,
      safe: values.safe,
      ...deckAccess(values, config),
      cacheDir: config.cacheDir,
      screenshots: values.screenshots,
      timeout,
      browserDone: () => void session.close(),
    })
  } finally {
    await session.close()
  }

  const { errors, warnings } = countMessages(result.files)
  const lines = formatMessages(result.files)
  if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`)
  if (!result.ok) return ExitCode.content
  const seconds = ((performance.now() - started) / 1000).toFixed(2)
  const shots = result.screenshots?.length ? `; screenshots in ${values.screenshots}` : ''
  const summary = fittingSummary(result.fitted)
  const fitted = summary ? `, ${summary}` : ''
  if (!values.quiet) {
    const verdict = warnings === 0 && errors === 0 ? 'all fit' : `${warnings} warning${warnings === 1 ? '' : 's'}`
    process.stdout.write(
      `Checked ${result.slideCount} slide${result.slideCount === 1 ? '' : 's'}${fitted}: ${verdict} (${seconds} s)${shots}\n`,
    )
  }
  return values.strict && warnings > 0 ? ExitCode.content : ExitCode.ok
}
