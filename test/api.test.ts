/**
 * The API (`import { build, check, pdf, dev } from 'diapo'`): results and
 * messages returned, nothing printed.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { build, check, dev, formatMessages, pdf } from '../src/index.ts'
import { readPdf } from './pdf-helpers.ts'
import { tempDir } from './helpers.ts'

/** What `run` wrote to stdout and stderr while it ran. */
async function printedBy<T>(run: () => Promise<T>): Promise<{ value: T; printed: string }> {
  let printed = ''
  const writes = [process.stdout.write, process.stderr.write]
  const capture = (chunk: string | Uint8Array) => ((printed += String(chunk)), true)
  process.stdout.write = capture as typeof process.stdout.write
  process.stderr.write = capture as typeof process.stderr.write
  try {
    return { value: await run(), printed }
  } finally {
    ;[process.stdout.write, process.stderr.write] = writes as [typeof process.stdout.write, typeof process.stderr.write]
  }
}

async function deck(markdown: string): Promise<{ dir: string; input: string; cacheDir: string }> {
  const dir = await tempDir()
  await writeFile(path.join(dir, 'deck.md'), markdown)
  return { dir, input: path.join(dir, 'deck.md'), cacheDir: path.join(dir, 'cache') }
}

const items = Array.from({ length: 30 }, (_, index) => `- Point ${index + 1}`).join('\n')

describe('the API', () => {
  test('build: the deck and its PDF written, the messages returned, nothing printed', async () => {
    const { dir, input, cacheDir } = await deck(`# API\n\n## One\n\n![](missing.png)\n\n## Long\n\n${items}\n`)
    const { value: result, printed } = await printedBy(() => build({ input, out: path.join(dir, 'out'), cacheDir }))
    assert.equal(printed, '')
    assert.equal(result.ok, false, 'a missing image is an error')
    assert.match(formatMessages(result.files, dir).join('\n'), /deck\.md:5:1 +error +Image `missing\.png` not found/)
    assert.equal(existsSync(path.join(dir, 'out')), false, 'nothing written')

    await writeFile(input, `# API\n\n## One\n\nFine.\n\n## Long\n\n${items}\n`)
    const { value: built, printed: quiet } = await printedBy(() => build({ input, out: path.join(dir, 'out'), cacheDir }))
    assert.equal(quiet, '')
    assert.equal(built.ok, true)
    assert.equal(built.html, path.join(dir, 'out', 'index.html'))
    assert.ok(built.fitted.split >= 1, 'the long slide split')
    assert.equal(built.pdf?.slidesPages, built.slideCount)
    assert.equal((await readPdf(built.pdf!.slides)).pages.length, built.slideCount)
  })

  test('build in memory (write: false): the deck’s files returned, nothing written, nothing printed', async () => {
    const { dir, input, cacheDir } = await deck('## En memoria\n\nTexto.\n\n## Con error\n\n![falta](falta.png)\n')
    const { value: failed, printed } = await printedBy(() => build({ input, cacheDir, write: false, pdf: false }))
    assert.equal(printed, '')
    assert.equal(failed.ok, false)
    assert.match(formatMessages(failed.files).join('\n'), /deck\.md:7:1 +error/)
    await writeFile(input, '## En memoria\n\nTexto.\n')
    const { value: result } = await printedBy(() => build({ input, cacheDir, write: false, pdf: false }))
    assert.equal(result.ok, true)
    assert.equal(result.slideCount, 1)
    const page = result.output?.files.find((file) => file.path === 'index.html')
    assert.ok(page && 'content' in page)
    assert.match(String(page.content), /<h2 id="en-memoria">En memoria<\/h2>/)
    assert.ok(result.output!.files.some((file) => file.path === 'assets/reveal/reveal.js'))
    assert.deepEqual((await readdir(dir)).sort(), ['deck.md'], 'nothing written beside the deck')
  })

  test('check: the findings as warnings at their line, nothing written; pdf: only the PDF, where out says', async () => {
    const { dir, input, cacheDir } = await deck(`## Tiny\n\n<p style="font-size: 8px">Too small to read</p>\n`)
    const { value: checked, printed } = await printedBy(() => check({ input, cacheDir }))
    assert.equal(printed, '')
    assert.equal(checked.findings, 1)
    assert.match(formatMessages(checked.files, dir).join('\n'), /deck\.md:1:1 +warning +Slide 1: Text at 8 px/)
    assert.deepEqual(await readdir(dir), ['deck.md'], 'nothing written (a slide that fits has no fit to cache)')

    const { value: printedPdf } = await printedBy(() => pdf({ input, out: path.join(dir, 'pdfs') + path.sep, cacheDir, notes: true }))
    assert.equal(printedPdf.html, undefined)
    assert.deepEqual((await readdir(path.join(dir, 'pdfs'))).sort(), ['tiny-notes.pdf', 'tiny.pdf'])
  })

  test('dev: serves the deck until closed', async () => {
    const { input } = await deck('## Served\n\nHello.\n')
    const server = await dev({ input, port: 0 })
    try {
      assert.match(await (await fetch(server.url)).text(), /Hello\./)
    } finally {
      await server.close()
    }
    await assert.rejects(fetch(server.url))
  })
})
