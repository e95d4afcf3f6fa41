/**
 * The `diapo` command as a user runs it: exit codes, messages, output files.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { root, runCli, slidesOf, snapshot, tempDir } from './helpers.ts'

const noStackTrace = /^\s+at /m

/** The theme stylesheet a build wrote into `out` (its name is its content's hash). */
async function themeCss(out: string): Promise<string> {
  const name = (await readdir(path.join(out, 'assets'))).find((file) => file.startsWith('theme-'))
  return readFile(path.join(out, 'assets', name!), 'utf8')
}

describe('diapo (no command)', () => {
  test('--help prints usage and exits 0', async () => {
    const run = await runCli(['--help'])
    assert.equal(run.code, 0)
    assert.match(run.stdout, /Usage: diapo <command>/)
    assert.match(run.stdout, /build/)
  })

  test('build --help prints the command usage', async () => {
    const run = await runCli(['build', '--help'])
    assert.equal(run.code, 0)
    assert.match(run.stdout, /Usage: diapo build \[input\]/)
    assert.match(run.stdout, /--out/)
  })

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string }
    const run = await runCli(['--version'])
    assert.equal(run.code, 0)
    assert.equal(run.stdout.trim(), version)
  })

  test('an unknown command is a usage error (exit 2)', async () => {
    const run = await runCli(['bulid'])
    assert.equal(run.code, 2)
    assert.match(run.stderr, /Unknown command `bulid`/)
  })

  test('`diapo deck.md` and `diapo folder/` build it, as Marp and reveal-md users type them', async () => {
    const dir = await tempDir()
    await mkdir(path.join(dir, 'talk'))
    await writeFile(path.join(dir, 'talk', 'a.md'), '## Uno\n')
    await writeFile(path.join(dir, 'deck.md'), '## Hola\n')
    const file = await runCli(['deck.md', '--no-pdf'], dir)
    assert.equal(file.code, 0, file.stderr)
    assert.match(file.stdout, /Built 1 slide → dist\/index\.html/)
    const folder = await runCli(['talk/', '--no-pdf', '--out', 'folder-out'], dir)
    assert.equal(folder.code, 0, folder.stderr)
    assert.ok(existsSync(path.join(dir, 'folder-out', 'index.html')))
    const missing = await runCli(['nope.md'], dir)
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /Input not found: nope\.md/)
  })

  test('a pandoc title block is the deck’s title, authors and date, and the title slide pandoc makes of them', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'deck.md'), '% Mi charla\n% Ana; Luis\n% 2026\n\n## Hola\n')
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(run.code, 0, run.stderr)
    const html = await readFile(path.join(dir, 'out', 'index.html'), 'utf8')
    assert.match(html, /<title>Mi charla<\/title>/)
    assert.match(html, /<meta name="author" content="Ana, Luis">/)
    assert.match(run.stdout, /Built 2 slides/)
    assert.match(
      slidesOf(html),
      /^\s*<section class="title" id="title-slide"><h1 id="mi-charla">Mi charla<\/h1><p class="author">Ana, Luis<\/p><p class="date">2026<\/p><\/section>/,
    )
    assert.doesNotMatch(html, /% Mi charla/)
  })

  test('a pandoc deck’s metadata: subtitle and title-slide-attributes on its title slide, reveal.js variables as options, the rest warned of', async () => {
    const dir = await tempDir()
    await copyFile(path.join(root, 'test', 'fixtures', 'images', 'pixel.png'), path.join(dir, 'bridge.png'))
    const yaml = [
      'title: Models',
      'subtitle: A *short* talk',
      'author:',
      '  - Jan',
      '  - Peter',
      'institute: MPI',
      'title-slide-attributes:',
      '  data-background-image: bridge.png',
      'transition: fade',
      'controls: "false"',
      'bibliography: refs.bib',
    ].join('\n')
    await writeFile(path.join(dir, 'deck.md'), `---\n${yaml}\n---\n\n## First\n\nText.\n`)
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(run.code, 0, run.stderr)
    assert.match(
      run.stderr,
      /deck\.md:12:1 +warning +pandoc's `bibliography` is not rendered by diapo: the deck is built without it {2}diapo:pandoc/,
    )
    assert.doesNotMatch(run.stderr, /Unknown frontmatter key/)
    const html = await readFile(path.join(dir, 'out', 'index.html'), 'utf8')
    const [title] = slidesOf(html).split('<section').slice(1)
    assert.match(title!, /class="title" id="title-slide" data-background-image="assets\/bridge-[0-9a-f]{10}\.png"/)
    assert.match(
      title!,
      /<h1 id="models">Models<\/h1><p class="subtitle">A <em>short<\/em> talk<\/p><p class="author">Jan, Peter<\/p><p class="institute">MPI<\/p>/,
    )
    assert.match(html, /"transition":"fade"/)
    assert.match(html, /"controls":false/)
  })

  test('`dialect:` says which tool a deck is written for, over what its syntax suggests', async () => {
    const dir = await tempDir()
    const build = async (frontmatter: string, body: string) => {
      await writeFile(path.join(dir, 'deck.md'), `---\n${frontmatter}\n---\n\n${body}`)
      const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
      return { run, html: run.code === 0 ? slidesOf(await readFile(path.join(dir, 'out', 'index.html'), 'utf8')) : '' }
    }
    // A lone `--` is reveal.js's vertical separator, unless the deck says it is diapo's.
    const stacked = await build('title: t', '## Uno\n\n--\n\n## Dos\n')
    assert.match(stacked.html, /^\s*<section><section>/)
    const plain = await build('dialect: diapo', '## Uno\n\n--\n\n## Dos\n')
    assert.doesNotMatch(plain.html, /<section><section>/)
    assert.match(plain.html, /<p>–<\/p>/)
    // Slidev splits at `---` only: its two headings stay on one slide.
    const slidev = await build('dialect: slidev', '## Uno\n\n## Dos\n')
    assert.equal(slidev.html.split('<section').length - 1, 1)
    // Another tool's setting in a deck that is not written for it: an unknown key, as any other.
    const stray = await build('dialect: diapo\nclass: x\nseparator: <!--s-->', '## Uno\n')
    assert.equal(stray.run.code, 0, stray.run.stderr)
    assert.match(stray.run.stderr, /deck\.md:3:1 +warning +Unknown frontmatter key `class`, ignored/)
    assert.match(stray.run.stderr, /deck\.md:4:1 +warning +Unknown frontmatter key `separator`, ignored/)
    const wrong = await build('dialect: keynote', '## Uno\n')
    assert.equal(wrong.run.code, 1)
    assert.match(wrong.run.stderr, /deck\.md:2:1 +error +`dialect` must be one of diapo, marp, slidev, reveal-md, pandoc, not "keynote"/)
  })

  test('Marp’s `size: 4:3` is a 960×720 canvas; other sizes are a warning at the key', async () => {
    const dir = await tempDir()
    const build = async (size: string) => {
      await writeFile(path.join(dir, 'deck.md'), `---\nmarp: true\nsize: ${size}\n---\n\n# Uno\n`)
      const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
      assert.equal(run.code, 0, run.stderr)
      return { run, html: await readFile(path.join(dir, 'out', 'index.html'), 'utf8') }
    }
    const square = await build('4:3')
    assert.match(square.html, /"width":960,"height":720/)
    assert.match(square.html, /--diapo-canvas-height: 720px/)
    assert.doesNotMatch(square.run.stderr, /size/)
    const wide = await build('16:9')
    assert.match(wide.html, /"width":1280,"height":720/)
    const other = await build('A4')
    assert.match(other.run.stderr, /deck\.md:3:1 +warning +Marp's `size` \(a slide size other than 16:9 and 4:3\) is not rendered/)
  })

  test('decks as people write them: Marp directives without `marp: true`, authors as a list, Windows paths', async () => {
    const dir = await tempDir()
    await mkdir(path.join(dir, 'img'))
    await copyFile(path.join(root, 'test', 'fixtures', 'images', 'pixel.png'), path.join(dir, 'img', 'pixel.png'))
    // Marp CLI reads any Markdown as Marp: `paginate` says the deck is one; `_paginate` is for the first slide.
    await writeFile(path.join(dir, 'deck.md'), '---\npaginate: true\n_paginate: false\n---\n\n# <!--fit--> Big\n\n---\n\n# Two\n')
    const marp = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(marp.code, 0, marp.stderr)
    assert.doesNotMatch(marp.stderr, /Unknown frontmatter key/)
    assert.match(marp.stderr, /deck\.md:6:3 +warning +Marp's `<!--fit-->` heading .* {2}diapo:marp/)
    const sections = slidesOf(await readFile(path.join(dir, 'out', 'index.html'), 'utf8'))
      .split('<section')
      .slice(1)
    assert.doesNotMatch(sections[0]!, /diapo-slide-number/)
    assert.match(sections[1]!, /<div class="diapo-slide-number">2<\/div>/)
    // pandoc's and Quarto's list of authors; a path written with backslashes.
    await writeFile(path.join(dir, 'deck.md'), '---\nauthor:\n  - Ana\n  - Luis\n---\n\n## Uno\n\n![A pixel](.\\img\\pixel.png)\n')
    const listed = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(listed.code, 0, listed.stderr)
    const html = await readFile(path.join(dir, 'out', 'index.html'), 'utf8')
    assert.match(html, /<meta name="author" content="Ana, Luis">/)
    assert.match(html, /<img src="assets\/pixel-[0-9a-f]{10}\.png" alt="A pixel">/)
    // What shows nothing before the first heading (reveal-md decks start with `<base target="_blank">`) is not a slide of its own.
    await writeFile(
      path.join(dir, 'deck.md'),
      '<base target="_blank"> <!-- links open apart -->\n\n<style>h2 { color: red }</style>\n\n## Uno\n\nTexto.\n',
    )
    const lead = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(lead.code, 0, lead.stderr)
    assert.match(lead.stdout, /Built 1 slide /)
    // A slide of nothing but a comment is empty, and said to be.
    await writeFile(path.join(dir, 'deck.md'), '## Uno\n\nTexto.\n\n---\n\n<!-- nada -->\n\n---\n\n## Dos\n')
    const check = await runCli(['check', path.join(dir, 'deck.md')])
    assert.match(check.stderr, /deck\.md:7:1 +warning +Slide 2: The slide is empty {2}diapo:empty-slide/)
  })

  test('a Slidev deck’s utility classes are styled as Slidev’s UnoCSS styles them, scaled to the canvas; other decks get none', async () => {
    const dir = await tempDir()
    const slides = [
      '---',
      'layout: center',
      '---',
      '',
      '# Grid',
      '',
      '<div class="grid grid-cols-2 gap-4 bg-[url(https://example.com/x.png)]">',
      '',
      'Left',
      '',
      '</div>',
      '',
      '<div grid="~ cols-3" class="abs-br text-center">Three</div>',
      '',
    ].join('\n')
    await writeFile(path.join(dir, 'deck.md'), slides)
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(run.code, 0, run.stderr)
    const html = await readFile(path.join(dir, 'out', 'index.html'), 'utf8')
    assert.match(html, /href="assets\/theme-[0-9a-f]+\.css">\s*<link rel="stylesheet" href="assets\/slidev-utilities\.css">/)
    const css = await readFile(path.join(dir, 'out', 'assets', 'slidev-utilities.css'), 'utf8')
    assert.match(css, /\.grid-cols-2\{grid-template-columns:repeat\(2,minmax\(0,1fr\)\);\}/)
    assert.match(css, /\[grid~="cols-3"\]\{grid-template-columns:repeat\(3,minmax\(0,1fr\)\);\}/)
    // 1rem on Slidev's 980 px canvas is 16 px: on diapo's 1280 px one, 16 × 1280 / 980.
    assert.match(css, /\.gap-4\{gap:20\.89\d*px;\}/)
    assert.match(css, /\.abs-br\{position:absolute;bottom:0;right:0;\}/)
    // Slidev's type sizes: its 1.1rem body on a 980 px canvas is 23 px on diapo's 1280 px one.
    assert.match(css, /--r-main-font-size: 23\.0px;/)
    assert.doesNotMatch(css, /url\(/)
    await writeFile(path.join(dir, 'deck.md'), '## Plain\n\n<div class="grid grid-cols-2">x</div>\n')
    const plain = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(plain.code, 0, plain.stderr)
    assert.doesNotMatch(await readFile(path.join(dir, 'out', 'index.html'), 'utf8'), /slidev-utilities/)
  })

  test('css: and --css add stylesheets after the theme and diapo’s rules, in that order; one outside the deck or missing is an error', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'brand.css'), '.reveal { --r-heading-color: #c0392b; }\n')
    const flag = path.join(await tempDir(), 'talk.css')
    await writeFile(flag, '.reveal p { font-style: italic; }\n')
    await writeFile(path.join(dir, 'deck.md'), '---\ncss: brand.css\n---\n\n## Uno\n\nTexto.\n')
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf', '--css', flag])
    assert.equal(run.code, 0, run.stderr)
    const css = await themeCss(path.join(dir, 'out'))
    const layout = css.indexOf('.reveal pre.diapo-steps')
    const brand = css.indexOf('--r-heading-color: #c0392b')
    const italic = css.indexOf('font-style: italic; }')
    assert.ok(
      layout > 0 && brand > layout && italic > brand,
      `theme, then diapo's rules, then css:, then --css (${layout}, ${brand}, ${italic})`,
    )

    await writeFile(path.join(dir, 'deck.md'), '---\ncss:\n  - ../secret.css\n  - missing.css\n---\n\n## Uno\n')
    const bad = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out2'), '--no-pdf'])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /deck\.md:2:1 +error +Stylesheet .*secret\.css.* outside the deck's folder.* {2}diapo:outside-deck/)
    assert.match(bad.stderr, /deck\.md:2:1 +error +Stylesheet `missing\.css` not found: looked for .* {2}diapo:css/)
    assert.equal(existsSync(path.join(dir, 'out2')), false)

    // Slidev's `css: unocss` names its CSS engine, which diapo uses too: no stylesheet to look for.
    await writeFile(path.join(dir, 'deck.md'), '---\ncss: unocss\nlayout: center\n---\n\n# Uno\n')
    const slidev = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out3'), '--no-pdf'])
    assert.equal(slidev.code, 0, slidev.stderr)
    assert.doesNotMatch(slidev.stderr, /css/)
  })

  test('Marp’s style: is CSS added after the theme; in a comment it is a warning', async () => {
    const dir = await tempDir()
    await writeFile(
      path.join(dir, 'deck.md'),
      '---\nmarp: true\nstyle: |\n  section h1 { color: #c0392b; }\n---\n\n# Hola\n\n<!-- style: h1 { color: red } -->\n',
    )
    const run = await runCli(['build', path.join(dir, 'deck.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /deck\.md:9:1 +warning +Marp's `style` \(CSS for the deck, written in a comment/)
    const css = await themeCss(path.join(dir, 'out'))
    assert.ok(css.trimEnd().endsWith('section h1 { color: #c0392b; }'), css.slice(-200))
  })

  test('an unknown option is a usage error (exit 2)', async () => {
    const run = await runCli(['build', '--colour'])
    assert.equal(run.code, 2)
    assert.match(run.stderr, /Unknown option '--colour'/)
  })
})

describe('diapo build', () => {
  test('builds the talk and prints one summary line', async () => {
    const out = path.join(await tempDir(), 'deck')
    const run = await runCli(['build', 'slides', '--out', out])
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^Built 15 slides → .*index\.html, .*introduccion-a-los-contenedores\.pdf \(15 pages\) in \d+\.\d\d s\n$/)
    assert.equal(run.stderr, '')
    const html = await readFile(path.join(out, 'index.html'), 'utf8')
    assert.match(html, /<html lang="es">/)
  })

  test('a missing input is a usage error (exit 2) naming it', async () => {
    const run = await runCli(['build', 'no/such/slides.md'])
    assert.equal(run.code, 2)
    assert.match(run.stderr, /Input not found: no\/such\/slides\.md/)
  })

  test('a folder without Markdown is a content error (exit 1)', async () => {
    const empty = await tempDir()
    const run = await runCli(['build', empty, '--out', path.join(empty, 'out')])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /No Markdown files \(\*\.md\)/)
  })

  test('invalid YAML frontmatter: exit 1, file:line:col, no stack trace', async () => {
    const run = await runCli(['build', 'test/fixtures/frontmatter-invalid-yaml/input.md', '--out', path.join(await tempDir(), 'out')])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /test\/fixtures\/frontmatter-invalid-yaml\/input\.md:3:18 {2}error {2}Invalid YAML in frontmatter/)
    assert.match(run.stderr, /nothing was written/)
    assert.doesNotMatch(run.stderr, noStackTrace)
  })

  test('an unknown frontmatter key is a warning with its place and a suggestion', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'talk.md'), '---\ntitle: T\nslideLevl: 2\n---\n\n## Slide\n')
    const run = await runCli(['build', path.join(dir, 'talk.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(run.code, 0, run.stderr)
    assert.match(
      run.stderr,
      /talk\.md:3:1 {2}warning {2}Unknown frontmatter key `slideLevl`, ignored; did you mean `slideLevel`\? {2}diapo:frontmatter-key/,
    )
    assert.match(run.stdout, /Built 1 slide .*\(1 warning\)/)
  })

  test('a wrong frontmatter type is an error (exit 1) with its place', async () => {
    const run = await runCli(['build', 'test/fixtures/frontmatter-errors/input.md', '--out', path.join(await tempDir(), 'out')])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /input\.md:5:1 {2}error {4}Frontmatter `incremental` must be `true` or `false`, not "yes"/)
  })

  test('missing images: exit 1, every one named with file:line:col, previous output untouched', async () => {
    const out = path.join(await tempDir(), 'out')
    const good = await runCli(['build', 'test/fixtures/images/input.md', '--out', out, '--no-pdf'])
    assert.equal(good.code, 0, good.stderr)
    const before = await snapshot(out)

    const run = await runCli(['build', 'test/fixtures/missing-image/input.md', '--out', out, '--no-pdf'])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /missing-image\/input\.md:5:27 {2}error {2}Image `does-not-exist\.png` not found/)
    assert.match(run.stderr, /missing-image\/input\.md:7:1 {3}error {2}Image `sub\/none\.jpg` not found/)
    assert.match(run.stderr, /2 errors: nothing was written/)
    assert.doesNotMatch(run.stderr, noStackTrace)
    assert.deepEqual(await snapshot(out), before)
  })

  test('a theme diapo does not have (another tool’s) is a warning naming the one used; --strict fails on it; --theme chooses', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'talk.md'), '---\ntheme: seriph\n---\n\n## Slide\n')
    const run = await runCli(['build', path.join(dir, 'talk.md'), '--out', path.join(dir, 'out'), '--no-pdf'])
    assert.equal(run.code, 0, run.stderr)
    assert.match(
      run.stderr,
      /talk\.md:2:1 {2}warning {2}Theme `seriph` is not one diapo has \(it is Slidev's\): the deck is built with `diapo`; choose another with `--theme` or `theme:` \(diapo, .*black.*\) {2}diapo:unknown-theme/,
    )
    assert.match(await readFile(path.join(dir, 'out', 'index.html'), 'utf8'), /assets\/theme-[0-9a-f]+\.css/)

    const strict = await runCli(['check', path.join(dir, 'talk.md'), '--strict'], root, { DIAPO_CACHE_DIR: path.join(dir, 'cache') })
    assert.equal(strict.code, 1, strict.stderr)

    const chosen = await runCli(['build', path.join(dir, 'talk.md'), '--out', path.join(dir, 'out'), '--theme', 'white', '--no-pdf'])
    assert.equal(chosen.code, 0, chosen.stderr)
    assert.doesNotMatch(chosen.stderr, /unknown-theme/)
  })

  test('a theme named on the command line must exist: an error', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'talk.md'), '## Slide\n')
    const run = await runCli(['build', path.join(dir, 'talk.md'), '--out', path.join(dir, 'out'), '--no-pdf', '--theme', 'nonesuch'])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /error {2}Unknown theme `nonesuch`; use one of diapo, .*black/)
  })

  test('an output path that is a file is an environment error (exit 3)', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'dist'), 'a file')
    const run = await runCli(['build', 'test/fixtures/split-headings/input.md', '--out', path.join(dir, 'dist')])
    assert.equal(run.code, 3)
    assert.match(run.stderr, /is a file, not a folder/)
    assert.equal(await readFile(path.join(dir, 'dist'), 'utf8'), 'a file')
  })

  test('a folder diapo did not write is never replaced (exit 3)', async () => {
    const dir = await tempDir()
    await mkdir(path.join(dir, 'src'))
    await writeFile(path.join(dir, 'src', 'precious.txt'), 'keep me')
    const run = await runCli(['build', 'test/fixtures/split-headings/input.md', '--out', path.join(dir, 'src')])
    assert.equal(run.code, 3)
    assert.match(run.stderr, /holds files diapo did not write/)
    assert.equal(await readFile(path.join(dir, 'src', 'precious.txt'), 'utf8'), 'keep me')
  })

  test('the same input gives byte-identical output', async () => {
    const dir = await tempDir()
    const first = path.join(dir, 'a')
    const second = path.join(dir, 'b')
    assert.equal((await runCli(['build', '--out', first])).code, 0)
    assert.equal((await runCli(['build', '--out', second])).code, 0)
    assert.deepEqual(await snapshot(second), await snapshot(first))
  })

  test('no temporary folder is left beside the output', async () => {
    const dir = await tempDir()
    assert.equal((await runCli(['build', 'test/fixtures/images/input.md', '--out', path.join(dir, 'out'), '--no-pdf'])).code, 0)
    assert.equal((await runCli(['build', 'test/fixtures/missing-image/input.md', '--out', path.join(dir, 'out'), '--no-pdf'])).code, 1)
    assert.deepEqual(await readdir(dir), ['out'])
  })

  test('a binary input file is a content error naming it', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'slides.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))
    const run = await runCli(['build', path.join(dir, 'slides.md'), '--out', path.join(dir, 'out')])
    assert.equal(run.code, 1)
    assert.match(run.stderr, /slides\.md:1:1 {2}error {2}This is a binary file/)
    assert.equal(existsSync(path.join(dir, 'out')), false)
  })
})

describe('paths the user is shown', () => {
  test('relative to where the user stands when inside it, absolute when not: never climbing out with ../', async () => {
    const here = await tempDir()
    const elsewhere = await tempDir()
    await writeFile(path.join(elsewhere, 'deck.md'), '## Slide\n\n![](missing-alt.png)\n')
    await writeFile(path.join(elsewhere, 'missing-alt.png'), await readFile(path.join(root, 'test/fixtures/images/pixel.png')))
    const build = await runCli(['build', path.join(elsewhere, 'deck.md'), '--out', 'out', '--no-pdf'], here)
    assert.equal(build.code, 0, build.stderr)
    assert.match(build.stderr, new RegExp(`^${escape(path.join(elsewhere, 'deck.md'))}:3:1 +warning`, 'm'))
    assert.match(build.stdout, /→ out[\\/]index\.html/)
    assert.doesNotMatch(build.stdout + build.stderr, /\.\.[\\/]/)

    const cache = path.join(elsewhere, 'cache')
    const doctor = await runCli(['doctor'], here, { DIAPO_CACHE_DIR: cache })
    assert.match(doctor.stdout, new RegExp(`diagram cache +${escape(cache)} `))
    assert.doesNotMatch(doctor.stdout, /\.\.[\\/]/)
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
