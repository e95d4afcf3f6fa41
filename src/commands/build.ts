/**
 * `diapo build`: Markdown → reveal.js deck in the output folder.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { findBrowser } from '../browser.ts'
import { buildDeck } from '../build.ts'
import { ExitCode, UsageError } from '../errors.ts'
import { countMessages, formatMessages } from '../report.ts'
import { readUserConfig } from '../user-config.ts'

/** Run `diapo build` with its command-line arguments; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const started = performance.now()
  const { values, positionals } = parseOptions(args)
  if (positionals.length > 1) throw new UsageError(`Expected at most one input, got ${positionals.length}: ${positionals.join(' ')}`)

  const config = await readUserConfig()
  // An explicit browser that does not exist is an error now, not only once a diagram needs it.
  if (values.browser) findBrowser({ flag: values.browser })
  const log = values.verbose
    ? (line: string) => process.stderr.write(`[${Math.round(performance.now() - started)} ms] ${line}\n`)
    : undefined
  const result = await buildDeck({
    input: positionals[0],
    outDir: values.out,
    theme: values.theme,
    browser: values.browser,
    configBrowser: config.browser,
    cacheDir: config.cacheDir,
    log,
  })
  const { errors, warnings } = countMessages(result.files)
  const lines = formatMessages(result.files).filter((line) => !values.quiet || / {2}error {2}/.test(line))
  if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`)

  if (!result.ok) {
    process.stderr.write(`\n${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''}: nothing was written\n`)
    return ExitCode.content
  }
  if (!values.quiet) {
    const seconds = ((performance.now() - started) / 1000).toFixed(2)
    const warned = warnings ? ` (${plural(warnings, 'warning')})` : ''
    process.stdout.write(
      `Built ${plural(result.slideCount, 'slide')} → ${path.relative(process.cwd(), result.html ?? '') || result.html} in ${seconds} s${warned}\n`,
    )
  }
  return ExitCode.ok
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        theme: { type: 'string' },
        'no-pdf': { type: 'boolean' },
        browser: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        verbose: { type: 'boolean' },
      },
    })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}
