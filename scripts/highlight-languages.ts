/**
 * Writes src/html/highlight-languages.ts: every language highlight.js knows, by
 * each of its names and aliases, as a loader of its grammar. A deck's code
 * then loads only the grammars it uses (all 192 take ~60 ms to load), and
 * the bundle keeps each grammar in a chunk of its own.
 *
 * Run it after updating highlight.js: `node --import tsx scripts/highlight-languages.ts`.
 * A test checks the file matches the installed highlight.js.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { all } from 'lowlight'
import { format, resolveConfig } from 'prettier'

/** The file's text, for the installed highlight.js. */
export async function highlightLanguagesSource(): Promise<string> {
  const { default: hljs } = await import('highlight.js/lib/core')
  const { version } = (await import('highlight.js/package.json', { with: { type: 'json' } })).default
  // As in highlight.js's own full build, grammars register in name order, and an alias two share is the last's.
  const aliases = new Map<string, string>()
  for (const [name, grammar] of Object.entries(all).sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const alias of grammar(hljs).aliases ?? []) {
      if (alias.toLowerCase() !== name) aliases.set(alias.toLowerCase(), name)
    }
  }
  const loaders = Object.keys(all)
    .sort()
    .map((name) => `  ${JSON.stringify(name)}: () => import('highlight.js/lib/languages/${name}'),`)
  const aliasLines = [...aliases]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([alias, name]) => `  ${JSON.stringify(alias)}: ${JSON.stringify(name)},`)
  const file = fileURLToPath(new URL('../src/html/highlight-languages.ts', import.meta.url))
  return format(
    `/**
 * Every language highlight.js ${version} knows: a loader of each grammar, by
 * its name, and the name each alias stands for. Written by
 * scripts/highlight-languages.ts; do not edit.
 */
import type { LanguageFn } from 'highlight.js'

type Loader = () => Promise<{ default: LanguageFn }>

export const grammars: Record<string, Loader> = {
${loaders.join('\n')}
}

export const aliases: Record<string, string> = {
${aliasLines.join('\n')}
}
`,
    { ...(await resolveConfig(file)), filepath: file },
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(new URL('../src/html/highlight-languages.ts', import.meta.url), await highlightLanguagesSource())
}
