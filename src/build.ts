/**
 * Build a deck: read the Markdown, run the pipeline, write the output, in
 * the phases `build` below names. Library code: it returns what happened
 * (files with their messages) and throws only for environment problems;
 * the CLI does the printing.
 */
import { statSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Root as HastRoot } from 'hast'
import type { Definition, Root as MdastRoot } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { VFile } from 'vfile'
import { BrowserSession, type Log } from './browser/browser.ts'
import { checkInternalLinks } from './html/check-links.ts'
import { canvasOf, type DeckConfig } from './config/deck-config.ts'
import { DiskCache, defaultCacheDir } from './files/cache.ts'
import { DeckFiles } from './files/deck-files.ts'
import { ContentError } from './errors.ts'
import { readInput } from './files/input.ts'
import { checkLimits, DeckBudget } from './markdown/markdown-limits.ts'
import { fail, warn } from './messages.ts'
import type { UserConfig } from './config/config-file.ts'
import { diapoVersion, packageVersion } from './packages.ts'
import { linkDefinitions } from './markdown/deck-definitions.ts'
import { parseMarkdown, type ParseCache } from './markdown/parse-markdown.ts'
import { deckStages, parseStages, slideStages } from './pipeline.ts'
import { drawDiagrams, planDiagrams, type DiagramPlan, type RenderedDiagrams } from './browser/render-diagrams.ts'
import { reportPrinting } from './browser/print-report.ts'
import { deckConfig } from './config/deck-settings.ts'
import { pageParts, revealFiles, slidesInPlace } from './deck/deck-page.ts'
import { charactersOf, deckTheme } from './deck/deck-theme.ts'
import { withDiagramFiles } from './markdown/collect-diagrams.ts'
import { mathAssets } from './html/render-math.ts'
import { slidevUtilities } from './markdown/dialects/slidev-utilities.ts'
import { exportPdf, openPrintTab, type HandoutPerPage, type PdfResult, type Refit } from './browser/export-pdf.ts'
import { SlideFits, type FitLookup, type SlideSource } from './markdown/fit-slides.ts'
import type { Layout } from './browser/measure-slides.ts'
import { slidesOf } from './markdown/slide-attributes.ts'
import type { LoadedTheme } from './deck/theme.ts'
import type { CourseLinks } from './markdown/course-links.ts'
import { writeDeck, writeFiles, type OutputFile } from './files/write.ts'

/** What to build. */
export interface BuildOptions {
  /** A Markdown file or a folder of them. Default: `'slides'`. */
  input?: string
  /** The output folder. Default: `'dist'`. */
  outDir?: string
  /**
   * Write the deck into this folder, which exists, rather than replace
   * `outDir` with it: a course writes each deck into its own output being
   * made, and `outDir` is where the deck will be once that is in place.
   */
  into?: string | undefined
  /** In a course: the other decks, which its links to their Markdown lead to (see `course-links.ts`). */
  course?: CourseLinks | undefined
  /** A theme that overrides the frontmatter's. */
  theme?: string
  /** Stylesheets added after the theme and the frontmatter's `css:` (the `--css` flag). */
  css?: string[] | undefined
  /** The browser to draw diagrams with (the `--browser` flag); see `findBrowser`. */
  browser?: string
  /** The browser named by the config file, tried after `browser`. */
  configBrowser?: string
  /** Where rendered diagrams are kept. Default: {@link defaultCacheDir}. */
  cacheDir?: string
  /** A browser session to use, e.g. the dev server's; else one is made, and closed at the end. */
  session?: BrowserSession
  /** Where progress lines go (`--verbose`). */
  log?: Log
  /** The PDF export: `false` for none. Default: the slides PDF, final state of the fragments. */
  pdf?: false | PdfSettings
  /** Where the slides PDF goes. Default: `<pdfDir>/<title>.pdf`. */
  pdfFile?: string
  /** The folder of the PDFs, when not the output folder (it must exist). Default: `outDir`. */
  pdfDir?: string
  /** Also write the deck as a PowerPoint file, `<pdfDir>/<title>.pptx` (see `write-pptx.ts`). */
  pptx?: boolean
  /** Where the PowerPoint file goes, when not beside the PDF. */
  pptxFile?: string
  /** Most time any step in the browser may take, in milliseconds. Default: 60 s. */
  timeout?: number
  /**
   * Measure the slides in the browser even without a PDF (`diapo check`).
   * A build that prints always measures: no slide runs off its canvas.
   */
  measure?: boolean
  /** A folder to write a PNG of every slide into (`--screenshots`). */
  screenshots?: string
  /**
   * `false`: write nothing, measure nothing, print nothing; return the
   * output in memory instead (`diapo dev` serves it from there).
   */
  write?: boolean
  /** Parsed heading sections kept from build to build (`diapo dev`): an edit re-parses only its section. */
  parseCache?: ParseCache
  /** Sanitize the authors' HTML (`--safe`): for Markdown that is not yours. */
  safe?: boolean
  /**
   * The project's folder (where the config file is): the deck may read
   * files anywhere in it, when it holds the input. Default: none.
   */
  projectRoot?: string | undefined
  /** Further folders the deck may read files from (`--allow-path`); ignored with `safe`. */
  allowPaths?: readonly string[] | undefined
  /**
   * Called once the build needs the browser no more (its diagrams drawn, its
   * PDFs printed), so that the session's owner can end it while the build
   * finishes; the `build` command does.
   */
  browserDone?: () => void
  /** The config file's frontmatter defaults and plugins (see `config-file.ts`). */
  project?: Pick<UserConfig, 'defaults' | 'remarkPlugins' | 'rehypePlugins' | 'identity'> | undefined
  /** Said as warnings on the deck's first file: what the caller left out, and why (e.g. a config file not read with `safe`). */
  notices?: readonly string[] | undefined
}

