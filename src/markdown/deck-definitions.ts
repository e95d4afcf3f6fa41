/**
 * Stage: link definitions are the deck's, not a file's. A chapter may name
 * a link in one file and use it in another (`[the guide][guide]`), and a
 * slide split to fit keeps using the definitions of the slide it came from:
 * every file's tree gets the deck's definitions it lacks, before it becomes
 * HTML, where they resolve its references and show nothing themselves.
 */
import type { Definition, Root } from 'mdast'
import { visit } from 'unist-util-visit'

/** The link definitions of a parsed file, in order. */
export function linkDefinitions(tree: Root): Definition[] {
  const found: Definition[] = []
  visit(tree, 'definition', (node) => void found.push(node))
  return found
}

/** Add to the tree, at its end, the deck's `definitions` whose labels it does not define itself. */
export function deckDefinitions(definitions: readonly Definition[]) {
  return function (tree: Root): undefined {
    if (definitions.length === 0) return
    const own = new Set(linkDefinitions(tree).map((node) => node.identifier))
    for (const definition of definitions) {
      if (own.has(definition.identifier)) continue
      own.add(definition.identifier)
      tree.children.push({ ...definition, position: undefined })
    }
  }
}
