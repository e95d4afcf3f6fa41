/**
 * Stage: Markdown text → syntax tree; for the dev server, a heading section
 * at a time.
 *
 * Parsing costs ~1 ms a slide, and an edit changes one section. So, with a
 * cache that lives from build to build, the text is cut before each heading
 * that starts a line outside any code fence, container directive, HTML
 * block or frontmatter — where a heading always starts a new block, so the
 * parts parse exactly as the whole would — and each part is taken from the
 * cache (or parsed, when its text is new), moved to its place in the file,
 * and joined. A file with link or footnote definitions, which any part may
 * refer to, is parsed whole.
 */
import type { Root } from 'mdast'
import type { Point, Position } from 'unist'
import type { VFile } from 'vfile'

/** Parsed parts by their text, kept between builds by the dev server. */
export class ParseCache {
  readonly #trees = new Map<string, Root>()
  readonly #used = new Set<string>()

  get(text: string): Root | undefined {
    this.#used.add(text)
    return this.#trees.get(text)
  }

  set(text: string, tree: Root): void {
    this.#used.add(text)
    this.#trees.set(text, tree)
  }

  /** Forget the parts no parse asked for since the last call: the cache holds one deck, not its history. */
  prune(): void {
    for (const text of this.#trees.keys()) if (!this.#used.has(text)) this.#trees.delete(text)
    this.#used.clear()
  }
}

/** A part of the text: where it starts, as offset and line. */
interface Part {
  text: string
  offset: number
  line: number
}

/** Parse `file` with `processor`'s parser (no transforms run). */
export function parseMarkdown(processor: { parse(file: VFile | string): Root }, file: VFile, cache?: ParseCache): Root {
  // Parsed part by part, a file costs as much as whole (~1 ms a slide): it pays only when parts are kept.
  if (!cache) return processor.parse(file)
  const text = String(file.value)
  const parts = splitAtHeadings(text)
  if (parts.length < 2) return processor.parse(file)
  const root: Root = { type: 'root', children: [], position: { start: { line: 1, column: 1, offset: 0 }, end: endOf(text) } }
  for (const part of parts) {
    let tree = cache?.get(part.text)
    if (!tree) {
      tree = processor.parse(part.text)
      cache?.set(part.text, tree)
    }
    root.children.push(...moved(tree, part).children)
  }
  return root
}

/** A copy of `value` (a tree kept in the cache, never handed out) with its positions moved to where `part` starts. */
function moved<T>(value: T, part: Part): T {
  if (Array.isArray(value)) return value.map((item: unknown) => moved(item, part)) as T
  if (value === null || typeof value !== 'object') return value
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    copy[key] = key === 'position' ? movedPosition(item as Position | undefined, part) : moved(item, part)
  }
  return copy as T
}

function movedPosition(position: Position | undefined, part: Part): Position | undefined {
  if (!position) return position
  const point = ({ line, column, offset }: Point): Point =>
    offset === undefined ? { line: line + part.line - 1, column } : { line: line + part.line - 1, column, offset: offset + part.offset }
  return { start: point(position.start), end: point(position.end) }
}

/** The text cut before each safe heading; one part when it cannot be cut safely. */
export function splitAtHeadings(text: string): Part[] {
  const whole = [{ text, offset: 0, line: 1 }]
  // Definitions may be used from anywhere in the file: only a whole parse resolves them.
  if (/^ {0,3}\[[^\]\n]+\]:/m.test(text)) return whole
  const lines = text.split(/(?<=\n)/)
  const parts: Part[] = []
  let start = 0
  let startLine = 1
  let offset = 0
  /** The line that closes the open code fence. */
  let fence: RegExp | undefined
  let directives = 0
  let html: 'comment' | 'block' | 'raw' | undefined
  let frontmatter = /^---\r?\n/.test(text)
  for (const [index, line] of lines.entries()) {
    const bare = line.replace(/\r?\n$/, '')
    if (frontmatter) {
      if (index > 0 && /^(?:---|\.\.\.)\s*$/.test(bare)) frontmatter = false
    } else if (fence) {
      if (fence.test(bare)) fence = undefined
    } else if (html) {
      if (html === 'block' && bare.trim() === '') html = undefined
      else if (html === 'comment' && bare.includes('-->')) html = undefined
      else if (html === 'raw' && /<\/(?:script|pre|style|textarea)>/i.test(bare)) html = undefined
    } else if (/^ {0,3}(`{3,}|~{3,})/.test(bare)) {
      const marks = /^ {0,3}(`{3,}|~{3,})/.exec(bare)![1]!
      fence = new RegExp(`^ {0,3}${marks[0] === '`' ? '`' : '~'}{${marks.length},}\\s*$`)
    } else if (/^ {0,3}<!--/.test(bare) && !bare.includes('-->')) {
      html = 'comment'
    } else if (/^ {0,3}<(?:script|pre|style|textarea)\b/i.test(bare) && !/<\/(?:script|pre|style|textarea)>/i.test(bare)) {
      html = 'raw'
    } else if (/^ {0,3}<[/!?a-zA-Z]/.test(bare)) {
      html = 'block'
    } else if (/^:{3,}\s*[^\s:]/.test(bare)) {
      directives++
    } else if (/^:{3,}\s*$/.test(bare)) {
      directives = Math.max(0, directives - 1)
    } else if (/^#{1,6}(?:[ \t]|$)/.test(bare) && directives === 0 && offset > start) {
      parts.push({ text: text.slice(start, offset), offset: start, line: startLine })
      start = offset
      startLine = index + 1
    }
    offset += line.length
  }
  parts.push({ text: text.slice(start), offset: start, line: startLine })
  return parts
}

function endOf(text: string) {
  const lines = text.split(/\r?\n|\r/)
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1, offset: text.length }
}
