/**
 * Stage: Markdown text → syntax tree, a part of the file at a time.
 *
 * micromark's work grows with the square of a document's size where it
 * has containers (lists, quotes, notes blocks): a 5,000-slide file took
 * 8 s to parse whole, and 0.8 s in parts. So the text is cut where a part
 * parses exactly as the whole would — before a heading, after a thematic
 * break, before a paragraph or quote that follows a blank line at the
 * left margin — never inside a code fence, container directive, HTML
 * block or frontmatter; the cuts are joined into parts of about
 * {@link partSize} bytes, and each part is parsed on its own, moved to its
 * place in the file, and joined.
 *
 * Link and footnote definitions may be used from any part: when a file has
 * some, each part that could use one is parsed again with stand-ins for
 * every label the file defines, which are then taken out.
 *
 * With a cache that lives from build to build (`diapo dev`), a part whose
 * text is unchanged is not parsed again: an edit re-parses only its part.
 */
import type { Definition, FootnoteDefinition, Root, RootContent } from 'mdast'
import type { Point, Position } from 'unist'
import type { VFile } from 'vfile'
import { pandocFencedDivs } from './dialects/pandoc-divs.ts'

/** About how long a part is, in characters: long enough that parsing's fixed cost is small, short enough to stay linear. */
export const partSize = 512

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
export interface Part {
  text: string
  offset: number
  line: number
  /** The last part, when the file ends inside a code fence, HTML block, directive or frontmatter. */
  open?: boolean
}

type Parser = { parse(file: VFile | string): Root }

/** Options of {@link parseMarkdown}. */
export interface ParseOptions {
  /** Parts kept from an earlier parse (`diapo dev`). */
  cache?: ParseCache | undefined
  /** About how long a part is. Default: {@link partSize}. */
  partSize?: number
  /** Labels of link definitions in the deck's other files, which this one may use (`[text][label]`). */
  labels?: readonly string[] | undefined
}

/** Parse `file` with `processor`'s parser (no transforms run), part by part. */
export function parseMarkdown(processor: Parser, file: VFile, options: ParseOptions = {}): Root {
  const { cache } = options
  // Read as it means, to the same offsets: pandoc's `::: notes` is diapo's `:::notes`.
  const text = pandocFencedDivs(String(file.value))
  // A tree from the cache is copied: the build's transforms change the tree they are given, and a
  // later build of the same text (a course's deck relinked in `diapo dev`) got the changed one.
  const whole = () =>
    cache ? copied(parseCached(processor, text, cache), { text, offset: 0, line: 1 }) : processor.parse(text === file.value ? file : text)
  const parts = splitParts(text, options.partSize)
  const elsewhere = (options.labels ?? []).map((label) => `[${label}]: #`)
  if (parts.length < 2 && elsewhere.length === 0) return whole()
  // Trees from the cache are shared with later builds: read here, and copied as they are joined.
  const parse = (source: string) => (cache ? parseCached(processor, source, cache) : processor.parse(source))
  let trees = parts.map((part) => parse(part.text))
  // The cuts are found by reading lines, not by parsing: where a part's parse shows that a code
  // fence, an HTML block or a directive reached past its end, the cut was not safe, and the two
  // parts are parsed as one.
  for (let index = 0; index < parts.length - 1;) {
    if (!endsOpen(trees[index]!, parts[index]!.text)) {
      index++
      continue
    }
    const [first, second] = [parts[index]!, parts[index + 1]!]
    const joined: Part = { text: first.text + second.text, offset: first.offset, line: first.line, ...(second.open ? { open: true } : {}) }
    parts.splice(index, 2, joined)
    trees.splice(index, 2, parse(joined.text))
  }
  // A definition in one part may be used in another: parse those again, knowing every label. The
  // stand-ins go after the first part (which may start with frontmatter) and before the others (the
  // last may end inside a code fence, where they would become its text); a part starts afresh, so
  // they change nothing else.
  const { labels: own, inDirective } = definedLabels(trees)
  // A reference sees a definition inside a container directive only if it comes after it: no
  // stand-in can say that, so such a file is parsed whole.
  if (inDirective) return whole()
  const labels = [...new Set([...own, ...elsewhere])]
  if (labels.length > 0) {
    // A blank line after each, or a footnote's text would take the next line in as its own; and a
    // thematic break before the part, which may start with an indented line, as after a cut there.
    const standIns = `${labels.join('\n\n')}\n\n***\n`
    const standInLines = standIns.split('\n').length - 1
    trees = trees.map((tree, index) => {
      const part = parts[index]!
      if (!part.text.includes('[')) return tree
      if (index === 0) {
        const again = parse(`${part.text}\n\n${labels.join('\n\n')}\n`)
        return { ...again, children: again.children.filter((node) => (node.position?.start.offset ?? 0) < part.text.length) }
      }
      const again = parse(standIns + part.text)
      const kept = { ...again, children: again.children.filter((node) => (node.position?.start.offset ?? 0) >= standIns.length) }
      // Its positions count from the stand-ins: move them back by as much.
      parts[index] = { ...part, offset: part.offset - standIns.length, line: part.line - standInLines }
      return kept
    })
  }
  const root: Root = { type: 'root', children: [], position: { start: { line: 1, column: 1, offset: 0 }, end: endOf(text) } }
  for (const [index, tree] of trees.entries()) {
    const part = parts[index]!
    for (const node of tree.children) root.children.push(cache ? copied(node, part) : moved(node, part))
  }
  return root
}

