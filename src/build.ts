/**
 * Build a deck: read the Markdown, run the pipeline, write the output.
 * Library code: it returns what happened (files with their messages) and
 * throws only for environment problems; the CLI does the printing.
 */
import path from 'node:path'
import type { Root as HastRoot } from 'hast'
import type { Root as MdastRoot } from 'mdast'
import { toString } from 'mdast-util-to-string'
import type { VFile } from 'vfile'
import { defaultConfig, type DeckConfig } from './config.ts'
import { readInput } from './input.ts'
import { fail, warn } from './messages.ts'
import { diapoVersion, packageDir } from './packages.ts'
import { deckStages, parseStages, slideStages } from './pipeline.ts'
import { findTheme, loadTheme, themeNames } from './theme.ts'
import { writeDeck, type OutputFile } from './write.ts'

/** What to build. */
export interface BuildOptions {
  /** A Markdown file or a folder of them. Default: `'slides'`. */
  input?: string
  /** The output folder. Default: `'dist'`. */
  outDir?: string
  /** A theme that overrides the frontmatter's. */
  theme?: string
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
}

/** Build the deck of `options.input` into `options.outDir`. */
export async function buildDeck(options: BuildOptions = {}): Promise<BuildResult> {
  const input = options.input ?? 'slides'
  const outDir = options.outDir ?? 'dist'
  const files = await readInput(input)
  const failed = (): BuildResult => ({ files, ok: false, slideCount: 0, html: undefined })

  const parser = parseStages()
  const trees: MdastRoot[] = []
  for (const file of files) {
    const tree = parser.parse(file)
    await parser.run(tree, file)
    trees.push(tree)
  }
  const config = deckConfig(files)
  if (hasErrors(files)) return failed()

  const themeFile = findTheme(options.theme ?? config.theme, options.theme ? process.cwd() : (files[0]?.dirname ?? process.cwd()))
  if (!themeFile) {
    const place = options.theme ? undefined : files[0]?.data.frontmatter?.places.theme
    fail(
      files[0]!,
      `Unknown theme \`${options.theme ?? config.theme}\`; use one of ${themeNames().join(', ')}, or a path to a CSS file`,
      place,
      'unknown-theme',
    )
    return failed()
  }
  const themePromise = loadTheme(themeFile)

  const title = config.title ?? firstHeading(trees) ?? path.basename(path.resolve(input), '.md')
  const slides = slideStages(config)
  const slideTrees: HastRoot[] = []
  for (const [index, tree] of trees.entries()) {
    slideTrees.push(await slides.run(tree, files[index]!))
  }
  const theme = await themePromise
  for (const warning of theme.warnings) warn(files[0]!, warning, files[0]!.data.frontmatter?.places.theme, 'theme')
  if (hasErrors(files)) return failed()

  const revealDir = path.join(packageDir('reveal.js'), 'dist')
  const revealFiles: OutputFile[] = [
    { path: 'assets/reveal/reset.css', source: path.join(revealDir, 'reset.css') },
    { path: 'assets/reveal/reveal.css', source: path.join(revealDir, 'reveal.css') },
    { path: 'assets/reveal/reveal.js', source: path.join(revealDir, 'reveal.js') },
    { path: 'assets/reveal/plugin/notes.js', source: path.join(revealDir, 'plugin', 'notes.js') },
  ]
  const deck: HastRoot = { type: 'root', children: slideTrees.flatMap((tree) => tree.children) }
  const stages = deckStages({
    config,
    title,
    generator: `diapo ${diapoVersion()}`,
    stylesheets: [revealFiles[0]!.path, revealFiles[1]!.path, theme.output],
    scripts: { reveal: revealFiles[2]!.path, notes: revealFiles[3]!.path },
  })
  const html = stages.stringify(await stages.run(deck))

  const outputs = new Map<string, OutputFile>()
  for (const file of [
    { path: 'index.html', content: html },
    ...revealFiles,
    { path: theme.output, content: theme.css },
    ...theme.assets.map((asset) => ({ path: asset.output, source: asset.source })),
    ...files.flatMap((file) => file.data.assets ?? []).map((asset) => ({ path: asset.output, source: asset.source })),
  ]) {
    outputs.set(file.path, file)
  }
  await writeDeck(outDir, [...outputs.values()])
  return { files, ok: true, slideCount: countSlides(deck), html: path.join(outDir, 'index.html') }
}

/** The deck's settings: defaults, then the first file's frontmatter. */
function deckConfig(files: readonly VFile[]): DeckConfig {
  for (const file of files.slice(1)) {
    const places = Object.values(file.data.frontmatter?.places ?? {})
    if (places.length > 0) {
      warn(file, 'Frontmatter is only read from the first file of the deck; move these settings there', places[0], 'frontmatter-ignored')
    }
  }
  return { ...defaultConfig, ...files[0]?.data.frontmatter?.values }
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
