/**
 * Build a deck: read the Markdown, run the pipeline, write the output.
 * Library code: it returns what happened (files with their messages) and
 * throws only for environment problems; the CLI does the printing.
 */
import { existsSync, statSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Element, Root as HastRoot } from 'hast'
import { toHtml } from 'hast-util-to-html'
import { EXIT, visit } from 'unist-util-visit'
import type { Root as MdastRoot } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { VFile } from 'vfile'
import { location } from 'vfile-location'
import { BrowserSession, type Log } from './browser/browser.ts'
import { checkInternalLinks } from './html/check-links.ts'
import { canvasOf, defaultConfig, type DeckConfig } from './config/deck-config.ts'
import { DiskCache, defaultCacheDir } from './files/cache.ts'
import { DeckFiles } from './files/deck-files.ts'
import { ContentError } from './errors.ts'
import { readInput } from './files/input.ts'
import { checkLimits, DeckBudget } from './markdown/markdown-limits.ts'
import { revealOptions } from './config/reveal-options.ts'
import { fail, warn } from './messages.ts'
import type { UserConfig } from './config/config-file.ts'
import { diapoVersion, packageDir } from './packages.ts'
import { linkDefinitions } from './markdown/deck-definitions.ts'
import { shortcodeEmoji } from './markdown/emoji-shortcodes.ts'
import { parseMarkdown, type ParseCache } from './markdown/parse-markdown.ts'
import { deckStages, parseStages, slideStages } from './pipeline.ts'
import { drawDiagrams, planDiagrams } from './browser/render-diagrams.ts'
import { mathAssets } from './html/render-math.ts'
import { slidevUtilities } from './markdown/dialects/slidev-utilities.ts'
import { exportPdf, openPrintTab, type HandoutPerPage, type PdfResult, type Refit } from './browser/export-pdf.ts'
import { isClipped, SlideFits, type FitLookup, type SlideSource } from './markdown/fit-slides.ts'
import type { Layout } from './browser/measure-slides.ts'
import { slidesOf } from './markdown/slide-attributes.ts'
import { builtInTheme, isThemePath, loadTheme, themeNames, type LoadedTheme } from './deck/theme.ts'
import { writeDeck, type OutputFile } from './files/write.ts'

