/**
 * Shared by the tests: temporary folders, the compiled CLI, fixtures.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after } from 'node:test'
import { fileURLToPath } from 'node:url'
import { toString } from 'mdast-util-to-string'
import remarkFrontmatter from 'remark-frontmatter'
import remarkParse from 'remark-parse'
import { unified } from 'unified'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const fixtures = path.join(root, 'test', 'fixtures')
export const cli = path.join(root, 'lib', 'cli.js')

const made: string[] = []
after(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })))
})

/** A fresh folder, removed when the test file ends. */
export async function tempDir(prefix = 'diapo-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** What a run of the CLI did. */
export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Run the compiled `diapo` with `args` in `cwd` (and `nodeArgs` given to Node before it). */
export function runCli(args: string[], cwd = root, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, cli, ...args], { cwd, env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** What a measured run of the CLI did, and what it cost: wall time, and the process's peak memory. */
export interface MeasuredRun extends CliRun {
  seconds: number
  peakMB: number
}

/** Reports the process's peak memory as it exits, on stderr: loaded into the CLI by {@link runMeasured}. */
const peakReporter = `data:text/javascript,process.on('exit', () => process.stderr.write('\\ndiapo-test-peak-rss ' + process.resourceUsage().maxRSS + '\\n'))`

/** Run the compiled `diapo` as {@link runCli} does, timing it and reading its peak memory. */
export async function runMeasured(args: string[], cwd = root, env: NodeJS.ProcessEnv = {}): Promise<MeasuredRun> {
  const started = performance.now()
  const run = await runCli(args, cwd, env, ['--import', peakReporter])
  const seconds = (performance.now() - started) / 1000
  const peak = /\ndiapo-test-peak-rss (\d+)\n/.exec(run.stderr)
  if (!peak) throw new Error(`no peak memory reported:\n${run.stderr}`)
  return { ...run, stderr: run.stderr.replace(peak[0], ''), seconds, peakMB: Number(peak[1]) / 1024 }
}

/** The slides of a built deck: the inside of `<div class="slides">`. */
export function slidesOf(html: string): string {
  const start = html.indexOf('<div class="slides">')
  const end = html.lastIndexOf('</div></div>')
  if (start === -1 || end === -1) throw new Error('No <div class="slides"> in the HTML')
  return html.slice(start + '<div class="slides">'.length, end)
}

/**
 * Slides with each inline SVG cut down to its root's attributes: fixtures
 * check where diagrams go and what they are called, not Mermaid's drawing,
 * which the browser tests check.
 */
export function withoutSvgBodies(html: string): string {
  return html.replace(/(<svg\b[^>]*>)[\s\S]*?<\/svg>(?=<\/figure>)/g, (_, open: string) => `${open}…</svg>`)
}

/** The talk's slides as its Markdown defines them: the text of every `#` and `##` heading of `slides/`, in order. */
export async function talkHeadings(): Promise<string[]> {
  const dir = path.join(root, 'slides')
  const files = (await readdir(dir)).filter((name) => name.endsWith('.md')).sort()
  const headings: string[] = []
  for (const name of files) {
    const tree = unified()
      .use(remarkParse)
      .use(remarkFrontmatter)
      .parse(await readFile(path.join(dir, name), 'utf8'))
    for (const node of tree.children) if (node.type === 'heading' && node.depth <= 2) headings.push(toString(node))
  }
  return headings
}

/** Every file of a folder with its bytes, for before/after comparisons. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const result: Record<string, string> = {}
  for (const entry of entries.filter((item) => item.isFile())) {
    const file = path.join(entry.parentPath, entry.name)
    result[path.relative(dir, file)] = (await readFile(file)).toString('base64')
  }
  return result
}
