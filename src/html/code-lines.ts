/**
 * Stage: code's line numbers, highlighted lines and line steps, written
 * after the fence's language as reveal.js and Slidev write them, made when
 * the deck is built (no script):
 *
 * ```markdown
 * ```js [1|3-5|all]        reveal.js: line numbers, then three steps
 * ```ts {2,3|5|all}        Slidev (and diapo): three steps
 * ```ts {2,3}              two lines highlighted
 * ```js [712: 1-2]         numbered from 712
 * ```ts {lines:true}      numbered, nothing highlighted (`startLine:5` from 5)
 * ```ts {*}{lines:true}    the same
 * ```
 *
 * Each step after the first is a copy of the block, a fragment laid over
 * it, so the arrow keys step through the highlights, and a PDF printed a
 * page a fragment (`--fragments each`) has a page a step; the last step is
 * what a PDF of each slide's final state shows. Lines are highlighted by
 * dimming the others. A block with steps is never split to fit (its steps
 * would part); it may be shrunk.
 */
import type { Element, ElementContent, Root } from 'hast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { warn } from '../messages.ts'

/** One step: the lines highlighted (1-based), or every line. */
type Step = Set<number> | 'all'

interface LineSpec {
  steps: Step[]
  numbered: boolean
  /** The number of the first line. */
  start: number
}

/** Make the lines of every `<pre><code>` whose fence asks for them. */
export function codeLines() {
  return function (tree: Root, file: VFile): undefined {
    visit(tree, 'element', (pre: Element) => {
      const code =
        pre.tagName === 'pre'
          ? pre.children.find((child): child is Element => child.type === 'element' && child.tagName === 'code')
          : undefined
      const meta = (code?.data as { meta?: string } | undefined)?.meta
      if (!code || !meta) return
      const spec = readSpec(meta, file, code)
      if (!spec) return
      const lines = splitLines(code.children)
      const copy = (step: Step, fragment: boolean): Element => {
        const classes = Array.isArray(code.properties.className) ? code.properties.className.map(String) : []
        const lit = step === 'all' ? undefined : step
        const children: ElementContent[] = []
        lines.forEach((line, index) => {
          const number = index + 1
          const className = ['line', ...(lit ? [lit.has(number) ? 'highlighted' : 'dimmed'] : [])]
          const properties = spec.numbered ? { className, dataLine: String(spec.start + index) } : { className }
          if (index > 0) children.push({ type: 'text', value: '\n' })
          children.push({ type: 'element', tagName: 'span', properties, children: line })
        })
        const own = [...classes, ...(spec.numbered ? ['diapo-numbered'] : []), ...(fragment ? ['fragment', 'diapo-step'] : [])]
        return { type: 'element', tagName: 'code', properties: { ...code.properties, className: own }, children }
      }
      pre.children = spec.steps.map((step, index) => copy(step, index > 0))
      if (spec.steps.length > 1) {
        const classes = Array.isArray(pre.properties.className) ? pre.properties.className.map(String) : []
        pre.properties.className = [...classes, 'diapo-steps']
      }
    })
  }
}

/**
 * The line specification at the start of a fence's meta, if any:
 * `{2,3|5|all}` or `[1|3-5]`, `[712: 1-2]` for the first line's number,
 * and `{lines:true}` (Slidev) for line numbers.
 */
function readSpec(meta: string, file: VFile, code: Element): LineSpec | undefined {
  const match = /^\s*(?:\{([^{}]*)\}|\[([^[\]]*)\])/.exec(meta)
  if (!match) return undefined
  const braces = match[1] !== undefined
  let body = (match[1] ?? match[2] ?? '').trim()
  let start = 1
  const offset = /^(\d+)\s*:\s*(.*)$/.exec(body)
  if (!braces && offset) {
    start = Number(offset[1])
    body = offset[2]!
  }
  // Slidev's options alone: `{lines:true}` numbers the lines (from `startLine`), nothing highlighted; others are none.
  if (braces && /^[a-zA-Z]+\s*:/.test(body)) {
    if (!/\blines\s*:\s*true\b/.test(body)) return undefined
    const from = /\bstartLine\s*:\s*(\d+)/.exec(body)
    return { steps: ['all'], numbered: true, start: from ? Number(from[1]) : 1 }
  }
  // Slidev's live editors: shown as the code they hold.
  if (braces && /^monaco(-run|-diff|-write)?$/.test(body)) {
    warn(
      file,
      `Slidev's \`{${body}}\` (code to edit or run in the slide) is not rendered by diapo: the code is shown highlighted`,
      code,
      'slidev',
    )
    return undefined
  }
  const steps: Step[] = []
  for (const part of body === '' ? ['all'] : body.split('|')) {
    const step = readStep(part.trim())
    if (!step) {
      warn(
        file,
        `\`${part.trim()}\` is not a line range: write lines as \`2\`, \`3-5\`, \`2,4-6\`, steps between \`|\` and \`all\` for every line`,
        code,
        'code-lines',
      )
      return undefined
    }
    steps.push(step)
  }
  const numbered = !braces || /\blines\s*:\s*true\b/.test(meta.slice(match[0].length))
  return { steps, numbered, start }
}

function readStep(text: string): Step | undefined {
  if (text === 'all' || text === '*' || text === '') return 'all'
  const lines = new Set<number>()
  for (const piece of text.split(',')) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(piece)
    if (!range) return undefined
    const from = Number(range[1])
    const to = Number(range[2] ?? range[1])
    if (to < from || to - from > 10_000) return undefined
    for (let line = from; line <= to; line++) lines.add(line)
  }
  return lines
}

/**
 * The highlighted code's lines: each line's nodes, the spans a line break
 * falls inside (a multi-line comment) closed at the end of the line and
 * opened again on the next.
 */
function splitLines(children: ElementContent[]): ElementContent[][] {
  const lines: ElementContent[][] = [[]]
  const add = (node: ElementContent, open: Element[]) => {
    let wrapped = node
    for (const element of [...open].reverse()) wrapped = { ...element, children: [wrapped] }
    lines.at(-1)!.push(wrapped)
  }
  const walk = (nodes: ElementContent[], open: Element[]) => {
    for (const node of nodes) {
      if (node.type === 'text') {
        node.value.split('\n').forEach((part, index) => {
          if (index > 0) lines.push([])
          if (part !== '') add({ type: 'text', value: part }, open)
        })
      } else if (node.type === 'element') walk(node.children, [...open, { ...node, children: [] }])
      else add(node, open)
    }
  }
  walk(children, [])
  // The fence's last line ends with a break: no empty line after it.
  if (lines.length > 1 && lines.at(-1)!.length === 0) lines.pop()
  return lines
}
