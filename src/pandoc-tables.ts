/**
 * Stage: pandoc's simple and multiline tables, which CommonMark does not
 * have, said at their line. Their dashed line (`------  -----`) reads as a
 * thematic break, which ends the slide there, and their rows as a
 * paragraph: never silently. The fix is a pipe table (`| a | b |`), which
 * pandoc reads too. From pandoc's manual, "Tables".
 */
import type { Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { warn } from './messages.ts'

/** A table's dashed line: two runs of dashes or more, apart. */
const dashedLine = /^ {0,3}-{2,}(?: +-{2,})+ *$/

/** Warn of each thematic break that is a pandoc table's dashed line (text right above it, in the same block). */
export function pandocTables() {
  return function (tree: Root, file: VFile): undefined {
    const lines = String(file.value).split('\n')
    visit(tree, 'thematicBreak', (node) => {
      const line = node.position?.start.line
      if (line === undefined || line < 2) return
      const above = lines[line - 2] ?? ''
      if (!dashedLine.test(lines[line - 1] ?? '') || above.trim() === '') return
      warn(
        file,
        'This looks like a pandoc table, which diapo does not read: its dashed line starts a new slide and its rows show as text; write it as a pipe table (`| a | b |` over `| - | - |`), which pandoc reads too',
        node,
        'pandoc',
      )
    })
  }
}
