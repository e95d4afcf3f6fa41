/**
 * diapo's stages as a unified preset, for another pipeline
 * (`import diapo from 'diapo/unified'`): Markdown in, the reveal.js slides
 * diapo makes out — a `<section>` a slide, split at headings and `---` as
 * the frontmatter says, every other tool's dialect read, speaker notes in
 * `<aside class="notes">`, fragments, layouts, code highlighted, math
 * rendered. What needs a browser is left out: Mermaid diagrams stay code
 * blocks (`language-mermaid`, for a page that draws them), with a warning
 * at each; slides are not measured, nor fitted.
 *
 * ```js
 * import { unified } from 'unified'
 * import remarkParse from 'remark-parse'
 * import rehypeStringify from 'rehype-stringify'
 * import diapo from 'diapo/unified'
 *
 * const file = await unified().use(remarkParse).use(diapo).use(rehypeStringify).process(markdown)
 * // String(file): the <section>s, for a page with reveal.js; file.messages: what diapo said, at its line
 * // file.data.assets: the local pictures the slides point at, { source, output } each, to copy beside the page
 * ```
 */
import path from 'node:path'
import type { Root as HastRoot } from 'hast'
import type { Root as MdastRoot } from 'mdast'
import { unified, type Preset, type Processor } from 'unified'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { defaultConfig } from './config/deck-config.ts'
import { linkDefinitions } from './markdown/deck-definitions.ts'
import { DeckFiles } from './files/deck-files.ts'
import { DeckBudget } from './markdown/markdown-limits.ts'
import { warn } from './messages.ts'
import { pandocFencedDivs } from './markdown/dialects/pandoc-divs.ts'
import { markdownSyntax, readStages, slideStages } from './pipeline.ts'

/** Options of {@link diapoSlides}. */
export interface SlidesOptions {
  /** Nothing in the Markdown may run: each slide's HTML sanitized, no script URLs (diapo's `--safe`). */
  safe?: boolean | undefined
}

/**
 * The transform: a file's Markdown tree (parsed with diapo's Markdown syntax)
 * into the HTML tree of its slides. It reads pictures from the file's
 * folder only (from the working folder for a file without a path).
 */
export function diapoSlides(options: SlidesOptions = {}) {
  return async function (tree: MdastRoot, file: VFile): Promise<HastRoot> {
    const files = new DeckFiles([path.resolve(file.cwd, file.dirname ?? '.')], { safe: options.safe })
    const read = (await unified().use(readStages(new DeckBudget())).run(tree, file)) as MdastRoot
    visit(read, 'code', (node) => {
      if (node.lang === 'mermaid')
        warn(
          file,
          'diapo/unified does not draw diagrams (that takes a browser): the block is left as code; build with diapo to draw it',
          node,
          'diagram',
        )
    })
    const config = { ...defaultConfig, ...file.data.frontmatter?.values }
    const { beforeFit, fromFit } = slideStages(config, undefined, { safe: options.safe, files, definitions: linkDefinitions(read) })
    const cut = (await beforeFit.run(read, file)) as MdastRoot
    return (await fromFit.run(cut, file)) as HastRoot
  }
}

/**
 * pandoc's fenced divs (`::: notes`) read as diapo reads them: the parser
 * already attached (remark-parse's) is given the text with their openings
 * written as directives, as diapo's own parsing does (see `pandoc-divs.ts`).
 */
function pandocDivs(this: Processor) {
  const parse = this.parser
  if (parse) this.parser = (document, file) => parse(pandocFencedDivs(document), file)
}

/** The preset: diapo's Markdown syntax, and {@link diapoSlides}. Use it after `remark-parse`. */
const diapo: Preset = { plugins: [pandocDivs, ...markdownSyntax.plugins!, diapoSlides] }

export default diapo
