/**
 * Stage: put each drawn diagram's SVG into its `<figure>`. A diagram used
 * twice gets its ids renamed the second time, so that two SVGs on one page
 * never share styles or markers.
 */
import type { Element, Root } from 'hast'
import { visit } from 'unist-util-visit'

/** Options of {@link insertDiagrams}. */
export interface InsertDiagramsOptions {
  /** SVG markup by diagram ref. */
  svgs: ReadonlyMap<string, string>
  /**
   * Mark each figure whose SVG is missing with `data-diapo-pending`: its
   * number among the deck's diagram figures, in document order (the deck
   * can then be loaded while its diagrams are still being drawn).
   */
  markPending?: boolean
  /** Receives the markup of each figure filled, by that same number. */
  filled?: Map<number, string>
}

/** Fill `figure.diagram` elements with their SVG. */
export function insertDiagrams(options: InsertDiagramsOptions) {
  return function (tree: Root): undefined {
    const uses = new Map<string, number>()
    let figure = 0
    visit(tree, 'element', (node: Element) => {
      const ref = node.properties.dataDiagram
      if (node.tagName !== 'figure' || typeof ref !== 'string') return
      delete node.properties.dataDiagram
      const number = figure++
      const svg = options.svgs.get(ref)
      if (!svg) {
        if (options.markPending) node.properties.dataDiapoPending = String(number)
        return
      }
      const use = (uses.get(ref) ?? 0) + 1
      uses.set(ref, use)
      const id = `diagram-${ref}`
      const markup = use === 1 ? svg : svg.replaceAll(id, `${id}-${use}`)
      node.children = [{ type: 'raw', value: markup }]
      options.filled?.set(number, markup)
      return 'skip'
    })
  }
}
