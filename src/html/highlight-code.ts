/**
 * Stage: syntax highlighting of fenced code, at build time, so the deck ships
 * no highlighting script. Every language highlight.js knows may be used, by
 * its name or any alias (`dockerfile`, `docker`, `console`, `yml`…); only
 * the grammars a deck's code asks for are loaded, with those they embed
 * (HTML's CSS and JavaScript, say), so a deck without code pays nothing.
 * Code in a language highlight.js does not know is shown as it is, with a
 * warning at its fence.
 */
import type { Element, ElementContent, Root } from 'hast'
import { toText } from 'hast-util-to-text'
import type { HLJSApi, LanguageFn } from 'highlight.js'
import type { createLowlight } from 'lowlight'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { aliases, grammars } from './highlight-languages.ts'
import { warn } from '../messages.ts'

/** Languages kept as plain text: they are not code to colour. */
// Diagrams and math are drawn by their own stages (mermaid: render-diagrams.ts; math: render-math.ts).
const plainText = new Set(['text', 'txt', 'plain', 'mermaid', 'math', 'no-highlight', 'nohighlight'])

type Highlighter = ReturnType<typeof createLowlight>

/** One highlighter for the process; each grammar registered in it once, when first needed. */
let highlighter: Promise<{ lowlight: Highlighter; hljs: HLJSApi }> | undefined
/** Each grammar's registration, to the languages it embeds. */
const registering = new Map<string, Promise<string[]>>()

/** Highlight `<pre><code class="language-x">` blocks with highlight.js classes. */
export function highlightCode() {
  return async function (tree: Root, file: VFile): Promise<undefined> {
    const blocks: Array<{ code: Element; language: string }> = []
    visit(tree, 'element', (node, _, parent) => {
      if (node.tagName !== 'code' || parent?.type !== 'element' || parent.tagName !== 'pre') return
      const language = languageOf(node)
      if (language !== undefined && !plainText.has(language)) blocks.push({ code: node, language })
    })
    if (blocks.length === 0) return
    highlighter ??= loadHighlighter()
    const { lowlight, hljs } = await highlighter
    const names = blocks.map(({ language }) => grammarName(language)).filter((name) => name !== undefined)
    await register(new Set(names), lowlight, hljs)
    for (const { code, language } of blocks) {
      const name = grammarName(language)
      if (name === undefined) {
        warn(
          file,
          `Code in \`${language}\` is shown without colours: highlight.js knows no such language (check its spelling, or use \`text\`)`,
          code,
          'code-language',
        )
        continue
      }
      code.children = lowlight.highlight(name, toText(code, { whitespace: 'pre' })).children as ElementContent[]
      const classes = Array.isArray(code.properties.className) ? code.properties.className : []
      code.properties.className = ['hljs', ...classes]
    }
  }
}

/** The language a code element names in its class (`language-x`, or `lang-x`), lower-cased. */
function languageOf(code: Element): string | undefined {
  const classes = Array.isArray(code.properties.className) ? code.properties.className.map(String) : []
  if (classes.some((name) => plainText.has(name))) return undefined
  const named = classes.find((name) => name.startsWith('language-') || name.startsWith('lang-'))
  return named?.slice(named.indexOf('-') + 1).toLowerCase()
}

/** The grammar a language name or alias stands for, if highlight.js has one. */
function grammarName(language: string): string | undefined {
  if (Object.hasOwn(grammars, language)) return language
  return Object.hasOwn(aliases, language) ? aliases[language] : undefined
}

async function loadHighlighter() {
  // lowlight's index also loads every grammar it bundles (~60 ms); the deck's are loaded below instead.
  const [{ createLowlight }, { default: hljs }] = await Promise.all([import('lowlight'), import('highlight.js/lib/core')])
  return { lowlight: createLowlight(), hljs }
}

/**
 * Register grammars `names`, and the grammars they embed, each once. (Two
 * may embed each other, as HTML and JavaScript do: neither waits on the other.)
 */
async function register(names: Iterable<string>, lowlight: Highlighter, hljs: HLJSApi): Promise<void> {
  const pending = [...names]
  const waiting: Array<Promise<unknown>> = []
  while (pending.length > 0) {
    const name = pending.pop()!
    if (!registering.has(name)) {
      const done = grammars[name]!().then(({ default: grammar }) => {
        lowlight.register(name, grammar)
        return [...embeddedLanguages(grammar, hljs)].map(grammarName).filter((other) => other !== undefined)
      })
      registering.set(name, done)
      waiting.push(done.then((embedded) => register(embedded, lowlight, hljs)))
    } else waiting.push(registering.get(name)!)
  }
  await Promise.all(waiting)
}

/** The languages a grammar hands parts of its code to (`subLanguage`), such as the CSS inside HTML. */
function embeddedLanguages(grammar: LanguageFn, hljs: HLJSApi): Set<string> {
  const found = new Set<string>()
  const seen = new Set<object>()
  const walk = (value: unknown) => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return
    seen.add(value)
    if ('subLanguage' in value) {
      const sub = value.subLanguage
      for (const language of Array.isArray(sub) ? sub : [sub]) if (typeof language === 'string') found.add(language.toLowerCase())
    }
    for (const child of Object.values(value)) walk(child)
  }
  walk(grammar(hljs))
  return found
}
