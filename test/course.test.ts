/**
 * A course: a folder of decks built in one run — the talk and the
 * hello-docker chapters of test/corpus (CC BY-SA 4.0, see its README) —
 * with an index, links between decks, incremental rebuilds and one atomic
 * output.
 */
import assert from 'node:assert/strict'
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { before, describe, test } from 'node:test'
import { findBrowser, launchBrowser } from '../src/browser/browser.ts'
import { build, check, dev } from '../src/index.ts'
import { readPdf } from './pdf-helpers.ts'
import { root, runCli, tempDir } from './helpers.ts'

/** The course: the talk as chapter 0, the corpus's chapters and pages, and a config naming it and the talk's link to chapter 1. */
async function course(): Promise<string> {
  const dir = path.join(await tempDir(), 'course')
  await cp(path.join(root, 'test', 'corpus', 'hello-docker'), dir, { recursive: true })
  await cp(path.join(root, 'slides'), path.join(dir, '0-introduccion'), { recursive: true })
  await writeFile(
    path.join(dir, 'diapo.config.json'),
    JSON.stringify({
      title: 'Hello Docker',
      description: 'Un curso de contenedores.',
      defaults: { lang: 'es' },
      links: { 'https://github.com/bitlogic/hello-docker/tree/master/1-running-containers': '1-corriendo-contenedores/README.md' },
    }),
  )
  return dir
}

/** A course of small decks: `files` (paths from the course's folder, in a temporary folder of its own) written. */
async function smallCourse(files: Record<string, string>): Promise<string> {
  const dir = path.join(await tempDir(), 'course')
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true })
    await writeFile(path.join(dir, name), text)
  }
  return dir
}

describe('the talk and the hello-docker chapters as a course', () => {
  let dir: string
  let out: string
  let first: Awaited<ReturnType<typeof build>>
  before(async () => {
    dir = await course()
    out = path.join(path.dirname(dir), 'out')
    first = await build({ input: dir, out, cacheDir: path.join(path.dirname(dir), 'cache') })
  })

  test('every deck in a folder of its own, with its PDF: one page a slide', async () => {
    assert.equal(first.ok, true, JSON.stringify(first.files.flatMap((file) => file.messages.map(String))))
    const decks = first.course!.decks
    assert.deepEqual(
      decks.map((deck) => deck.name),
      ['README', '0-introduccion', '1-corriendo-contenedores', '3-servicios', '4-docker-stacks', 'docker-cheatsheet'],
    )
    for (const deck of decks) {
      assert.equal(deck.built, true)
      const pdf = await readPdf(deck.pdf!)
      assert.equal(pdf.pages.length, deck.slideCount, `${deck.name}: one page a slide`)
    }
    assert.equal(decks[1]!.title, 'Introducción a los contenedores')
  })

  test('an index lists every deck in order, with its title, slide count and links, in the course’s language and the first deck’s theme', async () => {
    const index = await readFile(path.join(out, 'index.html'), 'utf8')
    assert.match(index, /<html lang="es">/)
    assert.match(index, /<title>Hello Docker<\/title>/)
    assert.match(index, /<link rel="stylesheet" href="README\/assets\/theme-[\da-f]+\.css">/)
    const listed = [...index.matchAll(/<h2><a href="([^"]+)">([^<]+)<\/a><\/h2>/g)].map((match) => [match[1], match[2]])
    assert.deepEqual(listed.slice(0, 3), [
      ['README/index.html', '¡Hola Docker!'],
      ['0-introduccion/index.html', 'Introducción a los contenedores'],
      ['1-corriendo-contenedores/index.html', 'Docker Containers'],
    ])
    assert.match(index, /15 slides · <a href="0-introduccion\/introduccion-a-los-contenedores\.pdf">PDF<\/a>/)
    // Nothing from the network: every link and stylesheet is a file of the course.
    for (const [, href] of index.matchAll(/(?:href|src)="([^"]+)"/g)) {
      assert.ok(await stat(path.join(out, decodeURIComponent(href!))).then(() => true), `${href} is in the course`)
    }
  })

  test('the talk’s closing slide leads to the next chapter (the address the config names)', async () => {
    const talk = await readFile(path.join(out, '0-introduccion', 'index.html'), 'utf8')
    assert.match(talk, /Siguiente sección: <a href="\.\.\/1-corriendo-contenedores\/index\.html">Contenedores en ejecución<\/a>/)
    // In its PDF too, as a path from the PDF's folder: the handouts lead from one chapter to the next.
    const pdf = await readPdf(first.course!.decks[1]!.pdf!)
    assert.ok(pdf.pages.at(-1)!.links.includes('../1-corriendo-contenedores/index.html'), JSON.stringify(pdf.pages.at(-1)!.links))
  })

  test('nothing changed: nothing is built or written', async () => {
    const before = await stat(path.join(out, 'index.html'))
    const again = await build({ input: dir, out, cacheDir: path.join(path.dirname(dir), 'cache') })
    assert.equal(again.ok, true)
    assert.equal(again.course!.unchanged, true)
    assert.ok(again.course!.decks.every((deck) => !deck.built))
    assert.equal((await stat(path.join(out, 'index.html'))).mtimeMs, before.mtimeMs)
  })

  test('one chapter edited: only its deck is built again; the others are kept as they were', async () => {
    const kept = await readFile(path.join(out, '1-corriendo-contenedores', 'index.html'), 'utf8')
    await writeFile(
      path.join(dir, '3-servicios', 'README.md'),
      `${await readFile(path.join(dir, '3-servicios', 'README.md'), 'utf8')}\n## Un añadido\n\nTexto nuevo.\n`,
    )
    const again = await build({ input: dir, out, cacheDir: path.join(path.dirname(dir), 'cache') })
    assert.equal(again.ok, true)
    assert.deepEqual(
      again.course!.decks.filter((deck) => deck.built).map((deck) => deck.name),
      ['3-servicios'],
    )
    assert.match(await readFile(path.join(out, '3-servicios', 'index.html'), 'utf8'), /Un añadido/)
    assert.equal(await readFile(path.join(out, '1-corriendo-contenedores', 'index.html'), 'utf8'), kept)
    assert.match(await readFile(path.join(out, 'index.html'), 'utf8'), /7 slides · <a href="3-servicios\//)
  })
})

