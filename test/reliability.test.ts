/**
 * Reliability: every bad input of the README's table, with its exit code,
 * its message and the previous output left as it was; the browser failing
 * while it draws diagrams; builds side by side; a damaged cache; raw HTML.
 * (Faults while printing are in pdf.test.ts, Ctrl-C in dev in dev.test.ts,
 * generated Markdown in fuzz.test.ts.)
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { before, describe, test } from 'node:test'
import { findBrowser, launchBrowser, profileParent } from '../src/browser/browser.ts'
import { assertEndedCleanly, browsersUnder, killBrowsersUnder, leftovers, signalBrowsersUnder, startBuild } from './faults.ts'
import { root, runCli, runMeasured, snapshot, tempDir } from './helpers.ts'

const png = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3d1b1e70000000049454e44ae426082',
  'hex',
)

/** A bad input: how to make it in `dir`, and what diapo must say. */
interface BadInput {
  name: string
  make: (dir: string) => Promise<string>
  code: number
  message: RegExp
  /** Extra arguments, e.g. to name the output. */
  args?: (dir: string) => string[]
}

const slide = '## Una diapositiva\n\nTexto.\n'
const file = (name: string, content: string | Buffer) => async (dir: string) => {
  await writeFile(path.join(dir, name), content)
  return path.join(dir, name)
}

const badInputs: BadInput[] = [
  {
    name: 'invalid YAML frontmatter',
    make: file('deck.md', '---\ntitle: [unclosed\n---\n\n' + slide),
    code: 1,
    message: /deck\.md:2:\d+ +error +.*frontmatter/i,
  },
  {
    name: 'a theme file that does not exist',
    make: file('deck.md', '---\ntheme: ./nope.css\n---\n\n' + slide),
    code: 1,
    message: /deck\.md:2:1 +error +Theme file `\.\/nope\.css` not found/,
  },
  {
    name: 'a missing image',
    make: file('deck.md', slide + '\n![un gato](gato.png)\n'),
    code: 1,
    message: /deck\.md:5:1 +error +Image `gato\.png` not found/,
  },
  {
    name: 'an image that is not an image',
    make: async (dir) => {
      await writeFile(path.join(dir, 'gato.png'), 'esto no es un PNG')
      return file('deck.md', slide + '\n![un gato](gato.png)\n')(dir)
    },
    code: 1,
    message: /deck\.md:5:1 +error +Image `gato\.png` is not a PNG image/,
  },
  {
    name: 'an invalid diagram',
    make: file('deck.md', slide + '\n```mermaid\nflowchart LR\n  A --> B -->\n```\n'),
    code: 1,
    message: /deck\.md:7:\d+ +error +Invalid Mermaid diagram/,
  },
  { name: 'an empty file', make: file('deck.md', ''), code: 1, message: /deck\.md:1:1 +error +The deck has no slides/ },
  {
    name: 'a folder with no Markdown',
    make: async (dir) => {
      await mkdir(path.join(dir, 'talk'))
      await writeFile(path.join(dir, 'talk', 'notes.txt'), 'no Markdown here')
      return path.join(dir, 'talk')
    },
    code: 1,
    message: /No Markdown files \(\*\.md\) in/,
  },
  { name: 'a binary file', make: file('deck.md', png), code: 1, message: /deck\.md:1:1 +error +This is a binary file/ },
  {
    name: 'a 10 MB Markdown file',
    make: file('deck.md', slide.repeat(Math.ceil((10 * 1024 * 1024) / slide.length))),
    code: 1,
    message: /deck\.md:1:1 +error +The deck is 10\.0 MB of Markdown, more than the 2\.0 MB/,
  },
  {
    name: 'an unreadable file (a link to nothing)',
    make: async (dir) => {
      await mkdir(path.join(dir, 'talk'))
      await writeFile(path.join(dir, 'talk', '01.md'), slide)
      await symlink(path.join(dir, 'missing.md'), path.join(dir, 'talk', '02.md'))
      return path.join(dir, 'talk')
    },
    code: 3,
    message: /Cannot read .*02\.md: ENOENT/,
  },
  {
    name: 'an output folder that cannot be written',
    make: file('deck.md', slide),
    code: 3,
    message: /Cannot create a folder in \/proc/,
    args: () => ['--out', '/proc/diapo-out'],
  },
  {
    name: 'a dist/ that is a file',
    make: async (dir) => {
      await writeFile(path.join(dir, 'not-a-folder'), 'a file')
      return file('deck.md', slide)(dir)
    },
    code: 3,
    message: /not-a-folder.* is a file/,
    args: (dir) => ['--out', path.join(dir, 'not-a-folder')],
  },
]

