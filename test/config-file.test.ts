/**
 * The config file (`diapo.config.js`, `.mjs`, `.ts`, `.json`): found upward
 * from the deck, its keys checked with their places, its defaults under the
 * frontmatter, and the user's remark and rehype plugins run where the
 * README says.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { build } from '../src/index.ts'
import { runCli, tempDir } from './helpers.ts'

/** A project: `files` written under a new folder (paths relative to it). */
async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempDir()
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), text)
  }
  return dir
}

const deck = '## Hello\n\nSome text.\n'

describe('finding the config file', () => {
  test('upward from the deck, wherever the command runs; paths from the config’s folder; defaults under the frontmatter', async () => {
    const dir = await project({
      'diapo.config.json': JSON.stringify({ out: 'public', defaults: { lang: 'fr', footer: 'From the config', theme: 'diapo-dark' } }),
      'talks/one/deck.md': deck,
      'talks/two/deck.md': `---\nlang: es\n---\n\n${deck}`,
    })
    const elsewhere = await tempDir()
    const one = await runCli(['build', path.join(dir, 'talks', 'one', 'deck.md'), '--no-pdf'], elsewhere)
    assert.equal(one.code, 0, one.stderr)
    const html = await readFile(path.join(dir, 'public', 'index.html'), 'utf8')
    assert.match(html, /<html lang="fr">/)
    assert.match(html, /From the config/)
    assert.equal(one.stderr, '')
    const themeOf = (page: string) => /href="(assets\/theme-[^"]+)"/.exec(page)?.[1]
    const plain = await runCli(['build', path.join(dir, 'talks', 'one', 'deck.md'), '--no-pdf', '--no-config', '--out', 'plain'], elsewhere)
    assert.equal(plain.code, 0, plain.stderr)
    assert.notEqual(
      themeOf(html),
      themeOf(await readFile(path.join(elsewhere, 'plain', 'index.html'), 'utf8')),
      'the dark theme, not the default',
    )
    assert.equal(existsSync(path.join(elsewhere, 'dist')), false, 'the config’s `out` is from its own folder')
    // The deck's frontmatter says otherwise: it wins; `--out` wins over the config.
    const two = await runCli(['build', 'talks/two/deck.md', '--no-pdf', '--out', 'two'], dir)
    assert.equal(two.code, 0, two.stderr)
    assert.match(await readFile(path.join(dir, 'two', 'index.html'), 'utf8'), /<html lang="es">/)
  })

  test('--config names one; --no-config reads none; the nearest one wins', async () => {
    const dir = await project({
      'diapo.config.json': JSON.stringify({ defaults: { lang: 'fr' } }),
      'talk/diapo.config.json': JSON.stringify({ defaults: { lang: 'de' } }),
      'talk/deck.md': deck,
      'other.json': JSON.stringify({ defaults: { lang: 'it' } }),
    })
    const langOf = async (args: string[]) => {
      const run = await runCli(['build', 'talk/deck.md', '--no-pdf', '--out', 'out', ...args], dir)
      assert.equal(run.code, 0, run.stderr)
      return /<html lang="(\w+)">/.exec(await readFile(path.join(dir, 'out', 'index.html'), 'utf8'))?.[1]
    }
    assert.equal(await langOf([]), 'de')
    assert.equal(await langOf(['--config', 'other.json']), 'it')
    assert.equal(await langOf(['--no-config']), 'en')
  })
})

describe('a wrong config is an error at its place, and nothing is built', () => {
  const cases: Array<{ name: string; file: string; text: string; message: RegExp }> = [
    {
      name: 'an unknown setting, with the likely one',
      file: 'diapo.config.json',
      text: '{\n  "ouput": "public"\n}\n',
      message: /diapo\.config\.json:2:12: unknown setting `ouput`; did you mean `out`\?/,
    },
    {
      name: 'an unknown frontmatter key in `defaults`',
      file: 'diapo.config.json',
      text: '{\n  "defaults": {\n    "lang": "fr",\n    "slideNumbers": true\n  }\n}\n',
      message: /diapo\.config\.json:4:21: unknown frontmatter key `slideNumbers` in `defaults`; did you mean `slideNumber`\?/,
    },
    {
      name: 'a frontmatter value of the wrong kind',
      file: 'diapo.config.json',
      text: '{"defaults": {"slideLevel": 9}}',
      message: /diapo\.config\.json:1:29: `defaults\.slideLevel` must be a whole number from 1 to 6/,
    },
    {
      name: 'invalid JSON',
      file: 'diapo.config.json',
      text: '{"out": ',
      message: /diapo\.config\.json: invalid JSON/,
    },
    {
      name: 'plugins that are not a list, in a JS file: at the line naming them',
      file: 'diapo.config.mjs',
      text: "export default {\n  out: 'public',\n  remarkPlugins: 'remark-emoji',\n}\n",
      message: /diapo\.config\.mjs:3:3: `remarkPlugins` must be a list of plugins/,
    },
    {
      name: 'a JS file that throws',
      file: 'diapo.config.js',
      text: "throw new Error('no config today')\n",
      message: /diapo\.config\.js: cannot be loaded: no config today/,
    },
    {
      name: 'a plugin package that is not installed',
      file: 'diapo.config.json',
      text: '{"remarkPlugins": ["remark-not-installed-anywhere"]}',
      message: /the package `remark-not-installed-anywhere` cannot be loaded from .*; install it there/,
    },
  ]
  for (const { name, file, text, message } of cases) {
    test(name, async () => {
      const dir = await project({ [file]: text, 'deck.md': deck })
      const run = await runCli(['build', 'deck.md', '--no-pdf', '--out', 'out'], dir)
      assert.equal(run.code, 2, run.stderr)
      assert.match(run.stderr, message)
      assert.equal(existsSync(path.join(dir, 'out')), false)
    })
  }
})