describe('a course whose output lost a deck', () => {
  test('that deck is built again, the others kept', async () => {
    const dir = await smallCourse({ 'uno/README.md': '## Uno\n', 'dos/README.md': '## Dos\n' })
    const out = path.join(path.dirname(dir), 'out')
    assert.equal((await build({ input: dir, out, pdf: false })).ok, true)
    await rm(path.join(out, 'dos'), { recursive: true })
    const again = await build({ input: dir, out, pdf: false })
    assert.deepEqual(
      again.course!.decks.map((deck) => [deck.name, deck.built]),
      [
        ['dos', true],
        ['uno', false],
      ],
    )
    assert.match(await readFile(path.join(out, 'dos', 'index.html'), 'utf8'), /Dos/)
  })
})

describe('a course with --pptx', () => {
  test('each deck’s PowerPoint file beside its PDF, linked from the index; asking for it again builds the decks', async () => {
    const dir = await smallCourse({ 'uno/README.md': '## Uno\n\nPrimero.\n', 'dos/README.md': '## Dos\n\nSegundo.\n' })
    const out = path.join(path.dirname(dir), 'out')
    assert.equal((await build({ input: dir, out })).ok, true)
    const result = await build({ input: dir, out, pptx: true })
    assert.equal(result.ok, true)
    assert.deepEqual(
      result.course!.decks.map((deck) => [deck.name, deck.built, deck.pptx && path.relative(out, deck.pptx)]),
      [
        ['dos', true, path.join('dos', 'dos.pptx')],
        ['uno', true, path.join('uno', 'uno.pptx')],
      ],
    )
    await stat(path.join(out, 'uno', 'uno.pptx'))
    assert.match(await readFile(path.join(out, 'index.html'), 'utf8'), /<a href="uno\/uno\.pptx">PowerPoint<\/a>/)
  })
})