describe('bad input: exit code, message, previous output untouched', () => {
  let out: string
  let before_: Record<string, string>

  before(async () => {
    out = path.join(await tempDir(), 'dist')
    const run = await runCli(['build', '--out', out, '--no-pdf'])
    assert.equal(run.code, 0, run.stderr)
    before_ = await snapshot(out)
  })

  for (const bad of badInputs) {
    test(bad.name, async () => {
      const dir = await tempDir()
      const input = await bad.make(dir)
      const run = await runCli(['build', input, ...(bad.args?.(dir) ?? ['--out', out]), '--no-pdf'], root, {
        DIAPO_CACHE_DIR: path.join(dir, 'cache'),
      })
      assert.equal(run.code, bad.code, run.stderr)
      assert.match(run.stderr, bad.message)
      assert.doesNotMatch(run.stderr, /internal error|\n\s+at /, 'no stack trace')
      assert.deepEqual(await snapshot(out), before_, 'the previous output is as it was')
    })
  }
})

describe('the browser failing while it draws diagrams', () => {
  /** A deck of new diagrams (a cache of its own, empty), so that the browser has drawing to do. */
  async function diagramDeck() {
    const dir = await tempDir()
    const diagrams = Array.from(
      { length: 30 },
      (_, index) =>
        `## Diagrama ${index}\n\n\`\`\`mermaid\nflowchart LR\n  A${index}[Inicio] --> B${index}{¿Listo?} --> C${index}[Fin]\n\`\`\`\n`,
    )
    const deck = path.join(dir, 'deck.md')
    await writeFile(deck, diagrams.join('\n'))
    await mkdir(path.join(dir, 'tmp'))
    return { dir, deck, env: { DIAPO_CACHE_DIR: path.join(dir, 'cache') } }
  }

  test('killed: exit 3, nothing written, no browser left', async () => {
    const { dir, deck, env } = await diagramDeck()
    const child = startBuild(deck, dir, ['--no-pdf'], env)
    await child.waitFor(/browser: started/)
    killBrowsersUnder(dir)
    await assertEndedCleanly(child, dir, 3, /browser/i)
  })

  test('hung: exit 3 once --timeout passes, naming the step, no browser left', async () => {
    const { dir, deck, env } = await diagramDeck()
    const child = startBuild(deck, dir, ['--no-pdf', '--timeout', '3'], env)
    await child.waitFor(/browser: starting/)
    // Stopped as soon as it exists: whatever it was doing, it never answers.
    for (let tries = 0; browsersUnder(dir).length === 0 && tries < 200; tries++) await new Promise((resolve) => setTimeout(resolve, 10))
    signalBrowsersUnder(dir, 'SIGSTOP')
    await assertEndedCleanly(child, dir, 3, /Timed out after 3 s waiting for|did not start within 3 s/)
  })
})

