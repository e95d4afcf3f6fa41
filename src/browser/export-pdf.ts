/**
 * Stage: print the built deck to PDF in the shared browser.
 *
 * reveal.js lays the deck out for print (`?print-pdf`); diapo waits for real
 * signals — reveal.js's `pdf-ready`, the fonts, every image decoded — never
 * a fixed sleep. One page load then serves every use of the laid-out deck:
 * the slides are measured (`measure-slides.ts`), made to fit if they must
 * (the slides are rebuilt and shown again in the same page, see
 * {@link showSlides}), shot as PNGs if asked, printed,
 * and printed again as the handout: on A4 or Letter, each slide with its
 * speaker notes below it, slides without notes sharing pages (or a set
 * number of slides a page). The page may read the deck's own files, nothing else.
 *
 * The tab answers the deck's requests from its folder itself, at an address
 * of HTTP (see {@link deckOrigin}); links to the deck's own files (and,
 * in a course, to the other decks) are made relative to the deck's folder
 * before printing (see `relativeLinks` in `pdf-metadata.ts`), so the PDF
 * holds no address of the tab's and none of the machine that built it: the
 * PDF beside the deck leads to its files wherever both are copied.
 */
import { rmSync } from 'node:fs'
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { HTTPRequest, Page } from 'puppeteer-core'
import mime from 'mime/lite'
import { withTimeout, type BrowserSession, type Log } from './browser.ts'
import type { DiskCache } from '../files/cache.ts'
import { untilDone } from '../files/cleanup.ts'
import { DiapoError, EnvironmentError } from '../errors.ts'
import { makeDirectory, owner, sweep } from '../files/folders.ts'
import { fittingRounds } from '../markdown/fit-slides.ts'
import { measureSlides, type Glyphs, type Layout } from './measure-slides.ts'
import { packageRoot } from '../packages.ts'
import { finishPdf, relativeLinks, type PdfMetadata } from './pdf-metadata.ts'

/** What to print. */
export interface PdfOptions {
  /** The built deck's `index.html`. */
  html: string
  /** Where the slides PDF goes: one page a slide (or a fragment step). */
  slides?: string | undefined
  /** Where the handout goes: each slide with its notes below it. */
  notes?: string | undefined
  /** `final`: each slide as it ends; `each`: a page for every fragment step. Default: `final`. */
  fragments?: 'final' | 'each'
  /** Paper of the handout. Default: `a4`. */
  paper?: 'a4' | 'letter'
  /**
   * Slides on each page of the handout, each with its notes. Default: as
   * many as fit — a slide with notes at the paper's width, its notes below
   * it, and slides without notes two abreast, all in reading order.
   */
  perPage?: HandoutPerPage | undefined
  metadata: PdfMetadata
  /** The folder the deck will be in once written (it is printed from a staging folder): links to its files point there. Default: the folder of `html`. */
  finalFolder?: string | undefined
  /**
   * Called with each measurement of the slides; when it rewrites the deck
   * (to make slides fit) and says how, the deck is shown again and measured again.
   */
  onLayout?: ((layout: Layout) => Promise<Refit | undefined>) | undefined
  /** A folder to write a PNG of every slide into: `slide-01.png`, … */
  screenshots?: string | undefined
  /** Most time each step may take, in milliseconds; steps whose work grows with the deck get more (see {@link perSlide}). Default: 60 s. */
  timeout?: number
  /** Slides in the deck (each slide of a stack counted): the steps that lay out or print every slide get time for each. */
  slideCount?: number
  log?: Log | undefined
  /** A tab opened beforehand ({@link openPrintTab}), e.g. while the diagrams were drawn; else one is opened now. */
  tab?: Promise<PrintTab> | undefined
  /**
   * The deck was written before its diagrams were drawn, their figures
   * marked `data-diapo-pending`: the markup of each figure, by number, once
   * drawn (and the deck rewritten whole). The page loads meanwhile; its
   * load event, and so reveal.js's print layout, waits until they are filled.
   */
  figures?: Promise<ReadonlyMap<number, string>> | undefined
  /** Called once the page has printed all it will (the PDFs are then finished and written). */
  done?: (() => void) | undefined
  /** Where the PowerPoint file goes: the slides read from the page as laid out, written by `write-pptx.ts`. */
  pptx?: string | undefined
  /** Where the PowerPoint file's pictures of diagrams and backgrounds are kept from build to build. */
  pictures?: DiskCache | undefined
}

/** The numbers of slides a page of the handout can hold, each with its notes (see {@link handoutLayout}). */
export type HandoutPerPage = 1 | 2 | 3 | 4 | 6

