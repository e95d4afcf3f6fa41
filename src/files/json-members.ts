/**
 * A few members of a large JSON object, without parsing the rest. An
 * Iconify pack is megabytes of JSON (8.7 MB for `logos`) of which a deck
 * draws a handful of icons: decoding and parsing all of it costs ~60 ms on
 * the path of a cold build, walking its bytes a few. The walk jumps over
 * strings with `indexOf`; only the members asked for are parsed, by
 * `JSON.parse`. It checks the structure it walks, not every value it skips.
 */

/** Where a member's value lies in the bytes. */
export interface Span {
  start: number
  end: number
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const SPACES = new Set([0x20, 0x09, 0x0a, 0x0d])
/** What ends a number, `true`, `false` or `null`. */
const DELIMITERS = new Set([COMMA, CLOSE_BRACE, CLOSE_BRACKET, ...SPACES])

/** The members of the object whose `{` is at `at` (by default the whole document), by key, unparsed. */
export function members(json: Buffer, at = skipSpaces(json, 0)): Map<string, Span> {
  if (json[at] !== OPEN_BRACE) throw malformed(at, 'an object')
  const found = new Map<string, Span>()
  let index = skipSpaces(json, at + 1)
  if (json[index] === CLOSE_BRACE) return found
  for (;;) {
    if (json[index] !== QUOTE) throw malformed(index, 'a key')
    const keyEnd = skipString(json, index)
    const key = JSON.parse(json.toString('utf8', index, keyEnd)) as string
    index = skipSpaces(json, keyEnd)
    if (json[index] !== COLON) throw malformed(index, '":"')
    const start = skipSpaces(json, index + 1)
    const end = skipValue(json, start)
    found.set(key, { start, end })
    index = skipSpaces(json, end)
    if (json[index] === CLOSE_BRACE) return found
    if (json[index] !== COMMA) throw malformed(index, '"," or "}"')
    index = skipSpaces(json, index + 1)
  }
}

/** The value at `span`, parsed. */
export function parseSpan(json: Buffer, span: Span): unknown {
  return JSON.parse(json.toString('utf8', span.start, span.end))
}

function skipSpaces(json: Buffer, at: number): number {
  let index = at
  while (SPACES.has(json[index]!)) index++
  return index
}

/** Past the string whose opening quote is at `at`. */
function skipString(json: Buffer, at: number): number {
  for (let from = at + 1; ;) {
    const quote = json.indexOf(QUOTE, from)
    if (quote < 0) throw malformed(json.length, 'the end of a string')
    // Escaped when an odd number of backslashes precede it.
    let backslashes = 0
    while (json[quote - 1 - backslashes] === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return quote + 1
    from = quote + 1
  }
}

/** Past the value that starts at `at`. */
function skipValue(json: Buffer, at: number): number {
  const first = json[at]
  if (first === QUOTE) return skipString(json, at)
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0
    for (let index = at; index < json.length; index++) {
      const byte = json[index]
      if (byte === QUOTE) index = skipString(json, index) - 1
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++
      else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && --depth === 0) return index + 1
    }
    throw malformed(json.length, 'the end of the value')
  }
  let index = at
  while (index < json.length && !DELIMITERS.has(json[index]!)) index++
  if (index === at) throw malformed(at, 'a value')
  return index
}

function malformed(at: number, expected: string): SyntaxError {
  return new SyntaxError(`Malformed JSON at byte ${at}: expected ${expected}`)
}
