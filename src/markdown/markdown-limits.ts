/**
 * Stage, before parsing: bound the Markdown's complexity.
 *
 * The 2 MB a deck may have do not bound the work of parsing it: micromark's
 * work grows with the square of some shapes (emphasis markers in one
 * paragraph, lines of one deeply nested list) and with the cube of list
 * depth, and the stages after it recurse as deep as the tree is. A 2 KB
 * file of `>` crashed a build; 60 KB of `*a_` took a minute. So each file
 * is read line by line first, in linear time, and a shape past its limit is
 * an error at its line, before any parsing: the build fails fast (exit 1)
 * and says what to change. The limits are far above what a talk has; the
 * deck's totals are shared by its files ({@link DeckBudget}).
 */
import type { Nodes, Root } from 'mdast'
import type { VFile } from 'vfile'
import { fail } from '../messages.ts'
import { fenceEnd } from './parse-markdown.ts'

/** The limits, and what each costs at its bound on a 2-core machine (parse time, measured). */
export const limits = {
  /** Quotes, lists and container directives inside one another (at 250 levels a list took 0.45 s to parse; at 2,000 quotes, a crash). */
  depth: 32,
  /**
   * Markup characters (`*`, `_`, `[`, `]`, `<`, …) in one paragraph: micromark matches each
   * closing one against the opening ones before it. 2,000 parse in ~0.1 s; 117,000 (`[a]` on
   * 39,000 lines of one paragraph) took 40 s.
   */
  markup: 2_000,
  /** The sum over paragraphs of the square of their markup characters: ~0.75 s of parsing. */
  markupSquares: 40_000_000,
  /** Lines of one list or quote block times its list and quote lines: 2,000 lines of nested list parse in ~0.4 s. */
  containerWork: 4_000_000,
  /** The same, summed over the deck. */
  deckContainerWork: 20_000_000,
  /** Cells of one table, and of the deck's tables: a build takes ~0.1 ms a cell. */
  tableCells: 5_000,
  deckTableCells: 30_000,
  /**
   * What parsing the deck may cost, in microseconds as measured here:
   * 8 a line (1.6 million blank lines took 13.5 s), 0.5 a character, 13 a
   * markup character (`[`, `*`, `<`, …: 1.4 MB of links took 10 s), 45 a
   * block (paragraph, item, heading). A talk of 5,000 slides comes to ~2.5 s.
   */
  parseWork: 3_500_000,
  /** Nodes of the deck's syntax tree: the stages after parsing take ~25 µs a node. */
  nodes: 100_000,
} as const

