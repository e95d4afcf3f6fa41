/**
 * Stage: the typography of the deck's language. Straight double quotes
 * become the language's own — «comillas angulares» in Spanish, “curly” in
 * English — straight single quotes and apostrophes curly ones, `...` an
 * ellipsis, `--` an en dash and `---` an em dash. Code is left as written.
 * (¿ and ¡ need nothing more: the bundled fonts have them, and no line
 * breaks between them and their word.)
 *
 * A small rule set, not a full SmartyPants: it is run on every build of
 * the dev server, so it must cost next to nothing on hundreds of slides.
 */
import type { Root, Text } from 'mdast'
import { visitParents } from 'unist-util-visit-parents'
import type { DeckConfig } from '../config/deck-config.ts'

/** Double quotes by language (its primary subtag); single quotes are ‘ ’ in all, the closing one being the apostrophe. */
const doubleQuotes: Record<string, [string, string]> = {
  es: ['«', '»'],
  ca: ['«', '»'],
  pt: ['«', '»'],
  it: ['«', '»'],
  fr: ['«\u202f', '\u202f»'],
  de: ['„', '“'],
}
const english: [string, string] = ['“', '”']

/** A quote after one of these (or at the start) opens; after anything else it closes. */
const opensAfter = /[\s([{\u2014\u2013/-]/

/** Smart punctuation in the text of `config.lang`. */
export function typography(config: Pick<DeckConfig, 'lang'>) {
  const [open, close] = doubleQuotes[config.lang.toLowerCase().split('-')[0] ?? ''] ?? english
  return function (tree: Root): undefined {
    let previous = ' '
    let block: unknown
    visitParents(tree, 'text', (node: Text, ancestors) => {
      // Text runs on across emphasis and links, not from one block to the next.
      let nearestBlock: unknown
      for (let index = ancestors.length - 1; index >= 0 && nearestBlock === undefined; index--) {
        if (!isInline(ancestors[index])) nearestBlock = ancestors[index]
      }
      if (nearestBlock !== block) previous = ' '
      block = nearestBlock
      if (!/["'.-]/.test(node.value)) {
        previous = node.value.at(-1) ?? previous
        return
      }
      const chars = [
        ...node.value
          .replace(/\.\.\./g, '…')
          .replace(/---/g, '\u2014')
          .replace(/--/g, '\u2013'),
      ]
      let result = ''
      for (const [index, char] of chars.entries()) {
        const before = index === 0 ? previous : chars[index - 1]!
        const after = chars[index + 1] ?? ''
        if (char === '"') result += opensAfter.test(before) ? open : close
        else if (char === "'") result += /[\p{L}\p{N}]/u.test(before) || !/[\p{L}\p{N}]/u.test(after) ? '’' : '‘'
        else result += char
      }
      node.value = result
      previous = result.at(-1) ?? previous
    })
  }
}

function isInline(node: { type: string } | undefined): boolean {
  return node !== undefined && ['emphasis', 'strong', 'delete', 'link', 'linkReference', 'textDirective'].includes(node.type)
}
