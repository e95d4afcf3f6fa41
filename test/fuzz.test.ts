/**
 * Generated Markdown through the whole HTML build (no browser): unbalanced
 * fences, deep nesting, huge lines, control characters, invalid UTF-8,
 * random directives and frontmatter. Every case must end in bounded time,
 * either built or failed with content errors that have a place — never
 * an uncaught exception. CI runs 40 fixed cases; `npm run fuzz` runs
 * 2,000 new ones (FUZZ_RUNS; FUZZ_SEED replays a run).
 */
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import fc from 'fast-check'
import { buildDeck } from '../src/build.ts'
import { DiapoError } from '../src/errors.ts'
import { tempDir } from './helpers.ts'

const runs = Number(process.env.FUZZ_RUNS ?? 40)
/** CI runs the same cases every time (a fixed seed), so it never fails by luck; `npm run fuzz` draws new ones. */
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? undefined : 20261128
/** Far above a normal build (~0.1 s): a case slower than this counts as a hang. */
const limitMs = 10_000
/** What a hostile input may take: 5 s on this machine alone, twice that beside the other test files. */
const bombLimitMs = 10_000

const char = fc.constantFrom(...'aeiouxyzÁéíñüÑ¿¡«»“”🐳 .,;:!?\'"*_`~#>|\\[]()<>{}=-0123456789')
const word = fc.array(char, { maxLength: 30 }).map((chars) => chars.join(''))
const control = fc.constantFrom('\u0000', '\u0007', '\u001b[31m', '\u200b', '\u202e', '\ufeff', '\r', '\t', '\u2028')
const line = fc.oneof(
  word,
  fc.tuple(fc.integer({ min: 1, max: 7 }), word).map(([depth, text]) => `${'#'.repeat(depth)} ${text}`),
  fc.constantFrom(
    '---',
    '***',
    '___',
    '```',
    '```js',
    '~~~',
    '````',
    ':::',
    ':::notes',
    ':::fragment',
    ':::incremental',
    '::slide',
    '<!--',
    '-->',
    '<div>',
    '</div>',
    '$$',
  ),
  fc
    .tuple(fc.constantFrom('background', 'class', 'id', 'fit', 'transition', 'data-x', 'colour', 'onload'), word)
    .map(([key, value]) => `::slide{${key}="${value.replace(/"/g, '')}"}`),
  fc
    .tuple(word, fc.constantFrom('', '{.fade-up}', '{index=2}', '{index=-1}', '{.grow index=x}'))
    .map(([text, attributes]) => `${text} :fragment${attributes}`),
  fc.tuple(fc.integer({ min: 1, max: 60 }), word).map(([depth, text]) => `${'  '.repeat(depth)}- ${text}`),
  fc.tuple(fc.integer({ min: 1, max: 60 }), word).map(([depth, text]) => `${'>'.repeat(depth)} ${text}`),
  fc.tuple(word, fc.integer({ min: 1_000, max: 60_000 })).map(([text, length]) => text.padEnd(length, 'x')),
  fc.tuple(word, control).map(([text, char]) => `${text}${char}${text}`),
  fc.constantFrom(
    '| a | b |',
    '| --- | --- |',
    '| 1 |',
    '[^1]',
    '[^1]: nota',
    '[ref]: https://example.com',
    '![](nada.png)',
    '![alt](<sp ace.png>)',
    '<script>x</script>',
    '[a](javascript:x)',
    'Note: notas',
    'notes:',
  ),
)
const frontmatter = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '---\ntitle: Hola\nlang: es\n---\n',
    '---\ntitle: [roto\n---\n',
    '---\nslideLevel: 9\nvertical: sí\n---\n',
    '---\nreveal: 3\ntheme: ninguno\n---\n',
    '---\n---\n',
    '---\nincremental: true\nvertical: true\n---\n',
  ),
)
const markdown = fc.tuple(frontmatter, fc.array(line, { maxLength: 80 })).map(([head, lines]) => head + lines.join('\n'))
/** Bytes that are not UTF-8, put somewhere in the text. */
const bytes = fc.tuple(markdown, fc.nat(), fc.constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80])).map(([text, at, bad]) => {
  const encoded = Buffer.from(text)
  const place = encoded.length === 0 ? 0 : at % encoded.length
  return Buffer.concat([encoded.subarray(0, place), Buffer.from(bad), encoded.subarray(place)])
})

/**
 * Hostile inputs up to the size cap: one unit repeated (deep nesting,
 * emphasis and bracket bombs), wide tables, YAML alias bombs. Fewer cases:
 * each is up to 2 MB.
 */
