/**
 * Stage: authors' raw HTML. It is kept as written, since a talk may need a
 * `<video>` or a `<details>`; but a `<script>` or an `on…=` handler runs
 * code in every browser that opens the deck, so each gets a warning at its
 * place. For Markdown that is not yours, `--safe` goes further: the HTML is
 * parsed and sanitized (rehype-sanitize, GitHub's rules, plus what the
 * slides need), so no script, handler or `javascript:` link survives.
 */
import type { Root as HastRoot } from 'hast'
import type { Root } from 'mdast'
import rehypeRaw from 'rehype-raw'
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize'
import type { Plugin } from 'unified'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { warn } from './messages.ts'

const script = /<script\b/i
const handler = /<[a-z][^>]*\son[a-z]+\s*=/i

/** Warn of scripts, event handlers and `javascript:` links in the Markdown. */
export function rawHtmlWarnings(options: { safe?: boolean | undefined } = {}) {
  const fate = options.safe ? 'it is dropped, as --safe asks' : 'build with --safe to drop it'
  return function (tree: Root, file: VFile): undefined {
    visit(tree, (node) => {
      if (node.type === 'html' && script.test(node.value)) {
        warn(file, `Raw HTML with a \`<script>\`: it would run in every browser that opens the deck; ${fate}`, node, 'raw-script')
      } else if (node.type === 'html' && handler.test(node.value)) {
        warn(file, `Raw HTML with an \`on…=\` event handler: it would run code in the deck; ${fate}`, node, 'raw-script')
      } else if ((node.type === 'link' || node.type === 'definition') && /^\s*javascript:/i.test(node.url)) {
        warn(file, `A \`javascript:\` link runs code when clicked; ${fate}`, node, 'raw-script')
      }
    })
  }
}

/** What `--safe` keeps: GitHub's rules, and the classes, data attributes and notes the slides are made of. */
const schema: SanitizeSchema = {
  ...defaultSchema,
  // Slide ids are link targets (`#/intro`): they stay as written.
  clobberPrefix: '',
  tagNames: [...(defaultSchema.tagNames ?? []), 'section', 'aside', 'figure', 'figcaption', 'mark'],
  attributes: {
    ...defaultSchema.attributes,
    '*': [...(defaultSchema.attributes?.['*'] ?? []), 'className', 'id', 'data*'],
    section: ['style'],
    code: [...(defaultSchema.attributes?.code ?? []), 'className'],
  },
}

/** Parse the raw HTML and sanitize the slides (`--safe`). */
export const sanitizeSlides: Plugin<[], HastRoot> = function () {
  const parse = rehypeRaw.call(this) as (tree: HastRoot, file: VFile) => HastRoot
  const clean = rehypeSanitize.call(this, schema) as (tree: HastRoot) => HastRoot
  return (tree: HastRoot, file: VFile) => clean(parse(tree, file))
}
