/**
 * What the commands share in reading their command line: parseArgs with its
 * errors turned into usage errors (exit 2), at most one input, and the
 * options every command that uses the browser takes.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from '../errors.ts'

/** Options of every command that builds the deck (and may start the browser). */
export const browserOptions = {
  theme: { type: 'string' },
  safe: { type: 'boolean' },
  browser: { type: 'string' },
  timeout: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const

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