/** What was printed. */
export interface PdfResult {
  /** Pages of the slides PDF and of the handout. */
  pages: { slides?: number; notes?: number }
  /** The slides as measured last: what does not fit or cannot be read. */
  layout: Layout
  /** The screenshots written. */
  screenshots: string[]
  /** Requests the page made outside the deck, which were refused. */
  blocked: string[]
  /** The PowerPoint file written: its slides, and what could not be carried over, by slide. */
  pptx?: { file: string; slides: number; notices: Array<{ slide: number; message: string }> } | undefined
}

/** A tab made ready to print a deck in. */
export interface PrintTab {
  page: Page
  /** Show the page the files of `folder`, and let it read nothing else; returns the folder's URL. */
  allow(folder: string): string
  /** Close the page. */
  close(): void
  /** Done with the deck: the tab waits for the session's next deck (see {@link openPrintTab}). */
  release(): void
  /** Requests the page made outside the folder last allowed, which were refused. */
  readonly blocked: string[]
  /** Let a deck loaded with `diapo-hold` in its query finish loading (see {@link listenForPdfReady}). */
  releaseHold(): void
}

/**
 * Open a tab to print in: it refuses every request outside the folder it is
 * allowed, hears reveal.js's `pdf-ready`, and shows the deck with the CSS
 * of print, so the slides are measured as the PDF will show them (and the
 * print itself finds the styles already worked out). It can be opened
 * before the deck is written, so that this is done while the deck is made.
 *
 * A tab released by a deck done with it is taken again by the session's
 * next deck (a course's decks, a rebuild of `diapo dev`): a new tab costs a
 * renderer process to start, ~60–120 ms of a busy machine's CPU, and the
 * tab keeps in memory the files whose names say their content (see
 * {@link answer}), which the decks of a course share: reveal.js, the
 * theme, its fonts.
 */
export async function openPrintTab(session: BrowserSession, timeout = 60_000): Promise<PrintTab> {
  const idle = idleTabs.get(session)
  for (let tab = idle?.pop(); tab; tab = idle?.pop()) {
    if (!tab.page.isClosed() && tab.page.browser().connected) return tab
  }
  const page = await withTimeout('a new browser page', timeout, async () => (await session.get()).newPage())
  let folder: string | undefined
  let root: string | undefined
  // Every deck the tab shows is at the same address, so that it finds what an earlier one loaded.
  const address = `${deckOrigin}${++tabsOpened}/`
  let blocked: string[] = []
  let held: HTTPRequest | undefined
  let released = false
  await withTimeout('the print page to be set up', timeout, async () => {
    page.on('request', (request: HTTPRequest) => {
      const url = request.url()
      if (root && url === root + holdFile) {
        if (released) return void request.abort('aborted')
        held = request // answered by releaseHold()
        return
      }
      if (root && folder && url.startsWith(root)) return void answer(request, folder, url.slice(root.length))
      if (url.startsWith('data:') || url.startsWith('blob:')) return void request.continue()
      // The browser's own request for the site's icon, made when a page names none: not the deck's to answer for.
      if (url === browserIcon) return void request.respond({ status: 404, contentType: 'text/plain', body: 'not found' })
      // Requests before the deck is allowed come from what the tab showed before it: refused, not the deck's.
      // A path that climbs out of the deck's folder (`../x.png`) is said as such: the address is the tab's own.
      if (root) blocked.push(url.startsWith(deckOrigin) ? `../${url.slice(deckOrigin.length)}` : url)
      void request.abort('blockedbyclient')
    })
    // All at once: each is a round trip to a browser that is still busy starting.
    await Promise.all([page.setRequestInterception(true), page.evaluateOnNewDocument(listenForPdfReady), page.emulateMediaType('print')])
  })
  const tab: PrintTab = {
    page,
    allow(allowed) {
      folder = allowed
      root = address
      blocked = []
      held = undefined
      released = false
      return root
    },
    close() {
      // Not waited for: nothing depends on it, and a hung browser would not answer (it is killed with the session).
      page.close().catch(() => {})
    },
    release() {
      // What the deck shown still asks for is refused, and not said: it is no deck's now.
      folder = root = undefined
      if (!idleTabs.has(session)) idleTabs.set(session, [])
      idleTabs.get(session)!.push(tab)
    },
    get blocked() {
      return blocked
    },
    releaseHold() {
      released = true
      void held?.abort('aborted')
    },
  }
  return tab
}

/** Print tabs done with their deck, by session: the next deck's (see {@link openPrintTab}). */
const idleTabs = new WeakMap<BrowserSession, PrintTab[]>()

