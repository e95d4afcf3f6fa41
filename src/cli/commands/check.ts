/**
 * `diapo check`: build the deck where nobody sees it, lay it out in the
 * browser at the canvas size, and report every slide that does not fit, is
 * too small to read, too faint, or empty: `file:line:col  warning  Slide N:
 * message  rule`. Nothing is written, except screenshots when asked for.
 */
import { ExitCode } from '../../errors.ts'
import { fittingSummary } from '../../markdown/fit-slides.ts'
import { check } from '../../index.ts'
import { countMessages, formatMessages } from '../../report.ts'
import { browserOptions, deckOptionsOf, readCommandLine } from './options.ts'

/** Run `diapo check` with its command-line arguments; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const started = performance.now()
  const { values, input } = readCommandLine(args, { ...browserOptions, strict: { type: 'boolean' }, screenshots: { type: 'string' } })
  const result = await check({ ...deckOptionsOf(values, input), screenshots: values.screenshots })

  const { errors, warnings } = countMessages(result.files)
  const lines = formatMessages(result.files)
  if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`)
  if (!result.ok) return ExitCode.content
  const seconds = ((performance.now() - started) / 1000).toFixed(2)
  const shots = result.screenshots.length ? `; screenshots in ${values.screenshots}` : ''
  const summary = fittingSummary(result.fitted)
  const fitted = summary ? `, ${summary}` : ''
  if (!values.quiet && result.decks) {
    for (const deck of result.decks) {
      // As the summary line below says it for the whole course: every warning of the deck, the layout check's among them.
      const counted = countMessages(deck.files)
      const found = !deck.ok
        ? `${counted.errors} error${counted.errors === 1 ? '' : 's'}`
        : counted.warnings === 0
          ? 'all fit'
          : `${counted.warnings} warning${counted.warnings === 1 ? '' : 's'}`
      process.stdout.write(`  ${deck.name}: ${deck.slideCount} slide${deck.slideCount === 1 ? '' : 's'}, ${found}\n`)
    }
  }
  if (!values.quiet) {
    const verdict = warnings === 0 && errors === 0 ? 'all fit' : `${warnings} warning${warnings === 1 ? '' : 's'}`
    process.stdout.write(
      `Checked ${result.slideCount} slide${result.slideCount === 1 ? '' : 's'}${fitted}: ${verdict} (${seconds} s)${shots}\n`,
    )
  }
  return values.strict && warnings > 0 ? ExitCode.content : ExitCode.ok
}
