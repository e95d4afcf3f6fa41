/**
 * Stage: serve the deck while it is written. The deck is built in memory
 * and served on 127.0.0.1; the files it was built from are watched, and on a
 * change it is built again — diagrams from the cache, a browser started only
 * for a new one, no PDF — and every open page is told what changed over a
 * server-sent event stream. The page (`dev-client.ts`) swaps the changed
 * slides in place and stays where it was; a change of theme or settings
 * reloads it, on the same slide. A content error shows over the last good
 * deck, with its place, until it is fixed.
 */
import { createHash } from 'node:crypto'
import { watch, type FSWatcher } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { isIP, type AddressInfo } from 'node:net'
import path from 'node:path'
import mime from 'mime/lite'
import send from 'send'
import { BrowserSession } from '../browser/browser.ts'
import { buildDeck, type BuildResult } from '../build.ts'
import { devClient } from './dev-client.ts'
import { ParseCache } from '../markdown/parse-markdown.ts'
import { formatMessages } from '../report.ts'
import { buildOptionsOf, configFileOf, projectOf } from '../config/settings.ts'
import { configNames, type UserConfig } from '../config/config-file.ts'
import type { OutputFile } from '../files/write.ts'
import type { CourseLinks } from '../markdown/course-links.ts'
import type { DeckOptions } from '../index.ts'

/** What to serve, and how: the deck as the API's functions take it, and where to listen. */
export interface DevServerOptions extends Pick<
  DeckOptions,
  'input' | 'theme' | 'css' | 'safe' | 'allowPaths' | 'browser' | 'config' | 'timeout'
> {
  /** Interface to listen on. Default: `127.0.0.1`. */
  host?: string | undefined
  /** Port to try first; the next free one is taken when it is busy. Default: 4000. */
  port?: number | undefined
  /** Where to say what happened: each rebuild, its time, its problems. */
  report?: ((line: string) => void) | undefined
  /** A deck of a course: the path it is served under (`/1-chapter`), and the other decks its links lead to. */
  mount?: { prefix: string; course: CourseLinks; sessions: DevSessions } | undefined
}

/** The browser of a dev server's builds, shared by a course's decks: made again when the config names another. */
export class DevSessions {
  #session: BrowserSession | undefined
  #browser: string | undefined

  constructor(readonly options: { flag?: string | undefined; timeout?: number | undefined }) {}

  /** The session for a build, as the config file says now. */
  async for(config: UserConfig): Promise<BrowserSession> {
    if (!this.#session || this.#browser !== config.browser) {
      await this.#session?.close()
      this.#browser = config.browser
      this.#session = new BrowserSession({ flag: this.options.flag, config: config.browser, timeout: this.options.timeout })
    }
    return this.#session
  }

  async close(): Promise<void> {
    await this.#session?.close()
  }
}

/** One version of the deck, as the pages get it. */
interface Deck {
  version: number
  /** Files by URL path (`/index.html`, `/assets/…`). */
  files: Map<string, OutputFile>
  /** The HTML of each top-level slide, and a hash of each, in order. */
  slides: string[]
  hashes: string[]
  /** The HTML around the slides: when it changes (theme, settings), pages reload. */
  shell: string
}

/** A message to the pages. */
type Update =
  | { type: 'slides'; version: number; slides: string[]; hashes: string[] }
  | { type: 'reload'; version: number }
  | { type: 'errors'; version: number; messages: string[] }

const events = '/__diapo/events'
const client = '/__diapo/client.js'

/** The type a file of the deck is served as, by its name (`mime`); text in UTF-8, as diapo writes it. */
export function contentType(name: string): string {
  const type = mime.getType(name) ?? 'application/octet-stream'
  return type.startsWith('text/') ? `${type}; charset=utf-8` : type
}

export class DevServer {
  readonly #options: DevServerOptions
  #server: Server | undefined
  #deck: Deck | undefined
  #errors: string[] = []
  #version = 0
  /** The version at which the HTML around the slides last changed: a page older than it must reload. */
  #shellVersion = 0
  readonly #pages = new Set<ServerResponse>()
  readonly #watchers = new Map<string, FSWatcher>()
  #watched = new Set<string>()
  #building: Promise<void> | undefined
  #again = false
  #timer: NodeJS.Timeout | undefined
  #closed = false
  #parsed = new ParseCache()
  /** The config's plugins the parsed sections were read with (a remark plugin may add syntax). */
  #parsedWith: string | undefined
  #configFile: string | undefined
  /** The browser for diagrams, started only when a diagram is not in the cache (a course's decks share one). */
  readonly #sessions: DevSessions
  /** A course's deck: the other decks its links lead to, as the course is now. */
  #courseLinks: CourseLinks | undefined
  /** The title and slide count of the last good build, for a course's index. */
  #summary:
    { title: string; slideCount: number; description: string | undefined; lang: string | undefined; theme: string | undefined } | undefined