/**
 * Where the print tab shows the deck from. Its requests never reach a
 * network: the tab answers them from the deck's folder itself. An address
 * of HTTP, not `file://`, so that Chromium keeps what it got in memory
 * across loads of the page (`file://` resources are read and decoded again
 * each time): the deck measured again after a fit reloads in ~110 ms
 * instead of ~175 ms here (the 40-slide corpus deck). Answered by the tab
 * rather than by a server, which cost the first load ~50 ms more.
 */
const deckOrigin = 'http://deck.invalid/'
const browserIcon = `${deckOrigin}favicon.ico`
let tabsOpened = 0

/**
 * Whether a deck's file is named by its content, so that a file of that
 * name is the same in every deck a tab shows: a name that ends in its hash
 * (`photo-0f73f35e08.png`, the theme, its fonts), or a file of a package
 * diapo ships (reveal.js, KaTeX). Only those are kept from a load of the
 * tab to the next; nothing else of another deck is ever taken for this one's.
 */
function namesItsContent(relative: string): boolean {
  return /^assets\/(?:reveal|katex)\/|-[\da-f]{10}\.\w+$/.test(relative)
}

/** Answer a request of the deck for `relative` (URL-encoded, with its query) with its file in `folder`, or "not found". */
function answer(request: HTTPRequest, folder: string, relative: string): void {
  let file = ''
  let pathname = ''
  const found = Promise.resolve().then(() => {
    pathname = decodeURIComponent(new URL(relative, deckOrigin).pathname.slice(1))
    file = path.resolve(folder, pathname)
    if (!file.startsWith(folder + path.sep)) throw new Error(`${file} is outside ${folder}`)
    return readFile(file)
  })
  found
    .then(
      (body) => {
        const contentType = mime.getType(file) ?? 'application/octet-stream'
        // The page is rewritten when its slides are made to fit: never kept; nor is a file another deck may have other.
        const headers = { 'cache-control': namesItsContent(pathname) ? 'max-age=3600' : 'no-store' }
        return fulfil(request, contentType, headers, body)
      },
      () => request.respond({ status: 404, contentType: 'text/plain', body: 'not found' }),
    )
    .catch(() => {}) // The page went away meanwhile.
}

/**
 * Answer `request` with `body`. puppeteer's `respond()` encodes the body in
 * base64 in JavaScript (~17 ms for the 1.5 MB of fonts and scripts of a
 * deck, on every build that prints); Node's Buffer does it natively, sent
 * through the request's own protocol session, as `respond()` sends it.
 * With a puppeteer that no longer exposes the request's interception id,
 * `respond()` again.
 */
async function fulfil(request: HTTPRequest, contentType: string, headers: Record<string, string>, body: Buffer): Promise<void> {
  const id = (request as unknown as { _interceptionId?: unknown })._interceptionId
  if (typeof id !== 'string') return request.respond({ status: 200, contentType, headers, body })
  await request.client.send('Fetch.fulfillRequest', {
    requestId: id,
    responseCode: 200,
    responseHeaders: [{ name: 'content-type', value: contentType }, ...Object.entries(headers).map(([name, value]) => ({ name, value }))],
    body: body.toString('base64'),
  })
}

/** A deck rewritten to make its slides fit, to show again. */
export interface Refit {
  /**
   * The markup of its slides, shown in place of those of the page, which
   * reveal.js then lays out for print again: the deck's scripts, styles,
   * fonts and pictures stay as they were loaded (~80 ms instead of ~150 ms
   * for loading the 40-slide corpus deck again). Undefined: the deck is
   * loaded again.
   */
  slides: string | undefined
}

