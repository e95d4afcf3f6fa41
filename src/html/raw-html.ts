/**
 * Stages: authors' raw HTML.
 *
 * It is kept as written, since a talk may need a `<video>` or a
 * `<details>`; but a `<script>`, an `on…=` handler or a `javascript:` URL
 * runs code in every browser that opens the deck, so each gets a warning at
 * its place. For Markdown that is not yours, `--safe` goes further: each
 * slide's HTML is parsed and sanitized on its own (hast-util-raw and
 * hast-util-sanitize, GitHub's rules plus what slides are made of), so no
 * script, handler or script URL survives, and no tag can reach past its
 * slide.
 *
 * Without `--safe`, a slide whose HTML leaves something open that would
 * swallow the slides after it in the browser — an unclosed `<!--`,
 * `<style>`, `<textarea>`, `<table>`, `<template>` — is warned of at that
 * HTML, and its HTML is parsed within the slide, so the deck keeps its
 * slides.
 */
import type { Element, ElementContent, Root as HastRoot, RootContent as HastContent } from 'hast'
import { raw } from 'hast-util-raw'
import { defaultSchema, sanitize, type Schema } from 'hast-util-sanitize'
import { toHtml } from 'hast-util-to-html'
import type { Root } from 'mdast'
import { parseFragment } from 'parse5'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { warn } from '../messages.ts'

const script = /<script\b/i
const handler = /<[a-z][^>]*\son[a-z]+\s*=/i

/** Warn of scripts, event handlers and script URLs in the Markdown and its directives' attributes. */
export function rawHtmlWarnings(options: { safe?: boolean | undefined } = {}) {
  const fate = options.safe ? 'it is dropped, as --safe asks' : 'build with --safe to drop it'
  return function (tree: Root, file: VFile): undefined {
    visit(tree, (node) => {
      if (node.type === 'html' && script.test(node.value)) {
        warn(file, `Raw HTML with a \`<script>\`: it would run in every browser that opens the deck; ${fate}`, node, 'raw-script')
      } else if (node.type === 'html' && handler.test(node.value)) {
        warn(file, `Raw HTML with an \`on…=\` event handler: it would run code in the deck; ${fate}`, node, 'raw-script')
      } else if (node.type === 'html' && /<section\b/i.test(node.value)) {
        const what = options.safe ? 'it is dropped, as --safe asks' : 'reveal.js would make it a slide inside this one'
        warn(file, `Raw HTML \`<section>\`: ${what}; start a slide with a heading or a \`---\` line instead`, node, 'raw-section')
      } else if ((node.type === 'link' || node.type === 'definition') && isScriptUrl(node.url)) {
        warn(file, `A \`${scheme(node.url)}\` link runs code when clicked; ${fate}`, node, 'raw-script')
      } else if (node.type === 'containerDirective' || node.type === 'leafDirective' || node.type === 'textDirective') {
        for (const [key, value] of Object.entries(node.attributes ?? {})) {
          if (/^on/i.test(key))
            warn(file, `The attribute \`${key}\` of \`${node.name}\` runs code in the deck; ${fate}`, node, 'raw-script')
          else if (value && isScriptUrl(value))
            warn(
              file,
              `The attribute \`${key}\` of \`${node.name}\` is a \`${scheme(value)}\` URL, which runs code; ${fate}`,
              node,
              'raw-script',
            )
        }
      }
    })
  }
}

/**
 * Whether a URL runs code when a page opens it: `javascript:`, `vbscript:`,
 * or a `data:` URL of a document (HTML, XML, SVG). Browsers ignore tabs,
 * newlines and leading spaces in a scheme, and so does this check. With
 * `image`, an SVG `data:` URL is allowed: shown as an image, it runs nothing.
 */
export function isScriptUrl(url: string, options: { image?: boolean } = {}): boolean {
  const bare = withoutControls(url).toLowerCase()
  if (/^(?:javascript|vbscript):/.test(bare)) return true
  if (!bare.startsWith('data:')) return false
  const type = /^data:([^;,]*)/.exec(bare)?.[1] ?? ''
  if (/^(?:image\/(?:png|gif|jpe?g|webp|avif|bmp|x-icon)|video\/|audio\/|font\/)/.test(type)) return false
  return !(options.image && type === 'image/svg+xml')
}

function scheme(url: string): string {
  return withoutControls(url).split(':')[0]!.toLowerCase() + ':'
}

/** `text` without the spaces and control characters (U+0000–U+0020) a browser skips in a URL. */
function withoutControls(text: string): string {
  return [...text].filter((char) => char.charCodeAt(0) > 0x20).join('')
}

/**
 * `data-*` attributes the slides' content may keep under `--safe`: those
 * reveal.js reads as plain settings. Others are dropped, since reveal.js
 * puts some in the page as HTML (a fragment's `data-notes` in the speaker
 * view) or loads them (`data-src`).
 */