/** What to build. */
export interface BuildOptions {
  /** A Markdown file or a folder of them. Default: `'slides'`. */
  input?: string
  /** The output folder. Default: `'dist'`. */
  outDir?: string
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

async function build(options: BuildOptions, session: BrowserSession): Promise<BuildResult> {
  const input = options.input ?? 'slides'
  const outDir = options.outDir ?? 'dist'
  const pdf = options.pdf === false ? undefined : (options.pdf ?? {})
  const deckFiles = deckFilesOf(input, options)
  const files = await readInput(input, deckFiles)
  // The caches are best effort: one that cannot be written is a warning, once, and the build goes on.
  const caches: DiskCache[] = []
  const messages = () => {
    for (const cache of caches.splice(0)) {
      if (cache.problem) warn(files[0]!, `The cache ${cache.problem}; built without it, which is slower`, undefined, 'cache')
    }
    return withDiagramFiles(files)
  }
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

  const budget = new DeckBudget()
  const parser = parseStages(deckFiles, budget, options.project?.remarkPlugins)
  // A file past the limits is not parsed: parsing it could take minutes.
  const parse = (file: VFile, labels?: string[]): MdastRoot => parseMarkdown(parser, file, { cache: options.parseCache, labels })
  const trees = files.map((file): MdastRoot => (checkLimits(file, budget) ? parse(file) : { type: 'root', children: [] }))
  // Link definitions are the deck's: a file that may use a label another file defines is read again, knowing it.
  const fileDefinitions = trees.map(linkDefinitions)
  const definitions = fileDefinitions.flat()
  for (const [index, file] of files.entries()) {
    const elsewhere = fileDefinitions.flatMap((found, other) => (other === index ? [] : found.map((node) => node.label ?? node.identifier)))
    if (elsewhere.length > 0 && trees[index]!.children.length > 0 && String(file.value).includes('[')) trees[index] = parse(file, elsewhere)
  }
  for (const [index, file] of files.entries()) {
    const tree = trees[index]!
    trees[index] = (await withinStack(file, tree, () => parser.run(tree, file))) as MdastRoot
  }
  // Errors so far fail the build, but it goes on so that one run reports every problem.
  for (const notice of options.notices ?? []) if (files[0]) warn(files[0], notice, undefined, 'not-read')
  const config = deckConfig(files, options.safe ?? false, options.project?.defaults)

  const theme = await deckTheme(options.theme, config.theme, files[0]!, deckFiles, await charactersOf(files), {
    flag: options.css,
    setting: config.css,
  })
  if (!theme) return failed()

  // Diagrams missing from the cache are drawn while the slides are made: the browser boots meanwhile.
  const cacheDir = options.cacheDir ?? defaultCacheDir()
  const cache = new DiskCache(cacheDir)
  const fitsCache = new DiskCache(cacheDir, 'fits')
  const mathCache = new DiskCache(cacheDir, 'math')
  caches.push(cache, fitsCache, mathCache)
  const plan = await planDiagrams(
    files.flatMap((file) => file.data.diagrams ?? []),
    theme,
    cache,
  )
  const drawing = drawDiagrams(plan, { theme, cache, session, log: options.log, timeout: options.timeout })
  drawing.catch(() => {}) // Awaited below; this only keeps an early failure from being "unhandled".

  const title = config.title ?? firstHeading(trees) ?? path.basename(path.resolve(input), '.md')
  const write = options.write ?? true
  const measure = write && Boolean(pdf || options.measure || options.screenshots)
  // The tab to print in opens now, while the slides are made and the diagrams drawn (an early failure shows in the browser pass).
  const printTab = measure ? openPrintTab(session, options.timeout) : undefined
  printTab?.catch(() => {})
  // A Slidev deck's utility classes (after the theme, as Slidev has them after its theme): they shape its slides' fits.
  const slidevFiles = files.filter((file) => file.data.frontmatter?.slidevDeck)
  const utilities =
    slidevFiles.length > 0
      ? await slidevUtilities(
          slidevFiles.map((file) => String(file.value)),
          canvasOf(config).width,
        )
      : undefined
  // Slides an earlier build made to fit are fitted the same way, browser or not.
  // The config's plugins change the slides a fit was measured on: its text is in the key.
  const fits = new SlideFits(fitsCache, [
    theme.identity,
    config.reveal,
    ...(utilities ? [utilities.content] : []),
    ...(options.project?.identity ? [options.project.identity] : []),
  ])
  const slides = slideStages(config, await fits.fromCache(), {
    safe: options.safe,
    files: deckFiles,
    definitions,
    mathCache,
    rehypePlugins: options.project?.rehypePlugins,
  })
  const slideTrees: HastRoot[] = []
  // Measuring may ask for the slides again, fitted: the trees as the fit finds them are kept, to run the rest again on.
  const beforeFit: MdastRoot[] = []
  for (const [index, tree] of trees.entries()) {
    const file = files[index]!
    const run = async () => {
      const cut = (await slides.beforeFit.run(tree, file)) as MdastRoot
      if (measure) beforeFit[index] = structuredClone(cut)
      return slides.fromFit.run(cut, file)
    }
    slideTrees.push(await withinStack(file, { type: 'root', children: [] }, run))
  }
  // A deck that is printed need not wait for its diagrams: it is written with their figures empty and
  // loaded while they are drawn; the figures are filled in when they come, and then it is laid out.
  const drawnLater = measure && plan.missing.length > 0
  if (!drawnLater) await drawing
  if (!measure) options.browserDone?.()
  checkInternalLinks(files, slideTrees)
  if (!hasErrors(files) && slideTrees.every((tree) => tree.children.every((node) => node.type !== 'element'))) {
    fail(
      files[0]!,
      'The deck has no slides: the Markdown is empty; start a slide with a `## heading` or a `---` line',
      { line: 1, column: 1 },
      'empty-deck',
    )
  }
  if (hasErrors(withDiagramFiles(files))) {
    await drawing.catch(() => {}) // Its errors are reported too: one run shows every problem.
    return failed()
  }

  const revealDir = path.join(packageDir('reveal.js'), 'dist')
  const revealFiles: OutputFile[] = [
    { path: 'assets/reveal/reset.css', source: path.join(revealDir, 'reset.css') },
    { path: 'assets/reveal/reveal.css', source: path.join(revealDir, 'reveal.css') },
    { path: 'assets/reveal/reveal.js', source: path.join(revealDir, 'reveal.js') },
    { path: 'assets/reveal/plugin/notes.js', source: path.join(revealDir, 'plugin', 'notes.js') },
  ]
  // KaTeX's stylesheet and fonts, for a deck with math: before the theme, which may restyle it.
  const mathFiles = files.filter((file) => file.data.math)
  const math = mathFiles.length > 0 ? await mathAssets() : undefined
  if (math) {
    const count = (key: 'cached' | 'rendered') => mathFiles.reduce((sum, file) => sum + file.data.math![key], 0)
    options.log?.(`math: ${count('cached')} from the cache, ${count('rendered')} rendered`)
  }
  const deckOptions = {
    config,
    title,
    generator: `diapo ${diapoVersion()}`,
    stylesheets: [
      revealFiles[0]!.path,
      revealFiles[1]!.path,
      ...(math ? [math.stylesheet] : []),
      theme.output,
      ...(utilities ? [utilities.path] : []),
    ],
    scripts: { reveal: revealFiles[2]!.path, notes: revealFiles[3]!.path },
  }
  // The plan's SVGs are complete once the drawing is done; `filled` gets each figure's markup, by number.
  const filled = new Map<number, string>()
  const stages = deckStages({ ...deckOptions, svgs: plan.svgs, filled })
  const deckHtml = async (slideTrees: HastRoot[], processor = stages) => {
    const deck: HastRoot = { type: 'root', children: slideTrees.flatMap((tree) => tree.children) }
    const document = await processor.run(deck)
    return { html: processor.stringify(document), slideCount: countSlides(deck), document }
  }
  // Filling figures changes the trees: the deck with its figures still empty is made from a copy.
  const first = drawnLater
    ? await deckHtml(structuredClone(slideTrees), deckStages({ ...deckOptions, svgs: new Map(plan.svgs), markPending: true }))
    : await deckHtml(slideTrees)
  let { html, slideCount } = first
  let slideList = listSlides(files, trees)

  const outputs = new Map<string, OutputFile>()
  for (const file of [
    { path: 'index.html', content: html },
    ...revealFiles,
    ...(math?.files ?? []),
    ...(utilities ? [utilities] : []),
    { path: theme.output, content: theme.css },
    ...theme.assets.map((asset) => ({ path: asset.output, source: asset.source })),
    ...files.flatMap((file) => file.data.assets ?? []).map((asset) => ({ path: asset.output, source: asset.source })),
  ]) {
    outputs.set(file.path, file)
  }

  if (!write) {
    const drawnNow = await drawing
    const container = slidesContainer(first.document)
    const sections = container?.children.filter((child): child is Element => child.type === 'element' && child.tagName === 'section') ?? []
    const slideHtml = sections.map((section) => stages.stringify({ type: 'root', children: [section] }))
    const shell = stages.stringify(
      container ? { ...first.document, children: withoutSlides(first.document.children, container) } : first.document,
    )
    return {
      files: messages(),
      ok: true,
      slideCount,
      html: undefined,
      diagrams: { rendered: drawnNow.rendered, cached: drawnNow.cached },
      browserLaunches: session.launches,
      fitted: fits.counts,
      memory: { files: [...outputs.values()], slides: slideHtml, shell },
      dependencies: dependenciesOf(files, theme),
    }
  }

  const name = fileName(title) || path.basename(path.resolve(input), '.md')
  // The handout goes beside the slides PDF: dist/<title>-notes.pdf, or next to --out.
  const pdfFiles = (folder: string) => {
    const slides = options.pdfFile ?? path.join(options.pdfDir ?? folder, `${name}.pdf`)
    return { slides, notes: pdf?.notes ? slides.replace(/(\.pdf)?$/i, '-notes.pdf') : undefined }
  }
  let printed: PdfResult | undefined
  /** The deck again, its slides fitted by `fits`: the slide stages from the fit on run on a copy of the trees kept. */
  const remake = async (fits: FitLookup | undefined, staging: string) => {
    const stages = slideStages(config, fits, {
      safe: options.safe,
      files: deckFiles,
      definitions,
      mathCache,
      rehypePlugins: options.project?.rehypePlugins,
    }).fromFit
    const copies = beforeFit.map((tree) => structuredClone(tree))
    const remade: HastRoot[] = []
    for (const [index, tree] of copies.entries()) {
      // A copy of the file: its messages were all given by the first run.
      const file = files[index]!
      remade.push(await stages.run(tree, new VFile({ path: file.path, value: file.value, data: { ...file.data, assets: [] } })))
    }
    const made = await deckHtml(remade)
    ;({ html, slideCount } = made)
    slideList = listSlides(files, copies)
    const written = writeFile(path.join(staging, 'index.html'), html)
    const slides = slidesInPlace(made.document, first.document)
    await written
    return slides
  }
  /** Make the slides that run off their canvas fit: the deck remade, to be measured again, or undefined when nothing more can be done. */
  const fitToLayout = async (layout: Layout, staging: string): Promise<Refit | undefined> => {
    const next = await fits.afterMeasuring(layout, slideList)
    if (!next) return undefined
    const slides = await remake(next.fits, staging)
    fits.store()
    options.log?.(`fit: deck remade${slides === undefined ? ', to be loaded again' : ''}`)
    return { slides }
  }
  /** Once the diagrams are drawn: the deck written whole, and the markup of its figures for the page that has it loaded. */
  const figuresDrawn = async (staging: string): Promise<ReadonlyMap<number, string>> => {
    await drawing
    if (hasErrors(withDiagramFiles(files))) throw new ContentError('A diagram could not be drawn')
    ;({ html } = await deckHtml(slideTrees))
    await writeFile(path.join(staging, 'index.html'), html)
    return filled
  }
  const browserPass = async (staging: string) => {
    const figures = drawnLater ? figuresDrawn(staging) : undefined
    figures?.catch(() => {}) // Awaited by the export; this only keeps an early failure from being "unhandled".
    printed = await exportPdf(session, {
      html: path.join(staging, 'index.html'),
      finalFolder: outDir,
      ...(pdf ? pdfFiles(staging) : {}),
      fragments: pdf?.fragments ?? 'final',
      paper: pdf?.paper ?? 'a4',
      perPage: pdf?.perPage,
      metadata: { title, author: config.author, subject: config.description, lang: config.lang, creator: `diapo ${diapoVersion()}` },
      onLayout: (layout) => fitToLayout(layout, staging),
      screenshots: options.screenshots && path.resolve(options.screenshots),
      log: options.log,
      timeout: options.timeout,
      slideCount,
      tab: printTab,
      figures,
      done: options.browserDone,
    })
  }
  try {
    await writeDeck(outDir, [...outputs.values()], { beforeSwap: measure ? browserPass : undefined })
  } catch (error) {
    await fits.stored()
    // A diagram drawn during the browser pass failed: it is reported on its file, and nothing was written.
    if (error instanceof ContentError) return failed()
    throw error
  }
  await fits.stored()
  const drawn = await drawing
  reportPrinting(printed, slideList, files)

  return {
    files: messages(),
    ok: true,
    slideCount,
    html: path.join(outDir, 'index.html'),
    pdf: pdf && printed ? { ...pdfFiles(outDir), pages: printed.pages } : undefined,
    diagrams: { rendered: drawn.rendered, cached: drawn.cached },
    browserLaunches: session.launches,
    fitted: fits.counts,
    findings: printed?.layout.findings.length,
    screenshots: printed?.screenshots,
    dependencies: dependenciesOf(files, theme),
  }
}

/** Themes of the tools decks come from, by name, for the warning when a deck names one (`default` is everyone's). */
const otherToolThemes: Record<string, string> = {
  gaia: 'Marp',
  uncover: 'Marp',
  seriph: 'Slidev',
  'apple-basic': 'Slidev',
  bricks: 'Slidev',
  shibainu: 'Slidev',
  default: 'Marp or Slidev',
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
 * The deck's theme, loaded: `--theme` (a name, or a CSS file of the person
 * building's choosing), else the frontmatter's (a name, or a CSS file inside
 * the deck). Undefined, with the error on the first file, when it cannot be.
 */
async function deckTheme(
  flag: string | undefined,
  setting: string,
  first: VFile,
  files: DeckFiles,
  characters: ReadonlySet<number>,
  css: { flag: readonly string[] | undefined; setting: string | string[] | undefined },
): Promise<LoadedTheme | undefined> {
  let name = flag ?? setting
  const place = flag ? undefined : first.data.frontmatter?.places.theme
  // A deck brought from another tool names that tool's theme: it is built in diapo's, and told so.
  if (!flag && !isThemePath(name) && !builtInTheme(name)) {
    const tool = otherToolThemes[name.toLowerCase()]
    warn(
      first,
      `Theme \`${name}\` is not one diapo has${tool ? ` (it is ${tool}'s)` : ''}: the deck is built with \`${defaultConfig.theme}\`; choose another with \`--theme\` or \`theme:\` (${themeNames().join(', ')}, or a CSS file)`,
      place,
      'unknown-theme',
    )
    name = defaultConfig.theme
  }
  let source = isThemePath(name) ? undefined : builtInTheme(name)
  let readable = files
  if (isThemePath(name) && flag) {
    source = path.resolve(name)
    readable = files.including(path.dirname(source))
  } else if (isThemePath(name)) {
    const resolved = await files.resolve(name, first.dirname ?? process.cwd())
    if (!resolved.ok) {
      fail(first, `Theme ${files.explain(name, resolved.path)}`, place, 'outside-deck')
      return undefined
    }
    source = resolved.path
  }
  if (!source || !existsSync(source)) {
    const names = themeNames().join(', ')
    const reason = isThemePath(name)
      ? `Theme file \`${name}\` not found; give the path to a CSS file, or one of ${names}`
      : `Unknown theme \`${name}\`; use one of ${names}, or a path to a CSS file`
    fail(first, reason, place, 'unknown-theme')
    return undefined
  }
  const extra = await extraStylesheets(css, first, files)
  if (!extra) return undefined
  const theme = await loadTheme(source, readable, { characters, extra })
  for (const warning of theme.warnings) warn(first, warning, place, 'theme')
  for (const error of theme.errors) fail(first, error, place, 'outside-deck')
  return theme.errors.length > 0 ? undefined : theme
}

/**
 * The stylesheets added after the theme: `--css` files (the user's, read
 * wherever they are) and the frontmatter's `css:` (the deck's, inside its
 * folder, as every file it names). Undefined when one cannot be read.
 */
async function extraStylesheets(
  css: { flag: readonly string[] | undefined; setting: string | string[] | undefined },
  first: VFile,
  files: DeckFiles,
): Promise<Array<{ source: string; files: DeckFiles; text?: string }> | undefined> {
  const place = first.data.frontmatter?.places.css
  const sheets: Array<{ source: string; files: DeckFiles; text?: string }> = []
  // Marp's `style:`: CSS for the deck, written in its frontmatter; its urls are the deck's files.
  const marpStyle = first.data.frontmatter?.marp?.style?.value
  if (typeof marpStyle === 'string') sheets.push({ source: `${first.path}#style`, files, text: marpStyle })
  let ok = true
  for (const written of [css.setting ?? []].flat()) {
    const resolved = await files.resolve(written, first.dirname ?? process.cwd())
    if (!resolved.ok) {
      fail(first, `Stylesheet ${files.explain(written, resolved.path)}`, place, 'outside-deck')
      ok = false
    } else if (!existsSync(resolved.path)) {
      fail(
        first,
        `Stylesheet \`${written}\` not found: looked for ${resolved.path}; the path is relative to this Markdown file`,
        place,
        'css',
      )
      ok = false
    } else sheets.push({ source: resolved.path, files })
  }
  for (const written of css.flag ?? []) {
    const source = path.resolve(written)
    if (!existsSync(source)) {
      fail(first, `Stylesheet \`${written}\` (--css) not found: looked for ${source}`, undefined, 'css')
      ok = false
    } else sheets.push({ source, files: files.including(path.dirname(source)) })
  }
  return ok ? sheets : undefined
}

/**
 * Every character of the deck's Markdown and diagram sources, by code
 * point, and the emoji of its shortcodes: which font subsets it needs.
 */
async function charactersOf(files: readonly VFile[]): Promise<Set<number>> {
  const characters = new Set<number>()
  const add = (text: string) => {
    for (const character of text) characters.add(character.codePointAt(0)!)
  }
  for (const file of withDiagramFiles([...files])) {
    const text = String(file.value)
    add(text)
    for (const emoji of await shortcodeEmoji(text)) add(emoji)
  }
  return characters
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

/** The deck document's `<div class="slides">`. */
function slidesContainer(document: HastRoot): Element | undefined {
  let container: Element | undefined
  visit(document, 'element', (node: Element) => {
    const className = node.properties.className
    if (node.tagName !== 'div' || !Array.isArray(className) || !className.includes('slides')) return undefined
    container = node
    return EXIT
  })
  return container
}

/** `nodes` copied down to `container`, which is left empty: the page without its slides. */
function withoutSlides(nodes: HastRoot['children'], container: Element): HastRoot['children'] {
  return nodes.map((node) => {
    if (node === container) return { ...container, children: [] }
    if (node.type !== 'element') return node
    return { ...node, children: withoutSlides(node.children, container) as Element['children'] }
  })
}

/**
 * The markup of a remade deck's slides, for the page that shows the deck
 * to show in place of its own (see `export-pdf.ts`): undefined when only
 * loading the deck again shows it as it is — the page around the slides
 * changed, or a slide has a script, which runs only when the deck loads.
 */
function slidesInPlace(remade: HastRoot, shown: HastRoot): string | undefined {
  const container = slidesContainer(remade)
  const before = slidesContainer(shown)
  if (!container || !before) return undefined
  const shell = (document: HastRoot, slides: Element) =>
    toHtml({ ...document, children: withoutSlides(document.children, slides) }, { allowDangerousHtml: true })
  let scripted = false
  visit(container, (node) => {
    // A script is an element, or in markup put in as it is (a diagram's SVG).
    const raw = node.type === 'raw' ? String((node as { value?: unknown }).value) : ''
    scripted ||= (node.type === 'element' && (node as Element).tagName === 'script') || /<script\b/i.test(raw)
    return scripted ? EXIT : undefined
  })
  if (scripted || shell(remade, container) !== shell(shown, before)) return undefined
  return toHtml(container.children, { allowDangerousHtml: true })
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

/** Warnings from the browser pass: what the layout check found, requests outside the deck. */
function reportPrinting(printed: PdfResult | undefined, slides: SlideSource[], files: VFile[]) {
  if (!printed) return
  const clippedReported = new Set<number>()
  for (const { slide, rule, message, character } of printed.layout.findings) {
    const source = slides[slide - 1]
    const file = source?.file ?? files[0]!
    if (rule === 'overflow' && source && isClipped(source)) {
      // What runs off a slide marked as continuing: one finding says it all.
      if (clippedReported.has(slide)) continue
      clippedReported.add(slide)
      warn(
        file,
        `Slide ${slide} cannot be made to fit, even split and shrunk to the smallest legible text (${message.replace(/^Content /, 'content ')}): it is shown cut off, marked “⋯”; split it with \`---\` or shorten it`,
        source.slide.position?.start,
        'overflow',
      )
      continue
    }
    const place = character && source ? placeOf(source, character) : undefined
    warn(file, `Slide ${slide}: ${message}`, place ?? source?.slide.position?.start, rule)
  }
  // A remote image or video already has its warning, at its line.
  const named = files.flatMap((file) =>
    file.messages.filter((message) => message.ruleId === 'remote-resource').map((message) => message.reason),
  )
  for (const url of [...new Set(printed.blocked)]) {
    if (named.some((reason) => reason.includes(`\`${url}\``))) continue
    warn(
      files[0]!,
      `The deck asks for ${url}, outside its folder: blocked while printing, so the PDF never depends on the network`,
      undefined,
      'remote-resource',
    )
  }
}

/** Where `character` first is in the Markdown of a slide; undefined if it is not (it came from a shortcode, say). */
function placeOf({ file, slide }: SlideSource, character: string): { line: number; column: number } | undefined {
  const start = slide.position?.start.offset
  const end = slide.position?.end.offset
  if (start === undefined || end === undefined) return undefined
  const at = String(file.value).indexOf(character, start)
  if (at === -1 || at >= end) return undefined
  const { line, column } = location(file).toPoint(at) ?? {}
  return line === undefined || column === undefined ? undefined : { line, column }
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

/** The Markdown files, then each `.mmd` file they use (which may hold messages too). */
function withDiagramFiles(files: VFile[]): VFile[] {
  const diagramFiles = new Map<string, VFile>()
  for (const file of files) {
    for (const diagram of file.data.diagrams ?? []) {
      const known = diagramFiles.get(diagram.file.path)
      if (diagram.file !== file && (!known || diagram.file.messages.length > known.messages.length))
        diagramFiles.set(diagram.file.path, diagram.file)
    }
  }
  return [...files, ...diagramFiles.values()]
}

/** The deck's settings: diapo's defaults, the config file's, then the first file's frontmatter, its `reveal:` options checked. */
function deckConfig(files: readonly VFile[], safe: boolean, defaults: Partial<DeckConfig> = {}): DeckConfig {
  for (const file of files.slice(1)) {
    const places = Object.values(file.data.frontmatter?.places ?? {})
    if (places.length > 0) {
      warn(file, 'Frontmatter is only read from the first file of the deck; move these settings there', places[0], 'frontmatter-ignored')
    }
  }
  const first = files[0]
  const config = { ...defaultConfig, ...defaults, ...first?.data.frontmatter?.values }
  if (first) config.reveal = revealOptions(config.reveal, first.data.frontmatter?.revealPlaces ?? {}, first, safe)
  return config
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
