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
}

/** Fill `figure.diagram` elements with their SVG. */
export function insertDiagrams(options: InsertDiagramsOptions) {
  return function (tree: Root): undefined {
    const uses = new Map<string, number>()
    visit(tree, 'element', (node: Element) => {
      const ref = node.properties.dataDiagram
      if (node.tagName !== 'figure' || typeof ref !== 'string') return
      delete node.properties.dataDiagram
      const svg = options.svgs.get(ref)
      if (!svg) return
      const use = (uses.get(ref) ?? 0) + 1
      uses.set(ref, use)
      const id = `diagram-${ref}`
      node.children = [{ type: 'raw', value: use === 1 ? svg : svg.replaceAll(id, `${id}-${use}`) }]
      return 'skip'
    })
  }
}