describe('builds side by side, and the diagram cache', () => {
  test('the browser’s profile is made in memory where there is /dev/shm, unless TMPDIR is set, and removed when it ends', async () => {
    const tmpdir = process.env.TMPDIR
    delete process.env.TMPDIR
    try {
      const running = await launchBrowser(findBrowser())
      if (existsSync('/dev/shm')) assert.equal(path.dirname(running.profile), '/dev/shm')
      assert.ok(existsSync(running.profile))
      await running.close()
      assert.ok(!existsSync(running.profile))
      process.env.TMPDIR = await tempDir()
      assert.equal(await profileParent(), process.env.TMPDIR)
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = tmpdir
    }
  })

  test('a TMPDIR too deep for Chromium’s socket (as macOS’s own is): the browser starts all the same, and leaves nothing', async () => {
    const tmpdir = process.env.TMPDIR
    // With the profile's name and Chromium's own, the socket's path would be ~150 bytes: Chromium aborted.
    process.env.TMPDIR = path.join(await tempDir(), 'T'.repeat(50))
    await mkdir(process.env.TMPDIR)
    try {
      const running = await launchBrowser(findBrowser())
      assert.equal(path.dirname(running.profile), process.env.TMPDIR)
      const page = await running.newPage()
      assert.equal(await page.evaluate('6 * 7'), 42)
      const temporary = path.join('/tmp', path.basename(running.profile))
      assert.ok(existsSync(temporary), 'its temporary files go where the socket fits')
      await running.close()
      assert.ok(!existsSync(running.profile) && !existsSync(temporary))
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = tmpdir
    }
  })

  test('two builds at once into different folders, sharing one cold cache: both right, the same bytes', async () => {
    const dir = await tempDir()
    const env = { DIAPO_CACHE_DIR: path.join(dir, 'cache') }
    const [one, two] = await Promise.all(
      ['one', 'two'].map((name) => runCli(['build', '--out', path.join(dir, name), '--no-pdf'], root, env)),
    )
    assert.equal(one!.code, 0, one!.stderr)
    assert.equal(two!.code, 0, two!.stderr)
    assert.deepEqual(await snapshot(path.join(dir, 'one')), await snapshot(path.join(dir, 'two')))
    const entries = await readdir(path.join(dir, 'cache', 'diagrams'))
    assert.equal(entries.filter((name) => name.endsWith('.json')).length, 2)
    assert.deepEqual(
      entries.filter((name) => !name.endsWith('.json')),
      [],
      'no temporary file left in the cache',
    )
  })

  test('a damaged cache entry is never used: it is drawn again, and the output is right', async () => {
    const dir = await tempDir()
    const env = { DIAPO_CACHE_DIR: path.join(dir, 'cache') }
    const first = await runCli(['build', '--out', path.join(dir, 'first'), '--no-pdf'], root, env)
    assert.equal(first.code, 0, first.stderr)
    const entries = path.join(dir, 'cache', 'diagrams')
    const [damaged] = await readdir(entries)
    const text = await readFile(path.join(entries, damaged!), 'utf8')
    await writeFile(path.join(entries, damaged!), text.slice(0, text.length / 2))
    const second = await runCli(['build', '--out', path.join(dir, 'second'), '--no-pdf', '--verbose'], root, env)
    assert.equal(second.code, 0, second.stderr)
    assert.match(second.stderr, /diagrams: 1 from the cache, 1 to render/)
    assert.deepEqual(await snapshot(path.join(dir, 'second')), await snapshot(path.join(dir, 'first')))
  })
})

describe('raw HTML and scripts', () => {
  const markdown = `## Hola

<script>alert(1)</script>

<img src="foto.png" onerror="alert(2)" alt="nada">

[clic](javascript:alert(3))

<details><summary>Más</summary>Detalle</details>
`

  test('kept by default, each script, handler and javascript: link warned of at its line', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), markdown)
    await writeFile(path.join(dir, 'foto.png'), png)
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /deck\.md:3:1 +warning +Raw HTML with a `<script>`.*build with --safe/)
    assert.match(run.stderr, /deck\.md:5:1 +warning +Raw HTML with an `on…=` event handler/)
    assert.match(run.stderr, /deck\.md:7:1 +warning +A `javascript:` link/)
    const html = await readFile(path.join(dir, 'out', 'index.html'), 'utf8')
    assert.match(html, /<script>alert\(1\)<\/script>/)
  })

  test('--safe sanitizes: no script, handler or javascript: link survives; the rest does', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), markdown)
    await writeFile(path.join(dir, 'foto.png'), png)
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf', '--safe'])
    assert.equal(run.code, 0, run.stderr)
    const html = await readFile(path.join(dir, 'out', 'index.html'), 'utf8')
    const slides = html.slice(html.indexOf('<div class="slides">'), html.lastIndexOf('</div></div>'))
    assert.doesNotMatch(slides, /<script|onerror|javascript:/i)
    assert.match(slides, /<details><summary>Más<\/summary>Detalle<\/details>/)
    assert.match(slides, /<img src="assets\/foto-[0-9a-f]+\.png" alt="nada">/)
    assert.ok(existsSync(path.join(dir, 'out', 'assets', 'reveal', 'reveal.js')), 'the deck’s own scripts are kept')
  })
})

