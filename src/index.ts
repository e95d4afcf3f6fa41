/**
 * diapo as a library (`import { build } from 'diapo'`): what the `diapo`
 * command does, as functions that return what happened — the files
 * written, the slides, every message as a vfile message at its
 * file:line:col — and print nothing. The command (`cli/`)
 * is these, with flags and printing.
 *
 * ```js
 * import { build, formatMessages } from 'diapo'
 *
 * const result = await build({ input: 'talk.md', out: 'public' })
 * console.log(formatMessages(result.files).join('\n'))
 * if (!result.ok) process.exitCode = 1
 * ```
 */
import path from 'node:path'
import type { VFile } from 'vfile'
import { BrowserSession, findBrowser } from './browser/browser.ts'
import type { BuildOptions as DeckBuildOptions, BuildResult as DeckBuildResult } from './build.ts'
import { buildOptionsOf, projectOf } from './config/settings.ts'
import { findCourse, linksOf, type Course } from './course/find-course.ts'
import { UsageError } from './errors.ts'

export { countMessages, formatMessages, shownPath } from './report.ts'
export { defineConfig, type ConfigFile, type PluginEntry } from './config/config-file.ts'

/** The PDFs to print. */
export interface PdfSettings {
  /** `each`: a page for every fragment step. Default: `final`, each slide as it ends. */
  fragments?: 'final' | 'each' | undefined
  /** Also print the handout, `<title>-notes.pdf`: each slide with its speaker notes. */
  notes?: boolean | undefined
  /** Paper of the handout. Default: `a4`. */
  paper?: 'a4' | 'letter' | undefined
  /** Slides on each page of the handout. Default: as many as fit, slides without notes sharing pages. */
  perPage?: 1 | 2 | 3 | 4 | 6 | undefined
}

/** What a build did. */
export interface BuildResult {
  /** False when a content error stopped the build: nothing was written then. */
  ok: boolean
  /** The source files, each with its messages (errors and warnings at their line and column). */
  files: VFile[]
  /** Slides, each slide of a vertical stack counted. */
  slideCount: number
  /** The HTML written, when `ok` (not by {@link pdf}, which keeps only the PDF). */
  html: string | undefined
  /** The PDFs written, and their pages. */
  pdf: { slides: string; slidesPages: number; notes: string | undefined; notesPages: number | undefined } | undefined
  /** The PowerPoint file written (`pptx`), and its slides. */
  pptx?: { file: string; slides: number } | undefined
  /** Diagrams drawn now, and taken from the cache. */
  diagrams: { rendered: number; cached: number }
  /** Slides split or shrunk to fit their canvas, and slides that could not be, shown cut off. */
  fitted: { split: number; shrunk: number; cutOff: number }
  /** With `write: false`: the deck's files, in memory — text or bytes, or the file on disk to copy (a picture of the deck's). */
  output?: { files: Array<{ path: string; content: string | Uint8Array } | { path: string; source: string }> } | undefined
  /** For a course (a folder of decks): each deck, in order, and whether it was built now or kept unchanged. */
  course?: { unchanged: boolean; decks: CourseDeckSummary[] } | undefined
}

/** One deck of a course, as {@link build} reports it. */
export interface CourseDeckSummary {
  /** Its folder in the output. */
  name: string
  title: string
  slideCount: number
  html: string
  pdf: string | undefined
  notes: string | undefined
  /** The PowerPoint file, with `pptx`. */
  pptx?: string | undefined
  /** False when it had not changed since the last build, and was kept. */
  built: boolean
}

/** What every function of the API takes: the deck, and how to read it. */
export interface DeckOptions {
  /** A Markdown file, or a folder whose `*.md` files are read in name order. Default: `slides`. */
  input?: string | undefined
  /** A theme over the frontmatter's: a built-in name or a CSS file. */
  theme?: string | undefined
  /** Stylesheets added after the theme. */
  css?: string[] | undefined
  /** Nothing in the deck may run (its HTML sanitized, no script URLs, no config file read): for Markdown that is not yours. */
  safe?: boolean | undefined
  /** Folders outside the deck's own that it may read files from; ignored with `safe`. */
  allowPaths?: readonly string[] | undefined
  /** The Chrome or Chromium to use. Default: the config file's, else found (see the README). */
  browser?: string | undefined
  /** Where drawn diagrams, math and fits are kept. Default: the config file's, else `node_modules/.cache/diapo`. */
  cacheDir?: string | undefined
  /** The config file to read, or `false` for none. Default: the nearest `diapo.config.*` upward from the deck. */
  config?: string | false | undefined
  /** Most time any step in the browser may take, in milliseconds. Default: 60 s. */
  timeout?: number | undefined
  /** Where progress lines go (the command's `--verbose`). Default: nowhere. */
  log?: ((line: string) => void) | undefined
}

