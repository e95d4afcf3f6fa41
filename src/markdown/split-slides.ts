/**
 * Stage: split a file's Markdown tree into slides.
 *
 * Works on the syntax tree, so a `---` inside a code fence stays code:
 * - a thematic break (`---`) ends the current slide;
 * - a heading of depth `slideLevel` or less starts a new slide (pandoc's slide level);
 * - with `vertical`, each `#` section becomes a vertical stack of its slides;
 * - reveal.js's `--` separator (a thematic break marked vertical) starts the
 *   next slide of the same stack.
 */
import type { Root, RootContent } from 'mdast'
import { isVerticalBreak } from './dialects/reveal-md.ts'
import type { Slide, SlideStack } from '../types.ts'

/** Options of {@link splitSlides}. */
export interface SplitSlidesOptions {
  /** Headings of this depth or less start a slide. Default: 2. */
  slideLevel?: number
  /** Group each `#` section into a vertical stack. Default: false. */
  vertical?: boolean
}

/** Replace the root's children by `slide` (and `slideStack`) nodes. */
export function splitSlides(options: SplitSlidesOptions = {}) {
  const slideLevel = options.slideLevel ?? 2
  const vertical = (options.vertical ?? false) && slideLevel >= 2

  return function (tree: Root): undefined {
    const slides: Array<{ slide: Slide; stackStart: boolean }> = []
    let current: Slide | undefined
    // reveal.js's `--` (see reveal-md.ts): the slide after it goes in the same stack, the one after `---` starts one.
    const separated = tree.children.some(isVerticalBreak)
    let nextStartsStack = separated

    for (const node of tree.children) {
      if (node.type === 'yaml') continue
      if (node.type === 'thematicBreak') {
        current = undefined
        if (separated) nextStartsStack = !isVerticalBreak(node)
        continue
      }
      // What shows nothing (a comment, `<base>`, `<style>`) before a heading goes with the heading's slide, not on one of its own.
      if (node.type === 'heading' && node.depth <= slideLevel && !current?.children.every(isInvisible)) {
        current = undefined
        nextStartsStack = vertical && node.depth === 1
      }
      if (!current) {
        current = { type: 'slide', children: [], data: { hName: 'section' } }
        slides.push({ slide: current, stackStart: nextStartsStack })
        nextStartsStack = false
      }
      current.children.push(node)
    }

    for (const { slide } of slides) {
      const first = slide.children[0]
      const last = slide.children.at(-1)
      if (first?.position && last?.position) {
        slide.position = { start: first.position.start, end: last.position.end }
      }
    }

    tree.children = vertical || separated ? stackSlides(slides) : slides.map(({ slide }) => slide)
  }
}

/** HTML that shows nothing on a slide: comments, `<style>` and `<script>` elements, `<base>`, `<link>`, `<meta>`. */
function isInvisible(node: RootContent): boolean {
  if (node.type !== 'html') return false
  const rest = node.value
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(style|script)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<(base|link|meta)\b[^>]*>/gi, '')
  return rest.trim() === ''
}

/** Group slides into stacks: each stack starts at a `#` heading and holds what follows it. */
function stackSlides(slides: Array<{ slide: Slide; stackStart: boolean }>): RootContent[] {
  const result: RootContent[] = []
  let stack: SlideStack | undefined
  for (const { slide, stackStart } of slides) {
    if (stackStart) {
      stack = { type: 'slideStack', children: [], data: { hName: 'section' } }
      result.push(stack)
    }
    if (stack) stack.children.push(slide)
    else result.push(slide)
  }
  // A `#` section without slides under it is a plain slide, not a stack of one.
  return result.map((node) => (node.type === 'slideStack' && node.children.length === 1 ? node.children[0]! : node))
}
