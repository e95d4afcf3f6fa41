/**
 * Stage: GFM footnotes go to the slide that cites them. Left alone, they
 * would form a `<section>` of their own at the end: a stray extra slide.
 */
import type { Element, ElementContent, Root } from 'hast'
import { h } from 'hastscript'
import { visit } from 'unist-util-visit'

/** Move each footnote into the first slide that refers to it. */
export function slideFootnotes() {
  return function (tree: Root): undefined {
    const index = tree.children.findIndex((node) => node.type === 'element' && node.properties.dataFootnotes !== undefined)
    const section = tree.children[index]
    if (index === -1 || section?.type !== 'element') return
    tree.children.splice(index, 1)

    const items = new Map<string, { item: Element; number: number }>()
    let number = 0
    visit(section, 'element', (node) => {
      if (node.tagName === 'li' && typeof node.properties.id === 'string') items.set(node.properties.id, { item: node, number: ++number })
    })

    for (const slide of leafSlides(tree)) {
      const cited: Array<{ item: Element; number: number }> = []
      visit(slide, 'element', (node) => {
        const href = node.properties.href
        if (node.tagName !== 'a' || typeof href !== 'string' || !href.startsWith('#')) return
        const entry = items.get(href.slice(1))
        if (entry) {
          cited.push(entry)
          items.delete(href.slice(1))
        }
      })
      if (cited.length === 0) continue
      const list: ElementContent = h(
        'ol',
        { start: cited[0]!.number },
        cited.map(({ item }) => item),
      )
      slide.children.push(h('div.footnotes', { role: 'doc-endnotes' }, [list]))
    }
  }
}

/** The slides themselves: the sections inside a vertical stack, else the top-level sections. */
function leafSlides(tree: Root): Element[] {
  return tree.children.flatMap((node) => {
    if (node.type !== 'element') return []
    const nested = node.children.filter((child): child is Element => child.type === 'element' && child.tagName === 'section')
    return nested.length > 0 ? nested : [node]
  })
}