/** Print the deck at `options.html` into the PDFs asked for. */
export async function exportPdf(session: BrowserSession, options: PdfOptions): Promise<PdfResult> {
  const timeout = options.timeout ?? 60_000
  // Loading, laying out and printing take time for every slide (5,000 slides print in ~3 minutes here):
  // such a step may take that long as long as the browser answers.
  const upTo = timeout + perSlide * (options.slideCount ?? 0)
  // The PowerPoint writer (pptxgenjs, JSZip) loads while the browser works.
  const pptxWriter = options.pptx ? import('../pptx/write-pptx.ts') : undefined
  pptxWriter?.catch(() => {})
  let page: Page | undefined
  let tab: PrintTab | undefined
  let printed = false
  try {
    tab = await (options.tab ?? openPrintTab(session, timeout))
    page = tab.page
    const longer = { browser: page.browser(), upTo }
    const root = tab.allow(path.dirname(options.html))
    const blocked = tab.blocked
    // reveal.js reads its options from the query too: print layout, pages exactly the canvas, fragments.
    const url = `${root}${encodeURIComponent(path.basename(options.html))}?print-pdf&margin=0&pdfSeparateFragments=${options.fragments === 'each'}`
    let pending = options.figures
    let glyphs: Glyphs | undefined

    const load = async () => {
      // A deck whose diagrams are still being drawn is held from finishing its load (and reveal.js
      // from laying it out for print) until they are put in.
      const held = pending !== undefined
      await withTimeout(
        `the deck to load (${options.html})`,
        timeout,
        () => page!.goto(held ? `${url}&diapo-hold` : url, { waitUntil: held ? 'domcontentloaded' : 'load', timeout: 0 }),
        longer,
      )
      options.log?.('pdf: deck loaded')
      return measured()
    }
    /** The deck shown measured, once its diagrams are in and reveal.js has laid it out for print. */
    const measured = async () => {
      if (pending) {
        const figures = JSON.stringify(Object.fromEntries(await pending))
        pending = undefined
        await withTimeout('the diagrams to be put in', timeout, () => page!.evaluate(`(${fillFigures})(${figures})`))
        tab!.releaseHold()
        options.log?.('pdf: diagrams put in')
      }
      // One round trip for all of it; a time-out names the step the page was still waiting for.
      const laidOut = 'the deck to be laid out for print'
      const waitingFor = () =>
        withTimeout('the page', 1000, () => page!.evaluate('window.diapoWaitingFor')).then(
          (step) => (typeof step === 'string' ? step : laidOut),
          () => laidOut,
        )
      await withTimeout(waitingFor, timeout, () => page!.evaluate(readyToPrint), longer)
      const measuring = performance.now()
      const layout = await measureSlides(page!, timeout, longer, glyphs)
      glyphs = layout.glyphs
      const took = Math.round(performance.now() - measuring)
      options.log?.(`pdf: laid out; layout check ${took} ms, ${layout.findings.length} findings`)
      return layout
    }
    /** The slides of the deck made to fit, in place of those shown. */
    const showInPlace = async (slides: string) => {
      try {
        await withTimeout(
          'the slides to be shown again',
          timeout,
          () => page!.evaluate(`(${showSlides})(${JSON.stringify(slides)})`),
          longer,
        )
      } catch (error) {
        // reveal.js could not be started again in the page (the deck's own code changed it, say): the deck is loaded again.
        if (error instanceof DiapoError || page!.isClosed() || !page!.browser().connected) throw error
        options.log?.(
          `pdf: the slides could not be shown again in place (${(error as Error).message.split('\n')[0]}); loading the deck again`,
        )
        return load()
      }
      options.log?.('pdf: slides shown again')
      return measured()
    }
    options.log?.('pdf: page open')
    let layout = await load()
    // Measured again after each fit, until the slides fit or nothing more can be done, in a bounded number of rounds.
    for (let round = 0; round < fittingRounds && options.onLayout; round++) {
      const refit = await options.onLayout(layout)
      if (!refit) break
      layout = refit.slides === undefined ? await load() : await showInPlace(refit.slides)
    }

    const screenshots = options.screenshots ? await screenshotSlides(page, options.screenshots, timeout) : []
    options.log?.('pdf: printing')
    await withTimeout('the links to be pointed at the deck', timeout, () =>
      page!.evaluate(`(${pointLinksAt})(${JSON.stringify(root)}, ${JSON.stringify(deckOrigin)}, ${JSON.stringify(relativeLinks)})`),
    )
    const result: PdfResult = { pages: {}, layout, screenshots, blocked }
    // Read for PowerPoint as printed: after the links are made relative, before the handout lays the page out again.
    const forPptx = options.pptx
      ? await import('../pptx/read-slides.ts').then(({ readSlides }) =>
          readSlides(page!, { served: root, relative: relativeLinks, timeout: upTo, log: options.log, cache: options.pictures }),
        )
      : undefined
    const slidesPdf = options.slides
      ? await withTimeout(
          'the slides to print',
          timeout,
          () => page!.pdf({ preferCSSPageSize: true, printBackground: true, outline: true, tagged: true, timeout: 0 }),
          longer,
        )
      : undefined
    let notesPdf: Uint8Array | undefined
    if (options.notes) {
      const paper = options.paper ?? 'a4'
      const css = await readFile(path.join(packageRoot, 'themes', 'print', 'handout.css'), 'utf8')
      await withTimeout(
        'the handout layout',
        timeout,
        () => page!.evaluate(`(${handoutLayout})(${JSON.stringify(paper)}, ${JSON.stringify(css)}, ${options.perPage ?? 0})`),
        longer,
      )
      notesPdf = await withTimeout(
        'the handout to print',
        timeout,
        () => page!.pdf({ format: paper, margin: handoutMargin, printBackground: true, outline: true, tagged: true, timeout: 0 }),
        longer,
      )
    }
    // The browser's part is over: its owner may end it while the PDFs are finished.
    options.done?.()
    if (options.slides && slidesPdf) result.pages.slides = await writePdf(options.slides, slidesPdf, options.metadata)
    if (options.notes && notesPdf) {
      const metadata = { ...options.metadata, title: `${options.metadata.title} (${notesWord(options.metadata.lang)})` }
      result.pages.notes = await writePdf(options.notes, notesPdf, metadata)
    }
    options.log?.('pdf: printed')
    if (options.pptx && forPptx) {
      const { writePptx } = await pptxWriter!
      const folder = path.dirname(options.html)
      await writeWhole(options.pptx, await writePptx(forPptx, { metadata: options.metadata, served: root, folder }))
      const notices = forPptx.slides.flatMap(({ slide, notices }) => [...new Set(notices)].map((message) => ({ slide, message })))
      result.pptx = { file: options.pptx, slides: forPptx.slides.length, notices }
      options.log?.('pptx: written')
    }
    printed = true
    return result
  } catch (error) {
    if (error instanceof EnvironmentError && error.message.startsWith('Timed out')) {
      throw new EnvironmentError(`${error.message}, or build the HTML alone with --no-pdf`, { cause: error })
    }
    if (error instanceof DiapoError) throw error
    const message = (error as Error).message.split('\n')[0]
    // The file system failed (the deck's folder, a PDF), not the browser.
    if ((error as NodeJS.ErrnoException).syscall)
      throw new EnvironmentError(`Cannot write while printing the PDF: ${message}`, { cause: error })
    throw new EnvironmentError(`The browser failed while printing the PDF: ${message}`, { cause: error })
  } finally {
    // A tab that printed is left for the session's next deck; one that failed is not trusted again.
    if (printed) tab?.release()
    else tab?.close()
  }
}

