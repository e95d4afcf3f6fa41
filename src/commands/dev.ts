/**
 * `diapo dev`: serve the deck on http://127.0.0.1:4000 and keep every open
 * page up to date as the Markdown, diagrams, images, theme and settings
 * change (see `dev-server.ts`). Runs until Ctrl-C, which ends the server,
 * the watcher and any browser.
 */
import { stat } from 'node:fs/promises'
import open from 'open'
import { findBrowser } from '../browser.ts'
import { setInterruptNote } from '../cleanup.ts'
import { DevServer } from '../dev-server.ts'
import { UsageError } from '../errors.ts'
import { browserOptions, configFor, deckAccess, readCommandLine, timeoutOption } from './options.ts'

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
  const timeout = timeoutOption(values.timeout)
  const host = values.host ?? '127.0.0.1'
  // A mistyped input is a usage error now, not an error page served forever.
  if (!(await stat(input ?? 'slides').catch(() => undefined))) {
    throw new UsageError(`Input not found: ${input ?? 'slides'}; pass a Markdown file or a folder of them (default: slides/)`)
  }
  // Read now so that a broken diapo.config.json is an error at once; the server reads it again on each build.
  const config = await configFor(values)
  // Said once, now; the server reads the config again on each build.
  deckAccess(values, config)
  if (values.browser) findBrowser({ flag: values.browser })

  const say = (line: string) => process.stderr.write(`${line}\n`)
  const server = new DevServer({
    input,
    theme: values.theme,
    css: values.css,
    safe: values.safe,
    allowPaths: values['allow-path'],
    browser: values.browser,
    host,
    port,
    timeout,
    report: values.quiet ? undefined : say,
  })
  setInterruptNote('the dev server is stopped')
  const url = await server.start()
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
