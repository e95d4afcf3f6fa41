/**
 * Stage: a code fence's attributes as pandoc and Quarto write them, which
 * CommonMark reads as a language named `{.python`.
 *
 * ```markdown
 * ```{.python}                                  the language
 * ```{.python .numberLines startFrom="10"}      numbered, from 10
 * ```{.python code-line-numbers="1|3-4"}        Quarto: numbered, two steps
 * ```{python}                                   a Quarto cell: its code, shown
 * ```{mermaid}                                  a Quarto diagram, drawn
 * ```{=html}                                    raw HTML (another format's: shown as code, said)
 * ```
 *
 * They become the fence's language and the line specification of
 * `code-lines.ts` (`[10: 1|3-4]`). A Quarto cell is code Quarto runs to
 * show its output: diapo runs nothing, and shows the code, without its
 * `#|` option lines, with a warning at its fence. Any other attribute is a
 * warning at its fence. From pandoc's manual ("Fenced code blocks") and
 * Quarto's ("Code blocks", "Line highlighting").
 */
import type { Code, Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { warn } from '../../messages.ts'
import { parseAttributes } from './pandoc-attributes.ts'

/** Classes that number a block's lines, in pandoc's and Quarto's spellings. */
const numbering = new Set(['numberLines', 'number-lines'])

export function pandocCode() {
  return function (tree: Root, file: VFile): undefined {
    visit(tree, 'code', (code: Code, index, parent) => {
      const info = [code.lang, code.meta].filter(Boolean).join(' ').trim()
      const body = /^\{(.*)\}$/.exec(info)?.[1]!.trim()
      if (body === undefined) return
      // pandoc's raw block: HTML (`{=html}`, `{=revealjs}`) is the slide's raw HTML, as pandoc passes it to reveal.js; another format's is shown as code.
      if (body.startsWith('=')) {
        if (/^=\s*(html5?|revealjs)$/.test(body) && parent && index !== undefined) {
          parent.children[index] = { type: 'html', value: code.value, ...(code.position ? { position: code.position } : {}) }
          return
        }
        code.lang = null
        code.meta = null
        warn(file, `pandoc's raw \`{${body}}\` block is not passed through by diapo: it is shown as code`, code, 'pandoc')
        return
      }
      // Quarto's cell (`{python}`, `{r echo=FALSE}`): a language word first, without pandoc's dot.
      const cell = /^([a-zA-Z][\w+-]*)\b,?\s*(.*)$/.exec(body)
      const { classes, others } = parseAttributes(cell ? cell[2]! : body)
      const language = cell ? cell[1]! : classes.find((name) => !numbering.has(name))
      const unread = [
        ...classes.filter((name) => name !== language && !numbering.has(name)).map((name) => `.${name}`),
        ...Object.keys(others).filter((name) => !['code-line-numbers', 'startFrom', 'start-from'].includes(name)),
      ]
      const lines = others['code-line-numbers']
      const numbered = classes.some((name) => numbering.has(name)) || (lines !== undefined && lines !== 'false')
      const steps = lines === undefined || lines === 'true' || lines === 'false' ? '' : lines
      const start = others.startFrom ?? others['start-from']
      code.lang = language ?? null
      code.meta = numbered ? `[${start ? `${start}: ` : ''}${steps}]` : null
      if (cell && language !== 'mermaid') {
        code.value = code.value.replace(/^#\|.*(?:\n|$)/gm, '')
        warn(
          file,
          `Quarto runs this \`{${language}}\` cell to show its output; diapo runs nothing: the code is shown, without its output`,
          code,
          'pandoc',
        )
      }
      if (unread.length > 0) {
        const names = unread.map((name) => `\`${name}\``).join(', ')
        warn(file, `${names} on a code block ${unread.length > 1 ? 'are' : 'is'} not rendered by diapo: left out`, code, 'pandoc')
      }
    })
  }
}