const bombRuns = Math.max(12, Math.round(runs / 8))
const unit = fc.constantFrom(
  '>',
  '> ',
  '  - x\n',
  '- ',
  '1. ',
  '**_',
  '_**',
  '*a_',
  '*',
  '_',
  '[',
  ']',
  '[a](',
  '![',
  '[a]',
  '<a',
  '<!--',
  '`',
  '``',
  '~',
  '~~',
  ':a[',
  ':::a\n',
  '::a',
  '|x',
  '&amp;',
  '\\',
  '[^a]',
  'www.a.com ',
  '# ',
  '\n',
  '\n\n',
  '    ',
  '\t',
  '$',
  '{',
  '<div>',
  'a ',
  '```\n',
)
const bomb = fc.oneof(
  fc
    .tuple(fc.array(unit, { minLength: 1, maxLength: 3 }), fc.integer({ min: 100, max: 2_000_000 }), fc.boolean())
    .map(([units, bytes, head]) => {
      const piece = units.join('')
      return (head ? '## Bomb\n\n' : '') + piece.repeat(Math.max(1, Math.floor(bytes / piece.length)))
    }),
  fc.tuple(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 2000 })).map(([columns, rows]) => {
    const header = `|${' c |'.repeat(columns)}\n|${'---|'.repeat(columns)}\n`
    return `## Table\n\n${header}${`|${' x |'.repeat(columns)}\n`.repeat(Math.max(1, Math.min(rows, Math.floor(2_000_000 / (columns * 4 + 2)))))}`
  }),
  fc.integer({ min: 2, max: 12 }).map((levels) => {
    const anchors = Array.from(
      { length: levels },
      (_, level) =>
        `l${level}: &l${level} [${Array(9)
          .fill(level ? `*l${level - 1}` : '"lol"')
          .join(', ')}]`,
    )
    return `---\n${anchors.join('\n')}\n---\n\n## A\n`
  }),
)

test(`${bombRuns} hostile inputs up to the size cap end in bounded time, built or with placed errors`, async () => {
  const dir = await tempDir()
  let count = 0
  await fc.assert(
    fc.asyncProperty(bomb, async (content) => {
      const input = path.join(dir, `bomb-${++count}.md`)
      await writeFile(input, content)
      const started = performance.now()
      const result = await buildDeck({ input, outDir: path.join(dir, `bomb-out-${count}`), pdf: false, cacheDir: path.join(dir, 'cache') })
      const fatal = result.files.flatMap((file) => file.messages.filter((message) => message.fatal))
      if (!result.ok) for (const message of fatal) assert.ok((message.line ?? 0) >= 1, `an error without a place: ${message.reason}`)
      // 5 s alone on this machine; twice that beside the other test files.
      const took = Math.round(performance.now() - started)
      assert.ok(took < bombLimitMs, `${took} ms for ${content.length} bytes starting ${JSON.stringify(content.slice(0, 80))}`)
    }),
    { numRuns: bombRuns, seed, endOnFailure: true },
  )
})

test(`${runs} generated decks build, or fail with placed content errors, in bounded time`, async () => {
  const dir = await tempDir()
  let count = 0
  await fc.assert(
    fc.asyncProperty(fc.oneof(markdown, bytes), async (content) => {
      const input = path.join(dir, `case-${++count}.md`)
      await writeFile(input, content)
      const started = performance.now()
      let timer: NodeJS.Timeout | undefined
      const hang = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no result after ${limitMs} ms`)), limitMs)
      })
      try {
        const result = await Promise.race([
          buildDeck({ input, outDir: path.join(dir, `out-${count}`), pdf: false, cacheDir: path.join(dir, 'cache') }),
          hang,
        ])
        const fatal = result.files.flatMap((file) => file.messages.filter((message) => message.fatal))
        if (!result.ok) {
          assert.ok(fatal.length > 0, 'a failed build says why')
          for (const message of fatal) assert.ok((message.line ?? 0) >= 1, `an error without a place: ${message.reason}`)
        }
      } catch (error) {
        // Only diapo's own errors (a usage or environment problem) may end a build; never a bug's exception.
        if (!(error instanceof DiapoError)) throw error
        assert.ok(!error.message.includes('internal'), error.message)
      } finally {
        clearTimeout(timer)
      }
      assert.ok(performance.now() - started < limitMs)
    }),
    { numRuns: runs, seed, endOnFailure: true },
  )
})
