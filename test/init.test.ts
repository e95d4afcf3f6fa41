/**
 * `diapo init`: a new deck that builds and passes the check, with a
 * workflow that runs the same commands; nothing written over a file.
 */
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, test } from 'node:test'
import { parse as parseYaml } from 'yaml'
import { readPdf } from './pdf-helpers.ts'
import { root, runCli, tempDir } from './helpers.ts'

describe('diapo init', () => {
  test('a new deck that passes diapo check --strict and builds with its PDF; its workflow runs those same commands', async () => {
    const parent = await tempDir()
    const dir = path.join(parent, 'talk')
    const init = await runCli(['init', dir], root)
    assert.equal(init.code, 0, init.stderr)
    const files = async (folder: string): Promise<string[]> =>
      (await readdir(folder, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
        .sort()
    assert.deepEqual(
      await files(dir),
      ['.github/workflows/slides.yml', '.gitignore', 'slides/deck.md'].map((file) => path.normalize(file)),
    )

    // The commands the workflow runs, in the new folder, as it runs them.
    const env = { DIAPO_CACHE_DIR: path.join(parent, 'cache') }
    const check = await runCli(['check', '--strict'], dir, env)
    assert.equal(check.code, 0, check.stdout + check.stderr)
    assert.match(check.stdout, /Checked 4 slides: all fit/)
    const build = await runCli(['build'], dir, env)
    assert.equal(build.code, 0, build.stderr)
    assert.equal(build.stderr, '', 'no warning')
    assert.ok(existsSync(path.join(dir, 'dist', 'index.html')))
    const pdf = await readPdf(path.join(dir, 'dist', 'my-talk.pdf'))
    assert.equal(pdf.pages.length, 4)
    assert.match(pdf.pages[2]!.text, /diapo build/, 'the diagram, drawn, its labels as text')

    const { version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string }
    const workflow = parseYaml(await readFile(path.join(dir, '.github', 'workflows', 'slides.yml'), 'utf8')) as {
      jobs: {
        build: { steps: Array<{ run?: string; uses?: string; with?: { path?: string } }> }
        publish: { steps: Array<{ uses?: string }> }
      }
    }
    const steps = workflow.jobs.build.steps
    assert.deepEqual(
      steps.flatMap((step) => (step.run ? [step.run] : [])),
      [`npx --yes diapo@${version} check --strict`, `npx --yes diapo@${version} build`],
    )
    assert.equal(steps.find((step) => step.uses?.startsWith('actions/upload-pages-artifact@'))?.with?.path, 'dist')
    assert.ok(workflow.jobs.publish.steps.some((step) => step.uses?.startsWith('actions/deploy-pages@')))
    assert.equal(await readFile(path.join(dir, '.gitignore'), 'utf8'), 'dist/\nnode_modules/\n')
  })

  test('nothing is written over a file that is there: exit 2, naming it, the folder as it was', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, '.gitignore'), 'mine\n')
    const init = await runCli(['init'], dir)
    assert.equal(init.code, 2)
    assert.match(init.stderr, /\.gitignore is there already: diapo init writes nothing over a file/)
    assert.deepEqual(await readdir(dir), ['.gitignore'])
    assert.equal(await readFile(path.join(dir, '.gitignore'), 'utf8'), 'mine\n')
  })
})
