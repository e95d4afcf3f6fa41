/**
 * diapo as its users get it: the packed tarball installed globally into a
 * prefix of its own, run from a folder that has nothing of this repository,
 * and run npx-style from the tarball.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { promisify } from 'node:util'
import { packagesUnder, sizeOf } from '../scripts/installed-package.ts'
import { readPdf } from './pdf-helpers.ts'
import { root, tempDir } from './helpers.ts'

const run = promisify(execFile)
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
/** Quiet, and from the cache `npm ci` filled where it can. */
const npmFlags = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']

describe('the package', () => {
  test('packed, installed globally in a prefix of its own, it builds a new deck from an unrelated folder; npx-style too', async (t) => {
    const dir = await tempDir()
    // lib/ is compiled already (npm test's set-up): packed as it is, not compiled again under the other tests;
    // only the API's type declarations are added, as `npm pack` adds them.
    await run(process.execPath, ['--input-type=module', '-e', "await (await import('./scripts/compile.mjs')).declarations()"], {
      cwd: root,
    })
    const packed = await run(npm, ['pack', '--ignore-scripts', '--pack-destination', dir, '--json', ...npmFlags], { cwd: root })
    const { filename, files } = (JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>)[0]!
    const tarball = path.join(dir, path.basename(filename))
    const paths = files.map((file) => file.path)
    for (const file of [
      'lib/cli.js',
      'lib/index.js',
      'lib/unified.js',
      'lib/types/index.d.ts',
      'lib/types/unified.d.ts',
      'themes/diapo.css',
    ])
      assert.ok(paths.includes(file), file)
    assert.deepEqual(
      paths.filter((file) => /^(src|test|slides|scripts|\.ci|dist)\//.test(file)),
      [],
      'no sources, tests, talk, scripts or CI',
    )

    const prefix = path.join(dir, 'prefix')
    await run(npm, ['install', '--global', '--prefix', prefix, tarball, ...npmFlags], { cwd: dir })
    const installed = path.join(prefix, 'lib', 'node_modules', 'diapo')
    t.diagnostic(`installed: ${Math.round(sizeOf(installed) / 1e6)} MB, ${packagesUnder(installed) + 1} packages with diapo`)

    // A new deck with what loads files at run time: fonts (Latin, CJK, emoji), KaTeX, highlighting, a diagram with an icon.
    const deck = path.join(dir, 'elsewhere')
    await run(process.execPath, ['-e', `require('node:fs').mkdirSync(${JSON.stringify(deck)})`])
    await writeFile(
      path.join(deck, 'deck.md'),
      [
        '# Installed\n\n::slide{class="title"}\n\nFrom a packed tarball :rocket:\n',
        '## Math and code\n\nThe area $A = \\pi r^2$.\n\n```js\nconst area = (r) => Math.PI * r ** 2\n```\n',
        '## A diagram with an icon\n\n```mermaid\nflowchart LR\n  A[logos:docker-icon Docker] --> B[Done]\n```\n',
        '## 日本語\n\nMixed scripts: 한국어, 中文.\n',
      ].join('\n'),
    )
    const env = {
      ...process.env,
      DIAPO_CACHE_DIR: path.join(dir, 'cache'),
      PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}`,
    }
    const built = await run('diapo', ['build', 'deck.md', '--out', 'out'], { cwd: deck, env })
    assert.equal(built.stderr, '', 'no warning: every glyph drawn, the icon found')
    assert.match(built.stdout, /Built 4 slides/)
    const pdf = await readPdf(path.join(deck, 'out', 'installed.pdf'))
    assert.equal(pdf.pages.length, 4)
    assert.match(pdf.pages[2]!.text, /Docker/)
    assert.match(await readFile(path.join(deck, 'out', 'index.html'), 'utf8'), /class="katex"/)

    // The API as another project uses it: `import { build } from 'diapo'`, typed.
    const project = path.join(dir, 'project')
    await mkdir(path.join(project, 'node_modules'), { recursive: true })
    await symlink(installed, path.join(project, 'node_modules', 'diapo'), 'dir')
    await writeFile(path.join(project, 'package.json'), '{ "type": "module" }\n')
    const use = (typed: boolean) =>
      [
        `import { build, defineConfig, formatMessages${typed ? ', type BuildResult' : ''} } from 'diapo'`,
        // A config file's settings, typed: what \`diapo.config.ts\` exports.
        "defineConfig({ out: 'public', defaults: { lang: 'es', slideNumber: true }, remarkPlugins: [() => undefined] })",
        `const result${typed ? ': BuildResult' : ''} = await build({ input: ${JSON.stringify(path.join(deck, 'deck.md'))}, out: 'api-out', pdf: false })`,
        'console.log(JSON.stringify({ ok: result.ok, slides: result.slideCount, messages: formatMessages(result.files).length }))',
      ].join('\n')
    await writeFile(path.join(project, 'use.ts'), use(true))
    await writeFile(path.join(project, 'use.mjs'), use(false))
    const compilerOptions = { target: 'ES2022', module: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }
    await writeFile(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { ...compilerOptions, typeRoots: [path.join(root, 'node_modules', '@types')] },
        files: ['use.ts'],
      }),
    )
    await run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project])
    const used = await run(process.execPath, ['use.mjs'], { cwd: project, env })
    assert.deepEqual(JSON.parse(used.stdout), { ok: true, slides: 4, messages: 0 })
    assert.ok(existsSync(path.join(project, 'api-out', 'index.html')))
    // The unified preset, by its own name.
    const preset = await run(
      process.execPath,
      ['--input-type=module', '-e', "console.log((await import('diapo/unified')).default.plugins.length)"],
      {
        cwd: project,
      },
    )
    assert.ok(Number(preset.stdout) > 1)

    // npx-style: the tarball run without installing it anywhere first.
    const { version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string }
    const npx = await run(npm, ['exec', '--yes', `--package=${tarball}`, ...npmFlags, '--', 'diapo', '--version'], { cwd: deck, env })
    assert.equal(npx.stdout.trim(), version)
  })
})