/**
 * Whether the last block of a part's tree (or the last block inside it, at
 * any depth) is a code fence, math block, HTML block or container directive that the
 * part's end cut off rather than its own closing line.
 */
function endsOpen(tree: Root, text: string): boolean {
  const source = (node: RootContent) => text.slice(node.position?.start.offset ?? 0, node.position?.end.offset ?? 0)
  const lastLine = (value: string) => (value.split('\n').at(-1) ?? '').replace(/^[ \t>]*/, '')
  let node: RootContent | undefined = tree.children.at(-1)
  const top = node
  while (node) {
    if (node.type === 'code') {
      const closing = fenceEnd(source(node))
      if (closing && (!source(node).includes('\n') || !closing.test(lastLine(source(node))))) return true
    } else if (node.type === 'html') {
      const unclosed: Array<[RegExp, string]> = [
        [/^<!--/, '-->'],
        [/^<\?/, '?>'],
        [/^<!\[CDATA\[/, ']]>'],
        [/^<![a-z]/i, '>'],
      ]
      const value = node.value.trimStart()
      const raw = /^<(script|pre|style|textarea)(?:[\s>]|$)/i.exec(value)
      if (raw && !new RegExp(`</${raw[1]}>`, 'i').test(value)) return true
      for (const [start, end] of unclosed) if (start.test(value) && !value.slice(2).includes(end)) return true
      // The others end at a blank line: a part cut at a heading or a thematic break has none before it.
      const endsAtBlank = !raw && !unclosed.some(([start]) => start.test(value))
      if (endsAtBlank && node === top && !/\n[ \t]*\n$/.test(text)) return true
    } else if (node.type === 'math') {
      // `$$` math is fenced as code is: by a line of as many dollars or more.
      const opening = /^\$+/.exec(source(node))?.[0].length ?? 2
      const closing = /^(\$+)\s*$/.exec(lastLine(source(node)))
      if (!source(node).includes('\n') || !closing || closing[1]!.length < opening) return true
    } else if (node.type === 'containerDirective') {
      const opening = /^:{3,}/.exec(source(node))?.[0].length ?? 3
      const closing = /^(:{3,})\s*$/.exec(lastLine(source(node)))
      const child = node.children.at(-1)
      const ownLine = !child || (child.position?.end.offset ?? 0) < (node.position?.end.offset ?? 0)
      if (!closing || closing[1]!.length < opening || !ownLine) return true
    }
    node = 'children' in node ? (node.children.at(-1) as RootContent | undefined) : undefined
  }
  return false
}

function parseCached(processor: Parser, text: string, cache: ParseCache): Root {
  let tree = cache.get(text)
  if (!tree) {
    tree = processor.parse(text)
    cache.set(text, tree)
  }
  return tree
}

/**
 * A definition for each label the trees define (`[label]: …`, `[^label]: …`),
 * which a part may refer to; and whether one is inside a container directive.
 */
function definedLabels(trees: Root[]): { labels: string[]; inDirective: boolean } {
  const labels = new Set<string>()
  let inDirective = false
  eachDefinition(trees, (node, directive) => {
    labels.add(node.type === 'definition' ? `[${node.label ?? node.identifier}]: #` : `[^${node.label ?? node.identifier}]: .`)
    inDirective ||= directive
  })
  return { labels: [...labels], inDirective }
}

/** Call `found` with each link and footnote definition of the trees, and whether it is inside a container directive. */
function eachDefinition(trees: Root[], found: (node: Definition | FootnoteDefinition, inDirective: boolean) => void): void {
  const visit = (nodes: RootContent[], directive: boolean) => {
    for (const node of nodes) {
      if (node.type === 'definition' || node.type === 'footnoteDefinition') found(node, directive)
      if ('children' in node) visit(node.children as RootContent[], directive || node.type === 'containerDirective')
    }
  }
  for (const tree of trees) visit(tree.children, false)
}

/** `node`, its positions (and its children's) moved to where `part` starts in the file, in place. */
function moved<T extends object>(node: T, part: Part): T {
  if (part.offset === 0 && part.line === 1) return node
  const stack: object[] = [node]
  while (stack.length > 0) {
    const current = stack.pop() as { position?: Position; children?: object[] }
    if (current.position) current.position = movedPosition(current.position, part)
    for (const child of current.children ?? []) stack.push(child)
  }
  return node
}

/** A copy of `value` (a tree kept in the cache, never handed out) with its positions moved to where `part` starts. */
function copied<T>(value: T, part: Part): T {
  if (Array.isArray(value)) return value.map((item: unknown) => copied(item, part)) as T
  if (value === null || typeof value !== 'object') return value
  const copy: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    copy[key] = key === 'position' && item ? movedPosition(item as Position, part) : copied(item, part)
  }
  return copy as T
}

function movedPosition(position: Position, part: Part): Position {
  const point = ({ line, column, offset }: Point): Point =>
    offset === undefined ? { line: line + part.line - 1, column } : { line: line + part.line - 1, column, offset: offset + part.offset }
  return { start: point(position.start), end: point(position.end) }
}

/** A thematic break at the left margin: after it, a new block always starts. */
const thematicBreak = /^(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$/
/** What may start a line at the left margin after a blank line and still belong to the block before: a list item. */
const listMarker = /^(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/

/**
 * The text cut where a part parses as the whole would (see the top of this
 * file), the cuts joined into parts of about `size` characters; one part
 * when it cannot be cut.
 */
export function splitParts(text: string, size = partSize): Part[] {
  const lines = text.split(/(?<=\n)/)
  const parts: Part[] = []
  let start = 0
  let startLine = 1
  let offset = 0
  /** Cut before line `index`: always at a slide's start (`always`), else once the part is `size` long. */
  const cut = (index: number, always: boolean) => {
    if (offset === start || (!always && offset - start < size)) return
    parts.push({ text: text.slice(start, offset), offset: start, line: startLine })
    start = offset
    startLine = index + 1
  }
  /** The line that closes the open code fence. */
  let fence: RegExp | undefined
  /** The colons of each open container directive, innermost last. */
  const directives: number[] = []
  /** The open HTML block, and what ends it. */
  let html: RegExp | 'blank' | undefined
  let frontmatter = /^---\r?\n/.test(text)
  let blankBefore = false
  /** Whether the line before continues a paragraph: then a lone tag cannot start an HTML block. */
  let paragraph = false
  for (const [index, line] of lines.entries()) {
    const bare = line.replace(/\r?\n$/, '')
    const blank = bare.trim() === ''
    if (frontmatter) {
      if (index > 0 && /^(?:---|\.\.\.)\s*$/.test(bare)) frontmatter = false
    } else if (fence) {
      if (fence.test(bare)) fence = undefined
    } else if (html) {
      if (html === 'blank' ? blank : html.test(bare)) html = undefined
    } else {
      // At the left margin, outside every construct that spans blank lines, a block that nothing before it can hold.
      if (directives.length === 0 && !/^[ \t]/.test(bare)) {
        if (/^#{1,6}(?:[ \t]|$)/.test(bare)) cut(index, true)
        else if (blankBefore && !blank && !listMarker.test(bare)) cut(index, false)
      }
      const opening = fenceEnd(bare)
      const colons = /^ {0,3}(:{3,})\s*(\S?)/.exec(bare)
      if (opening) {
        fence = opening
      } else if (colons && colons[2] && colons[2] !== ':') {
        directives.push(colons[1]!.length)
      } else if (colons && !colons[2]) {
        if (directives.length > 0 && colons[1]!.length >= directives.at(-1)!) directives.pop()
      } else if (htmlEnd(bare, paragraph)) {
        html = htmlEnd(bare, paragraph)
      } else if (directives.length === 0 && thematicBreak.test(bare)) {
        // A slide ends here (or, after a paragraph, a heading does): the next line starts afresh.
        offset += line.length
        cut(index + 1, true)
        blankBefore = false
        paragraph = false
        continue
      }
      const setext: boolean = paragraph && /^ {0,3}(?:=+|-+)[ \t]*$/.test(bare)
      const empty = /^ {0,3}(?:>[ \t]*|(?:[-+*]|\d{1,9}[.)])[ \t]*)$/.test(bare)
      paragraph = !blank && !opening && !colons && !html && !setext && !empty && !/^ {0,3}#{1,6}(?:[ \t]|$)/.test(bare)
    }
    if (frontmatter || fence || html) paragraph = false
    blankBefore = blank
    offset += line.length
  }
  const open = frontmatter || fence !== undefined || html !== undefined || directives.length > 0
  parts.push({ text: text.slice(start), offset: start, line: startLine, ...(open ? { open } : {}) })
  return parts
}

/** What closes the code fence `line` opens, or undefined when it opens none. */
export function fenceEnd(line: string): RegExp | undefined {
  const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line)
  if (!opening) return undefined
  const marks = opening[1]!
  // A backtick fence's info string has no backtick: that line is inline code instead.
  if (marks[0] === '`' && line.slice(opening[0].length).includes('`')) return undefined
  return new RegExp(`^ {0,3}${marks[0] === '`' ? '`' : '~'}{${marks.length},}\\s*$`)
}

/** HTML tags that start a block ending at a blank line (CommonMark's kind 6). */
const blockTags = new Set(
  (
    'address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div dl dt fieldset ' +
    'figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link main menu menuitem nav ' +
    'noframes ol optgroup option p param search section summary table tbody td tfoot th thead title tr track ul'
  ).split(' '),
)

/**
 * What ends the HTML block a line starts (CommonMark's seven kinds):
 * undefined when the line starts none, or ends it itself. The seventh kind
 * (any other tag alone on its line) cannot interrupt a paragraph.
 */
function htmlEnd(line: string, inParagraph: boolean): RegExp | 'blank' | undefined {
  const rest = line.replace(/^ {0,3}/, '')
  if (!rest.startsWith('<')) return undefined
  const kinds: Array<[RegExp, RegExp]> = [
    [/^<(?:script|pre|style|textarea)(?:[\s>]|$)/i, /<\/(?:script|pre|style|textarea)>/i],
    [/^<!--/, /-->/],
    [/^<\?/, /\?>/],
    [/^<![a-z]/i, />/],
    [/^<!\[CDATA\[/, /\]\]>/],
  ]
  for (const [start, end] of kinds) {
    const match = start.exec(rest)
    if (match) return end.test(rest.slice(match[0].length)) ? undefined : end
  }
  const tag = /^<\/?([a-z][a-z\d-]*)(?=[\s/>]|$)/i.exec(rest)
  if (tag && blockTags.has(tag[1]!.toLowerCase()) && /^<\/?[a-z][a-z\d-]*(?:\s|\/?>|$)/i.test(rest)) return 'blank'
  if (inParagraph) return undefined
  // A complete open or closing tag, and nothing after it but spaces.
  const attribute = String.raw`\s+[a-zA-Z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>\x60]+|'[^']*'|"[^"]*"))?`
  const complete = new RegExp(String.raw`^(?:<[a-zA-Z][a-zA-Z\d-]*(?:${attribute})*\s*\/?>|<\/[a-zA-Z][a-zA-Z\d-]*\s*>)\s*$`)
  return complete.test(rest) && !/^<\/?(?:script|style|pre|textarea)\b/i.test(rest) ? 'blank' : undefined
}

function endOf(text: string) {
  const lines = text.split(/\r?\n|\r/)
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1, offset: text.length }
}