/**
 * Links to the deck's own files (`other.html`, a picture) would hold the
 * tab's address: they are pointed at the folder the deck is written to. Links within the deck (`#anchor`) stay
 * as they are: the PDF makes them links to the slide.
 */
/**
 * In the page: each link to a file of the deck (the tab serves it at
 * `served`), or to one beside it (another deck of a course, at `origin`),
 * made a path relative to the deck's folder, behind the `marked` address
 * that the PDF's finish takes off again (a link must be a URL in the page).
 * A link to the page itself stays: it is a link to a page of the PDF.
 */
const pointLinksAt = `(served, origin, marked) => {
  const page = location.href.split('#')[0]
  const from = new URL(served).pathname.split('/').slice(1, -1)
  for (const link of document.querySelectorAll('a[href]')) {
    const target = link.href
    if (!target.startsWith(origin) || target.split('#')[0] === page) continue
    const url = new URL(target)
    const to = url.pathname.split('/').slice(1)
    let shared = 0
    while (shared < from.length && shared < to.length - 1 && from[shared] === to[shared]) shared++
    const relative = [...from.slice(shared).map(() => '..'), ...to.slice(shared)].join('/')
    link.setAttribute('href', marked + relative + url.search + url.hash)
  }
}`

/** Time a step that works on every slide gets for each, beyond `--timeout`, in milliseconds. */
export const perSlide = 100

/** A PNG of each slide, at the canvas size, as laid out for print. */
async function screenshotSlides(page: Page, folder: string, timeout: number): Promise<string[]> {
  await makeDirectory(folder)
  const boxes = (await withTimeout('the slides to be found', timeout, () =>
    page.evaluate(`(() => {
      const { width, height } = Reveal.getConfig()
      const seen = new Map()
      for (const page of document.querySelectorAll('.reveal .slides .pdf-page')) {
        const section = page.querySelector('section[data-diapo-slide]')
        const box = page.getBoundingClientRect()
        if (section) seen.set(Number(section.getAttribute('data-diapo-slide')), { x: box.left + scrollX, y: box.top + scrollY, width, height })
      }
      return [...seen].sort((a, b) => a[0] - b[0])
    })()`),
  )) as Array<[number, { x: number; y: number; width: number; height: number }]>
  const digits = String(boxes.length).length < 2 ? 2 : String(boxes.length).length
  const files: string[] = []
  for (const [slide, clip] of boxes) {
    const file = path.join(folder, `slide-${String(slide).padStart(digits, '0')}.png`)
    // Written here: puppeteer-core is loaded without its Node file-system glue (see browser.ts).
    const png = await withTimeout(`slide ${slide} to be shot`, timeout, () => page.screenshot({ clip, captureBeyondViewport: true }))
    await writeFile(file, png)
    files.push(file)
  }
  // Shots of an earlier, longer deck would pass for this one's.
  const written = new Set(files.map((file) => path.basename(file)))
  const stale = (await readdir(folder)).filter((name) => /^slide-\d+\.png$/.test(name) && !written.has(name))
  await Promise.all(stale.map((name) => rm(path.join(folder, name), { force: true })))
  return files
}

