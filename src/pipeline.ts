/**
 * The pipeline: every stage of a build, in order. Each stage is a unified
 * plugin in a file of its own; this file only lists them.
 *
 *   Markdown ─parse (math too)─▶ mdast ─pandoc tables─▶ ─$ as pandoc reads it─▶ ─image alt─▶ ─frontmatter─▶ settings ─reveal.js separators─▶ ─Slidev─▶ ─[the config's remarkPlugins]─▶ ─collect diagrams─▶
 *   mdast ─pandoc title slide─▶ ─pandoc heading attributes─▶ ─heading ids─▶ ─reveal.js comments─▶ ─split─▶ slides ─Marp─▶ ─Slidev─▶ ─pandoc pauses, attributes─▶ ─attributes─▶ ─notes─▶ ─image beside─▶ ─fit─▶ ─header, footer─▶ ─typography─▶ ─fragments─▶ ─directives─▶
 *         ─emoji─▶ ─images─▶ ─raw HTML─▶ ─link definitions─▶ ─links to a course's other decks─▶ ─to HTML─▶ hast ─footnotes─▶ ─highlight─▶ ─code lines and steps─▶
 *         ─contain raw HTML (sanitize)─▶ ─math (KaTeX, loaded only for math)─▶ ─[the config's rehypePlugins]─▶ (per file)
 *   all diagrams ─render (one browser, cached)─▶ SVG
 *   all slides ─insert SVG─▶ ─slide numbers─▶ ─reveal document─▶ ─stringify─▶ HTML ─write─▶ dist/
 *   HTML ─measure in the browser─▶ (slides that run off: ─fit─▶ again) ─print─▶ PDF
 *
 * The rendering and writing steps are called by `build.ts` between these.
 *
 * The user's plugins (`remarkPlugins`, `rehypePlugins` of the config file,
 * see `config-file.ts`) run at the two points marked: a remark plugin sees
 * each Markdown file read (frontmatter, directives, math, code blocks; a
 * diagram it writes is drawn), a rehype plugin each file's slides as HTML
 * (`<section>`s, highlighted code, rendered math). What one throws is an
 * error on its file, not a crash.
 */
import rehypeStringify from 'rehype-stringify'
import remarkDirective from 'remark-directive'
import remarkFrontmatter from 'remark-frontmatter'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified, type Pluggable, type PluggableList, type Plugin, type Preset, type Processor, type Transformer } from 'unified'
import type { Node } from 'unist'
import type { VFile } from 'vfile'
import { codeLines } from './html/code-lines.ts'
import { collectDiagrams } from './markdown/collect-diagrams.ts'
import { courseLinks, type CourseLinks } from './markdown/course-links.ts'
import type { Definition, Root as MdastRoot } from 'mdast'
import type { DiskCache } from './files/cache.ts'
import type { DeckConfig } from './config/deck-config.ts'
import type { DeckFiles } from './files/deck-files.ts'
import { emojiShortcodes } from './markdown/emoji-shortcodes.ts'
import { fitSlides, type FitLookup } from './markdown/fit-slides.ts'
import { fragments } from './markdown/fragments.ts'
import { readFrontmatter } from './markdown/frontmatter.ts'
import { deckDefinitions } from './markdown/deck-definitions.ts'
import { headingIds } from './markdown/heading-ids.ts'
import { highlightCode } from './html/highlight-code.ts'
import { imageAlt } from './markdown/image-alt.ts'
import { insertDiagrams, type InsertDiagramsOptions } from './deck/insert-diagrams.ts'
import { localImages } from './markdown/local-images.ts'
import { fail } from './messages.ts'
import { UsageError } from './errors.ts'
import { marpDirectivesStage } from './markdown/dialects/marp-directives.ts'
import { DeckBudget, limitTree } from './markdown/markdown-limits.ts'
import { otherDirectives } from './markdown/other-directives.ts'
import { pandocAttributes, pandocHeadingAttributes } from './markdown/dialects/pandoc-attributes.ts'
import { pandocCode } from './markdown/dialects/pandoc-code.ts'
import { pandocPauses } from './markdown/dialects/pandoc-pauses.ts'
import { pandocTables } from './markdown/dialects/pandoc-tables.ts'
import { pandocTitle } from './markdown/dialects/pandoc-title.ts'
import { containRawHtml, rawHtmlWarnings } from './html/raw-html.ts'
import { mathDollars, renderMath } from './html/render-math.ts'
import { revealComments } from './markdown/dialects/reveal-comments.ts'
import { revealMdSeparators } from './markdown/dialects/reveal-md.ts'
import { revealDocument, type RevealDocumentOptions } from './deck/reveal-document.ts'
import { splitImages } from './markdown/image-beside.ts'
import { slideAttributes } from './markdown/slide-attributes.ts'
import { numberSlides, slideBands } from './markdown/slide-bands.ts'
import { slideFootnotes } from './html/slide-footnotes.ts'
import { slidevFrontmatter, slidevSlides } from './markdown/dialects/slidev.ts'
import { speakerNotes } from './markdown/speaker-notes.ts'
import { splitSlides } from './markdown/split-slides.ts'
import { typography } from './markdown/typography.ts'

/** The Markdown diapo reads: CommonMark with GFM, math, frontmatter and directives (the parser's extensions). */
export const markdownSyntax: Preset = { plugins: [remarkGfm, remarkMath, [remarkFrontmatter, ['yaml']], remarkDirective] }