describe('links between decks', () => {
  test('a link to another deck’s Markdown, with or without an anchor, leads to its page; one to a missing chapter is an error at its line, and the previous course stays', async () => {
    const dir = await smallCourse({
      '1-uno/README.md':
        '## Uno\n\nSigue en [el dos](../2-dos/README.md) y [su final](../2-dos/README.md#final).\n\nY [nada](../2-dos/README.md#nada).\n',
      '2-dos/README.md': '## Dos\n\nVuelve [al uno](../1-uno/).\n\n## Final\n\nFin.\n',
    })
    const out = path.join(path.dirname(dir), 'out')
    const built = await runCli(['build', dir, '--out', out, '--no-pdf'])
    assert.equal(built.code, 0, built.stderr)
    assert.match(built.stdout, /Built a course of 2 decks \(2 built, 0 unchanged\), 3 slides/)
    const one = await readFile(path.join(out, '1-uno', 'index.html'), 'utf8')
    assert.match(one, /<a href="\.\.\/2-dos\/index\.html">el dos<\/a> y <a href="\.\.\/2-dos\/index\.html#\/final">su final<\/a>/)
    assert.match(await readFile(path.join(out, '2-dos', 'index.html'), 'utf8'), /<a href="\.\.\/1-uno\/index\.html">al uno<\/a>/)
    // A slide the other deck does not have: a warning at the link, once every deck is built.
    assert.match(
      built.stderr,
      /1-uno\/README\.md:5:3 +warning +Link `\.\.\/2-dos\/README\.md#nada` leads nowhere: the deck `2-dos` has no slide or heading with the id `nada`/,
    )

    const index = await readFile(path.join(out, 'index.html'), 'utf8')
    await writeFile(path.join(dir, '1-uno', 'README.md'), '## Uno\n\nSigue en [el tres](../3-tres/README.md).\n')
    await writeFile(path.join(dir, '2-dos', 'README.md'), '## Dos\n\n![falta](falta.png)\n')
    const broken = await runCli(['build', dir, '--out', out, '--no-pdf'])
    assert.equal(broken.code, 1, broken.stderr)
    // Every deck's problem, in one run.
    assert.match(
      broken.stderr,
      /1-uno\/README\.md:3:10 +error +Link to `\.\.\/3-tres\/README\.md`: no deck of the course has this Markdown file/,
    )
    assert.match(broken.stderr, /2-dos\/README\.md:3:1 +error/)
    assert.equal(await readFile(path.join(out, 'index.html'), 'utf8'), index, 'the previous course is intact')
    // diapo check sees the course's links as its build does.
    const checked = await runCli(['check', dir])
    assert.equal(checked.code, 1, checked.stderr)
    assert.match(checked.stderr, /1-uno\/README\.md:3:10 +error +Link to `\.\.\/3-tres\/README\.md`/)
    assert.match(await readFile(path.join(out, '1-uno', 'index.html'), 'utf8'), /el dos/)
  })

  test('a deck kept as it was has its links checked again: a slide the other deck lost is warned of, a chapter gone is an error', async () => {
    const dir = await smallCourse({
      '1-uno/README.md': '## Uno\n\nSigue en [el final](../2-dos/README.md#final).\n',
      '2-dos/README.md': '## Dos\n\n## Final\n\nFin.\n',
      '3-tres/README.md': '## Tres\n',
    })
    const out = path.join(path.dirname(dir), 'out')
    const first = await runCli(['build', dir, '--out', out, '--no-pdf'])
    assert.equal(first.code, 0, first.stderr)
    assert.doesNotMatch(first.stderr, /leads nowhere/)

    // Only the deck linked to changes: the other is kept, and its link is said to lead nowhere now.
    await writeFile(path.join(dir, '2-dos', 'README.md'), '## Dos\n\n## Cierre\n\nFin.\n')
    const edited = await runCli(['build', dir, '--out', out, '--no-pdf'])
    assert.equal(edited.code, 0, edited.stderr)
    assert.match(edited.stdout, /\(1 built, 2 unchanged\)/)
    assert.match(
      edited.stderr,
      /1-uno\/README\.md:3:10 +warning +Link `\.\.\/2-dos\/README\.md#final` leads nowhere: the deck `2-dos` has no slide or heading with the id `final`/,
    )

    // The chapter it leads to is gone: every deck is built again, and the link is an error at its line.
    await rm(path.join(dir, '2-dos'), { recursive: true })
    const gone = await runCli(['build', dir, '--out', out, '--no-pdf'])
    assert.equal(gone.code, 1, gone.stderr)
    assert.match(
      gone.stderr,
      /1-uno\/README\.md:3:10 +error +Link to `\.\.\/2-dos\/README\.md#final`: no deck of the course has this Markdown file/,
    )
  })
})