/** What {@link build} takes. */
export interface BuildOptions extends DeckOptions {
  /** The output folder, replaced whole (and atomically) on success. Default: `dist`. */
  out?: string | undefined
  /** The PDFs to print, or `false` for the HTML only. Default: the slides' PDF. */
  pdf?: false | PdfSettings | undefined
  /** A folder to write a PNG of every slide into. */
  screenshots?: string | undefined
  /** Also write the deck as a PowerPoint file, `<out>/<title>.pptx`, beside the PDF: every text editable, notes, diagrams as SVG. */
  pptx?: boolean | undefined
  /**
   * `false`: write nothing (no `out`, no PDF) and return the deck's files
   * in `result.output`, as `diapo dev` serves them: a build in memory.
   */
  write?: false | undefined
}

/** Build the deck into `out`: `index.html`, its assets, and its PDF. Nothing is written when `ok` is false. */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const read = await projectAndCourse(options)
  const { course } = read
  if (course && options.write === false) throw new UsageError(`${options.input ?? 'slides'} is a course: a build in memory takes one deck`)
  if (course) return buildOfCourse(course, options, read)
  if (options.write === false) {
    if (options.pdf || options.screenshots || options.pptx)
      throw new UsageError(
        'A build in memory (`write: false`) prints no PDF, writes no PowerPoint and takes no screenshots: set `pdf: false`',
      )
    return withSession(options, false, read, async (settings) => {
      const { buildDeck } = await import('./build.ts')
      const result = await buildDeck({ ...settings, pdf: false, write: false })
      return { ...resultOf(result), output: result.memory && { files: result.memory.files } }
    })
  }
  const early = options.pdf !== false || options.screenshots !== undefined || options.pptx === true
  return withSession(options, early, read, async (settings, project) => {
    const { buildDeck } = await import('./build.ts')
    const outDir = options.out ?? project.out
    return resultOf(await buildDeck({ ...settings, outDir, pdf: options.pdf, screenshots: options.screenshots, pptx: options.pptx }))
  })
}

/** A course's build: every deck, and the index; the browser started only once a deck needs building. */
async function buildOfCourse(course: Course, options: BuildOptions, read: Awaited<ReturnType<typeof projectOf>>): Promise<BuildResult> {
  if (options.screenshots) throw new UsageError('--screenshots takes one deck, not a course: give the deck’s folder')
  return withSession(options, false, read, async (settings, project) => {
    const { buildCourse } = await import('./course/build-course.ts')
    const outDir = options.out ?? project.out ?? 'dist'
    // The decks share the session: none of them ends it.
    const result = await buildCourse(course, {
      ...settings,
      browserDone: undefined,
      outDir,
      pdf: options.pdf,
      pptx: options.pptx,
      title: project.title,
      description: project.description,
      links: project.links,
      identity: project.digest,
    })
    const built = result.decks.flatMap((deck) => (deck.result ? [deck.result] : []))
    const sum = (count: (result: DeckBuildResult) => number) => built.reduce((total, deck) => total + count(deck), 0)
    return {
      ok: result.ok,
      files: result.files,
      slideCount: result.decks.reduce((total, deck) => total + deck.slideCount, 0),
      html: result.html,
      pdf: undefined,
      diagrams: { rendered: sum((deck) => deck.diagrams.rendered), cached: sum((deck) => deck.diagrams.cached) },
      fitted: {
        split: sum((deck) => deck.fitted.split),
        shrunk: sum((deck) => deck.fitted.shrunk),
        cutOff: sum((deck) => deck.fitted.cutOff),
      },
      course: {
        unchanged: result.unchanged,
        decks: result.decks.map(({ name, title, slideCount, pdf, notes, pptx, built: made }) => {
          const folder = path.join(path.resolve(outDir), name)
          const file = (name?: string) => (name ? path.join(folder, name) : undefined)
          return {
            name,
            title,
            slideCount,
            html: path.join(folder, 'index.html'),
            pdf: file(pdf),
            notes: file(notes),
            pptx: file(pptx),
            built: made,
          }
        }),
      },
    }
  })
}