const safeData = [
  'dataFragmentIndex',
  'dataId',
  'dataAutoAnimateId',
  'dataAutoAnimateTarget',
  'dataAutoAnimateRestart',
  'dataAutoAnimateDelay',
  'dataAutoAnimateDuration',
  'dataAutoAnimateEasing',
  'dataAutoAnimateUnmatched',
  'dataLineNumbers',
  'dataPreventSwipe',
  // diapo's own: a diagram's place, filled at build time.
  'dataDiagram',
]

/** What a slide's content keeps under `--safe`: GitHub's rules, and the classes, attributes and notes slides are made of. */
const schema: Schema = {
  ...defaultSchema,
  // Slide ids are link targets (`#/intro`): they stay as written.
  clobberPrefix: '',
  // A `<section>` would become a slide of its own: content never makes one.
  tagNames: [...(defaultSchema.tagNames ?? []).filter((name) => name !== 'section'), 'aside', 'figure', 'figcaption', 'mark'],
  attributes: {
    ...defaultSchema.attributes,
    '*': [...(defaultSchema.attributes?.['*'] ?? []), 'className', 'id', ...safeData],
    // Any class, as on every element (GitHub's rules keep only `language-*` on code): highlighting, code steps.
    code: ['className'],
    // A line of code's number (code-lines.ts).
    span: [...(defaultSchema.attributes?.span ?? []), 'dataLine'],
  },
}

/**
 * Parse each slide's raw HTML within the slide. With `safe`, sanitize each
 * slide's content; without, parse only slides whose HTML would swallow the
 * slides after it, and warn of those.
 */
export function containRawHtml(options: { safe?: boolean | undefined } = {}) {
  return function (tree: HastRoot, file: VFile): undefined {
    for (const slide of leafSlides(tree)) {
      if (options.safe) {
        slide.children = cleaned(slide.children, file)
        continue
      }
      if (!slide.children.some(hasRaw) || !swallows(slide.children)) continue
      const culprit = findCulprit(slide.children)
      const value = culprit?.value.trim() ?? ''
      const start = value.split('\n')[0]!.slice(0, 40) || 'HTML'
      // Markdown itself ends such a block only where it is closed: the headings after it are its text.
      const hidden = value.split('\n').filter((line) => /^(?:#{1,6}[ \t]|(?:-[ \t]*){3,}$|(?:\*[ \t]*){3,}$)/.test(line)).length
      const what =
        hidden > 0
          ? `is never closed: the ${hidden} slide${hidden === 1 ? '' : 's'} after it are inside it, and do not show; close it where it should end`
          : 'is not closed by the end of its slide: it would swallow every slide after it in the deck; diapo ends it with the slide, but close it yourself'
      warn(file, `Raw HTML \`${start}\` ${what}`, culprit ?? slide, 'unclosed-html')
      slide.children = parsed(slide.children, file)
    }
  }
}

/** Slides that hold content: every `<section>` with no `<section>` inside. */
function leafSlides(tree: HastRoot): Element[] {
  const slides: Element[] = []
  const walk = (nodes: HastContent[]) => {
    for (const node of nodes) {
      if (node.type !== 'element' || node.tagName !== 'section') continue
      const inner = node.children.filter((child): child is Element => child.type === 'element' && child.tagName === 'section')
      if (inner.length > 0) walk(inner)
      else slides.push(node)
    }
  }
  walk(tree.children)
  return slides
}

type Raw = { type: 'raw'; value: string; position?: HastContent['position'] }

function hasRaw(node: HastContent | ElementContent): boolean {
  if (node.type === ('raw' as string)) return true
  return 'children' in node && node.children.some(hasRaw)
}

/** Whether `content`, as the browser parses the deck, leaves its slide open: the next slide lands inside it. */
function swallows(content: ElementContent[]): boolean {
  const html = toHtml({ type: 'root', children: content }, { allowDangerousHtml: true })
  const fragment = parseFragment(`<section>${html}</section><section id="diapo-next"></section>`)
  const last = fragment.childNodes.at(-1)
  return !(last && 'attrs' in last && last.nodeName === 'section' && last.attrs.some((attribute) => attribute.value === 'diapo-next'))
}

/** The raw HTML that leaves the slide open: the first that does on its own, else the first there is. */
function findCulprit(content: ElementContent[]): Raw | undefined {
  const raws: Raw[] = []
  visit({ type: 'root', children: content } as HastRoot, (node) => {
    if (node.type === ('raw' as string)) raws.push(node as unknown as Raw)
  })
  return raws.find((node) => swallows([node as unknown as ElementContent])) ?? raws[0]
}

/** `content` with its raw HTML parsed, as a fragment of its own. */
function parsed(content: ElementContent[], file: VFile): ElementContent[] {
  return (raw({ type: 'root', children: content }, { file }) as HastRoot).children as ElementContent[]
}

/** `content` parsed and sanitized, as a fragment of its own. */
function cleaned(content: ElementContent[], file: VFile): ElementContent[] {
  const root = sanitize(raw({ type: 'root', children: content }, { file }), schema) as HastRoot
  return root.children as ElementContent[]
}
