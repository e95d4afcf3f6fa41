/**
 * Diagrams without a browser: finding them, naming them in the cache,
 * the cache itself, and the browser finder's rules.
 */
import assert from 'node:assert/strict'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { VFile } from 'vfile'
import { findBrowser } from '../src/browser/browser.ts'
import { buildDeck } from '../src/build.ts'
import { DiskCache } from '../src/files/cache.ts'
import { EnvironmentError } from '../src/errors.ts'
import { insertDiagrams } from '../src/deck/insert-diagrams.ts'
import { DeckFiles } from '../src/files/deck-files.ts'
import { parseStages } from '../src/pipeline.ts'
import { diagramKey, type DiagramContext } from '../src/browser/render-diagrams.ts'
import { tempDir } from './helpers.ts'

async function parse(markdown: string, dir: string) {
  const file = new VFile({ path: path.join(dir, 'talk.md'), value: markdown })
  const processor = parseStages(new DeckFiles([dir]))
  const tree = processor.parse(file)
  await processor.run(tree, file)
  return { file, tree }
}

describe('collecting diagrams', () => {
  test('finds mermaid fences and .mmd images, with the line of their first Mermaid line', async () => {
    const dir = await tempDir()
    await mkdir(path.join(dir, 'diagrams'))
    await writeFile(path.join(dir, 'diagrams', 'stack.mmd'), 'block-beta\n  a b\n')
    const { file, tree } = await parse(
      '## One\n\n```mermaid\nflowchart LR\n  A --> B\n```\n\n## Two\n\n![The stack](diagrams/stack.mmd)\n\n```js\nnot = "a diagram"\n```\n',
      dir,
    )

    const diagrams = file.data.diagrams ?? []
    assert.equal(diagrams.length, 2)
    assert.deepEqual(
      diagrams.map(({ source, alt, line, column, file: source_file }) => ({
        source,
        alt,
        line,
        column,
        path: path.relative(dir, source_file.path),
      })),
      [
        { source: 'flowchart LR\n  A --> B', alt: undefined, line: 4, column: 1, path: 'talk.md' },
        { source: 'block-beta\n  a b\n', alt: 'The stack', line: 1, column: 1, path: path.join('diagrams', 'stack.mmd') },
      ],
    )
    const figures = tree.children.filter((node) => node.type === 'diagram')
    assert.equal(figures.length, 2, 'each diagram leaves a figure in its place (the image’s paragraph included)')
    assert.ok(
      tree.children.some((node) => node.type === 'code' && node.lang === 'js'),
      'other code stays code',
    )
  })

  test('a missing .mmd file is an error at the image', async () => {
    const { file } = await parse('## Slide\n\nText.\n\n![Gone](nowhere.mmd)\n', await tempDir())
    assert.equal(file.messages.length, 1)
    const [message] = file.messages
    assert.equal(message?.fatal, true)
    assert.equal(message?.line, 5)
    assert.equal(message?.column, 1)
    assert.match(message?.reason ?? '', /Diagram `nowhere\.mmd` not found/)
  })
})

describe('a deck without diagrams', () => {
  test('starts no browser for its HTML', async () => {
    const dir = await tempDir()
    const result = await buildDeck({ input: 'test/fixtures/gfm-table/input.md', outDir: path.join(dir, 'out'), cacheDir: dir, pdf: false })
    assert.equal(result.ok, true)
    assert.equal(result.browserLaunches, 0)
    assert.deepEqual(result.diagrams, { rendered: 0, cached: 0 })
  })
})

describe('diagram cache keys', () => {
  const context: DiagramContext = { renderer: 'r1', mermaid: '11.17.2', theme: 'assets/theme-aaaa.css', icons: { logos: '1.2.19' } }
  const diagram = { source: 'flowchart LR\n  A --> B', alt: 'Flow' }
  const key = diagramKey(diagram, context)

  test('are stable for the same diagram and context', () => {
    assert.equal(diagramKey({ ...diagram }, { ...context, icons: { logos: '1.2.19' } }), key)
  })

  test('change with the source, the title, Mermaid, the theme, the render page and the icon packs', () => {
    const variants = [
      diagramKey({ ...diagram, source: 'flowchart LR\n  A --> C' }, context),
      diagramKey({ ...diagram, alt: 'Other' }, context),
      diagramKey(diagram, { ...context, mermaid: '11.18.0' }),
      diagramKey(diagram, { ...context, theme: 'assets/theme-bbbb.css' }),
      diagramKey(diagram, { ...context, renderer: 'r2' }),
      diagramKey(diagram, { ...context, icons: { logos: '1.3.0' } }),
    ]
    for (const variant of variants) assert.notEqual(variant, key)
    assert.equal(new Set(variants).size, variants.length)
  })
})