/** Which PDFs to print. */
export interface PdfSettings {
  /** `each`: a page for every fragment step. Default: `final`. */
  fragments?: 'final' | 'each'
  /** Also print the handout: each slide with its speaker notes. */
  notes?: boolean
  /** Paper of the handout. Default: `a4`. */
  paper?: 'a4' | 'letter'
  /** Slides on each page of the handout. Default: as many as fit, slides without notes sharing pages. */
  perPage?: HandoutPerPage | undefined
}

/** What a build did. */
export interface BuildResult {
  /** The source files, with every message about them. */
  files: VFile[]
  /** False when a content error stopped the build; nothing was written then. */
  ok: boolean
  /** Number of slides, counting each slide of a vertical stack. */
  slideCount: number
  /** The HTML file written, when `ok`. */
  html: string | undefined
  /** The PDFs written, and their page counts. */
  pdf?: { slides: string; notes: string | undefined; pages: PdfResult['pages'] } | undefined
  /** The PowerPoint file written, and its slide count. */
  pptx?: { file: string; slides: number } | undefined
  /** Diagrams drawn now, and taken from the cache. */
  diagrams: { rendered: number; cached: number }
  /** Browsers started by this build (0 when every diagram was cached). */
  browserLaunches: number
  /**
   * Slides made to fit: split into continuation slides, or shrunk (as
   * measured now, or by an earlier build); and slides that could not be, shown cut off.
   */
  fitted: { split: number; shrunk: number; cutOff: number }
  /** What the layout check found, when the browser measured the slides. */
  findings?: number | undefined
  /** The screenshots written, when asked for. */
  screenshots?: string[] | undefined
  /**
   * With `write: false`: the deck's files, the HTML of each top-level slide
   * in order, and the page around them (`shell`: the HTML with no slides).
   */
  memory?: { files: OutputFile[]; slides: string[]; shell: string } | undefined
  /** Every file the build read: Markdown, diagram sources, images, the theme and what it imports. */
  dependencies: string[]
  /** The deck's title and description (a course's index says them), and its theme's stylesheet in the output, when `ok`. */
  title?: string | undefined
  description?: string | undefined
  lang?: string | undefined
  theme?: string | undefined
  /** Every element id of the slides, when `ok`: what a link from another deck of a course can lead to. */
  ids?: string[] | undefined
}

