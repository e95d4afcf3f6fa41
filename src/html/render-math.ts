/**
 * Stages: math, written as TeX between `$…$` (in a line) or `$$…$$` (a
 * block of its own), or in a ` ```math ` fence, rendered at build time by
 * KaTeX to HTML (drawn with KaTeX's fonts, copied into the deck: see
 * `mathAssets`) and MathML (for screen readers). Nothing of it runs in the
 * browser, so it works offline and prints as text in the PDF. A deck
 * without math loads nothing of KaTeX.
 *
 * `$` reads as pandoc reads it, so that prices stay prices: an opening `$`
 * has a character other than a space right after it, a closing one a
 * character other than a space right before it and no digit right after it
 * (`$5 and $10` is text).
 *
 * A TeX error is an error at its line and column, with KaTeX's message.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Element, ElementContent, Parent, Root as HastRoot } from 'hast'
import { toText } from 'hast-util-to-text'
import type { InlineMath } from 'mdast-util-math'
import type { Root, Text } from 'mdast'
import { SKIP, visit } from 'unist-util-visit'
import { visitParents } from 'unist-util-visit-parents'
import type { VFile } from 'vfile'
import { cacheKey, type DiskCache } from '../files/cache.ts'
import { warn } from '../messages.ts'
import { packageDir, packageVersion } from '../packages.ts'
import type { OutputFile } from '../files/write.ts'

/**
 * Stage, after parsing: `$…$` that pandoc would not read as math is the
 * text it was written as; a LaTeX environment written in the text
 * (`\begin{equation}`, which pandoc passes to MathJax) is said at its place.
 */
export function mathDollars() {
  return function (tree: Root, file: VFile): undefined {
    visit(tree, 'text', (node: Text) => {
      const environment = /\\begin\{(equation|align|alignat|gather|multline|eqnarray|displaymath|split|array|matrix)\*?\}/.exec(
        node.value,
      )?.[1]
      if (environment) {
        const how = `write it between \`$$\` lines to have it rendered`
        warn(
          file,
          `A LaTeX \`${environment}\` environment in the text is not rendered by diapo (pandoc passes it to MathJax): ${how}`,
          node,
          'math',
        )
      }
    })
    const source = String(file.value)
    visit(tree, 'inlineMath', (node: InlineMath, index, parent) => {
      const start = node.position?.start.offset
      const end = node.position?.end.offset
      if (start === undefined || end === undefined || !parent || index === undefined) return
      const written = source.slice(start, end)
      // `$$x$$` inside a line is math too (display math written inline): only single dollars are checked.
      const dollars = /^\$+/.exec(written)?.[0].length ?? 1
      if (dollars > 1) return
      const opensOnText = !/^\s/.test(node.value)
      const closesOnText = !/\s$/.test(node.value)
      const digitAfter = /\d/.test(source.charAt(end))
      if (opensOnText && closesOnText && !digitAfter && node.value !== '') return
      const text: Text = { type: 'text', value: written, position: node.position }
      parent.children.splice(index, 1, text)
      return [SKIP, index]
    })
  }
}

/**
 * Stage, on the HTML tree: the math KaTeX renders; `file.data.math` says
 * the deck has some. Each rendering is kept in `cache` (by KaTeX's version,
 * the TeX and its mode): a build whose math is all there does not load
 * KaTeX at all.
 */