/** Stage 1's reading of the tree, after the parser: its size limited, other tools' syntax and the frontmatter read. */
export function readStages(budget: DeckBudget): Preset {
  return {
    plugins: [[limitTree, budget], pandocTables, pandocCode, mathDollars, imageAlt, readFrontmatter, revealMdSeparators, slidevFrontmatter],
  }
}

/**
 * Stage 1, per file: Markdown text → syntax tree; its frontmatter read and
 * its diagrams collected, early, so the browser can boot while the rest runs.
 */
export function parseStages(files: DeckFiles, budget = new DeckBudget(), remarkPlugins?: PluggableList) {
  return unified()
    .use(remarkParse)
    .use(markdownSyntax)
    .use(readStages(budget))
    .use(userPlugins(remarkPlugins, 'remark'))
    .use(collectDiagrams, { files })
}

/** What the slide stages are given besides the deck's settings. */
export interface SlideStageOptions {
  safe?: boolean | undefined
  files: DeckFiles
  definitions?: readonly Definition[] | undefined
  /** Renderings of math kept from earlier builds (see render-math.ts). */
  mathCache?: DiskCache | undefined
  /** The config file's rehype plugins, run last. */
  rehypePlugins?: PluggableList | undefined
  /** In a course, the other decks (their links lead to their pages). */
  course?: CourseLinks | undefined
}

/**
 * Stage 2, per file: syntax tree → HTML tree of slides (fitted as measured,
 * when `fits` says how; sanitized with `safe`). In two halves: the stages
 * before the fit, which nothing measured changes, and those from the fit on,
 * which are all a deck made to fit runs again (see `build.ts`).
 */
export function slideStages(config: DeckConfig, fits: FitLookup | undefined, options: SlideStageOptions) {
  return { beforeFit: slideStagesBeforeFit(config, options), fromFit: slideStagesFromFit(config, fits, options) }
}

/** The slide stages before the fit: the file cut into slides, each with its attributes and notes. */
function slideStagesBeforeFit(config: DeckConfig, options: SlideStageOptions) {
  return unified()
    .use(pandocTitle)
    .use(pandocHeadingAttributes)
    .use(headingIds)
    .use(revealComments)
    .use(splitSlides, config)
    .use(marpDirectivesStage)
    .use(slidevSlides)
    .use(pandocPauses)
    .use(pandocAttributes)
    .use(slideAttributes, options)
    .use(speakerNotes)
    .use(splitImages)
}

/** The slide stages from the fit on: slides fitted, banded, turned into HTML and finished. */
function slideStagesFromFit(config: DeckConfig, fits: FitLookup | undefined, options: SlideStageOptions) {
  // The fit's own types named: as the first plugin of a processor, unified cannot infer its tree (an async transformer).
  return unified()
    .use<[{ fits?: FitLookup | undefined }], MdastRoot>(fitSlides, { fits })
    .use(slideBands, config)
    .use(typography, config)
    .use(fragments, config)
    .use(otherDirectives)
    .use(emojiShortcodes)
    .use(localImages, { files: options.files })
    .use(rawHtmlWarnings, options)
    .use(deckDefinitions, options.definitions ?? [])
    .use(courseLinks, options)
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(slideFootnotes)
    .use(highlightCode)
    .use(codeLines)
    .use(containRawHtml, options)
    .use(renderMath, { cache: options.mathCache })
    .use(userPlugins(options.rehypePlugins, 'rehype'))
}

/** Stage 3, whole deck: every file's slides and the drawn diagrams → one reveal.js HTML document. */
export function deckStages(options: RevealDocumentOptions & InsertDiagramsOptions) {
  return unified()
    .use(insertDiagrams, options)
    .use(numberSlides)
    .use(revealDocument, options)
    .use(rehypeStringify, { allowDangerousHtml: true })
}

/**
 * The user's plugins, each made to report what it throws (or passes on as
 * an error) as an error on the file at hand, rather than end the build.
 */
function userPlugins(plugins: PluggableList | undefined, kind: 'remark' | 'rehype'): Preset {
  return { plugins: (plugins ?? []).map((entry) => reporting(entry, kind)) }
}

function reporting(entry: Pluggable, kind: 'remark' | 'rehype'): Pluggable {
  if (!Array.isArray(entry) || typeof entry[0] !== 'function') return entry
  const [plugin, ...options] = entry as [Plugin<unknown[]>, ...unknown[]]
  const name = `The ${kind} plugin \`${plugin.name || 'anonymous'}\``
  function attacher(this: Processor, ...args: unknown[]) {
    let transformer: Transformer | void
    try {
      transformer = (plugin as (this: Processor, ...args: unknown[]) => Transformer | void).apply(this, args)
    } catch (error) {
      throw new UsageError(`${name} (from the config file) could not be set up: ${(error as Error).message}`)
    }
    if (typeof transformer !== 'function') return transformer
    const transform = transformer
    return async function (tree: Node, file: VFile): Promise<Node | undefined> {
      try {
        const result = await new Promise<unknown>((resolve, reject) => {
          const returned: unknown = transform(tree, file, (error, changed) => {
            if (error) reject(error)
            else resolve(changed)
          })
          // A transformer that takes no callback returns, or resolves to, its result.
          if (transform.length < 3) Promise.resolve(returned).then(resolve, reject)
        })
        if (result instanceof Error) throw result
        return (result as Node | undefined) ?? undefined
      } catch (error) {
        fail(file, `${name} (from the config file) failed: ${(error as Error).message ?? String(error)}`, undefined, 'plugin')
        return undefined
      }
    }
  }
  Object.defineProperty(attacher, 'name', { value: plugin.name })
  return [attacher as Plugin, ...options] as Pluggable
}