/** Build the deck of `options.input` into `options.outDir`. */
export async function buildDeck(options: BuildOptions = {}): Promise<BuildResult> {
  const session =
    options.session ??
    new BrowserSession({ flag: options.browser, config: options.configBrowser, log: options.log, timeout: options.timeout })
  try {
    return await build(options, session)
  } finally {
    if (!options.session) await session.close()
  }
}

/**
 * A build, in six phases, each a function with its inputs and outputs:
 *
 *   read ──▶ look ──▶ slides ──▶ document ──▶ output
 *              └──▶ diagrams (in the background: drawn in the browser while
 *                   the slides and the document are made, and while the deck
 *                   loads in the print tab, which opens meanwhile)
 *
 * A phase that finds errors lets the build go on as far as it can, so that
 * one run reports every problem; the build then writes nothing.
 */
async function build(options: BuildOptions, session: BrowserSession): Promise<BuildResult> {
  const input = options.input ?? 'slides'
  const pdf = options.pdf === false ? undefined : (options.pdf ?? {})
  const write = options.write ?? true
  const measure = write && Boolean(pdf || options.measure || options.screenshots || options.pptx)
  const deckFiles = deckFilesOf(input, options)
  const files = await readInput(input, deckFiles)
  const caches = new BuildCaches(options.cacheDir ?? defaultCacheDir())
  const messages = () => caches.reported(files)
  const failed = (): BuildResult => ({
    files: messages(),
    ok: false,
    slideCount: 0,
    html: undefined,
    diagrams: { rendered: 0, cached: 0 },
    browserLaunches: session.launches,
    fitted: { split: 0, shrunk: 0, cutOff: 0 },
    dependencies: dependenciesOf(files, undefined),
  })
  // A deck too large to build is refused before any parsing, which would take minutes.
  if (files.some((file) => file.messages.some((message) => message.ruleId === 'too-large'))) return failed()

  const source = await readPhase(files, deckFiles, options)
  const look = await lookPhase(source, deckFiles, options)
  if (!look) return failed()
  const diagrams = await diagramsPhase(source, look, caches.diagrams, session, options)
  // The tab to print in opens now, while the slides are made and the diagrams drawn (an early failure shows in the browser pass).
  const printTab = measure ? openPrintTab(session, options.timeout) : undefined
  printTab?.catch(() => {})
  // Slides an earlier build made to fit are fitted the same way, browser or not.
  const fits = new SlideFits(caches.fits, look.fitsKey)
  const slides = await slidesPhase(source, { fits: await fits.fromCache(), deckFiles, mathCache: caches.math, keep: measure }, options)
  // A deck that is printed need not wait for its diagrams: it is written with their figures empty and
  // loaded while they are drawn; the figures are filled in when they come, and then it is laid out.
  const drawnLater = measure && diagrams.plan.missing.length > 0
  if (!drawnLater) await diagrams.drawing
  if (!measure) options.browserDone?.()
  if (!slidesComplete(files, slides.trees)) {
    await diagrams.drawing.catch(() => {}) // Its errors are reported too: one run shows every problem.
    return failed()
  }

  const document = await documentPhase(source, look, slides, diagrams, { drawnLater, log: options.log })
  const dependencies = dependenciesOf(files, look.theme)
  // What a course's index and links need to know of the deck.
  const about = {
    title: source.title,
    description: source.config.description,
    lang: source.config.lang,
    theme: look.theme.output,
    ids: slides.ids,
  }
  if (!write) {
    const drawn = await diagrams.drawing
    return {
      files: messages(),
      ok: true,
      slideCount: document.first.slideCount,
      html: undefined,
      diagrams: { rendered: drawn.rendered, cached: drawn.cached },
      browserLaunches: session.launches,
      fitted: fits.counts,
      memory: { files: document.outputs, ...pageParts(document.first.document, (tree) => document.stages.stringify(tree)) },
      dependencies,
      ...about,
    }
  }

  const outDir = options.outDir ?? 'dist'
  const name = fileName(source.title) || path.basename(path.resolve(input), '.md')
  // The handout goes beside the slides PDF: dist/<title>-notes.pdf, or next to --out.
  const pdfFiles = (folder: string) => {
    const slidesPdf = options.pdfFile ?? path.join(options.pdfDir ?? folder, `${name}.pdf`)
    return {
      slides: pdf ? slidesPdf : undefined,
      notes: pdf?.notes ? slidesPdf.replace(/(\.pdf)?$/i, '-notes.pdf') : undefined,
      pptx: options.pptx ? (options.pptxFile ?? path.join(options.pdfDir ?? folder, `${name}.pptx`)) : undefined,
    }
  }
  const browser = measure ? { session, tab: printTab, pdf, pdfFiles, fits, diagrams, drawnLater, pictures: caches.pictures } : undefined
  let output: Awaited<ReturnType<typeof outputPhase>>
  try {
    output = await outputPhase(outDir, source, slides, document, browser, options)
  } catch (error) {
    await fits.stored()
    // A diagram drawn during the browser pass failed: it is reported on its file, and nothing was written.
    if (error instanceof ContentError) return failed()
    throw error
  }
  await fits.stored()
  const drawn = await diagrams.drawing
  reportPrinting(output.printed, output.slideList, files)
  const { printed } = output
  return {
    files: messages(),
    ok: true,
    slideCount: output.slideCount,
    html: path.join(outDir, 'index.html'),
    pdf: pdf && printed ? { slides: pdfFiles(outDir).slides!, notes: pdfFiles(outDir).notes, pages: printed.pages } : undefined,
    pptx: printed?.pptx && { file: pdfFiles(outDir).pptx!, slides: printed.pptx.slides },
    diagrams: { rendered: drawn.rendered, cached: drawn.cached },
    browserLaunches: session.launches,
    fitted: fits.counts,
    findings: printed?.layout.findings.length,
    screenshots: printed?.screenshots,
    dependencies,
    ...about,
  }
}