  constructor(options: DevServerOptions) {
    this.#options = options
    this.#sessions = options.mount?.sessions ?? new DevSessions({ flag: options.browser, timeout: options.timeout })
    this.#courseLinks = options.mount?.course
  }

  /** Build the deck, then listen; resolves to the URL of the deck. */
  async start(): Promise<string> {
    await this.build()
    const host = this.#options.host ?? '127.0.0.1'
    this.#server = createServer((request, response) => this.#respond(request, response))
    const port = await listen(this.#server, host, this.#options.port ?? 4000)
    const shown = host.includes(':') ? `[${host}]` : host
    return `http://${shown}:${port}/`
  }

  /** Build the deck, the first time (a course's server listens for its decks). */
  build(): Promise<void> {
    return this.#rebuild()
  }

  /** A course's decks changed (one added or removed): the deck is built again, its links led to the decks there are now. */
  relink(course: CourseLinks): void {
    this.#courseLinks = course
    this.#schedule()
  }

  /** What the last good build made: its title, description and slides; undefined before one. */
  get summary() {
    return this.#summary
  }

  /** The port listened on. */
  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? 0
  }

  /** Stop listening and watching; end every page's stream. */
  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#timer)
    for (const watcher of this.#watchers.values()) watcher.close()
    this.#watchers.clear()
    for (const page of this.#pages) page.end()
    this.#pages.clear()
    const server = this.#server
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
    }
    await this.#building?.catch(() => {})
    if (!this.#options.mount) await this.#sessions.close()
  }

  /** Build now, or once more after the build under way: a burst of saves ends in one last build. */
  #schedule() {
    if (this.#closed) return
    clearTimeout(this.#timer)
    // Editors save in several steps (write, rename): wait for the burst to settle.
    this.#timer = setTimeout(() => {
      if (this.#building) this.#again = true
      else void this.#rebuild()
    }, 15)
  }

  #rebuild(): Promise<void> {
    this.#building = (async () => {
      do {
        this.#again = false
        await this.#buildOnce()
      } while (this.#again && !this.#closed)
    })().finally(() => {
      this.#building = undefined
    })
    return this.#building
  }

  async #buildOnce(): Promise<void> {
    const started = performance.now()
    let result: BuildResult
    try {
      // The config file is watched: a new browser, cache folder, default or plugin takes effect on the next build.
      // With --safe the config is the project's, not the author's: not read (see settings.ts).
      const { project, notices, file } = await projectOf(this.#options).catch(async (error: unknown) => {
        // A config that cannot be read is watched all the same: its fix builds again.
        this.#configFile = await configFileOf(this.#options)
        throw error
      })
      this.#configFile = file
      if (project.identity !== this.#parsedWith) {
        this.#parsed = new ParseCache()
        this.#parsedWith = project.identity
      }
      result = await buildDeck({
        ...buildOptionsOf(this.#options, project, notices),
        session: await this.#sessions.for(project),
        course: this.#courseLinks,
        pdf: false,
        write: false,
        parseCache: this.#parsed,
        timeout: this.#options.timeout,
      })
      this.#parsed.prune()
    } catch (error) {
      // No browser, a hung one, an unreadable folder: the last good deck stays, the page says why.
      this.#fail([(error as Error).message], started)
      return
    }
    this.#watch(result)
    const lines = formatMessages(result.files)
    if (!result.ok || !result.memory) {
      this.#fail(
        lines.filter((line) => / {2}error {2}/.test(line)),
        started,
        lines,
      )
      return
    }
    this.#summary = {
      title: result.title ?? path.basename(this.#options.input ?? 'slides'),
      slideCount: result.slideCount,
      description: result.description,
      lang: result.lang,
      theme: result.theme,
    }
    this.#publish(result.memory, started, lines, result.diagrams.rendered)
  }

  #fail(messages: string[], started: number, lines: string[] = messages) {
    this.#errors = messages
    this.#version++
    const page = this.#deck ? 'the page shows the last good deck' : 'the page shows these errors until they are fixed'
    this.#say(`${lines.join('\n')}\n✗ build failed in ${Math.round(performance.now() - started)} ms; ${page}`)
    this.#send({ type: 'errors', version: this.#version, messages })
  }

  #publish(memory: NonNullable<BuildResult['memory']>, started: number, lines: string[], rendered: number) {
    const files = new Map(memory.files.map((file) => [`/${file.path}`, file]))
    const { shell } = memory
    const previous = this.#deck
    this.#errors = []
    this.#version++
    const deck: Deck = {
      version: this.#version,
      files,
      slides: memory.slides,
      hashes: memory.slides.map((slide) => createHash('sha256').update(slide).digest('hex').slice(0, 16)),
      shell,
    }
    this.#deck = deck
    // A page still on the error page, or on another theme or settings, reloads; the others swap slides.
    const reload = !previous || previous.shell !== shell
    if (reload) {
      this.#shellVersion = deck.version
      this.#send({ type: 'reload', version: deck.version })
    } else {
      this.#send({ type: 'slides', version: deck.version, slides: deck.slides, hashes: deck.hashes })
    }
    const changed = previous ? countChanged(previous.hashes, deck.hashes) : deck.slides.length
    const took = Math.round(performance.now() - started)
    const what = !previous
      ? `built ${deck.slides.length} slides`
      : reload
        ? 'theme or settings changed: pages reload'
        : `${changed} slide${changed === 1 ? '' : 's'} updated`
    const drawn = rendered > 0 ? ` (drew ${rendered} diagram${rendered === 1 ? '' : 's'} in the browser)` : ''
    this.#say(`${lines.length > 0 ? `${lines.join('\n')}\n` : ''}✓ ${what} in ${took} ms${drawn}`)
  }

  #say(line: string) {
    this.#options.report?.(line)
  }

  #send(update: Update) {
    const data = message(update)
    for (const page of this.#pages) page.write(data)
  }

  /** Watch the folders of every file the build read, and the input folder for new files. */
  #watch(result: BuildResult) {
    // A build that ends after close() (a deck removed from a course while it built) watches nothing:
    // a watcher made then would keep the process alive.
    if (this.#closed) return
    const input = path.resolve(this.#options.input ?? 'slides')
    const deckFolder = input.endsWith('.md') ? path.dirname(input) : input
    // The config file, or one made beside the deck.
    const configs = this.#configFile ? [this.#configFile] : configNames.map((name) => path.join(deckFolder, name))
    const files = new Set([...result.dependencies, ...configs])
    const folders = new Set([...files].map((file) => path.dirname(file)))
    folders.add(deckFolder)
    this.#watched = files
    for (const [folder, watcher] of this.#watchers) {
      if (!folders.has(folder)) {
        watcher.close()
        this.#watchers.delete(folder)
      }
    }
    for (const folder of folders) {
      if (this.#watchers.has(folder)) continue
      try {
        const watcher = watch(folder, (_, name) => {
          const file = name ? path.join(folder, name.toString()) : undefined
          const relevant = !file || this.#watched.has(file) || (folder === input && file.endsWith('.md'))
          if (relevant) this.#schedule()
        })
        watcher.on('error', () => watcher.close())
        this.#watchers.set(folder, watcher)
      } catch {
        // A folder that does not exist (yet): nothing in it to watch.
      }
    }
  }

  #respond(request: IncomingMessage, response: ServerResponse) {
    const pathname = checkedPath(request, response, (header) => allowedHost(header, this.port, this.#options.host))
    if (pathname !== undefined) this.handle(request, response, pathname)
  }

  /** Answer a request of the deck for `pathname` (under the deck's prefix, when it has one, without it). */
  handle(request: IncomingMessage, response: ServerResponse, pathname: string) {
    const reject = (status: number, text: string) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
      response.end(text)
    }
    if (pathname === events)
      return this.#stream(request, response, Number(new URL(request.url ?? '/', 'http://localhost').searchParams.get('since')))
    if (pathname === client) {
      response.writeHead(200, { 'content-type': contentType('client.js'), 'cache-control': 'no-store' })
      return response.end(devClient)
    }
    if (pathname === '/favicon.ico') {
      response.writeHead(204)
      return response.end()
    }
    if (pathname === '/') pathname = '/index.html'
    if (pathname === '/index.html') {
      response.writeHead(200, { 'content-type': contentType('index.html'), 'cache-control': 'no-store' })
      return response.end(this.#page())
    }
    // Only the deck's own files, by their exact names: no folder listing, nothing outside.
    const file = this.#deck?.files.get(pathname)
    if (!file) return reject(404, 'Not found')
    if ('content' in file) {
      response.writeHead(200, { 'content-type': contentType(pathname), 'cache-control': 'no-cache' })
      return response.end(file.content)
    }
    // A file of the author's (a picture, a video): served by `send`, with the Range requests a video needs to seek.
    send(request, file.source, { dotfiles: 'allow', cacheControl: false })
      .on('headers', (served: ServerResponse) => served.setHeader('cache-control', 'no-cache'))
      .on('error', () => reject(404, 'Not found'))
      .pipe(response)
  }

  /** The deck's page, with the client that keeps it up to date; or, before any good build, the errors. */
  #page(): string {
    const deck = this.#deck
    const where = { events: `${this.#options.mount?.prefix ?? ''}${events}` }
    const state = JSON.stringify({ version: this.#version, hashes: deck?.hashes ?? [], errors: this.#errors, ...where }).replace(
      /</g,
      '\\u003c',
    )
    const script = `<script>window.diapoDev = ${state}</script><script src="${client}"></script>`
    const html = deck?.files.get('/index.html')
    if (!html || !('content' in html)) {
      return `<!doctype html><html><head><meta charset="utf-8"><title>diapo</title></head><body>${script}</body></html>`
    }
    return String(html.content).replace('</body>', `${script}\n</body>`)
  }

  /** The update stream of one page, which has the deck of version `since`: same-origin pages only. */
  #stream(request: IncomingMessage, response: ServerResponse, since: number) {
    if (!openStream(request, response)) return
    // A page that loaded before the last build catches up at once.
    const deck = this.#deck
    if (this.#errors.length > 0) response.write(message({ type: 'errors', version: this.#version, messages: this.#errors }))
    else if (deck && since < deck.version) {
      const update: Update =
        since < this.#shellVersion
          ? { type: 'reload', version: deck.version }
          : { type: 'slides', version: deck.version, slides: deck.slides, hashes: deck.hashes }
      response.write(message(update))
    }
    this.#pages.add(response)
    request.on('close', () => this.#pages.delete(response))
  }
}

/**
 * The path a request asks for, decoded; undefined when it was answered
 * already: refused for its Host (see {@link allowedHost}), its method, or
 * a path that is not one.
 */
export function checkedPath(
  request: IncomingMessage,
  response: ServerResponse,
  hostAllowed: (header: string | undefined) => boolean,
): string | undefined {
  const reject = (status: number, text: string): undefined => {
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
    response.end(text)
    return undefined
  }
  if (!hostAllowed(request.headers.host)) return reject(403, 'Forbidden: unexpected Host header')
  if (request.method !== 'GET' && request.method !== 'HEAD') return reject(405, 'Method not allowed')
  try {
    return decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)
  } catch {
    return reject(400, 'Bad request')
  }
}

/**
 * DNS rebinding guard: the Host must name this server by an IP address
 * (its own, or the machine's on the network when --host allows it),
 * `localhost`, or the --host given; a domain name that resolves here does not.
 */
export function allowedHost(header: string | undefined, port: number, host: string | undefined): boolean {
  if (!header) return false
  let url: URL
  try {
    url = new URL(`http://${header}`)
  } catch {
    return false
  }
  const name = url.hostname.replace(/^\[|\]$/g, '')
  return Number(url.port || 80) === port && (isIP(name) !== 0 || name === 'localhost' || name === host)
}

/**
 * Start an update stream (server-sent events) for `request`: for pages of
 * this server only (another site's page must not learn of the deck); false
 * when refused, with its answer sent.
 */
export function openStream(request: IncomingMessage, response: ServerResponse): boolean {
  const origin = request.headers.origin
  const site = request.headers['sec-fetch-site']
  if ((origin && origin !== `http://${request.headers.host}`) || (site && site !== 'same-origin' && site !== 'none')) {
    response.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
    response.end('Forbidden: updates go to pages of this server only')
    return false
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
  response.write(': diapo\n\n')
  return true
}

/** An update as a server-sent event. */
function message(update: Update): string {
  return `data: ${JSON.stringify(update)}\n\n`
}

/** Listen on `port`, or the next free one (up to 20 further). */
export async function listen(server: Server, host: string, port: number): Promise<number> {
  for (let candidate = port; candidate < port + 20; candidate++) {
    const taken = await new Promise<boolean>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        server.off('listening', onListening)
        if (error.code === 'EADDRINUSE') resolve(true)
        else reject(error)
      }
      const onListening = () => {
        server.off('error', onError)
        resolve(false)
      }
      server.once('error', onError)
      server.once('listening', onListening)
      server.listen(candidate, host)
    })
    if (!taken) return (server.address() as AddressInfo).port
  }
  throw new Error(`Ports ${port} to ${port + 19} are all in use; choose another with --port`)
}

/** How many slides differ between two versions of the deck, as the page will see it. */
function countChanged(before: string[], after: string[]): number {
  let start = 0
  while (start < before.length && start < after.length && before[start] === after[start]) start++
  let end = 0
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end])
    end++
  return Math.max(before.length - start - end, after.length - start - end)
}
