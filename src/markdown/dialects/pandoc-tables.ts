/**
 * Stage: pandoc's simple tables, which CommonMark does not have, read as
 * tables. From pandoc's manual, "Tables":
 *
 * ```markdown
 *   Right     Left     Center     Default
 * -------     ------ ----------   -------
 *      12     12        12            12
 *     123     123       123          123
 *
 * Table: A caption, before or after the table (a pipe table's too).
 * ```
 *
 * The dashed line under the header row gives the columns: each starts where
 * its dashes do and runs to the next one's. A column's alignment is where
 * its header sits on its dashes: flush right (the dashes reach further left)
 * is right-aligned, flush left is left-aligned, neither is centred. The
 * rows run to a blank line (or to a dashed line closing the table), a line
 * a row, and each cell is Markdown of a line.
 *
 * CommonMark reads that dashed line as a thematic break, which would end
 * the slide there, and the rows as a paragraph; so a table this stage does
 * not read is never silent: pandoc's multiline and grid tables, and a
 * simple table without a header row, are said at their line, with the pipe
 * table (`| a | b |`) that pandoc reads too as the way out.
 */
import type { AlignType, Paragraph, PhrasingContent, Root, RootContent, Table, TableCell } from 'mdast'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import remarkParse from 'remark-parse'
import { unified } from 'unified'
import { SKIP, visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { location } from 'vfile-location'
import { warn } from '../../messages.ts'

/** A table's dashed line: two runs of dashes or more, apart (a column may be one dash wide; `- - -` is a rule). */
const dashedLine = /^ {0,3}-{2,}(?: +-+)+ *$/
/** The top border of a grid table: `+---+---+`, or `+===+` under its header. */
const gridBorder = /^ {0,3}\+(?:[-=:]+\+){1,} *$/
/** A caption: a paragraph that starts with `Table:`, `table:` or `:`. */
const captionStart = /^(?:[Tt]able)?: +/

/** How each cell's Markdown is read: as the rest of the text (tables, math), a line at a time. */
const cellParser = unified().use(remarkParse).use(remarkGfm).use(remarkMath)

/** Read pandoc's simple tables into tables; say the tables it has that diapo does not read. */
export function pandocTables() {
  return function (tree: Root, file: VFile): undefined {
    const lines = String(file.value).split(/\r?\n/)
    const place = location(file)
    visit(tree, (node, index, parent) => {
      if (parent === undefined || index === undefined) return undefined
      if (node.type === 'paragraph' && gridBorder.test(lines[(node.position?.start.line ?? 0) - 1] ?? '')) {
        notRead(file, node, 'grid table')
        return SKIP
      }
      // A pipe table's caption too, after it or before it.
      if (node.type === 'table') {
        const caption = [parent.children[index + 1], parent.children[index - 1]].find(isCaption)
        if (caption) uncaption(caption)
        return SKIP
      }
      if (node.type !== 'thematicBreak') return undefined
      const line = node.position?.start.line
      if (line === undefined || line < 2 || !dashedLine.test(lines[line - 1]!) || lines[line - 2]!.trim() === '') return undefined
      const header = parent.children[index - 1]
      // The header row is one line: more lines above the dashed one are a multiline table's header.
      if (header?.type !== 'paragraph' || header.position?.start.line !== line - 1 || header.position.end.line !== line - 1) {
        notRead(file, node, 'multiline table (or a simple table with text right above it)')
        return SKIP
      }
      let last = line
      while (last < lines.length && lines[last]!.trim() !== '' && !dashedLine.test(lines[last]!)) last++
      const closed = last < lines.length && dashedLine.test(lines[last]!)
      // Nodes that hold the rows (and a closing dashed line): all of them, and nothing past them.
      const end = closed ? last + 1 : last
      let after = index + 1
      while (after < parent.children.length && (parent.children[after]!.position?.start.line ?? Infinity) <= end) after++
      const spill = parent.children.slice(index + 1, after).some((child) => (child.position?.end.line ?? Infinity) > end)
      if (last === line || spill) {
        notRead(file, node, 'simple table, with rows diapo cannot tell apart,')
        return SKIP
      }
      const table = simpleTable(lines, line, last, place)
      // Its caption, after it or before the header row: shown as a paragraph, without its `Table:`.
      const before = parent.children[index - 2]
      const next = parent.children[after]
      const caption = isCaption(next) ? next : isCaption(before) ? before : undefined
      if (caption) uncaption(caption)
      ;(parent.children as RootContent[]).splice(index - 1, after - index + 1, table)
      return [SKIP, index]
    })
  }
}

/** The simple table whose dashed line is line `dashes`, header above it, rows after it up to line `last` (1-based, inclusive). */
function simpleTable(lines: string[], dashes: number, last: number, place: ReturnType<typeof location>): Table {
  const runs = [...lines[dashes - 1]!.matchAll(/-+/g)].map((match) => ({ start: match.index, end: match.index + match[0].length }))
  const spans = runs.map((run, column) => ({ start: column === 0 ? 0 : run.start, end: runs[column + 1]?.start ?? Infinity }))
  const header = lines[dashes - 2]!
  const align = runs.map((run, column): AlignType => {
    const raw = header.slice(run.start, spans[column]!.end)
    const trimmed = raw.trimEnd()
    if (trimmed === '') return null
    const flushLeft = !raw.startsWith(' ') && header.slice(spans[column]!.start, run.start).trim() === ''
    const flushRight = trimmed.length >= run.end - run.start
    return flushLeft && flushRight ? null : flushLeft ? 'left' : flushRight ? 'right' : 'center'
  })
  const row = (line: number) => ({
    type: 'tableRow' as const,
    children: spans.map((span) => cell(lines[line - 1]!, line, span.start, span.end, place)),
    position: { start: { line, column: 1 }, end: { line, column: lines[line - 1]!.length + 1 } },
  })
  const rows = [row(dashes - 1)]
  for (let line = dashes + 1; line <= last; line++) rows.push(row(line))
  return {
    type: 'table',
    align,
    children: rows,
    position: {
      start: { line: dashes - 1, column: 1, offset: place.toOffset({ line: dashes - 1, column: 1 }) },
      end: { line: last, column: lines[last - 1]!.length + 1, offset: place.toOffset({ line: last, column: lines[last - 1]!.length + 1 }) },
    },
  }
}

/** A cell: the Markdown between columns `from` and `to` of line `line`, where the file has it. */
function cell(text: string, line: number, from: number, to: number, place: ReturnType<typeof location>): TableCell {
  const raw = text.slice(from, to)
  const start = from + (raw.length - raw.trimStart().length)
  const markdown = raw.trim()
  const parsed = cellParser.runSync(cellParser.parse(markdown)) as Root
  const only = parsed.children.length === 1 && parsed.children[0]!.type === 'paragraph' ? parsed.children[0] : undefined
  const children: PhrasingContent[] = only ? only.children : markdown ? [{ type: 'text', value: markdown }] : []
  // Where each node of the cell is in the file: on its line, from where the cell's text starts.
  const lineStart = place.toOffset({ line, column: 1 })
  visit({ type: 'root', children } as Root, (node) => {
    const position = node.position
    if (!position) return
    for (const point of [position.start, position.end]) {
      point.offset = lineStart === undefined || point.offset === undefined ? undefined : lineStart + start + point.offset
      point.line = line
      point.column += start
    }
  })
  return {
    type: 'tableCell',
    children,
    position: { start: { line, column: start + 1 }, end: { line, column: start + markdown.length + 1 } },
  }
}

function isCaption(node: RootContent | undefined): node is Paragraph {
  return node?.type === 'paragraph' && node.children[0]?.type === 'text' && captionStart.test(node.children[0].value)
}

/** A caption paragraph without its `Table:`. */
function uncaption(caption: Paragraph): void {
  const first = caption.children[0]
  if (first?.type === 'text') first.value = first.value.replace(captionStart, '')
}

function notRead(file: VFile, node: RootContent, what: string): void {
  const consequence =
    node.type === 'thematicBreak' ? 'its dashed line starts a new slide and its rows show as text' : 'its lines show as text'
  warn(
    file,
    `This looks like pandoc's ${what}, which diapo does not read: ${consequence}; write it as a pipe table (\`| a | b |\` over \`| - | - |\`), which pandoc reads too`,
    node,
    'pandoc',
  )
}