/** The caches a build uses, best effort: one that cannot be written is a warning, once, and the build goes on. */
class BuildCaches {
  readonly diagrams: DiskCache
  readonly fits: DiskCache
  readonly math: DiskCache
  /** Pictures of diagrams and backgrounds for the PowerPoint file (see `read-slides.ts`). */
  readonly pictures: DiskCache

  constructor(folder: string) {
    this.diagrams = new DiskCache(folder)
    this.fits = new DiskCache(folder, 'fits')
    this.math = new DiskCache(folder, 'math')
    this.pictures = new DiskCache(folder, 'pictures')
  }

  #warned = false

  /** The deck's files and its diagram files, with a warning on the first for each cache that could not be written. */
  reported(files: VFile[]): VFile[] {
    if (!this.#warned) {
      this.#warned = true
      for (const cache of [this.diagrams, this.fits, this.math, this.pictures]) {
        if (cache.problem) warn(files[0]!, `The cache ${cache.problem}; built without it, which is slower`, undefined, 'cache')
      }
    }
    return withDiagramFiles(files)
  }
}

/** What reading the deck gives: each file's tree, read; the deck's link definitions, settings and title. */
interface Source {
  files: VFile[]
  trees: MdastRoot[]
  definitions: Definition[]
  config: DeckConfig
  title: string
}

/**
 * Phase 1, read: each file parsed (a file past the limits is not: parsing
 * it could take minutes) and read — its frontmatter, other tools' syntax,
 * the config's remark plugins, its diagrams collected —, then the deck's
 * settings.
 */
async function readPhase(files: VFile[], deckFiles: DeckFiles, options: BuildOptions): Promise<Source> {
  const budget = new DeckBudget()
  const parser = parseStages(deckFiles, budget, options.project?.remarkPlugins)
  const parse = (file: VFile, labels?: string[]): MdastRoot => parseMarkdown(parser, file, { cache: options.parseCache, labels })
  const trees = files.map((file): MdastRoot => (checkLimits(file, budget) ? parse(file) : { type: 'root', children: [] }))
  // Link definitions are the deck's: a file that may use a label another file defines is read again, knowing it.
  const fileDefinitions = trees.map(linkDefinitions)
  for (const [index, file] of files.entries()) {
    const elsewhere = fileDefinitions.flatMap((found, other) => (other === index ? [] : found.map((node) => node.label ?? node.identifier)))
    if (elsewhere.length > 0 && trees[index]!.children.length > 0 && String(file.value).includes('[')) trees[index] = parse(file, elsewhere)
  }
  for (const [index, file] of files.entries()) {
    const tree = trees[index]!
    trees[index] = (await withinStack(file, tree, () => parser.run(tree, file))) as MdastRoot
  }
  for (const notice of options.notices ?? []) if (files[0]) warn(files[0], notice, undefined, 'not-read')
  const config = deckConfig(files, options.safe ?? false, options.project?.defaults)
  const title = config.title ?? firstHeading(trees) ?? path.basename(path.resolve(options.input ?? 'slides'), '.md')
  return { files, trees, definitions: fileDefinitions.flat(), config, title }
}