export function renderMath(options: { cache?: DiskCache | undefined } = {}) {
  return async function (tree: HastRoot, file: VFile): Promise<undefined> {
    // What rehype-katex renders: `$…$`, `$$…$$`, and a ```math fence, which replaces its `<pre>`.
    const found: Array<{ scope: Element; parent: Parent; display: boolean }> = []
    visitParents(tree, 'element', (element: Element, ancestors) => {
      const classes = Array.isArray(element.properties.className) ? element.properties.className : []
      const languageMath = classes.includes('language-math')
      if (!languageMath && !classes.includes('math-display') && !classes.includes('math-inline')) return
      let parent = ancestors.at(-1)
      let scope = element
      let display = classes.includes('math-display')
      if (element.tagName === 'code' && languageMath && parent?.type === 'element' && parent.tagName === 'pre') {
        scope = parent
        parent = ancestors.at(-2)
        display = true
      }
      if (parent) found.push({ scope, parent: parent as Parent, display })
      return SKIP
    })
    if (found.length === 0) return
    const counts = (file.data.math = { cached: 0, rendered: 0 })
    let rehypeKatex: typeof import('rehype-katex').default | undefined
    for (const { scope, parent, display } of found) {
      const key = cacheKey(['math', packageVersion('katex'), display, toText(scope, { whitespace: 'pre' })])
      const cached = await options.cache?.get(key)
      let rendered = cached === undefined ? undefined : (JSON.parse(cached) as ElementContent[])
      if (rendered) counts.cached++
      else {
        counts.rendered++
        // Loaded only for math not rendered before (~50 ms).
        rehypeKatex ??= (await import('rehype-katex')).default
        const root: HastRoot = { type: 'root', children: [structuredClone(scope)] }
        const before = file.messages.length
        // `trust: false` (KaTeX's default): no \href to a script, no \htmlClass; the output is KaTeX's own markup.
        rehypeKatex({ output: 'htmlAndMathml', strict: 'ignore' })(root, file)
        rendered = root.children as ElementContent[]
        if (file.messages.length === before) await options.cache?.set(key, JSON.stringify(rendered))
        else reportTexErrors(file.messages.slice(before))
      }
      // The scale a fit gave a formula too wide for its box (fit-slides.ts), on what KaTeX drew of it.
      const style = scope.properties.style
      const drawn = rendered.find((node): node is Element => node.type === 'element')
      if (typeof style === 'string' && style.includes('--diapo-math-fit') && drawn) drawn.properties.style = style
      parent.children.splice(parent.children.indexOf(scope), 1, ...rendered)
    }
  }
}

/** rehype-katex says "Could not render math": the message KaTeX gave says what is wrong, as an error at its place. */
function reportTexErrors(messages: VFile['messages']) {
  for (const message of messages) {
    if (message.source !== 'rehype-katex') continue
    // KaTeX underlines where it stopped with combining low lines (\̲f̲o̲o̲): the text as written reads better in a terminal.
    const cause =
      message.cause instanceof Error
        ? message.cause.message.replace(/^KaTeX parse error: /, '').replace(/\u0332/g, '')
        : 'KaTeX could not read it'
    message.reason = `TeX cannot be rendered: ${cause}`
    message.message = message.reason
    message.ruleId = 'math'
    message.source = 'diapo'
    message.fatal = true
  }
}

/**
 * KaTeX's stylesheet and the fonts it draws math with, for a deck that has
 * math: the fonts as WOFF2 only (every browser that runs reveal.js reads
 * it), so the stylesheet names no file the deck does not have.
 */
export async function mathAssets(): Promise<{ stylesheet: string; files: OutputFile[] }> {
  const dist = path.join(packageDir('katex'), 'dist')
  const css = (await readFile(path.join(dist, 'katex.min.css'), 'utf8')).replace(
    /,\s*url\(fonts\/[\w-]+\.woff\) format\("woff"\)|,\s*url\(fonts\/[\w-]+\.ttf\) format\("truetype"\)/g,
    '',
  )
  const fonts = (await readdir(path.join(dist, 'fonts'))).filter((name) => name.endsWith('.woff2')).sort()
  const stylesheet = 'assets/katex/katex.css'
  return {
    stylesheet,
    files: [
      { path: stylesheet, content: css },
      ...fonts.map((name) => ({ path: `assets/katex/fonts/${name}`, source: path.join(dist, 'fonts', name) })),
    ],
  }
}
