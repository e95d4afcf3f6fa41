/**
 * `diapo dev` on a course: one server for every deck of it. The index is at
 * `/`, each deck under its folder's name (`/1-corriendo-contenedores/`),
 * served, watched and updated in place as `diapo dev` does a deck of its
 * own (see `dev-server.ts`): an edit builds only its deck again. Links
 * between decks lead from one to the other, as in the built course.
 *
 * The course folder and its subfolders are watched too: a chapter added
 * (a folder that gets Markdown, a Markdown file beside them) is built and
 * served, one removed is no longer; the other decks are built again, so
 * that their links to it lead to it, or are said to lead nowhere.
 *
 * The index page has an update stream of its own: when what it lists
 * changes (a deck's title, description or slide count; a chapter come or
 * gone), the page reloads.
 */
import { createHash } from 'node:crypto'
import { watch, type FSWatcher } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { courseIndex } from '../course/course-index.ts'
import { linksOf, type Course } from '../course/find-course.ts'
import { allowedHost, checkedPath, contentType, DevServer, DevSessions, listen, openStream, type DevServerOptions } from './dev-server.ts'

/** The index page's update stream (each deck's is under the deck's name: `/uno/__diapo/events`). */
const indexEvents = '/__diapo/index-events'
/** What that stream says when the index changed: a page reloads on any message. */
const reload = 'data: reload\n\n'

export class CourseDevServer {
  readonly #options: DevServerOptions
  #course: Course
  readonly #decks = new Map<string, DevServer>()
  readonly #sessions: DevSessions
  #server: Server | undefined
  readonly #meta: { title: string | undefined; description: string | undefined }
  /** The config's `links`: public addresses of chapters. */
  readonly #addresses: ReadonlyMap<string, string> | undefined
  /** Finds the course again, as it was found first (the config's `decks`). */
  readonly #find: () => Promise<Course | undefined>
  readonly #watchers = new Map<string, FSWatcher>()
  #timer: NodeJS.Timeout | undefined
  #looking: Promise<void> = Promise.resolve()
  #closed = false
  /** The index pages open now, and the version of the index they were last told of. */
  readonly #indexPages = new Set<ServerResponse>()
  #indexVersion = ''