/** What the deck looks like: its theme, a Slidev deck's utility classes, and the key of the fits measured under them. */
interface Look {
  theme: LoadedTheme
  utilities: { path: string; content: string } | undefined
  fitsKey: unknown[]
}

/** Phase 2, look: the theme and what styles the slides besides; undefined, with the error on the deck, when it cannot be loaded. */
async function lookPhase(source: Source, deckFiles: DeckFiles, options: BuildOptions): Promise<Look | undefined> {
  const { files, config } = source
  const theme = await deckTheme(options.theme, config.theme, files[0]!, deckFiles, await charactersOf(files), {
    flag: options.css,
    setting: config.css,
  })
  if (!theme) return undefined
  // A Slidev deck's utility classes (after the theme, as Slidev has them after its theme): they shape its slides' fits.
  const slidevFiles = files.filter((file) => file.data.frontmatter?.slidevDeck)
  const utilities =
    slidevFiles.length > 0
      ? await slidevUtilities(
          slidevFiles.map((file) => String(file.value)),
          canvasOf(config).width,
        )
      : undefined
  // The config's plugins change the slides a fit was measured on: its text is in the key. So do reveal.js's and
  // KaTeX's stylesheets, which lay the slides and their math out: their versions are; and the deck's header,
  // footer and numbers, which take room on every slide (a slide's own are in its text).
  const fitsKey = [
    theme.identity,
    packageVersion('reveal.js'),
    packageVersion('katex'),
    config.reveal,
    [config.header, config.footer, config.slideNumber],
    ...(utilities ? [utilities.content] : []),
    ...(options.project?.identity ? [options.project.identity] : []),
  ]
  return { theme, utilities, fitsKey }
}

/** The deck's diagrams: those the cache has, and the drawing of the others (under way). */
interface Diagrams {
  plan: DiagramPlan
  drawing: Promise<RenderedDiagrams>
}

/** Phase 3, diagrams: taken from the cache; the others drawn in the browser, in the background (the browser boots meanwhile). */
async function diagramsPhase(
  source: Source,
  look: Look,
  cache: DiskCache,
  session: BrowserSession,
  options: BuildOptions,
): Promise<Diagrams> {
  const plan = await planDiagrams(
    source.files.flatMap((file) => file.data.diagrams ?? []),
    look.theme,
    cache,
  )
  const drawing = drawDiagrams(plan, { theme: look.theme, cache, session, log: options.log, timeout: options.timeout })
  drawing.catch(() => {}) // Awaited by the build; this only keeps an early failure from being "unhandled".
  return { plan, drawing }
}

/** Each file's slides as HTML trees; and, for a deck to be measured, each file's tree as the fit finds it, to make it again from. */
interface Slides {
  trees: HastRoot[]
  beforeFit: MdastRoot[]
  /** Every element id of the slides: what `#/id` can lead to. */
  ids: string[]
  /** The slide stages of this build, from the fit on, with other fits. */
  remakeStages: (fits: FitLookup | undefined) => ReturnType<typeof slideStages>['fromFit']
}