describe('a course’s config', () => {
  test('a public address the config names for a chapter the course does not have is an error, nothing built', async () => {
    const dir = await smallCourse({
      'uno/README.md': '## Uno\n',
      'diapo.config.json': JSON.stringify({ links: { 'https://example.com/dos': 'dos/README.md' } }),
    })
    const run = await runCli(['build', dir, '--out', path.join(path.dirname(dir), 'out'), '--no-pdf'])
    assert.equal(run.code, 2, run.stderr)
    assert.match(
      run.stderr,
      /The config's `links` name .*dos\/README\.md for https:\/\/example\.com\/dos, which no deck of the course .* has; fix the path/,
    )
  })
})

describe('what a course is', () => {
  test('a folder of Markdown files is one deck, as ever; with `decks: files` in the config, each file is a deck', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, 'a.md'), '## A\n\nUno.\n')
    await writeFile(path.join(dir, 'b.md'), '## B\n\nDos.\n')
    const one = await build({ input: dir, out: path.join(dir, 'one'), pdf: false })
    assert.equal(one.course, undefined)
    assert.equal(one.slideCount, 2)
    await writeFile(path.join(dir, 'diapo.config.json'), JSON.stringify({ decks: 'files' }))
    const two = await build({ input: dir, out: path.join(dir, 'two'), pdf: false })
    assert.deepEqual(
      two.course?.decks.map((deck) => [deck.name, deck.slideCount]),
      [
        ['a', 1],
        ['b', 1],
      ],
    )
  })

  test('diapo check course/ checks every deck and reports each', async () => {
    const dir = await smallCourse({
      'uno/README.md': '## Uno\n\nBien.\n',
      'dos/README.md': `## Dos\n\n${Array.from({ length: 40 }, (_, index) => `- Punto ${index}`).join('\n')}\n\n::slide{fit="none"}\n`,
    })
    const result = await check({ input: dir })
    assert.deepEqual(
      result.decks?.map((deck) => [deck.name, deck.findings > 0]),
      [
        ['dos', true],
        ['uno', false],
      ],
    )
    const run = await runCli(['check', dir])
    assert.match(run.stdout, /^ {2}dos: 1 slide, \d+ warnings?$/m)
    assert.match(run.stdout, /^ {2}uno: 1 slide, all fit$/m)
    await rm(dir, { recursive: true })
  })
})

