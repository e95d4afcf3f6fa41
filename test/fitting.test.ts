/**
 * Decks nobody here wrote come out whole, in real Chromium: code split
 * between lines or scaled to its box, headings and lead-ins kept with what
 * follows, a slide that cannot fit marked and reported, every glyph drawn
 * or reported, every language highlighted or reported.
 */
import assert from 'node:assert/strict'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { before, describe, test } from 'node:test'
import { highlightLanguagesSource } from '../scripts/highlight-languages.ts'
import { readPdf } from './pdf-helpers.ts'
import { root, runCli, slidesOf, tempDir } from './helpers.ts'

const warnings = (stderr: string) => stderr.split('\n').filter((line) => / {2}warning {2}/.test(line))
const sectionsOf = (html: string) => slidesOf(html).split('<section').slice(1)
const headingOf = (section: string) => /<h2(?: id="[^"]*")?>([^<]*)/.exec(section)?.[1] ?? ''
/** A code block's text, as the audience reads it: its tags gone, its entities read. */
const codeText = (section: string) =>
  [...section.matchAll(/<code[^>]*>([\s\S]*?)<\/code>/g)].map((match) =>
    match[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  )

const filler = (count: number) =>
  Array.from(
    { length: count },
    (_, index) => `Párrafo de relleno número ${index + 1} con algo de texto para ocupar sitio en la diapositiva.`,
  ).join('\n\n')
const runLines = (count: number) => ['FROM debian:12', ...Array.from({ length: count }, (_, index) => `RUN echo ${index + 1}`)]

const dockerfile = runLines(60)
const console = [
  '$ docker node ls',
  'ID                            HOSTNAME   STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION',
  'dxn1zf6l61qsb1josjja83ngz *   manager1   Ready     Active         Leader           24.0.7',
  '9j68exjopxe7wfl6yuxml7a7j     worker1    Ready     Active                          24.0.7',
]
const deck = `## Largo

El Dockerfile completo:

\`\`\`Dockerfile
${dockerfile.join('\n')}
\`\`\`

## Un poco largo

\`\`\`bash
${runLines(16).join('\n')}
\`\`\`

## Ancho

\`\`\`console
${console.join('\n')}
\`\`\`

## Mantener juntos

${filler(8)}

### Un subtítulo al final

- uno
- dos
- tres

## Entrada con dos puntos

${filler(8)}

Los pasos son estos:

1. primero
2. segundo
3. tercero
`

describe('code and lead-ins, fitted', () => {
  let sections: string[]
  let pages: Awaited<ReturnType<typeof readPdf>>['pages']
  let stdout: string

  before(async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), deck)
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out')], root, {
      DIAPO_CACHE_DIR: path.join(dir, 'cache'),
    })
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual(warnings(run.stderr), [])
    stdout = run.stdout
    sections = sectionsOf(await readFile(path.join(dir, 'out', 'index.html'), 'utf8'))
    pages = (await readPdf(path.join(dir, 'out', 'largo.pdf'))).pages
  })

  const parts = (title: string) => sections.filter((section) => headingOf(section).startsWith(title))

  test('one PDF page a slide', () => {
    assert.equal(pages.length, sections.length)
    assert.match(stdout, new RegExp(`Built ${sections.length} slides \\(\\d+ made to fit\\)`))
  })

  test('a long Dockerfile is split between lines: every line once, in order, highlighted as Dockerfile in every part', () => {
    const code = parts('Largo')
    assert.ok(code.length >= 3, `${code.length} parts`)
    const lines = code.flatMap((part) => codeText(part).join('').replace(/\n$/, '').split('\n'))
    assert.deepEqual(lines, dockerfile)
    for (const part of code) {
      assert.match(part, /<code class="hljs language-Dockerfile">/)
      assert.match(part, /<span class="hljs-keyword">RUN<\/span>/)
      assert.ok(codeText(part)[0]!.trimEnd().split('\n').length >= 2, 'no part holds a single line')
    }
    assert.ok(code.slice(1).every((part) => headingOf(part) === 'Largo (cont.)'))
  })

  test('the sentence that leads into the code stays with its first part', () => {
    const [first, ...rest] = parts('Largo')
    assert.match(first!, /<p>El Dockerfile completo:<\/p><pre>/)
    assert.ok(rest.every((part) => !part.includes('El Dockerfile completo')))
  })

  test('code a little too tall is shrunk, not split', () => {
    const [part, ...more] = parts('Un poco largo')
    assert.equal(more.length, 0)
    assert.match(part!, /style="--diapo-fit: 0\.\d+"/)
    assert.deepEqual(codeText(part!)[0]!.trimEnd().split('\n'), runLines(16))
  })

  test('shell output too wide is scaled to its box, its lines whole and aligned', () => {
    const [part, ...more] = parts('Ancho')
    assert.equal(more.length, 0)
    assert.match(part!, /<code class="hljs language-console" style="--diapo-code-fit: 0\.\d+">/)
    assert.deepEqual(codeText(part!)[0]!.trimEnd().split('\n'), console)
    // In the PDF the header row is one line of text: the columns were not wrapped apart.
    const page = pages[sections.indexOf(part!)]!
    assert.match(page.text, /ID HOSTNAME STATUS AVAILABILITY MANAGER STATUS ENGINE VERSION/)
  })

  test('no slide ends with a heading or with a paragraph that leads into what follows', () => {
    for (const section of sections) {
      const body = section.replace(/<aside class="notes">[\s\S]*$/, '').replace(/<\/section>\s*$/, '')
      assert.doesNotMatch(body, /<\/h[3-6]>\s*$/, headingOf(section))
      assert.doesNotMatch(body, /:<\/p>\s*$/, headingOf(section))
    }
    const kept = parts('Mantener juntos')
    assert.ok(kept.length >= 2, 'the slide was split')
    assert.ok(kept.some((part) => /Un subtítulo al final<\/h3><ul>/.test(part)))
    const lead = parts('Entrada con dos puntos')
    assert.ok(lead.length >= 2, 'the slide was split')
    assert.ok(lead.some((part) => /Los pasos son estos:<\/p><ol/.test(part)))
  })
})

