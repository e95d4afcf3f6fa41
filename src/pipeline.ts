/**
 * The pipeline: every stage of a build, in order. Each stage is a unified
 * plugin in a file of its own; this file only lists them.
 *
 *   Markdown ─parse─▶ mdast ─frontmatter─▶ settings
 *   mdast ─split─▶ slides ─attributes─▶ ─notes─▶ ─fragments─▶ ─directives─▶ ─images─▶
 *         ─to HTML─▶ hast ─footnotes─▶ ─highlight─▶ (per file)
 *   all slides ─reveal document─▶ ─stringify─▶ HTML ─write─▶ dist/
 */
import rehypeStringify from 'rehype-stringify'
import remarkDirective from 'remark-directive'
import remarkFrontmatter from 'remark-frontmatter'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import { unified } from 'unified'
import type { DeckConfig } from './config.ts'
import { fragments } from './fragments.ts'
import { readFrontmatter } from './frontmatter.ts'
import { highlightCode } from './highlight-code.ts'
import { localImages } from './local-images.ts'
import { otherDirectives } from './other-directives.ts'
import { revealDocument, type RevealDocumentOptions } from './reveal-document.ts'
import { slideAttributes } from './slide-attributes.ts'
import { slideFootnotes } from './slide-footnotes.ts'
import { speakerNotes } from './speaker-notes.ts'
import { splitSlides } from './split-slides.ts'

/** Stage 1, per file: Markdown text → syntax tree, and its frontmatter read. */
export function parseStages() {
  return unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).use(remarkDirective).use(readFrontmatter)
}

/** Stage 2, per file: syntax tree → HTML tree of slides. */
export function slideStages(config: DeckConfig) {
  return unified()
    .use(splitSlides, config)
    .use(slideAttributes)
    .use(speakerNotes)
    .use(fragments, config)
    .use(otherDirectives)
    .use(localImages)
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(slideFootnotes)
    .use(highlightCode)
}

/** Stage 3, whole deck: every file's slides → one reveal.js HTML document. */
export function deckStages(options: RevealDocumentOptions) {
  return unified().use(revealDocument, options).use(rehypeStringify, { allowDangerousHtml: true })
}
