/**
 * Fixture tests of the pipeline: `test/fixtures/<case>/input.md` (or an
 * `input/` folder) is built, and its slides and messages are compared with
 * `expected.html` and `messages.txt`. `UPDATE=1 npm test` rewrites them.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import { buildDeck } from '../src/build.ts'
import { formatMessages } from '../src/report.ts'
import { fixtures, slidesOf, tempDir, withoutSvgBodies } from './helpers.ts'

const update = process.env.UPDATE === '1'

for (const name of readdirSync(fixtures).sort()) {
  const dir = path.join(fixtures, name)
  const input = existsSync(path.join(dir, 'input.md')) ? path.join(dir, 'input.md') : path.join(dir, 'input')

  test(`fixture: ${name}`, async () => {
    const outDir = path.join(await tempDir(), 'out')
    const result = await buildDeck({ input, outDir, pdf: false })
    const messages = formatMessages(result.files, dir).join('\n')
    const html = result.ok
      ? withoutSvgBodies(slidesOf(await readFile(path.join(outDir, 'index.html'), 'utf8')))
      : '(build failed: nothing written)\n'

    await compare(path.join(dir, 'expected.html'), html)
    await compare(path.join(dir, 'messages.txt'), messages ? `${messages}\n` : '')
    assert.equal(existsSync(outDir), result.ok, 'output exists exactly when the build succeeds')
  })
}

async function compare(file: string, actual: string) {
  if (update) {
    await writeFile(file, actual)
    return
  }
  const expected = await readFile(file, 'utf8').catch(() => {
    throw new Error(`${path.relative(fixtures, file)} is missing; run \`UPDATE=1 npm test\` and review it`)
  })
  assert.equal(actual, expected, `${path.relative(fixtures, file)} differs`)
}