test('a table wider than the slide is scaled to it, never cut at its right edge', async () => {
  const dir = await tempDir()
  const file = path.join(dir, 'deck.md')
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`
  const header = ['Servicio', 'Imagen', 'Puertos', 'Volúmenes', 'Variables de entorno', 'Reinicio']
  const cells = [
    'web',
    '`nginx:1.25-alpine`',
    '`0.0.0.0:8080->80/tcp`',
    '`./site:/usr/share/nginx/html:ro`',
    '`DATABASE_URL`',
    '`unless-stopped`',
  ]
  await writeFile(file, `## Ancha\n\n${row(header)}\n${row(header.map(() => '---'))}\n${row(cells)}\n`)
  const run = await runCli(['build', file, '--out', path.join(dir, 'out')], root, { DIAPO_CACHE_DIR: path.join(dir, 'cache') })
  assert.equal(run.code, 0, run.stderr)
  assert.doesNotMatch(run.stderr, /diapo:overflow/)
  const [section, ...more] = sectionsOf(await readFile(path.join(dir, 'out', 'index.html'), 'utf8'))
  assert.equal(more.length, 0)
  assert.match(section!, /<table style="--diapo-table-fit: 0\.\d+">/)
})

describe('a slide that cannot fit', () => {
  const sentence = 'Una frase larga que no se puede cortar porque todo es un solo párrafo sin ningún punto de corte. '
  const text = `## Corta\n\nBien.\n\n## Imposible\n\n${sentence.repeat(60)}\n`

  test('is reported at its line, fails --strict, and is marked cut off, one page a slide', async () => {
    const dir = await tempDir()
    const file = path.join(dir, 'deck.md')
    await writeFile(file, text)
    const env = { DIAPO_CACHE_DIR: path.join(dir, 'cache') }
    const strict = await runCli(['check', '--strict', file], root, env)
    assert.equal(strict.code, 1, strict.stderr)
    assert.match(
      strict.stderr,
      /deck\.md:5:1 +warning +Slide 2 cannot be made to fit, even split and shrunk to the smallest legible text .*it is shown cut off, marked “⋯”; split it with `---` or shorten it +diapo:overflow/,
    )
    assert.match(strict.stdout, /1 cut off/)

    const build = await runCli(['build', file, '--out', path.join(dir, 'out')], root, env)
    assert.equal(build.code, 0, build.stderr)
    const sections = sectionsOf(await readFile(path.join(dir, 'out', 'index.html'), 'utf8'))
    assert.equal(sections.length, 2)
    assert.match(sections[1]!, /class="[^"]*diapo-clipped/)
    const [pdf] = (await readdir(path.join(dir, 'out'))).filter((name) => name.endsWith('.pdf'))
    assert.equal((await readPdf(path.join(dir, 'out', pdf!))).pages.length, 2)
  })
})