/** "Notes" in the deck's language, for the handout's title; English when diapo does not know it. */
function notesWord(lang: string): string {
  const words: Record<string, string> = { es: 'notas', pt: 'notas', fr: 'notes', it: 'note', de: 'Notizen', ca: 'notes', nl: 'notities' }
  return words[lang.toLowerCase().split('-')[0] ?? ''] ?? 'notes'
}

/** Write the PDF beside its place, with its metadata, then move it in: never a half-written file. */
async function writePdf(file: string, pdf: Uint8Array, metadata: PdfMetadata): Promise<number> {
  const { bytes, pages } = await finishPdf(pdf, metadata)
  await writeWhole(file, bytes)
  return pages
}

/** Write `file` whole or not at all: beside it first, then moved in. */
async function writeWhole(file: string, bytes: Uint8Array): Promise<void> {
  // Named after its owner, so that what a killed run left is swept by the next.
  await sweep(path.dirname(file), `${path.basename(file)}.`)
  const temporary = `${file}.${owner}-${path.extname(file).slice(1)}.tmp`
  const done = untilDone(() => rmSync(temporary, { force: true }))
  try {
    await writeFile(temporary, bytes)
    await rename(temporary, file)
  } catch (error) {
    await rm(temporary, { force: true })
    throw new EnvironmentError(`Cannot write ${file}: ${(error as Error).message}`, { cause: error })
  } finally {
    done()
  }
}

/*
 * What runs in the page, given as text: nothing of Node or of the bundler may
 * leak into it.
 */

/**
 * reveal.js's `pdf-ready` is not sticky: listen before the deck starts (a
 * promise to await, so that no time is lost polling for it), and again
 * before it lays slides shown in place out. And number the slides before
 * the print layout copies them (a copy a fragment step), so each page can
 * be traced back to its slide.
 *
 * Animation frames come as soon as the page's fonts and pictures are in:
 * reveal.js's print layout waits for four, only to let the browser lay the
 * slides out, which the layout it reads next forces anyway; a frame of the
 * headless browser is up to 16 ms away, and nothing in this tab is ever
 * shown on a screen. But the layout it reads must be the final one: it
 * places each slide on its page by the slide's height. Text shown for the
 * first time by the print layout asks for its fonts only then (a math
 * font, say), so a frame first lays the page out (which asks for the fonts
 * of all the text shown) and waits for them and for the pictures. And
 * nothing is in transition: reveal.js's fragments carried the print
 * layout's larger text over in 0.2 s, and it read their heights half-way —
 * slides with fragments a few pixels off, by how far the transition had
 * gone (a public pandoc talk printed three different PDFs in four builds).
 * A picture is waited for until it has loaded (or failed), not by its
 * `decode()`: in a tab behind another (a course prints in several at once)
 * Chromium 156 leaves that promise pending, waiting for a frame such a tab
 * never draws, and the build hung; printing decodes what it draws anyway.
 *
 * Math's MathML is not laid out here: KaTeX keeps it, clipped to a pixel,
 * for screen readers of the deck, but the PDF has nothing of it (its text
 * and its tags are those of the HTML KaTeX draws: the same bytes without
 * it), and laying it out cost ~40 ms a load for the three formulas of the
 * bench's feature deck.
 *
 * A deck loaded with `diapo-hold` in its query still has diagrams being
 * drawn: an image the print tab answers only once they are in (releaseHold)
 * keeps its load event, and reveal.js's print layout, waiting — so the
 * slides are laid out once, whole, after their fonts, as any deck is.
 */
const holdFile = 'diapo-hold.gif'