/** Phase 4, slides: each file's tree cut into slides and turned into HTML by the slide stages, fitted as `fits` says. */
async function slidesPhase(
  source: Source,
  given: { fits: FitLookup | undefined; deckFiles: DeckFiles; mathCache: DiskCache; keep: boolean },
  options: BuildOptions,
): Promise<Slides> {
  const { files, trees, definitions, config } = source
  const stagesWith = (fits: FitLookup | undefined) =>
    slideStages(config, fits, {
      safe: options.safe,
      files: given.deckFiles,
      definitions,
      mathCache: given.mathCache,
      rehypePlugins: options.project?.rehypePlugins,
      course: options.course,
    })
  const stages = stagesWith(given.fits)
  const slideTrees: HastRoot[] = []
  // Measuring may ask for the slides again, fitted: the trees as the fit finds them are kept, to run the rest again on.
  const beforeFit: MdastRoot[] = []
  for (const [index, tree] of trees.entries()) {
    const file = files[index]!
    const run = async () => {
      const cut = (await stages.beforeFit.run(tree, file)) as MdastRoot
      if (given.keep) beforeFit[index] = structuredClone(cut)
      return stages.fromFit.run(cut, file)
    }
    slideTrees.push(await withinStack(file, { type: 'root', children: [] }, run))
  }
  const ids = checkInternalLinks(files, slideTrees)
  return { trees: slideTrees, beforeFit, remakeStages: (fits) => stagesWith(fits).fromFit, ids: [...ids].sort() }
}

/** Whether the deck can be built: it has slides, and no file or diagram has an error (an empty deck is one). */
function slidesComplete(files: VFile[], slideTrees: HastRoot[]): boolean {
  if (!hasErrors(files) && slideTrees.every((tree) => tree.children.every((node) => node.type !== 'element'))) {
    fail(
      files[0]!,
      'The deck has no slides: the Markdown is empty; start a slide with a `## heading` or a `---` line',
      { line: 1, column: 1 },
      'empty-deck',
    )
  }
  return !hasErrors(withDiagramFiles(files))
}

/** The deck's page made, as first written, and what makes it again; every file of the output. */
interface DeckDocument {
  first: { html: string; slideCount: number; document: HastRoot }
  /** The page of `slideTrees`: its HTML, its slides counted, its tree. */
  make: (slideTrees: HastRoot[]) => Promise<DeckDocument['first']>
  stages: ReturnType<typeof deckStages>
  /** Each figure's markup, by number, once the diagrams are drawn (for the page that has the deck loaded). */
  filled: Map<number, string>
  outputs: OutputFile[]
}

/**
 * Phase 5, document: the slides in reveal.js's page, with the theme,
 * KaTeX's stylesheet for a deck with math, and the diagrams drawn so far
 * (with `drawnLater`, their figures empty, filled in when they come);
 * every file of the output listed.
 */
async function documentPhase(
  source: Source,
  look: Look,
  slides: Slides,
  diagrams: Diagrams,
  options: { drawnLater: boolean; log: Log | undefined },
): Promise<DeckDocument> {
  const { files, config, title } = source
  const { theme, utilities } = look
  const reveal = revealFiles()
  // KaTeX's stylesheet and fonts, for a deck with math: before the theme, which may restyle it.
  const mathFiles = files.filter((file) => file.data.math)
  const math = mathFiles.length > 0 ? await mathAssets() : undefined
  if (math) {
    const count = (key: 'cached' | 'rendered') => mathFiles.reduce((sum, file) => sum + file.data.math![key], 0)
    options.log?.(`math: ${count('cached')} from the cache, ${count('rendered')} rendered`)
  }
  const page = {
    config,
    title,
    generator: `diapo ${diapoVersion()}`,
    stylesheets: [
      reveal.reset.path,
      reveal.stylesheet.path,
      ...(math ? [math.stylesheet] : []),
      theme.output,
      ...(utilities ? [utilities.path] : []),
    ],
    scripts: { reveal: reveal.script.path, notes: reveal.notes.path },
  }
  // The plan's SVGs are complete once the drawing is done; `filled` gets each figure's markup, by number.
  const filled = new Map<number, string>()
  const stages = deckStages({ ...page, svgs: diagrams.plan.svgs, filled })
  const make = async (slideTrees: HastRoot[], processor = stages) => {
    const deck: HastRoot = { type: 'root', children: slideTrees.flatMap((tree) => tree.children) }
    const document = await processor.run(deck)
    return { html: processor.stringify(document), slideCount: countSlides(deck), document }
  }
  // Filling figures changes the trees: the deck with its figures still empty is made from a copy.
  const first = options.drawnLater
    ? await make(structuredClone(slides.trees), deckStages({ ...page, svgs: new Map(diagrams.plan.svgs), markPending: true }))
    : await make(slides.trees)
  const outputs = new Map<string, OutputFile>()
  for (const file of [
    { path: 'index.html', content: first.html },
    reveal.reset,
    reveal.stylesheet,
    reveal.script,
    reveal.notes,
    ...(math?.files ?? []),
    ...(utilities ? [utilities] : []),
    { path: theme.output, content: theme.css },
    ...theme.assets.map((asset) => ({ path: asset.output, source: asset.source })),
    ...files.flatMap((file) => file.data.assets ?? []).map((asset) => ({ path: asset.output, source: asset.source })),
  ]) {
    outputs.set(file.path, file)
  }
  return { first, make: (slideTrees) => make(slideTrees), stages, filled, outputs: [...outputs.values()] }
}