describe('every glyph drawn, or reported', () => {
  test('emoji, shortcodes, Japanese, Korean and Chinese are drawn; a script no font has is reported at its line and column', async () => {
    const dir = await tempDir()
    const file = path.join(dir, 'deck.md')
    await writeFile(file, `## Escrituras\n\n日本語 한국어 中文 😀 :rocket: :warning:\n\nAmharic: ሰላም ለዓለም\n`)
    const run = await runCli(['check', file, '--screenshots', path.join(dir, 'shots')], root, { DIAPO_CACHE_DIR: path.join(dir, 'cache') })
    assert.equal(run.code, 0, run.stderr)
    const found = warnings(run.stderr)
    assert.equal(found.length, 1, found.join('\n'))
    assert.match(found[0]!, /deck\.md:5:10 +warning +Slide 1: No font of the deck draws “ሰ”.*diapo:missing-glyph$/)

    const build = await runCli(['build', file, '--out', path.join(dir, 'out'), '--no-pdf'], root, {
      DIAPO_CACHE_DIR: path.join(dir, 'cache'),
    })
    const html = slidesOf(await readFile(path.join(dir, 'out', 'index.html'), 'utf8'))
    assert.equal(build.code, 0, build.stderr)
    assert.match(html, /😀 🚀 ⚠️/u)
    assert.doesNotMatch(html, /:rocket:/)
  })

  test('--screenshots leaves no picture of a slide the deck no longer has', async () => {
    const dir = await tempDir()
    const shots = path.join(dir, 'shots')
    const file = path.join(dir, 'deck.md')
    await writeFile(file, '## Uno\n\n## Dos\n\n## Tres\n')
    const env = { DIAPO_CACHE_DIR: path.join(dir, 'cache') }
    assert.equal((await runCli(['check', file, '--screenshots', shots], root, env)).code, 0)
    await writeFile(file, '## Uno\n')
    assert.equal((await runCli(['check', file, '--screenshots', shots], root, env)).code, 0)
    assert.deepEqual(await readdir(shots), ['slide-01.png'])
  })
})

describe('highlighting', () => {
  test('every language highlight.js knows, by any alias; an unknown one is reported at its fence', async () => {
    const dir = await tempDir()
    const file = path.join(dir, 'deck.md')
    const fences = ['docker', 'yml', 'html', 'klingon'].map((language) => `\`\`\`${language}\nRUN x: <b>\n\`\`\``)
    await writeFile(file, `## Código\n\n${fences.join('\n\n')}\n`)
    const run = await runCli(['build', file, '--out', path.join(dir, 'out'), '--no-pdf'], root, {
      DIAPO_CACHE_DIR: path.join(dir, 'cache'),
    })
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual(
      warnings(run.stderr).map((line) => line.replace(/^.*deck\.md/, 'deck.md')),
      [
        'deck.md:15:1  warning  Code in `klingon` is shown without colours: highlight.js knows no such language (check its spelling, or use `text`)  diapo:code-language',
      ],
    )
    const html = slidesOf(await readFile(path.join(dir, 'out', 'index.html'), 'utf8'))
    assert.match(html, /<code class="hljs language-docker"><span class="hljs-keyword">RUN<\/span>/)
    assert.match(html, /<code class="hljs language-yml"><span class="hljs-attr">RUN x:<\/span>/)
    assert.match(html, /<code class="hljs language-html">RUN x: <span class="hljs-tag">/)
    assert.match(html, /<code class="language-klingon">RUN x: &#x3C;b>/)
  })

  test('a reveal.js theme without code colours gets them: dark for a dark theme, light for a light one', async () => {
    const dir = await tempDir()
    const file = path.join(dir, 'deck.md')
    await writeFile(file, '## Código\n\n```bash\necho hola\n```\n')
    for (const [theme, background] of [
      ['night', '#0d1117'],
      ['white', '#fff'],
    ]) {
      const out = path.join(dir, theme!)
      const run = await runCli(['build', file, '--theme', theme!, '--out', out, '--no-pdf'], root, {
        DIAPO_CACHE_DIR: path.join(dir, 'cache'),
      })
      assert.equal(run.code, 0, run.stderr)
      const css = (await readdir(path.join(out, 'assets'))).filter((name) => name.endsWith('.css'))
      const text = (await Promise.all(css.map((name) => readFile(path.join(out, 'assets', name), 'utf8')))).join('\n')
      assert.match(text, new RegExp(`\\.hljs\\s*\\{[^}]*background:\\s*${background}`), theme)
      assert.match(text, /\.hljs-built_in/)
    }
  })

  test('the list of languages matches the installed highlight.js', async () => {
    const written = await readFile(path.join(root, 'src', 'html', 'highlight-languages.ts'), 'utf8')
    assert.equal(written, await highlightLanguagesSource(), 'run: node --import tsx scripts/highlight-languages.ts')
  })
})
