/**
 * `diapo dev` on a course: one server for every deck of it. The index is at
 * `/`, each deck under its folder's name (`/1-corriendo-contenedores/`),
 * served, watched and updated in place as `diapo dev` does a deck of its
 * own (see `dev-server.ts`): an edit builds only its deck again. Links
 * between decks lead from one to the other, as in the built course.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { courseIndex } from '../course/course-index.ts'
import type { Course } from '../course/find-course.ts'
import type { CourseLinks } from '../markdown/course-links.ts'
import { allowedHost, checkedPath, contentType, DevServer, DevSessions, listen, type DevServerOptions } from './dev-server.ts'

export class CourseDevServer {
  readonly #options: DevServerOptions
  readonly #course: Course
  readonly #decks = new Map<string, DevServer>()
  readonly #sessions: DevSessions
  #server: Server | undefined

  readonly #meta: { title: string | undefined; description: string | undefined }

  constructor(
    options: DevServerOptions,
    course: Course,
    links: Omit<CourseLinks, 'deck'>,
    meta: { title?: string | undefined; description?: string | undefined },
  ) {
    this.#options = options
    this.#course = course
    this.#meta = { title: meta.title, description: meta.description }
    this.#sessions = new DevSessions({ flag: options.browser, timeout: options.timeout })
    for (const deck of course.decks) {
      const report = options.report && ((line: string) => options.report!(`${deck.name}: ${line}`))
      const prefix = `/${encodeURIComponent(deck.name)}`
      const mount = { prefix, course: { ...links, deck: deck.name }, sessions: this.#sessions }
      this.#decks.set(deck.name, new DevServer({ ...options, input: deck.input, report, mount }))
    }
  }

  /** Build every deck, then listen; resolves to the URL of the index. */
  async start(): Promise<string> {
    for (const deck of this.#decks.values()) await deck.build()
    const host = this.#options.host ?? '127.0.0.1'
    this.#server = createServer((request, response) => this.#respond(request, response))
    const port = await listen(this.#server, host, this.#options.port ?? 4000)
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`
  }

  get port(): number {
    return (this.#server?.address() as AddressInfo | null)?.port ?? 0
  }

  async close(): Promise<void> {
    for (const deck of this.#decks.values()) await deck.close()
    const server = this.#server
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
    }
    await this.#sessions.close()
  }

  #respond(request: IncomingMessage, response: ServerResponse) {
    const pathname = checkedPath(request, response, (header) => allowedHost(header, this.port, this.#options.host))
    if (pathname === undefined) return
    if (pathname === '/' || pathname === '/index.html') {
      response.writeHead(200, { 'content-type': contentType('index.html'), 'cache-control': 'no-store' })
      return response.end(this.#index())
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
