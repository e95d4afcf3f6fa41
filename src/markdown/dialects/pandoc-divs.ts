/**
 * Before parsing: pandoc's fenced divs read as diapo's container
 * directives. pandoc writes a space between the colons and the class
 * (`::: notes`, `:::: columns`, `::: {.incremental}`); remark-directive
 * reads only `:::notes`, and left the rest as text — speaker notes shown to
 * the audience. Each such opening line is rewritten to the directive it
 * means, to the same length (padded with spaces), so every offset and line
 * of the file stays where it was for messages and the fit cache. Lines
 * inside code fences are left alone.
 *
 * ```markdown
 * ::: notes                 →  :::notes
 * :::: {.columns #intro}    →  ::::columns{#intro}
 * ::: {#id key="v"}         →  :::div{#id key="v"}
 * ```
 */

const codeFence = /^ {0,3}(`{3,}|~{3,})/
/** `::: name`, `::: name :::`: a class alone. */
const namedDiv = /^(:{3,})[ \t]+([A-Za-z][\w-]*)[ \t]*:*[ \t]*$/
/** `::: {.name #id key=value}`. */
const attributedDiv = /^(:{3,})[ \t]*\{([^{}\n]*)\}[ \t]*:*[ \t]*$/

/** `text` with pandoc's fenced div openings written as directives; the same text when it has none. */
export function pandocFencedDivs(text: string): string {
  if (!/^:{3,}[ \t]*[{A-Za-z]/m.test(text)) return text
  let fence: string | undefined
  const lines = text.split('\n')
  for (const [index, line] of lines.entries()) {
    const marker = codeFence.exec(line)?.[1]
    if (fence !== undefined) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined
      continue
    }
    if (marker) {
      fence = marker
      continue
    }
    const body = line.endsWith('\r') ? line.slice(0, -1) : line
    const directive = asDirective(body)
    if (directive !== undefined && directive.length <= body.length)
      lines[index] = directive.padEnd(body.length, ' ') + line.slice(body.length)
  }
  return lines.join('\n')
}

function asDirective(line: string): string | undefined {
  const named = namedDiv.exec(line)
  if (named) return `${named[1]}${named[2]}`
  const attributed = attributedDiv.exec(line)
  if (!attributed) return undefined
  const attributes = attributed[2]!.trim()
  // The first class names the directive (notes, columns, incremental…); the rest stay attributes.
  const first = /(?:^|\s)\.([A-Za-z][\w-]*)/.exec(attributes)
  const rest = first ? attributes.replace(first[0], '').trim() : attributes
  return `${attributed[1]}${first ? first[1] : 'div'}${rest ? `{${rest}}` : ''}`
}
