/**
 * A course's `index.html`: its title, and each deck in order with its
 * title, description and slide count, a link to the deck and to its PDFs.
 * In the first deck's theme (its stylesheet and fonts, from that deck's
 * folder: the colours and fonts are the theme's custom properties), with
 * nothing loaded from the network: it works from `file://`.
 */
import path from 'node:path'
import { h } from 'hastscript'
import { toHtml } from 'hast-util-to-html'
import type { ElementContent } from 'hast'
import { diapoVersion } from '../packages.ts'

/** What the index says of a deck. */
export interface IndexedDeck {
  /** Its folder in the output. */
  name: string
  title: string
  description: string | undefined
  slideCount: number
  /** The PDFs' file names in the deck's folder, and the PowerPoint file's. */
  pdf: string | undefined
  notes: string | undefined
  pptx?: string | undefined
}

/** The layout of the index, in the theme's custom properties (reveal.js's `--r-*`), with plain fallbacks. */
const style = `
body { margin: 0; background: var(--r-background-color, #fff); color: var(--r-main-color, #222);
  font-family: var(--r-main-font, sans-serif); font-size: 20px; line-height: 1.45; }
main { max-width: 46rem; margin: 0 auto; padding: 3rem 1.5rem; }
h1, h2 { font-family: var(--r-heading-font, inherit); color: var(--r-heading-color, inherit); line-height: 1.2; }
h1 { font-size: 2.4rem; margin: 0 0 .5rem; }
h2 { font-size: 1.35rem; margin: 0; }
a { color: var(--r-link-color, #2a76dd); }
ol { list-style: none; padding: 0; margin: 2rem 0 0; counter-reset: deck; }
li { counter-increment: deck; padding: 1rem 0; border-top: 1px solid color-mix(in srgb, currentColor 20%, transparent); }
li h2::before { content: counter(deck) ". "; opacity: .6; }
li p { margin: .35rem 0 0; }
.diapo-course-meta { font-size: .85rem; opacity: .8; }
footer { margin-top: 2rem; font-size: .75rem; opacity: .6; }
`

/**
 * The index page's HTML: titled by `title`, else the course folder's name;
 * in the first deck's language and theme (its stylesheet, in its folder).
 */
export function courseIndex(course: {
  folder: string
  title: string | undefined
  description: string | undefined
  decks: Array<IndexedDeck & { lang?: string | undefined; theme?: string | undefined }>
}): string {
  const first = course.decks[0]
  const title = course.title ?? path.basename(course.folder)
  const theme = first?.theme && `${encodeURIComponent(first.name)}/${first.theme}`
  const generator = `diapo ${diapoVersion()}`
  const slides = (count: number) => `${count} slide${count === 1 ? '' : 's'}`
  const items = course.decks.map((deck) => {
    const folder = encodeURIComponent(deck.name)
    const meta: ElementContent[] = [{ type: 'text', value: slides(deck.slideCount) }]
    if (deck.pdf) meta.push({ type: 'text', value: ' · ' }, h('a', { href: `${folder}/${encodeURIComponent(deck.pdf)}` }, 'PDF'))
    if (deck.notes)
      meta.push({ type: 'text', value: ' · ' }, h('a', { href: `${folder}/${encodeURIComponent(deck.notes)}` }, 'PDF with notes'))
    if (deck.pptx) meta.push({ type: 'text', value: ' · ' }, h('a', { href: `${folder}/${encodeURIComponent(deck.pptx)}` }, 'PowerPoint'))
    return h('li', [
      h('h2', h('a', { href: `${folder}/index.html` }, deck.title)),
      deck.description ? h('p', deck.description) : undefined,
      h('p.diapo-course-meta', meta),
    ])
  })
  const total = course.decks.reduce((sum, deck) => sum + deck.slideCount, 0)
  const page = h('html', { lang: first?.lang ?? 'en' }, [
    h('head', [
      h('meta', { charSet: 'utf-8' }),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h('title', title),
      h('meta', { name: 'generator', content: generator }),
      theme ? h('link', { rel: 'stylesheet', href: theme }) : undefined,
      h('style', style),
    ]),
    h('body', [
      h('main', [
        h('h1', title),
        course.description ? h('p', course.description) : undefined,
        h('p.diapo-course-meta', `${course.decks.length} deck${course.decks.length === 1 ? '' : 's'}, ${slides(total)}`),
        h('ol', items),
        h('footer', `Built with ${generator}`),
      ]),
    ]),
  ])
  return `<!doctype html>\n${toHtml(page)}\n`
}