/** What the browser pass needs: the session and its print tab, the PDFs to print, the fits to improve, the diagrams under way. */
interface BrowserWork {
  session: BrowserSession
  tab: ReturnType<typeof openPrintTab> | undefined
  pdf: PdfSettings | undefined
  pdfFiles: (folder: string) => { slides: string | undefined; notes: string | undefined; pptx: string | undefined }
  pictures: DiskCache
  fits: SlideFits
  diagrams: Diagrams
  drawnLater: boolean
}

/**
 * Phase 6, output: the deck written atomically into `outDir`; with
 * `browser`, before it takes the place of the old one, loaded in the print
 * tab, measured, its slides that run off made to fit (the deck remade and
 * measured again), and printed.
 */
async function outputPhase(
  outDir: string,
  source: Source,
  slides: Slides,
  document: DeckDocument,
  browser: BrowserWork | undefined,
  options: BuildOptions,
): Promise<{ printed: PdfResult | undefined; slideCount: number; slideList: SlideSource[] }> {
  const { files } = source
  let { html, slideCount } = document.first
  let slideList = listSlides(files, source.trees)
  // A course's deck is written into the course's output being made; a deck of its own replaces its output folder.
  const writeOut = async (beforeSwap?: (staging: string) => Promise<void>) => {
    if (!options.into) return writeDeck(outDir, document.outputs, { beforeSwap })
    await writeFiles(options.into, document.outputs)
    await beforeSwap?.(options.into)
  }
  if (!browser) {
    await writeOut()
    return { printed: undefined, slideCount, slideList }
  }
  const { pdf, fits, diagrams } = browser
  /** The deck again, its slides fitted by `fitted`: the slide stages from the fit on run on a copy of the trees kept. */
  const remake = async (fitted: FitLookup | undefined, staging: string) => {
    const stages = slides.remakeStages(fitted)
    const copies = slides.beforeFit.map((tree) => structuredClone(tree))
    const remade: HastRoot[] = []
    for (const [index, tree] of copies.entries()) {
      // A copy of the file: its messages were all given by the first run.
      const file = files[index]!
      remade.push(await stages.run(tree, new VFile({ path: file.path, value: file.value, data: { ...file.data, assets: [] } })))
    }
    const made = await document.make(remade)
    ;({ html, slideCount } = made)
    slideList = listSlides(files, copies)
    const written = writeFile(path.join(staging, 'index.html'), html)
    const inPlace = slidesInPlace(made.document, document.first.document)
    await written
    return inPlace
  }
  /** Make the slides that run off their canvas fit: the deck remade, to be measured again, or undefined when nothing more can be done. */
  const fitToLayout = async (layout: Layout, staging: string): Promise<Refit | undefined> => {
    const next = await fits.afterMeasuring(layout, slideList)
    if (!next) return undefined
    const inPlace = await remake(next.fits, staging)
    fits.store()
    options.log?.(`fit: deck remade${inPlace === undefined ? ', to be loaded again' : ''}`)
    return { slides: inPlace }
  }
  /** Once the diagrams are drawn: the deck written whole, and the markup of its figures for the page that has it loaded. */
  const figuresDrawn = async (staging: string): Promise<ReadonlyMap<number, string>> => {
    await diagrams.drawing
    if (hasErrors(withDiagramFiles(files))) throw new ContentError('A diagram could not be drawn')
    ;({ html } = await document.make(slides.trees))
    await writeFile(path.join(staging, 'index.html'), html)
    return document.filled
  }
  let printed: PdfResult | undefined
  const browserPass = async (staging: string) => {
    const figures = browser.drawnLater ? figuresDrawn(staging) : undefined
    figures?.catch(() => {}) // Awaited by the export; this only keeps an early failure from being "unhandled".
    const { config, title } = source
    printed = await exportPdf(browser.session, {
      html: path.join(staging, 'index.html'),
      finalFolder: outDir,
      ...browser.pdfFiles(staging),
      pictures: browser.pictures,
      fragments: pdf?.fragments ?? 'final',
      paper: pdf?.paper ?? 'a4',
      perPage: pdf?.perPage,
      metadata: { title, author: config.author, subject: config.description, lang: config.lang, creator: `diapo ${diapoVersion()}` },
      onLayout: (layout) => fitToLayout(layout, staging),
      screenshots: options.screenshots && path.resolve(options.screenshots),
      log: options.log,
      timeout: options.timeout,
      slideCount,
      tab: browser.tab,
      figures,
      done: options.browserDone,
    })
  }
  await writeOut(browserPass)
  return { printed, slideCount, slideList }
}