describe('diagram cache', () => {
  test('returns what was stored, and nothing for an unknown key', async () => {
    const cache = new DiskCache(await tempDir())
    await cache.set('k1', '<svg id="a"></svg>')
    assert.equal(await cache.get('k1'), '<svg id="a"></svg>')
    assert.equal(await cache.get('k2'), undefined)
  })

  test('a corrupt or tampered entry is never used, and is removed', async () => {
    const dir = await tempDir()
    const cache = new DiskCache(dir)
    await cache.set('torn', '<svg></svg>')
    await cache.set('tampered', '<svg></svg>')
    const entries = path.join(dir, 'diagrams')
    await writeFile(path.join(entries, 'torn.json'), '{"key":"torn","sha256":"')
    const tampered = JSON.parse(await readFile(path.join(entries, 'tampered.json'), 'utf8')) as { value: string }
    tampered.value = '<svg><script>alert(1)</script></svg>'
    await writeFile(path.join(entries, 'tampered.json'), JSON.stringify(tampered))

    assert.equal(await cache.get('torn'), undefined)
    assert.equal(await cache.get('tampered'), undefined)
    assert.deepEqual(await readdir(entries), [])
  })

  test('writes leave no temporary file behind', async () => {
    const dir = await tempDir()
    const cache = new DiskCache(dir)
    await Promise.all(Array.from({ length: 10 }, (_, index) => cache.set('same', `<svg data-n="${index}"></svg>`)))
    assert.deepEqual(await readdir(path.join(dir, 'diagrams')), ['same.json'])
    assert.match((await cache.get('same')) ?? '', /^<svg data-n="\d"><\/svg>$/)
  })
})

describe('inserting diagrams', () => {
  test('a diagram used twice gets its ids renamed the second time', () => {
    const figure = () => ({
      type: 'element' as const,
      tagName: 'figure',
      properties: { className: ['diagram'], dataDiagram: 'abc' },
      children: [],
    })
    const tree = { type: 'root' as const, children: [figure(), figure()] }
    insertDiagrams({
      svgs: new Map([['abc', '<svg id="diagram-abc"><style>#diagram-abc .x{}</style><marker id="diagram-abc_end"/></svg>']]),
    })(tree)
    const values = tree.children.map((node) => (node.children as Array<{ value: string }>)[0]?.value)
    assert.equal(values[0], '<svg id="diagram-abc"><style>#diagram-abc .x{}</style><marker id="diagram-abc_end"/></svg>')
    assert.equal(values[1], '<svg id="diagram-abc-2"><style>#diagram-abc-2 .x{}</style><marker id="diagram-abc-2_end"/></svg>')
  })
})

describe('finding a browser', () => {
  const emptyPath = { PATH: '/nonexistent' }

  test('an explicit choice that does not work is an error naming it, never a fall-back', () => {
    assert.throws(
      () => findBrowser({ flag: '/no/such/chrome', env: { ...process.env } }),
      (error: unknown) => {
        assert.ok(error instanceof EnvironmentError)
        assert.equal(error.exitCode, 3)
        assert.match(error.message, /--browser \(\/no\/such\/chrome\) is not an executable file/)
        return true
      },
    )
    assert.throws(() => findBrowser({ env: { ...process.env, CHROME_PATH: '/no/chrome' } }), /CHROME_PATH \(\/no\/chrome\)/)
    assert.throws(() => findBrowser({ config: '/no/config/chrome', env: process.env }), /config \(\/no\/config\/chrome\)/)
  })

  test('the flag comes before the config and the environment', () => {
    const choice = findBrowser({ flag: process.execPath, config: '/no/config/chrome', env: { CHROME_PATH: '/no/chrome' } })
    assert.deepEqual(choice, { executable: process.execPath, source: '--browser' })
  })

  test('PUPPETEER_EXECUTABLE_PATH comes before CHROME_PATH', () => {
    const choice = findBrowser({ env: { ...emptyPath, PUPPETEER_EXECUTABLE_PATH: process.execPath, CHROME_PATH: '/no/chrome' } })
    assert.equal(choice.source, 'PUPPETEER_EXECUTABLE_PATH')
  })

  test('with nothing installed, the error says what to install', () => {
    assert.throws(
      () => findBrowser({ env: emptyPath }),
      (error: unknown) =>
        error instanceof EnvironmentError &&
        /No Chrome, Chromium or Edge found/.test(error.message) &&
        /apt-get install -y chromium/.test(error.message),
    )
  })
})