/** Characters that start inline syntax in micromark (and its GFM and directive extensions). */
const markup = /[[\]()<>*_`!&\\~:@|]/g

const tooMuch =
  'The deck has more Markdown than diapo builds in time (this line passes the limit: dense markup counts most); split it into several decks'

/** What the deck's files have used of the limits that are for the whole deck. */
export class DeckBudget {
  markupSquares = 0
  containerWork = 0
  tableCells = 0
  parseWork = 0
  nodes = 0
}

/**
 * Check `file` against the limits; an error at the first line past one.
 * Returns false when the file must not be parsed.
 */
export function checkLimits(file: VFile, budget: DeckBudget): boolean {
  const lines = String(file.value).split('\n')
  if (lines.at(-1) === '') lines.pop()
  const stop = (line: number, message: string, rule = 'too-complex') => {
    fail(file, message, { line: line + 1, column: 1 }, rule)
    return false
  }
  /** Closes the open code fence. */
  let fence: RegExp | undefined
  /** Indents of the open list items, innermost last; and open container directives. */
  const items: number[] = []
  let directives = 0
  /** The block being read: its first line, and its list and quote lines. */
  let blockStart = -1
  let containerLines = 0
  /** The paragraph (or item, heading, table cell row) being read: its markup characters, from which line. */
  let marks = 0
  let marksStart = 0
  /** The open table: its first line and columns, and its cells so far. */
  let table: { line: number; columns: number; cells: number } | undefined
  let blank = true

  const endParagraph = (): boolean => {
    if (marks === 0) return true
    budget.markupSquares += marks * marks
    if (budget.markupSquares > limits.markupSquares)
      return stop(
        marksStart,
        `The deck's paragraphs have more Markdown syntax (\`*\`, \`_\`, \`[\`, \`<\`, …) than diapo builds in time; this one brings it past the limit: write less, or put the text in a code block`,
      )
    marks = 0
    return true
  }
  const endBlock = (index: number): boolean => {
    const length = blockStart < 0 ? 0 : index - blockStart
    const work = containerLines * length
    budget.containerWork += work
    if (work > limits.containerWork)
      return stop(
        blockStart,
        `This list or quote is ${length} lines long, more than diapo builds in one block; split it with headings or paragraphs between its parts`,
      )
    if (budget.containerWork > limits.deckContainerWork)
      return stop(blockStart, 'The deck has more long lists and quotes than diapo builds in time; split it into several decks')
    containerLines = 0
    blockStart = -1
    return true
  }

  // The frontmatter is YAML, read (and bounded) on its own: see frontmatter.ts.
  let first = 0
  if (/^---\s*$/.test(lines[0] ?? '')) {
    const end = lines.findIndex((line, index) => index > 0 && /^(?:---|\.\.\.)\s*$/.test(line))
    if (end > 0) first = end + 1
  }
  for (let index = first; index < lines.length; index++) {
    const line = lines[index]!.replace(/\r$/, '')
    if (fence) {
      // Code is not parsed inline: its lines cost only as lines and characters.
      budget.parseWork += 8 + 0.5 * line.length
      if (budget.parseWork > limits.parseWork) return stop(index, tooMuch)
      if (fence.test(line)) fence = undefined
      continue
    }
    const opened = fenceEnd(line)
    if (opened) {
      fence = opened
      if (!endParagraph()) return false
      continue
    }
    const empty = line.trim() === ''
    const block = !empty && (blank || /^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)|>)/.test(line))
    budget.parseWork += 8 + 0.5 * line.length + 13 * (line.match(markup)?.length ?? 0) + (block ? 45 : 0)
    if (budget.parseWork > limits.parseWork) return stop(index, tooMuch)
    if (empty) {
      if (!endParagraph()) return false
      table = undefined
      blank = true
      continue
    }
    const atMargin = !/^[ \t]/.test(line)
    // A block that nothing before it holds (or a heading, which ends any list): what came before is done.
    const heading = atMargin && /^#{1,6}(?:[ \t]|$)/.test(line)
    if (heading || (atMargin && blank && !/^(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/.test(line))) {
      if (!endBlock(index)) return false
      items.length = 0
    }
    if (blockStart < 0 && !heading) blockStart = index
    blank = false

    // Nesting: quote markers, list items by their indent, container directives.
    const quotes = /^(?:[ \t]{0,3}>)+/.exec(line)?.[0].replace(/[^>]/g, '').length ?? 0
    const content = line.replace(/^(?:[ \t]{0,3}>[ \t]?)+/, '')
    const marker = /^([ \t]*)(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/.exec(content)
    if (marker) {
      const indent = marker[1]!.replace(/\t/g, '    ').length
      while (items.length > 0 && items.at(-1)! >= indent) items.pop()
      items.push(indent)
    } else if (!/^[ \t]/.test(content)) items.length = 0
    if (/^ {0,3}:{3,}\s*[^\s:]/.test(line)) directives++
    else if (/^ {0,3}:{3,}\s*$/.test(line)) directives = Math.max(0, directives - 1)
    if (marker || quotes > 0) containerLines++
    const depth = quotes + items.length + directives
    if (depth > limits.depth)
      return stop(
        index,
        `Lists, quotes and \`:::\` blocks are nested ${depth} deep here, more than the ${limits.depth} diapo builds; nest them less`,
      )

    // Tables: the header's columns times the rows.
    if (table) {
      table.cells += table.columns
      budget.tableCells += table.columns
      if (table.cells > limits.tableCells)
        return stop(
          table.line,
          `This table has more than ${limits.tableCells.toLocaleString('en')} cells, more than a slide can show or diapo builds in time; split it, or link to the data`,
        )
      if (budget.tableCells > limits.deckTableCells)
        return stop(
          table.line,
          `The deck's tables have more than ${limits.deckTableCells.toLocaleString('en')} cells, more than diapo builds in time; split the deck, or link to the data`,
        )
    } else if (line.includes('|') && /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/.test(lines[index + 1] ?? '')) {
      table = { line: index, columns: Math.max(1, line.split('|').length - 1), cells: 0 }
    }

    // Markup of the paragraph, one a character (code spans counted too: the limit is far above real
    // text). A list item, heading, quote or table row starts inline content of its own.
    if (/^ {0,3}(?:#{1,6}(?:[ \t]|$)|(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)|>)/.test(line) || table) {
      if (!endParagraph()) return false
    }
    const found = (table ? line.replace(/\|/g, '') : line).match(markup)?.length ?? 0
    if (found > 0 && marks === 0) marksStart = index
    marks += found
    if (marks > limits.markup)
      return stop(
        marksStart,
        `This paragraph has more than ${limits.markup.toLocaleString('en')} characters of Markdown syntax (\`*\`, \`_\`, \`[\`, \`<\`, …), more than diapo builds; split it, or put the text in a code block`,
      )
  }
  return endParagraph() && endBlock(lines.length)
}

/** How deep the syntax tree may be: the stages after parsing recurse as deep as it is. */
export const maxTreeDepth = 100

/**
 * Stage, right after parsing: a tree deeper than {@link maxTreeDepth}
 * (emphasis inside emphasis, a thousand times), or a deck with more than
 * {@link limits.nodes} nodes, is an error at the node past the limit, and
 * the file's tree is emptied, so no later stage works on it.
 */
export function limitTree(budget: DeckBudget) {
  return function (tree: Root, file: VFile): undefined {
    const stack: Array<[Nodes, number]> = [[tree, 0]]
    while (stack.length > 0) {
      const [node, depth] = stack.pop()!
      const problem =
        depth > maxTreeDepth
          ? `The text is nested more than ${maxTreeDepth} levels deep here (emphasis, links, lists inside one another); nest it less`
          : ++budget.nodes > limits.nodes
            ? `The deck has more than ${limits.nodes.toLocaleString('en')} elements (paragraphs, words in emphasis, links, items) by here, more than diapo builds in time; split it into several decks`
            : undefined
      if (problem) {
        fail(file, problem, node, 'too-complex')
        tree.children = []
        return
      }
      if ('children' in node) for (const child of node.children) stack.push([child, depth + 1])
    }
  }
}