/** A remark plugin that upper-cases the text, and a rehype plugin that marks every slide with its option. */
const plugins = `
function shout() {
  return (tree) => {
    const walk = (node) => {
      if (node.type === 'text') node.value = node.value.toUpperCase()
      for (const child of node.children ?? []) walk(child)
    }
    walk(tree)
  }
}
function stamp(options) {
  return (tree) => {
    for (const node of tree.children) if (node.type === 'element' && node.tagName === 'section') node.properties.dataStamp = options.text
  }
}
`

describe('the user’s plugins', () => {
  test('a remark plugin and a rehype plugin (with options) change the output, in a JS config', async () => {
    const dir = await project({
      'diapo.config.mjs': `${plugins}\nexport default { remarkPlugins: [shout], rehypePlugins: [[stamp, { text: 'seen' }]] }\n`,
      'deck.md': deck,
    })
    const run = await runCli(['build', 'deck.md', '--no-pdf', '--out', 'out'], dir)
    assert.equal(run.code, 0, run.stderr)
    const html = await readFile(path.join(dir, 'out', 'index.html'), 'utf8')
    assert.match(html, /<section data-stamp="seen"><h2 id="hello">HELLO<\/h2><p>SOME TEXT\.<\/p>/)
  })

  test('a TypeScript config (compiled by jiti) with types, and a diagram a remark plugin writes is drawn', async () => {
    const dir = await project({
      'diapo.config.ts': `import type { Root } from 'mdast'
interface Options { label: string }
function addDiagram(options: Options) {
  return (tree: Root) => {
    tree.children.push({ type: 'code', lang: 'mermaid', value: \`flowchart LR\\n  A[\${options.label}] --> B[Done]\` })
  }
}
export default { remarkPlugins: [[addDiagram, { label: 'Typed' } satisfies Options]] }
`,
      'deck.md': deck,
    })
    const run = await runCli(['build', 'deck.md', '--no-pdf', '--out', 'out'], dir)
    assert.equal(run.code, 0, run.stderr)
    const html = await readFile(path.join(dir, 'out', 'index.html'), 'utf8')
    assert.match(html, /<svg[^>]*>[\s\S]*Typed[\s\S]*<\/svg>/)
  })

  test('plugins named by package in a JSON config are loaded from the project’s node_modules', async () => {
    const dir = await project({
      'node_modules/rehype-stamp/package.json': JSON.stringify({ name: 'rehype-stamp', type: 'module', exports: './index.js' }),
      'node_modules/rehype-stamp/index.js': `${plugins}\nexport default stamp\n`,
      'diapo.config.json': JSON.stringify({ rehypePlugins: [['rehype-stamp', { text: 'from a package' }]] }),
      'deck.md': deck,
    })
    const run = await runCli(['build', 'deck.md', '--no-pdf', '--out', 'out'], dir)
    assert.equal(run.code, 0, run.stderr)
    assert.match(await readFile(path.join(dir, 'out', 'index.html'), 'utf8'), /data-stamp="from a package"/)
  })

  test('a plugin that throws is an error on the file it ran on, and nothing is written', async () => {
    const dir = await project({
      'diapo.config.mjs': "export default { rehypePlugins: [function broken() { return () => { throw new Error('boom') } }] }\n",
      'deck.md': deck,
    })
    const run = await runCli(['build', 'deck.md', '--no-pdf', '--out', 'out'], dir)
    assert.equal(run.code, 1, run.stderr)
    assert.match(run.stderr, /deck\.md {2}error {2}The rehype plugin `broken` \(from the config file\) failed: boom/)
    assert.equal(existsSync(path.join(dir, 'out')), false)
  })

  test('with --safe no config runs: its plugins are not loaded, and the build says so', async () => {
    const dir = await project({
      'diapo.config.mjs':
        "import { writeFileSync } from 'node:fs'\nwriteFileSync(new URL('ran', import.meta.url), '')\nexport default {}\n",
      'deck.md': deck,
    })
    const run = await runCli(['build', 'deck.md', '--no-pdf', '--out', 'out', '--safe'], dir)
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /--safe does not read diapo\.config\.mjs/)
    assert.equal(existsSync(path.join(dir, 'ran')), false, 'the config did not run')
  })

  test('the API reads the same config, or none with `config: false`', async () => {
    const dir = await project({
      'diapo.config.mjs': `${plugins}\nexport default { rehypePlugins: [[stamp, { text: 'api' }]] }\n`,
      'deck.md': deck,
    })
    const input = path.join(dir, 'deck.md')
    const withConfig = await build({ input, out: path.join(dir, 'a'), pdf: false })
    assert.equal(withConfig.ok, true)
    assert.match(withConfig.html ? await readFile(withConfig.html, 'utf8') : '', /data-stamp="api"/)
    const without = await build({ input, out: path.join(dir, 'b'), pdf: false, config: false })
    assert.doesNotMatch(await readFile(without.html!, 'utf8'), /data-stamp/)
  })
})
