/**
 * Stage: wrap the slides in a complete reveal.js HTML document: styles,
 * scripts and metadata, all pointing at files inside the output folder.
 */
import type { Element, ElementContent, Root, RootContent } from 'hast'
import { h } from 'hastscript'
import { canvasOf, revealDefaults, type DeckConfig } from '../config/deck-config.ts'

/** Options of {@link revealDocument}. */
export interface RevealDocumentOptions {
  config: DeckConfig
  /** Text of `<title>`. */
  title: string
  /** Stylesheets, in order, relative to the HTML file. */
  stylesheets: string[]
  /** reveal.js and its plugins, relative to the HTML file. */
  scripts: { reveal: string; notes: string }
  /** Name and version, for `<meta name="generator">`. */
  generator: string
}

/** Replace the tree of slides by the whole document. */
export function revealDocument(options: RevealDocumentOptions) {
  const { config } = options
  return function (tree: Root): Root {
    const slides = tree.children.filter((node): node is ElementContent => node.type === 'element' || node.type === 'comment')
    const meta = [
      ['author', config.author],
      ['description', config.description],
      ['dcterms.date', config.date],
    ] as const
    // reveal.js puts its arrows in the bottom-right corner, over a slide's number or the end of its footer:
    // a deck with a header, footer or numbers has them at the edges instead (the deck's `reveal:` may say otherwise).
    const banded = slides.some((slide) => slide.type === 'element' && hasClass(slide, 'diapo-banded'))
    const revealOptions = { ...revealDefaults, ...(banded ? { controlsLayout: 'edges' } : {}), ...config.reveal }

    const head: RootContent[] = lines([
      h('meta', { charSet: 'utf-8' }),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h('title', options.title),
      ...meta.filter(([, value]) => value !== undefined).map(([name, value]) => h('meta', { name, content: value })),
      h('meta', { name: 'generator', content: options.generator }),
      ...options.stylesheets.map((href) => h('link', { rel: 'stylesheet', href })),
    ])
    const body: RootContent[] = lines([
      // The canvas's height, for what is placed at its edges whatever the slide's (the header and footer: slide-bands.ts).
      h('div.reveal', { style: `--diapo-canvas-height: ${canvasOf(config).height}px` }, [h('div.slides', lines(slides))]),
      h('script', { src: options.scripts.reveal }),
      h('script', { src: options.scripts.notes }),
      h('script', `Reveal.initialize(Object.assign(${scriptJson(revealOptions)}, { plugins: [RevealNotes] }))`),
    ])

    return {
      type: 'root',
      children: lines([{ type: 'doctype' }, h('html', { lang: config.lang }, lines([h('head', head), h('body', body)]))]),
    }
  }
}

/** Whether `section`, or a slide of its stack, has the class `name`. */
function hasClass(section: Element, name: string): boolean {
  const classes = section.properties.className
  if (Array.isArray(classes) && classes.includes(name)) return true
  return section.children.some((child) => child.type === 'element' && child.tagName === 'section' && hasClass(child, name))
}

/** Put each node on a line of its own, so the output reads (and diffs) well. */
function lines<T extends RootContent>(nodes: T[]): Array<T | { type: 'text'; value: string }> {
  return [{ type: 'text', value: '\n' }, ...nodes.flatMap((node) => [node, { type: 'text' as const, value: '\n' }])]
}

/** JSON that is safe inside an inline `<script>`. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}
