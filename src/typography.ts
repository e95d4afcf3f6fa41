/**
 * Stage: the typography of the deck's language. Straight double quotes
 * become the language's own — «comillas angulares» in Spanish, “curly” in
 * English — and straight single quotes and apostrophes curly ones;
 * `...` an ellipsis, `--` a dash; code is left as written. (¿ and ¡ need
 * nothing more: the bundled fonts have them, and no line breaks between
 * them and their word.)
 */
import remarkSmartypants from 'remark-smartypants'
import type { Plugin } from 'unified'
import type { DeckConfig } from './config.ts'

/**
 * Double quotes by language (the primary subtag). Single quotes stay ‘ ’ in
 * every language, since the closing one is also the apostrophe.
 */
const doubleQuotes: Record<string, [string, string]> = {
  es: ['«', '»'],
  ca: ['«', '»'],
  pt: ['«', '»'],
  it: ['«', '»'],
  fr: ['«\u202f', '\u202f»'],
  de: ['„', '“'],
}
const english: [string, string] = ['“', '”']

/** Smart punctuation for `config.lang`. */
export const typography: Plugin<[Pick<DeckConfig, 'lang'>]> = function (config) {
  const [open, close] = doubleQuotes[config.lang.toLowerCase().split('-')[0] ?? ''] ?? english
  return remarkSmartypants.call(this, {
    backticks: false,
    dashes: 'oldschool',
    openingQuotes: { double: open, single: '‘' },
    closingQuotes: { double: close, single: '’' },
  })
}
