/**
 * What the commands share in reading their command line: parseArgs with its
 * errors turned into usage errors (exit 2), at most one input, and the
 * options every command that uses the browser takes.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from '../errors.ts'
import type { HandoutPerPage } from '../export-pdf.ts'
import { readUserConfig, type UserConfig } from '../user-config.ts'

/** Options of every command that builds the deck (and may start the browser). */
export const browserOptions = {
  theme: { type: 'string' },
  css: { type: 'string', multiple: true },
  safe: { type: 'boolean' },
  browser: { type: 'string' },
  timeout: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  'allow-path': { type: 'string', multiple: true },
} as const

/**
 * `diapo.config.json` of the working folder; with `--safe`, nothing: the
 * file then belongs to the project being built, not to whoever builds it,
 * and a browser it names would run (as would folders it allows be read).
 */
export async function configFor(values: { safe?: boolean | undefined }): Promise<UserConfig> {
  if (!values.safe) return readUserConfig()
  if (existsSync(path.resolve('diapo.config.json'))) {
    process.stderr.write('warning: --safe does not read diapo.config.json (a browser it names would run); use --browser or CHROME_PATH\n')
  }
  return {}
}

/**
 * The folders outside the deck it may read from: `--allow-path` and the
 * config's `allowPaths`, and the project's folder; none with `--safe`,
 * which says so when some were named.
 */
export function deckAccess(
  values: { safe?: boolean | undefined; 'allow-path'?: string[] | undefined },
  config: UserConfig,
): { projectRoot: string | undefined; allowPaths: string[] } {
  const allowPaths = [...(values['allow-path'] ?? []).map((folder) => path.resolve(folder)), ...(config.allowPaths ?? [])]
  if (values.safe && allowPaths.length > 0) {
    process.stderr.write(`warning: --safe reads no file outside the deck; ignoring the allowed folders ${allowPaths.join(', ')}\n`)
  }
  return { projectRoot: config.folder, allowPaths: values.safe ? [] : allowPaths }
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
