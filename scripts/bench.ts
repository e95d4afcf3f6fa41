/**
 * `npm run bench`: what users feel, measured side by side in one run.
 * Each case is a whole `diapo` process, run several times; the table gives
 * medians (this machine is noisy: read ratios, not absolute promises).
 *
 *   npm run bench                 all cases
 *   npm run bench -- --runs 9     more runs a case
 *   npm run bench -- --only talk  cases whose name contains "talk"
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const work = path.join(root, '.bench')
const cli = path.join(root, 'lib', 'cli.js')

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, only: { type: 'string' } } })
const runs = Number(values.runs)

/** One row of the table. */
interface Case {
  name: string
  slides: number | string
  /** The command, run `runs` times. */
  command: string[]
  /** Run before each timed run (not timed), e.g. to empty a cache. */
  prepare?: () => void
  /** What the issue asks for, in seconds. */
  target?: number
}

const cache = path.join(work, 'cache')
const emptyCache = () => rmSync(cache, { recursive: true, force: true })

const cases: Case[] = [
  { name: 'node -e "" (start-up floor)', slides: '–', command: [process.execPath, '-e', ''] },
  { name: 'diapo --version', slides: '–', command: [process.execPath, cli, '--version'] },
  { name: 'build the talk (HTML), diagrams cached', slides: 15, command: build('slides', 'talk'), target: 0.35 },
  { name: 'build the talk (HTML), 2 diagrams, cold cache', slides: 15, command: build('slides', 'talk'), prepare: emptyCache, target: 1.3 },
  {
    name: 'build 50 diagrams, cold cache',
    slides: 50,
    command: build(generateDiagramDeck(50), 'diagrams-50'),
    prepare: emptyCache,
    target: 5,
  },
  ...[10, 100, 1000].map((count) => ({
    name: `build ${count} generated slides (HTML)`,
    slides: count,
    command: build(generateDeck(count), `deck-${count}`),
    target: count === 1000 ? 3 : undefined,
  })),
]

function build(input: string, name: string): string[] {
  return [process.execPath, cli, 'build', input, '--out', path.join(work, 'out', name), '--quiet', '--no-pdf']
}

/** A deck of `count` slides like a real talk's: headings, lists, prose, code, notes. */
function generateDeck(count: number): string {
  const file = path.join(work, 'decks', `${count}.md`)
  mkdirSync(path.dirname(file), { recursive: true })
  const slides = ['---\ntitle: Generated deck\nlang: en\n---\n']
  for (let index = 1; index <= count; index++) {
    const body =
      index % 10 === 0
        ? '```js\nconst total = items.reduce((sum, item) => sum + item.price, 0)\nconsole.log(`total: ${total}`)\n```'
        : index % 3 === 0
          ? 'A paragraph of prose with **bold**, _emphasis_, `code` and a [link](https://example.com), long enough to wrap onto a second line.'
          : `- First point of slide ${index}\n- Second point, with *emphasis*\n- Third point :fragment\n- Fourth point`
    slides.push(`## Slide ${index}\n\n${body}\n\n:::notes\nSpeaker notes for slide ${index}.\n:::\n`)
  }
  writeFileSync(file, slides.join('\n'))
  return file
}

/** A deck of `count` slides, each with a different diagram: flowcharts, sequences, blocks. */
function generateDiagramDeck(count: number): string {
  const file = path.join(work, 'decks', `diagrams-${count}.md`)
  mkdirSync(path.dirname(file), { recursive: true })
  const slides: string[] = []
  for (let index = 1; index <= count; index++) {
    const diagram =
      index % 3 === 0
        ? `sequenceDiagram\n  Client->>Server: request ${index}\n  Server-->>Client: response ${index}`
        : index % 3 === 1
          ? `flowchart LR\n  A${index}[Start ${index}] --> B{Check} --> C[Done]\n  B --> D[Retry ${index}]`
          : `block-beta\n  columns 3\n  a["App ${index}"] b["libs/bin"] c["OS"]`
    slides.push(`## Diagram ${index}\n\n\`\`\`mermaid\n${diagram}\n\`\`\`\n`)
  }
  writeFileSync(file, slides.join('\n'))
  return file
}

function time(command: string[]): number {
  const started = process.hrtime.bigint()
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DIAPO_CACHE_DIR: cache },
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed (${result.status}): ${result.stderr.toString()}`)
  return seconds
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const rows: string[][] = []
for (const benchCase of cases.filter((item) => !values.only || item.name.includes(values.only))) {
  const times: number[] = []
  time(benchCase.command) // warm the file system cache; not counted
  for (let run = 0; run < runs; run++) {
    benchCase.prepare?.()
    times.push(time(benchCase.command))
  }
  const value = median(times)
  const verdict = benchCase.target === undefined ? '' : `≤ ${benchCase.target} s ${value <= benchCase.target ? 'met' : 'MISSED'}`
  rows.push([
    benchCase.name,
    String(benchCase.slides),
    value.toFixed(3),
    Math.min(...times).toFixed(3),
    Math.max(...times).toFixed(3),
    verdict,
  ])
  process.stderr.write(`${benchCase.name}: ${value.toFixed(3)} s\n`)
}
rmSync(path.join(work, 'out'), { recursive: true, force: true })

const header = ['case', 'slides', 'median s', 'min s', 'max s', 'target']
const table = [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n')
process.stdout.write(`\n${runs} runs a case, whole-process wall time, ${new Date().toISOString().slice(0, 10)}\n\n${table}\n`)