const listenForPdfReady = `window.diapoListenForPdfReady = () => {
  window.diapoPdfReady = new Promise((resolve) => document.addEventListener('pdf-ready', () => resolve(true), { once: true }))
}
window.diapoNumberSlides = () => {
  const leaves = [...document.querySelectorAll('.reveal .slides section')].filter((section) => !section.querySelector('section'))
  leaves.forEach((section, index) => section.setAttribute('data-diapo-slide', String(index + 1)))
}
window.diapoListenForPdfReady()
window.diapoImagesLoaded = () =>
  Promise.all(
    [...document.images]
      .filter((image) => !image.complete)
      .map((image) => {
        image.loading = 'eager'
        return new Promise((resolve) => {
          image.addEventListener('load', resolve, { once: true })
          image.addEventListener('error', resolve, { once: true })
        })
      }),
  )
window.requestAnimationFrame = (callback) => {
  void document.body?.offsetHeight
  const frame = { callback }
  Promise.all([document.fonts.ready, window.diapoImagesLoaded()]).then(() => setTimeout(() => frame.callback?.(performance.now()), 0))
  return frame
}
window.cancelAnimationFrame = (frame) => {
  if (frame) frame.callback = undefined
}
{
  const sheet = new CSSStyleSheet()
  sheet.replaceSync('*, ::before, ::after { transition: none !important; } .katex-mathml { display: none !important; }')
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]
}
document.addEventListener('DOMContentLoaded', () => {
  window.diapoNumberSlides()
  if (new URLSearchParams(location.search).has('diapo-hold')) {
    const hold = document.body.appendChild(document.createElement('img'))
    hold.hidden = true
    hold.onload = hold.onerror = () => hold.remove()
    hold.src = '${holdFile}'
  }
})`

/**
 * Show `slides` (their markup) in place of the deck's, and have reveal.js
 * lay them out for print again: it is taken down (which undoes what it did
 * to the page) and started again with the settings it had, as the deck's
 * own script started it. The page's scripts, styles, fonts and pictures
 * stay loaded.
 */
const showSlides = `(slides) => {
  const config = Reveal.getConfig()
  Reveal.destroy()
  document.querySelector('.reveal .slides').innerHTML = slides
  window.diapoNumberSlides()
  window.diapoListenForPdfReady()
  Reveal.initialize(config)
}`

/** Put the drawn diagrams into the figures left for them. */
const fillFigures = `(figures) => {
  for (const figure of document.querySelectorAll('[data-diapo-pending]')) {
    figure.innerHTML = figures[figure.getAttribute('data-diapo-pending')]
    figure.removeAttribute('data-diapo-pending')
  }
}`

/**
 * Wait for reveal.js's print layout, then for the fonts and every image;
 * then show the slides. reveal.js leaves every slide but the current one
 * `hidden` and `aria-hidden`; print shows them all, but the PDF's tags and
 * bookmarks come from the accessibility tree, which would skip them.
 */
const readyToPrint = `(async () => {
  window.diapoWaitingFor = 'reveal.js to lay out the slides for print (pdf-ready)'
  await window.diapoPdfReady
  window.diapoWaitingFor = 'the fonts and images to load'
  await document.fonts.ready
  await window.diapoImagesLoaded()
  document.querySelectorAll('.reveal .slides section').forEach((section) => {
    section.removeAttribute('hidden')
    section.removeAttribute('aria-hidden')
  })
  // On paper nobody can click a <details> open: what it holds is printed (and measured) open.
  document.querySelectorAll('.reveal .slides details').forEach((details) => (details.open = true))
})()`

/** The handout's page margins; the slides are scaled to the width between them (see below). */
const handoutMargin = { top: '15mm', bottom: '15mm', left: '15mm', right: '15mm' }

/**
 * Turn the printed slides into a handout, styled by `themes/print/handout.css`.
 *
 * By default the slides flow down the pages in reading order: a slide with
 * speaker notes at the paper's width, its notes below it on the same page
 * (notes longer than a page: the slide with their start); slides without
 * notes two abreast, as many rows as fit. With
 * `perPage`, every page is a grid of that many cells, a slide and its notes
 * in each (beside it for 3, below it for the others), the notes made smaller
 * until they fit their cell; notes that cannot fit even at 6 pt let their
 * page run on rather than be cut.
 *
 * A slide printed a page a fragment step gets one frame: its last step,
 * with every fragment shown.
 */
