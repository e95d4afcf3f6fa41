/**
 * What the commands share in reading their command line: parseArgs with its
 * errors turned into usage errors (exit 2), at most one input, and the
 * options every command that uses the browser takes.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from '../../errors.ts'
import type { HandoutPerPage } from '../../browser/export-pdf.ts'
import type { DeckOptions } from '../../index.ts'

/** Options of every command that builds the deck (and may start the browser). */
export const browserOptions = {
  theme: { type: 'string' },
  css: { type: 'string', multiple: true },
  safe: { type: 'boolean' },
  browser: { type: 'string' },
  timeout: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'allow-path': { type: 'string', multiple: true },
  config: { type: 'string' },
  'no-config': { type: 'boolean' },
} as const

/** The API's options for the deck, from the flags every command that builds takes. */
export function deckOptionsOf(
  values: {
    theme?: string | undefined
    css?: string[] | undefined
    safe?: boolean | undefined
    browser?: string | undefined
    timeout?: string | undefined
    'allow-path'?: string[] | undefined
    config?: string | undefined
    'no-config'?: boolean | undefined
  },
  input: string | undefined,
): DeckOptions {
  if (values.config !== undefined && values['no-config'])
    throw new UsageError('--config names the config file and --no-config reads none: give one of them')
  return {
    input,
    theme: values.theme,
    css: values.css,
    safe: values.safe,
    browser: values.browser,
    allowPaths: values['allow-path'],
    config: values['no-config'] ? false : values.config,
    timeout: timeoutOption(values.timeout),
  }
}

/** `args` read by `options`, with at most one positional: the input. */
export function readCommandLine<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  let parsed
  try {
    parsed = parseArgs({ args, allowPositionals: true, options, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  if (positionals.length > 1) throw new UsageError(`Expected at most one input, got ${positionals.length}: ${positionals.join(' ')}`)
  return { values, input: positionals[0] }
}

/** `--timeout <seconds>` in milliseconds; undefined when not given. */
export function timeoutOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const milliseconds = Number(value) * 1000
  if (!(milliseconds > 0)) throw new UsageError(`--timeout takes a number of seconds, not \`${value}\``)
  return milliseconds
}

/** What `--per-page` takes: the slides a page of the handout can hold. */
const perPageValues: readonly HandoutPerPage[] = [1, 2, 3, 4, 6]

/** `--per-page <n>`, the slides on each page of the handout; undefined when not given. */
export function perPageOption(value: string | undefined): HandoutPerPage | undefined {
  if (value === undefined) return undefined
  const perPage = perPageValues.find((allowed) => String(allowed) === value.trim())
  if (perPage === undefined) {
    const allowed = `${perPageValues.slice(0, -1).join(', ')} or ${perPageValues.at(-1)}`
    throw new UsageError(`--per-page takes the slides on each page of the handout: ${allowed}, not \`${value}\``)
  }
  return perPage
}
