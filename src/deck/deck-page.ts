/**
 * The deck's page, as the build hands it on: reveal.js's own files, the
 * page split into its slides and the rest (the dev server swaps slides in
 * place), and the slides of a remade deck for the page that shows it.
 */
import path from 'node:path'
import type { Element, Root as HastRoot } from 'hast'
import { toHtml } from 'hast-util-to-html'
import { EXIT, visit } from 'unist-util-visit'
import type { OutputFile } from '../files/write.ts'
import { packageDir } from '../packages.ts'

/** reveal.js's files the page loads, from node_modules: its reset and its stylesheet, its script and its notes plugin. */
export function revealFiles(): { reset: OutputFile; stylesheet: OutputFile; script: OutputFile; notes: OutputFile } {
  const dist = path.join(packageDir('reveal.js'), 'dist')
  return {
    reset: { path: 'assets/reveal/reset.css', source: path.join(dist, 'reset.css') },
    stylesheet: { path: 'assets/reveal/reveal.css', source: path.join(dist, 'reveal.css') },
    script: { path: 'assets/reveal/reveal.js', source: path.join(dist, 'reveal.js') },
    notes: { path: 'assets/reveal/plugin/notes.js', source: path.join(dist, 'plugin', 'notes.js') },
  }
}

/** The page as the dev server serves it: each top-level slide's HTML, and the page around them (`shell`). */
export function pageParts(document: HastRoot, stringify: (tree: HastRoot) => string): { slides: string[]; shell: string } {
  const container = slidesContainer(document)
  const sections = container?.children.filter((child): child is Element => child.type === 'element' && child.tagName === 'section') ?? []
  const slides = sections.map((section) => stringify({ type: 'root', children: [section] }))
  const shell = stringify(container ? { ...document, children: withoutSlides(document.children, container) } : document)
  return { slides, shell }
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
export function slidesInPlace(remade: HastRoot, shown: HastRoot): string | undefined {
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