  constructor(
    options: DevServerOptions,
    course: Course,
    about: {
      addresses: ReadonlyMap<string, string> | undefined
      find: () => Promise<Course | undefined>
      title?: string | undefined
      description?: string | undefined
    },
  ) {
    this.#options = options
    this.#course = course
    this.#meta = { title: about.title, description: about.description }
    this.#addresses = about.addresses
    this.#find = about.find
    this.#sessions = new DevSessions({ flag: options.browser, timeout: options.timeout })
    // A config naming a chapter the course lacks is an error now.
    const links = linksOf(course, this.#addresses)
    for (const deck of course.decks) this.#add(deck.name, deck.input, links)
  }

  /** Build every deck, then listen; resolves to the URL of the index. */
  async start(): Promise<string> {
    for (const deck of this.#decks.values()) await deck.build()
    await this.#watch()
    const host = this.#options.host ?? '127.0.0.1'
    this.#server = createServer((request, response) => this.#respond(request, response))
    const port = await listen(this.#server, host, this.#options.port ?? 4000)
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`
  }

  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? 0
  }

  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#timer)
    for (const watcher of this.#watchers.values()) watcher.close()
    this.#watchers.clear()
    for (const page of this.#indexPages) page.end()
    this.#indexPages.clear()
    await this.#looking
    for (const deck of this.#decks.values()) await deck.close()
    const server = this.#server
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
    }
    await this.#sessions.close()
  }

  #add(name: string, input: string, links: ReturnType<typeof linksOf>): DevServer {
    // A deck reports when a build of it ends: what the index lists of it may have changed.
    const report = (line: string) => {
      this.#options.report?.(`${name}: ${line}`)
      this.#indexMayHaveChanged()
    }
    const mount = { prefix: `/${encodeURIComponent(name)}`, course: { ...links, deck: name }, sessions: this.#sessions }
    const server = new DevServer({ ...this.#options, input, report, mount })
    this.#decks.set(name, server)
    return server
  }

  /** Watch the course folder and each of its subfolders (where Markdown makes a chapter), not deeper. */
  async #watch(): Promise<void> {
    const { folder } = this.#course
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => [])
    const folders = new Set([folder, ...entries.filter((entry) => entry.isDirectory()).map((entry) => path.join(folder, entry.name))])
    for (const [watched, watcher] of this.#watchers) {
      if (folders.has(watched)) continue
      watcher.close()
      this.#watchers.delete(watched)
    }
    for (const watched of folders) {
      if (this.#watchers.has(watched) || this.#closed) continue
      try {
        const watcher = watch(watched, () => {
          clearTimeout(this.#timer)
          // A chapter is made in several steps (a folder, then its files): the burst settles first.
          this.#timer = setTimeout(() => {
            this.#looking = this.#looking
              .then(() => this.#lookAgain())
              .then(() => this.#indexMayHaveChanged())
              .catch((error: unknown) => this.#options.report?.(`✗ ${(error as Error).message}`))
          }, 50)
        })
        watcher.on('error', () => watcher.close())
        this.#watchers.set(watched, watcher)
      } catch {
        // Gone meanwhile: the next look finds it gone.
      }
    }
  }

  /** Find the course's decks again: build the new, drop the gone, and build the others again for their links. */
  async #lookAgain(): Promise<void> {
    if (this.#closed) return
    let found: Course | undefined
    let links: ReturnType<typeof linksOf>
    try {
      found = await this.#find()
      // No longer a course (its chapters all gone, say): the decks served stay as they are.
      if (!found) return
      links = linksOf(found, this.#addresses)
    } catch (error) {
      this.#options.report?.(`✗ ${(error as Error).message}; the course is served as it was`)
      return
    } finally {
      await this.#watch()
    }
    const inputs = (course: Course) => new Map(course.decks.map(({ name, input }) => [name, input]))
    const [before, now] = [inputs(this.#course), inputs(found)]
    this.#course = found
    if ([...now].join('\n') === [...before].join('\n')) return
    for (const [name, server] of this.#decks) {
      // A deck gone, or made of other files under the same name (`uno.md` become `uno/`): its server ends.
      if (now.get(name) === before.get(name)) continue
      this.#decks.delete(name)
      await server.close()
      if (!now.has(name)) this.#options.report?.(`${name}: no longer a deck of the course`)
    }
    for (const deck of found.decks) {
      const served = this.#decks.get(deck.name)
      if (served) served.relink({ ...links, deck: deck.name })
      else await this.#add(deck.name, deck.input, links).build()
    }
  }

  #respond(request: IncomingMessage, response: ServerResponse) {
    const pathname = checkedPath(request, response, (header) => allowedHost(header, this.port, this.#options.host))
    if (pathname === undefined) return
    if (pathname === '/' || pathname === '/index.html') {
      const index = this.#index()
      const script = `<script>new EventSource(${JSON.stringify(`${indexEvents}?since=${versionOf(index)}`)}).onmessage = () => location.reload()</script>`
      response.writeHead(200, { 'content-type': contentType('index.html'), 'cache-control': 'no-store' })
      return response.end(index.replace('</body>', `${script}\n</body>`))
    }
    if (pathname === indexEvents) {
      if (!openStream(request, response)) return
      // An index page older than the index reloads at once.
      const since = new URL(request.url ?? '/', 'http://localhost').searchParams.get('since')
      if (since !== versionOf(this.#index())) response.write(reload)
      this.#indexPages.add(response)
      request.on('close', () => this.#indexPages.delete(response))
      return
    }
    const [, name = '', ...rest] = pathname.split('/')
    const deck = this.#decks.get(name)
    if (deck && rest.length === 0) {
      // `/deck` → `/deck/`, so that the deck's own paths resolve under it.
      response.writeHead(308, { location: `/${encodeURIComponent(name)}/` })
      return response.end()
    }
    // The client script is the same for every deck; `/__diapo/…` is asked for from the root.
    const target = deck ?? (name === '__diapo' ? this.#decks.values().next().value : undefined)
    if (!target) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      return response.end('Not found')
    }
    target.handle(request, response, deck ? `/${rest.join('/')}` : pathname)
  }

  /** Tell the index pages to reload, if what the index lists changed since they were last told. */
  #indexMayHaveChanged() {
    const version = versionOf(this.#index())
    if (version === this.#indexVersion) return
    this.#indexVersion = version
    for (const page of this.#indexPages) page.write(reload)
  }

  /** The index, as the decks are now (no PDFs: dev builds none). */
  #index(): string {
    const decks = this.#course.decks.map((deck) => {
      const summary = this.#decks.get(deck.name)?.summary
      return {
        ...summary,
        description: summary?.description,
        name: deck.name,
        title: summary?.title ?? deck.name,
        slideCount: summary?.slideCount ?? 0,
        pdf: undefined,
        notes: undefined,
      }
    })
    return courseIndex({ folder: this.#course.folder, title: this.#meta.title, description: this.#meta.description, decks })
  }
}

function versionOf(index: string): string {
  return createHash('sha256').update(index).digest('hex').slice(0, 16)
}