/** What {@link pdf} takes. */
export interface PdfOptions extends DeckOptions, PdfSettings {
  /** The PDF to write, or a folder to write `<title>.pdf` into (one that exists, or a path ending with `/`). Default: `dist/`. */
  out?: string | undefined
}

/** Print the deck to a PDF (and its handout, with `notes`), and write nothing else. */
export async function pdf(options: PdfOptions = {}): Promise<BuildResult> {
  const { fragments, notes, paper, perPage } = options
  const read = await projectAndCourse(options)
  if (read.course)
    throw new UsageError(
      `${options.input ?? 'slides'} is a course: \`diapo pdf\` prints one deck (give its folder); \`diapo build\` writes every deck's PDF`,
    )
  return withSession(options, true, read, async (settings, project) => {
    const { pdfOnly } = await import('./deck-runs.ts')
    // The config's output folder is where `<title>.pdf` goes, as `diapo build` puts it there.
    const out = options.out ?? (project.out === undefined ? undefined : `${project.out}${path.sep}`)
    const result = await pdfOnly({ ...settings, pdf: { fragments, notes, paper, perPage } }, out)
    return { ...resultOf(result), html: undefined }
  })
}

/** What {@link pptx} takes. */
export interface PptxOptions extends DeckOptions {
  /** The `.pptx` to write, or a folder to write `<title>.pptx` into (one that exists, or a path ending with `/`). Default: `dist/`. */
  out?: string | undefined
}

/** Write the deck as a PowerPoint file, and nothing else: every text editable, the notes, diagrams as SVG, fragments as animations. */
export async function pptx(options: PptxOptions = {}): Promise<BuildResult> {
  const read = await projectAndCourse(options)
  if (read.course)
    throw new UsageError(
      `${options.input ?? 'slides'} is a course: \`diapo pptx\` writes one deck (give its folder); \`diapo build --pptx\` writes every deck's`,
    )
  return withSession(options, true, read, async (settings, project) => {
    const { pptxOnly } = await import('./deck-runs.ts')
    const out = options.out ?? (project.out === undefined ? undefined : `${project.out}${path.sep}`)
    const result = await pptxOnly(settings, out)
    return { ...resultOf(result), html: undefined }
  })
}

/** What {@link check} found. */
export interface CheckResult {
  /** False when a content error stopped the build. */
  ok: boolean
  slideCount: number
  /** Slides split or shrunk to fit their canvas, as `build` would, and slides that could not be. */
  fitted: BuildResult['fitted']
  /** The source files, with every message: the layout check's findings are warnings at their slide's line. */
  files: VFile[]
  /** How many findings the layout check made. */
  findings: number
  /** The screenshots written, when asked for. */
  screenshots: string[]
  /** For a course: what was found in each deck, in order. */
  decks?: Array<Omit<CheckResult, 'decks'> & { name: string }> | undefined
}

/** Lay the deck out in the browser at its canvas size, and say what does not fit, is too small, too faint or empty. Writes nothing. */
export async function check(options: DeckOptions & { screenshots?: string | undefined } = {}): Promise<CheckResult> {
  const read = await projectAndCourse(options)
  const { course } = read
  if (course && options.screenshots) throw new UsageError('--screenshots takes one deck, not a course: give the deck’s folder')
  return withSession(options, true, read, async (settings) => {
    const { checkDeck } = await import('./deck-runs.ts')
    // A course's decks are checked one after the other in the one browser; each deck's messages are on its files.
    // Links between the decks are checked as the course's build makes them: one to a missing chapter is an error.
    const links = course && linksOf(course, read.project.links)
    const decks = course
      ? course.decks.map((deck) => ({ input: deck.input, course: { ...links!, deck: deck.name } }))
      : [{ input: settings.input, course: undefined }]
    const results: CheckResult[] = []
    for (const deck of decks) {
      const result = await checkDeck({
        ...settings,
        ...deck,
        browserDone: course ? undefined : settings.browserDone,
        screenshots: options.screenshots,
      })
      const { ok, slideCount, fitted, files } = result
      results.push({ ok, slideCount, fitted, files, findings: result.findings ?? 0, screenshots: result.screenshots ?? [] })
    }
    if (!course) return results[0]!
    const sum = (count: (result: CheckResult) => number) => results.reduce((total, result) => total + count(result), 0)
    return {
      ok: results.every((result) => result.ok),
      slideCount: sum((result) => result.slideCount),
      fitted: {
        split: sum((result) => result.fitted.split),
        shrunk: sum((result) => result.fitted.shrunk),
        cutOff: sum((result) => result.fitted.cutOff),
      },
      files: results.flatMap((result) => result.files),
      findings: sum((result) => result.findings),
      screenshots: [],
      decks: course.decks.map((deck, index) => ({ name: deck.name, ...results[index]! })),
    }
  })
}