describe('faults of the machine: which folder, and why', () => {
  const deck = '## Una\n\n```mermaid\nflowchart LR\n  A --> B\n```\n'

  for (const pdf of [true, false]) {
    test(`a cache that cannot be written is a warning naming it, and the deck is built${pdf ? ' with its PDF' : ''}`, async () => {
      const dir = await tempDir()
      await writeFile(path.join(dir, 'deck.md'), deck)
      await writeFile(path.join(dir, 'not-a-folder'), 'a file')
      const run = await runCli(['build', 'deck.md', '--out', 'out', ...(pdf ? [] : ['--no-pdf'])], dir, {
        DIAPO_CACHE_DIR: path.join(dir, 'not-a-folder', 'cache'),
      })
      assert.equal(run.code, 0, run.stderr)
      assert.match(
        run.stderr,
        /deck\.md +warning +The cache .*not-a-folder\/cache\/diagrams cannot be written \(ENOTDIR.*\); built without it/,
      )
      assert.ok(existsSync(path.join(dir, 'out', 'index.html')))
    })
  }

  for (const command of ['build', 'pdf']) {
    test(`a TMPDIR that does not exist: exit 3 naming it (diapo ${command})`, async () => {
      const dir = await tempDir()
      await writeFile(path.join(dir, 'deck.md'), deck)
      const run = await runCli([command, 'deck.md', '--out', command === 'pdf' ? 'out.pdf' : 'out'], dir, {
        TMPDIR: path.join(dir, 'missing'),
      })
      assert.equal(run.code, 3, run.stderr)
      assert.match(run.stderr, /TMPDIR is .*missing, which diapo cannot use \(ENOENT\); create that folder, or unset TMPDIR/)
      assert.doesNotMatch(run.stderr, /\n\s+at /)
    })
  }

  test('an output or a cache under /proc: no endless retrying; exit 3 for the output, a warning for the cache', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), deck)
    const out = await runMeasured(['build', 'deck.md', '--out', '/proc/diapo/out', '--no-pdf'], dir)
    assert.equal(out.code, 3, out.stderr)
    assert.match(out.stderr, /Cannot create the folder \/proc\/diapo: ENOENT/)
    assert.ok(out.seconds < 10, `${out.seconds} s`)
    const cache = await runMeasured(['build', 'deck.md', '--out', 'out'], dir, { DIAPO_CACHE_DIR: '/proc/diapo/cache' })
    assert.equal(cache.code, 0, cache.stderr)
    assert.match(cache.stderr, /warning +The cache \/proc\/diapo\/cache\/.* cannot be written/)
    assert.ok(cache.seconds < 10, `${cache.seconds} s`)
  })
})

describe('nothing left behind', () => {
  /** A deck of 200 slides (a second or two to build with its PDF), its browser's profile under dir/tmp. */
  async function deckIn(dir: string) {
    await writeFile(path.join(dir, 'deck.md'), Array.from({ length: 200 }, (_, index) => `## ${index}\n\n- Punto\n`).join('\n'))
    await mkdir(path.join(dir, 'tmp'), { recursive: true })
    return path.join(dir, 'deck.md')
  }

  test('Ctrl-C at any moment of a build: exit 130, no staging folder, no profile, no browser', async () => {
    for (const delay of [0, 150, 300, 500, 800, 1200]) {
      const dir = await tempDir()
      const deck = await deckIn(dir)
      const child = startBuild(deck, dir)
      await new Promise((resolve) => setTimeout(resolve, delay))
      child.process.kill('SIGINT')
      const ended = await child.done
      // Ended by the signal before diapo was listening for it (null), or done first (0): what matters is what is left.
      assert.ok(ended.code === 130 || ended.code === 0 || ended.code === null, `${delay} ms: ${ended.code} ${ended.stderr}`)
      // Wait a moment for a killed browser's processes to be gone from the process table.
      await new Promise((resolve) => setTimeout(resolve, 100))
      assert.deepEqual(
        (await leftovers(dir)).filter((name) => name !== 'out'),
        [],
        `${delay} ms`,
      )
      assert.deepEqual(browsersUnder(dir), [], `${delay} ms`)
    }
  })

  test('kill -9: what the killed build left is swept by the next one, which builds', async () => {
    const dir = await tempDir()
    const deck = await deckIn(dir)
    const child = startBuild(deck, dir)
    await child.waitFor(/pdf: page open/)
    child.process.kill('SIGKILL')
    await child.done
    const left = await leftovers(dir)
    assert.ok(
      left.some((name) => name.startsWith('.out.tmp-')) && left.some((name) => name.startsWith('tmp/diapo-chromium-')),
      left.join(', '),
    )
    const next = startBuild(deck, dir)
    assert.equal((await next.done).code, 0)
    await new Promise((resolve) => setTimeout(resolve, 100))
    assert.deepEqual(
      (await leftovers(dir)).filter((name) => name !== 'out'),
      [],
    )
    assert.deepEqual(browsersUnder(dir), [])
  })

  test('five builds to one output at once: all succeed, and leave nothing beside it', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), '## Una\n\nTexto.\n')
    const runs = await Promise.all(Array.from({ length: 5 }, () => runCli(['build', 'deck.md', '--out', 'out', '--no-pdf'], dir)))
    for (const run of runs) assert.equal(run.code, 0, run.stderr)
    assert.deepEqual((await readdir(dir)).sort(), ['deck.md', 'out'])
  })
})
