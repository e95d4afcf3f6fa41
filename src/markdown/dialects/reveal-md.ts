/**
 * Stage: reveal-md's and reveal.js's Markdown separators.
 *
 * reveal.js splits Markdown at separator lines, between blank lines: `---`
 * for the next slide, `--` for the next slide of the same vertical stack
 * (its Markdown plugin's defaults; `----` too in a reveal-md deck, as
 * reveal-md's README has it), and only there — a
 * heading does not start a slide. CommonMark reads a lone `--` as a
 * paragraph (a dash, once typography is done), so such decks came out with
 * dashes on their slides and their stacks merged.
 *
 * A deck is read so when it says `dialect: reveal-md`, or says no dialect and
 * has a lone `--` or reveal-md's settings in its frontmatter: `separator` and `verticalSeparator` (reveal.js patterns, such
 * as `<!--s-->`, matched against whole lines), `revealOptions` (diapo's
 * `reveal:`). Each separator becomes a thematic break, a vertical one marked
 * so (see `split-slides.ts`), and headings no longer start slides unless the
 * frontmatter sets `slideLevel`.
 */
import type { Root, RootContent, ThematicBreak } from 'mdast'
import type { VFile } from 'vfile'
import { warn } from '../../messages.ts'

/** reveal-md's frontmatter keys: read here, or known and not needed by diapo. */
export const revealMdKeys = new Set(['separator', 'verticalSeparator', 'notesSeparator', 'revealOptions', 'highlightTheme', 'scripts'])

/** A thematic break that starts the next slide of the same vertical stack. */
export function isVerticalBreak(node: RootContent): boolean {
  return node.type === 'thematicBreak' && (node.data as { vertical?: boolean } | undefined)?.vertical === true
}

/** Read reveal.js's separators into slide breaks. */
export function revealMdSeparators() {
  return function (tree: Root, file: VFile): undefined {
    const frontmatter = file.data.frontmatter
    const dialect = frontmatter?.dialect
    if (dialect !== undefined && dialect !== 'reveal-md') {
      // Another dialect, said so: reveal-md's settings are unknown keys, as any other.
      for (const [key, { place }] of Object.entries(frontmatter?.revealMd ?? {})) {
        warn(
          file,
          `Unknown frontmatter key \`${key}\`, ignored (reveal-md has it; the deck says \`dialect: ${dialect}\`)`,
          place,
          'frontmatter-key',
        )
      }
      return
    }
    const settings = frontmatter?.revealMd ?? {}
    const text = String(file.value)
    const pattern = (name: string) => {
      const value = settings[name]?.value
      if (typeof value !== 'string' || value === '') return undefined
      // A reveal.js pattern spans the blank lines around the separator: the line itself is what is left.
      const line = value
        .replace(/^\^/, '')
        .replace(/\$$/, '')
        .replace(/\\r\?|\\r|\\n|\r|\n/g, '')
      try {
        return new RegExp(`^(?:${line})$`)
      } catch {
        warn(file, `reveal-md's \`${name}\` is not a pattern diapo can read: ${value}`, settings[name]?.place, 'reveal-md')
        return undefined
      }
    }
    const horizontal = pattern('separator')
    // reveal.js's Markdown plugin separates stacks' slides with `--`; reveal-md with `----` (its README's default).
    const revealMd = dialect === 'reveal-md' || Object.keys(settings).length > 0 || frontmatter?.revealOptions === true
    const vertical = pattern('verticalSeparator') ?? (revealMd ? /^(?:--|----)$/ : /^--$/)
    const lineOf = (node: RootContent) => {
      const { start, end } = node.position ?? {}
      if (start?.offset === undefined || end?.offset === undefined || start.line !== end.line) return undefined
      return text.slice(start.offset, end.offset).trim()
    }
    let found = false
    tree.children = tree.children.map((node) => {
      if (node.type !== 'paragraph' && node.type !== 'html' && node.type !== 'thematicBreak') return node
      const line = lineOf(node)
      if (line === undefined) return node
      const isVertical = vertical.test(line)
      if (!isVertical && !horizontal?.test(line)) return node
      found = true
      const separator: ThematicBreak = { type: 'thematicBreak', ...(node.position ? { position: node.position } : {}) }
      if (isVertical) separator.data = { vertical: true } as ThematicBreak['data']
      return separator
    })
    if (!frontmatter || (!found && Object.keys(settings).length === 0 && dialect !== 'reveal-md')) return
    // As in reveal.js, slides are split at separators only.
    frontmatter.values.slideLevel ??= 0
  }
}
