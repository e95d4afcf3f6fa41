/**
 * `diapo dev`: serve the deck on http://127.0.0.1:4000 and keep every open
 * page up to date as the Markdown, diagrams, images, theme and settings
 * change (see `dev-server.ts`). Runs until Ctrl-C, which ends the server,
 * the watcher and any browser.
 */
import { stat } from 'node:fs/promises'
import open from 'open'
import { setInterruptNote } from '../../files/cleanup.ts'
import { UsageError } from '../../errors.ts'
import { dev } from '../../index.ts'
import { browserOptions, deckOptionsOf, readCommandLine } from './options.ts'

/** Run `diapo dev` with its command-line arguments; resolves only if the server cannot start. */
export async function run(args: string[]): Promise<number> {
  const { values, input } = readCommandLine(args, {
    ...browserOptions,
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    open: { type: 'boolean' },
  })
  const port = values.port === undefined ? 4000 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not \`${values.port}\``)
  const host = values.host ?? '127.0.0.1'
  // A mistyped input is a usage error now, not an error page served forever.
  if (!(await stat(input ?? 'slides').catch(() => undefined))) {
    throw new UsageError(`Input not found: ${input ?? 'slides'}; pass a Markdown file or a folder of them (default: slides/)`)
  }
  const say = (line: string) => process.stderr.write(`${line}\n`)
  setInterruptNote('the dev server is stopped')
  // A broken config file is an error at once (the server reads it again on each build and shows it on the page).
  const { url } = await dev({ ...deckOptionsOf(values, input), host, port, report: values.quiet ? undefined : say })
  process.stdout.write(`diapo dev: serving ${url} — watching for changes; Ctrl-C to stop\n`)
  if (!isLoopback(host)) {
    say(`warning: listening on ${host}: anyone who can reach this machine can see the deck; use --host 127.0.0.1 to keep it private`)
  }
  if (values.open) openInBrowser(url, say)
  // Serve until a signal ends the process (see cli.ts): the browser and the server go with it.
  return new Promise<number>(() => {})
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
}

/** Open `url` in the desktop's browser, if there is one (`open`, which knows each system's way, WSL's too). */
function openInBrowser(url: string, say: (line: string) => void) {
  const failed = () => say(`Could not open a browser; open ${url} yourself`)
  open(url).then((child) => child.on('error', failed), failed)
}