const handoutLayout = `(paper, css, perPage) => {
  const [paperWidth, paperHeight] = { a4: [210, 297], letter: [215.9, 279.4] }[paper]
  const margin = 15
  const gap = 6
  const width = paperWidth - 2 * margin
  // A hair under the page: a sheet exactly as tall as it may spill a blank page.
  const height = paperHeight - 2 * margin - 1
  const mm = 96 / 25.4
  const make = (className, ...children) => {
    const element = document.createElement('div')
    element.className = className
    element.append(...children)
    return element
  }

  const container = document.querySelector('.reveal .slides')
  const last = new Map()
  for (const page of container.querySelectorAll('.pdf-page')) {
    const section = page.querySelector('section[data-diapo-slide]')
    last.set(section ? section.getAttribute('data-diapo-slide') : page, page)
  }
  const kept = new Set(last.values())
  for (const page of container.querySelectorAll('.pdf-page')) if (!kept.has(page)) page.remove()
  // Sizes read before anything moves: one layout, not one a slide.
  const slides = [...kept].map((page) => {
    const aside = page.querySelector('aside.notes')
    const hasNotes = aside && (aside.textContent.trim() !== '' || aside.querySelector('img, svg'))
    return { page, width: page.offsetWidth, height: page.offsetHeight, notes: hasNotes ? aside.innerHTML : undefined }
  })
  // The frame's border (handout.css) is inside the width given: the slide gets the rest.
  const border = 0.3
  const frame = (slide, frameWidth) => {
    const inner = frameWidth - 2 * border
    const scale = (inner * mm) / slide.width
    slide.page.style.width = slide.width + 'px'
    slide.page.style.transform = 'scale(' + scale + ')'
    slide.page.style.transformOrigin = '0 0'
    const box = make('diapo-handout-slide', slide.page)
    box.style.width = inner + 'mm'
    box.style.height = slide.height * scale + 'px'
    return box
  }
  const notes = (html) => {
    const box = make('diapo-handout-notes')
    box.innerHTML = html
    return box
  }

  const handout = make('diapo-handout')
  if (!perPage) {
    let row
    for (const slide of slides) {
      if (slide.notes === undefined) {
        if (!row) handout.append((row = make('diapo-handout-row')))
        row.append(frame(slide, (width - gap) / 2))
      } else {
        row = undefined
        handout.append(make('diapo-handout-unit', frame(slide, width), notes(slide.notes)))
      }
    }
  } else {
    const [columns, rows, beside] = { 1: [1, 1], 2: [1, 2], 3: [1, 3, true], 4: [2, 2], 6: [2, 3] }[perPage]
    const cellWidth = (width - (columns - 1) * gap) / columns
    const cellHeight = (height - (rows - 1) * gap) / rows
    const fontSize = { 1: 11, 2: 10, 3: 9, 4: 9, 6: 8 }[perPage]
    let sheet
    slides.forEach((slide, index) => {
      if (index % perPage === 0) {
        handout.append((sheet = make('diapo-handout-sheet')))
        sheet.style.gridTemplateColumns = 'repeat(' + columns + ', ' + cellWidth + 'mm)'
        sheet.style.gridTemplateRows = 'repeat(' + rows + ', ' + cellHeight + 'mm)'
        sheet.style.height = height + 'mm'
      }
      // Below its slide, the notes get at least two fifths of the cell.
      const slideWidth = beside ? (cellWidth - gap) / 2 : Math.min(cellWidth, (cellHeight * 0.6 * slide.width) / slide.height)
      const cell = make(beside ? 'diapo-handout-cell diapo-handout-beside' : 'diapo-handout-cell', frame(slide, slideWidth))
      if (slide.notes !== undefined) {
        const box = notes(slide.notes)
        box.style.fontSize = fontSize + 'pt'
        cell.append(box)
      }
      sheet.append(cell)
    })
  }
  container.append(handout)

  // reveal.js sized the pages to the slide; the handout is on paper.
  for (const sheet of document.querySelectorAll('style')) {
    if (sheet.textContent.includes('@page')) sheet.textContent = sheet.textContent.replace(/@page\\s*{[^}]*}/g, '')
  }
  const style = document.createElement('style')
  style.textContent = css
  document.head.append(style)

  if (!perPage) {
    // Notes longer than a page: their slide starts where it is, not on a page of its own.
    for (const unit of handout.querySelectorAll('.diapo-handout-unit')) {
      if (unit.offsetHeight > height * mm) unit.classList.add('diapo-handout-long')
    }
    return
  }
  // Notes too long for their cell: smaller, in a few rounds of one layout each (text takes room as the square of its size).
  const overflows = (box) => box.scrollHeight > box.clientHeight + 1
  let long = [...handout.querySelectorAll('.diapo-handout-notes')].filter(overflows)
  for (let round = 0; round < 6 && long.length > 0; round++) {
    const sizes = long.map((box) => {
      const size = parseFloat(box.style.fontSize) * Math.min(0.95, Math.sqrt(box.clientHeight / box.scrollHeight))
      return Math.max(6, Math.floor(size * 4) / 4)
    })
    long.forEach((box, index) => (box.style.fontSize = sizes[index] + 'pt'))
    long = long.filter((box, index) => sizes[index] > 6 && overflows(box))
  }
  // Still too long at 6 pt: its page's rows take the height they need, and the page runs on rather than cut the notes.
  for (const box of handout.querySelectorAll('.diapo-handout-notes')) {
    if (!overflows(box)) continue
    const sheet = box.closest('.diapo-handout-sheet')
    sheet.classList.add('diapo-handout-overfull')
    sheet.style.height = 'auto'
    sheet.style.gridTemplateRows = 'auto'
    sheet.style.gridAutoRows = 'auto'
  }
}`