/**
 * The folders the deck may read: its own (the input folder, or the input
 * file's), the project's when it holds the input, and those allowed.
 */
function deckFilesOf(input: string, options: BuildOptions): DeckFiles {
  const absolute = path.resolve(input)
  const own = statSync(absolute, { throwIfNoEntry: false })?.isDirectory() ? absolute : path.dirname(absolute)
  const project = options.projectRoot ? new DeckFiles([options.projectRoot]) : undefined
  const roots = project?.contains(absolute) ? [own, ...project.roots] : [own]
  return new DeckFiles(roots, { allowed: options.allowPaths, safe: options.safe })
}

/**
 * `run()`, or `fallback` with an error on `file` when it runs out of stack.
 * The limits (see `markdown-limits.ts`) keep trees shallow; this is the
 * net under them, so no input ever ends in a crash.
 */
async function withinStack<T>(file: VFile, fallback: T, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (!(error instanceof RangeError && /call stack/i.test(error.message))) throw error
    fail(file, 'This file is nested too deeply to build; nest its lists, quotes and emphasis less', { line: 1, column: 1 }, 'too-complex')
    return fallback
  }
}

/** The files a build read, so that a watcher knows what to watch. */
function dependenciesOf(files: VFile[], theme: LoadedTheme | undefined): string[] {
  const read = new Set<string>()
  for (const file of withDiagramFiles(files)) read.add(path.resolve(file.path))
  for (const file of files) for (const asset of file.data.assets ?? []) read.add(asset.source)
  for (const source of theme?.sources ?? []) read.add(source)
  return [...read]
}

function listSlides(files: VFile[], trees: MdastRoot[]): SlideSource[] {
  return trees.flatMap((tree, index) => slidesOf(tree).map((slide) => ({ slide, file: files[index]! })))
}

/** A file name from the deck's title: lower case, ASCII, dashes. */
function fileName(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
}

function hasErrors(files: readonly VFile[]): boolean {
  return files.some((file) => file.messages.some((message) => message.fatal))
}

function firstHeading(trees: readonly MdastRoot[]): string | undefined {
  for (const tree of trees) {
    const heading = tree.children.find((node) => node.type === 'heading')
    if (heading) return toString(heading)
  }
  return undefined
}

/** Slides the way reveal.js counts them: each `<section>` without `<section>`s inside. */
function countSlides(tree: HastRoot): number {
  let count = 0
  for (const node of tree.children) {
    if (node.type !== 'element') continue
    const nested = node.children.filter((child) => child.type === 'element' && child.tagName === 'section').length
    count += nested > 0 ? nested : 1
  }
  return count
}