/** Until a line `diapo dev` reported matches `pattern` (15 s at most). */
async function reported(lines: readonly string[], pattern: RegExp): Promise<void> {
  for (let waited = 0; !lines.some((line) => pattern.test(line)); waited += 25) {
    if (waited > 15_000) assert.fail(`no line matches ${pattern}:\n${lines.join('\n')}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe('diapo dev on a course', () => {
  test('serves the index and every deck; an edit updates its deck in place and builds no other', async () => {
    const dir = await smallCourse({
      'uno/README.md': '## Uno\n\nSigue en [el dos](../dos/README.md).\n\n## Otra\n\nTexto.\n',
      'dos/README.md': '## Dos\n\nFin.\n',
    })
    const lines: string[] = []
    const server = await dev({ input: dir, port: 0, report: (line) => lines.push(line) })
    const browser = await launchBrowser(findBrowser(), { loopback: true })
    try {
      const index = await (await fetch(server.url)).text()
      assert.match(index, /<a href="uno\/index\.html">Uno<\/a>/)
      assert.match(index, /<a href="dos\/index\.html">Dos<\/a>/)
      const page = await browser.browser.newPage()
      await page.goto(new URL('uno/', server.url).href, { waitUntil: 'load' })
      await page.waitForFunction('window.Reveal && Reveal.isReady()')
      assert.equal(await page.$eval('a[href="../dos/index.html"]', (link) => link.textContent), 'el dos')
      await page.evaluate('Reveal.slide(1)')
      const built = lines.length
      await writeFile(
        path.join(dir, 'uno', 'README.md'),
        '## Uno\n\nSigue en [el dos](../dos/README.md).\n\n## Otra\n\nTexto recién editado.\n',
      )
      await page.waitForFunction(() => document.querySelector('.reveal .slides')!.textContent!.includes('recién editado'), {
        timeout: 10_000,
      })
      assert.equal(await page.evaluate('Reveal.getIndices().h'), 1, 'updated in place, on the same slide')
      const after = lines.slice(built)
      assert.ok(
        after.some((line) => /^uno: ✓ 1 slide updated/.test(line)),
        after.join('\n'),
      )
      assert.ok(!after.some((line) => line.startsWith('dos:')), 'the other deck was not built')
      // The other deck, under its own name; its updates come from its own stream.
      const other = await (await fetch(new URL('dos/', server.url))).text()
      assert.match(other, /"events":"\/dos\/__diapo\/events"/)
    } finally {
      await browser.close()
      await server.close()
    }
  })

  test('the index page reloads when what it lists changes: a deck’s title, a chapter added', async () => {
    const dir = await smallCourse({
      'uno/README.md': '## Uno\n\nTexto.\n',
      'dos/README.md': '## Dos\n\nFin.\n',
    })
    const lines: string[] = []
    const server = await dev({ input: dir, port: 0, report: (line) => lines.push(line) })
    const browser = await launchBrowser(findBrowser(), { loopback: true })
    try {
      const page = await browser.browser.newPage()
      await page.goto(server.url, { waitUntil: 'load' })
      const titles = () => page.$$eval('li h2', (headings) => headings.map((heading) => heading.textContent))
      assert.deepEqual(await titles(), ['Dos', 'Uno'], 'in the order of their folders')
      await page.evaluate('window.diapoTestMark = true')
      // An edit of a slide that is not the deck's title: the index is the same, the page stays.
      await writeFile(path.join(dir, 'uno', 'README.md'), '## Uno\n\nOtro texto.\n')
      await reported(lines, /^uno: ✓ 1 slide updated/)
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.equal(await page.evaluate('window.diapoTestMark'), true, 'not reloaded for a change the index does not show')

      await writeFile(path.join(dir, 'dos', 'README.md'), '## Dos, con otro título\n\nFin.\n')
      await page.waitForFunction(() => document.querySelector('li:nth-child(1) h2')?.textContent === 'Dos, con otro título', {
        timeout: 15_000,
      })
      await mkdir(path.join(dir, 'tres'))
      await writeFile(path.join(dir, 'tres', 'README.md'), '## Tres\n\nNuevo.\n')
      await page.waitForFunction(() => document.querySelectorAll('li h2').length === 3, { timeout: 15_000 })
      assert.deepEqual(await titles(), ['Dos, con otro título', 'Tres', 'Uno'])
      // Uno was built again for its links, from the same text: the same deck (it was built from the
      // tree its last build had changed: titled 'uno', two slides).
      const uno = await (await fetch(new URL('uno/', server.url))).text()
      assert.match(uno, /<title>Uno<\/title>/)
      assert.equal(uno.match(/<section/g)?.length, 1)
    } finally {
      await browser.close()
      await server.close()
    }
  })

  test('a chapter added while it runs is built and served, one removed is no longer; links to them follow', async () => {
    const dir = await smallCourse({
      'uno/README.md': '## Uno\n\nSigue en [el tres](../tres/README.md).\n',
      'dos/README.md': '## Dos\n\nFin.\n',
    })
    const lines: string[] = []
    const server = await dev({ input: dir, port: 0, report: (line) => lines.push(line) })
    const until = (pattern: RegExp) => reported(lines, pattern)
    try {
      // The chapter it leads to is missing: an error at its line, shown on the deck's page.
      await until(
        /^uno: .*README\.md:3:10 {2}error {2}Link to `\.\.\/tres\/README\.md`: no deck of the course has this Markdown file[^]*✗ build failed/,
      )
      await mkdir(path.join(dir, 'tres'))
      await writeFile(path.join(dir, 'tres', 'README.md'), '## Tres\n\nNuevo.\n')
      await until(/^tres: ✓ built 1 slides?/)
      // The deck that linked to it is built again, and its link now leads there.
      await until(/^uno: ✓/)
      const uno = await (await fetch(new URL('uno/', server.url))).text()
      assert.match(uno, /<a href="\.\.\/tres\/index\.html">el tres<\/a>/)
      assert.match(await (await fetch(new URL('tres/', server.url))).text(), /Nuevo\./)
      assert.match(await (await fetch(server.url)).text(), /<a href="tres\/index\.html">Tres<\/a>/)

      await rm(path.join(dir, 'dos'), { recursive: true })
      await until(/^dos: no longer a deck of the course$/)
      assert.equal((await fetch(new URL('dos/', server.url))).status, 404)
      assert.doesNotMatch(await (await fetch(server.url)).text(), /dos\/index\.html/)
    } finally {
      await server.close()
    }
    // The removed deck's last build ended after its server closed; it watched nothing then, or this
    // test file would never exit (a watcher keeps Node running).
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual(
      process.getActiveResourcesInfo().filter((name) => name === 'FSEventWrap'),
      [],
      'no folder is watched once the server is closed',
    )
  })
})