/** What {@link dev} takes. */
export interface DevOptions extends DeckOptions {
  /** The port to try first; the next free one is taken. Default: 4000 (0: any). */
  port?: number | undefined
  /** The interface to listen on. Default: `127.0.0.1`, this machine only. */
  host?: string | undefined
  /** Where each build's outcome and messages go. Default: nowhere. */
  report?: ((line: string) => void) | undefined
}

/** A running dev server. */
export interface DevHandle {
  /** Where the deck is served. */
  url: string
  /** Stop serving and watching, and end the browser it started. */
  close(): Promise<void>
}

/** Serve the deck, rebuilt in memory as its files change, every open page updated in place. */
export async function dev(options: DevOptions = {}): Promise<DevHandle> {
  const { input, theme, css, safe, allowPaths, browser, timeout, report, config } = options
  if (browser) findBrowser({ flag: browser })
  // A config file that cannot be read is an error now; the server reads it again on each build, and shows what is wrong on the page.
  const { project, course } = await projectAndCourse(options)
  const serving = {
    input,
    theme,
    css,
    safe,
    allowPaths,
    browser,
    timeout,
    report,
    config,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 4000,
  }
  // A course: its index at `/`, each deck under its folder's name.
  const server = course
    ? new (await import('./dev/course-dev-server.ts')).CourseDevServer(serving, course, {
        addresses: project.links,
        find: () => findCourse(input ?? 'slides', project.decks),
        title: project.title,
        description: project.description,
      })
    : new (await import('./dev/dev-server.ts')).DevServer(serving)
  const url = await server.start()
  return { url, close: () => server.close() }
}

/** What a build did, as the API says it. */
function resultOf(result: DeckBuildResult): BuildResult {
  const { ok, files, slideCount, html, diagrams, fitted } = result
  const printed = result.pdf
  return {
    ok,
    files,
    slideCount,
    html,
    diagrams,
    fitted,
    pdf: printed && {
      slides: printed.slides,
      slidesPages: printed.pages.slides ?? 0,
      notes: printed.notes,
      notesPages: printed.pages.notes,
    },
    pptx: result.pptx,
  }
}

/** The config file for the deck of `options`, and the course `input` is, when it is one (the config says what a deck is). */
async function projectAndCourse(options: DeckOptions) {
  const read = await projectOf(options)
  return { ...read, course: await findCourse(options.input ?? 'slides', read.project.decks) }
}

/**
 * Run `work` with the build's settings (the options over the config file)
 * and a browser session of its own: started at once when `early` (the
 * browser boots while the build's code loads), ended as soon as the build
 * is done with it (while the output is written), and in any case at the end.
 */
async function withSession<T>(
  options: DeckOptions,
  early: boolean,
  { project, notices }: Awaited<ReturnType<typeof projectOf>>,
  work: (settings: DeckBuildOptions, project: Awaited<ReturnType<typeof projectOf>>['project']) => Promise<T>,
): Promise<T> {
  // A browser named that does not exist is an error now, not only once something needs it.
  if (options.browser) findBrowser({ flag: options.browser })
  const session = new BrowserSession({ flag: options.browser, config: project.browser, log: options.log, timeout: options.timeout })
  if (early) session.get().catch(() => {})
  try {
    return await work({ ...buildOptionsOf(options, project, notices), session, browserDone: () => void session.close() }, project)
  } finally {
    await session.close()
  }
}
