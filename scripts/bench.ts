/**
 * `npm run bench`: what users feel, measured side by side in one run.
 * Each case is a whole `diapo` process, run several times; the table gives
 * medians (this machine is noisy: read ratios, not absolute promises). The
 * cases take turns, one run each a round, so that both rows of a ratio see
 * the machine in the same moods: run one after the other, a row could
 * land in a slow minute and its partner in a fast one.
 *
 *   npm run bench                 all cases
 *   npm run bench -- --runs 9     more runs a case
 *   npm run bench -- --only talk  cases whose name contains "talk"
 *   npm run bench -- --peers      also Marp CLI, reveal-md and bare Chromium (installed on first use)
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { findBrowser } from '../src/browser.ts'
import { chromium, peerCases, peerNote } from './peers.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const work = path.join(root, '.bench')
const cli = path.join(root, 'lib', 'cli.js')

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, only: { type: 'string' }, peers: { type: 'boolean', default: false } },
})
const runs = Number(values.runs)
/** Far above any row's time: a process that hangs (a peer's browser never settling) fails its row instead of stalling the bench. */
const timeoutSeconds = 120

/** One row of the table. */
export interface Case {
  name: string
  slides: number | string
  /** The command, run `runs` times. */
  command: string[]
  /** Run before each timed run (not timed), e.g. to empty a peer's output folder. */
  prepare?: () => void
  /** Each run starts with an empty diagram cache; otherwise the case's own cache is warm from its first, untimed run. */
  cold?: boolean
  /** What the issue asks for, in seconds. */
  target?: number
  /** Run once before the first run (not timed), e.g. to install a peer tool. */
  setup?: () => void
  /** Added to the command's environment. */
  env?: NodeJS.ProcessEnv
  /** A file each run must leave non-empty: a tool that exits 0 having written nothing must not pass as fast. */
  output?: string
  /** Another tool: when it fails its row says why, and the bench goes on; diapo failing still stops it. */
  peer?: boolean
  /** The exit status the run must end with: 1 for a hostile input diapo must refuse. Default: 0. */
  status?: number
}

/** The cache of the layout-check and dev-server measures; each case has one of its own (see {@link cacheOf}). */
const cache = path.join(work, 'cache')

const cases: Case[] = [
  { name: 'node -e "" (start-up floor)', slides: '–', command: [process.execPath, '-e', ''] },
  { name: 'diapo --version', slides: '–', command: [process.execPath, cli, '--version'] },
  { name: 'build the talk (HTML), diagrams cached', slides: 15, command: build('slides', 'talk'), target: 0.35 },
  { name: 'build the talk (HTML), 2 diagrams, cold cache', slides: 15, command: build('slides', 'talk'), cold: true, target: 1.3 },
  {
    name: 'build 50 diagrams, cold cache',
    slides: 50,
    command: build(generateDiagramDeck(50), 'diagrams-50'),
    cold: true,
    target: 5,
  },
  {
    name: 'build the talk (HTML + PDF), diagrams cached',
    slides: 15,
    command: build('slides', 'talk-pdf', { pdf: true }),
  },
  {
    name: 'build the talk (HTML + PDF), 2 diagrams, cold cache',
    slides: 15,
    command: build('slides', 'talk-pdf', { pdf: true }),
    cold: true,
    target: 1.6,
  },
  {
    name: 'build 200 generated slides (HTML + PDF)',
    slides: 200,
    command: build(generateDeck(200), 'deck-200-pdf', { pdf: true }),
    target: 10,
  },
  { name: 'diapo check, the talk', slides: 15, command: check('slides') },
  { name: 'diapo check, 200 generated slides', slides: 200, command: check(generateDeck(200)) },
  ...[10, 100, 1000, 5000].map((count) => ({
    name: `build ${count} generated slides (HTML)`,
    slides: count,
    command: build(generateDeck(count), `deck-${count}`),
    target: count === 1000 ? 3 : count === 5000 ? 5 : undefined,
  })),
  // Inputs built to exhaust a parser (issue 14): each must be refused at its line, at once.
  ...hostileInputs().map(([name, file]) => ({
    name: `refuse ${name} (exit 1)`,
    slides: '–',
    command: build(file, 'hostile'),
    status: 1,
    target: 5,
  })),
  // The full builds again with Debian's Chromium, as the peers below run: the ratios compare like with like.
  ...(values.peers
    ? [
        {
          name: 'build the talk (HTML + PDF), diagrams cached, chromium',
          slides: 15,
          command: [...build('slides', 'talk-pdf-chromium', { pdf: true }), '--browser', chromium],
        },
        {
          name: 'build the talk (HTML + PDF), 2 diagrams, cold cache, chromium',
          slides: 15,
          command: [...build('slides', 'talk-pdf-chromium', { pdf: true }), '--browser', chromium],
          cold: true,
        },
        ...peerCases(root, work),
      ]
    : []),
]

/** Hostile inputs from issue 14, written once: their names and files. */
function hostileInputs(): Array<[string, string]> {
  const dir = path.join(work, 'decks', 'hostile')
  mkdirSync(dir, { recursive: true })
  const inputs: Array<[string, string]> = [
    ["'>' × 2,000", '>'.repeat(2000)],
    ['*a_ × 20,000', `## A\n\n${'*a_'.repeat(20000)}\n`],
    ['a 200 × 2,000 table (1.6 MB)', `## A\n\n|${' c |'.repeat(200)}\n|${'---|'.repeat(200)}\n${`|${' x |'.repeat(200)}\n`.repeat(2000)}`],
    ['1.6 MB of blank lines', '\n'.repeat(1_600_000)],
  ]
  return inputs.map(([name, markdown], index) => {
    const file = path.join(dir, `${index}.md`)
    writeFileSync(file, markdown)
    return [name, file]
  })
}

function build(input: string, name: string, options: { pdf?: boolean } = {}): string[] {
  const command = [process.execPath, cli, 'build', input, '--out', path.join(work, 'out', name), '--quiet']
  return options.pdf ? command : [...command, '--no-pdf']
}

function check(input: string): string[] {
  return [process.execPath, cli, 'check', input, '--quiet']
}

/** Targets the issues set as ratios between two rows of the same run, each pair with the same browser. */
const ratios: Array<{ name: string; row: string; over: string; target: number }> = [
  {
    name: 'cold full build vs Marp CLI’s PDF, both with chromium',
    row: 'build the talk (HTML + PDF), 2 diagrams, cold cache, chromium',
    over: 'Marp CLI, PDF of the talk',
    target: 0.8,
  },
  {
    name: 'warm full build vs bare printing of a trivial page, both with chromium',
    row: 'build the talk (HTML + PDF), diagrams cached, chromium',
    over: 'chromium --headless --print-to-pdf, trivial page',
    target: 1.3,
  },
  {
    name: 'cold full build vs Marp CLI’s PDF, both with the headless shell',
    row: 'build the talk (HTML + PDF), 2 diagrams, cold cache',
    over: 'Marp CLI, PDF of the talk, headless shell',
    target: 0.8,
  },
  {
    name: 'warm full build vs bare printing of a trivial page, both with the headless shell',
    row: 'build the talk (HTML + PDF), diagrams cached',
    over: 'chromium-headless-shell --headless --print-to-pdf, trivial page',
    target: 1.3,
  },
]

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

/**
 * Loaded into each diapo process: prints its peak resident memory at exit,
 * so the table can say what a build costs in memory as well as in time.
 */
const peakMemoryProbe = path.join(work, 'peak-memory.mjs')
mkdirSync(work, { recursive: true })
writeFileSync(
  peakMemoryProbe,
  "process.on('exit', () => process.stderr.write(`\\ndiapo-bench-peak-kb ${process.resourceUsage().maxRSS}\\n`))\n",
)
const peaks = new Map<Case, number[]>()

function time(benchCase: Case): number {
  const { command, env, output } = benchCase
  // diapo's own processes carry the memory probe; other tools run as they are.
  const probed = command[1] === cli ? [command[0]!, '--import', pathToFileURL(peakMemoryProbe).href, ...command.slice(1)] : command
  const started = process.hrtime.bigint()
  const result = spawnSync(probed[0]!, probed.slice(1), {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DIAPO_CACHE_DIR: cacheOf(benchCase), ...env },
    timeout: timeoutSeconds * 1000,
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const failure = failureOf(result, output, benchCase.status)
  if (failure) throw new Error(`${failure}\n  command: ${command.join(' ')}\n  stderr: ${result.stderr?.toString().trim() || '(none)'}`)
  const peak = /diapo-bench-peak-kb (\d+)/.exec(result.stderr?.toString() ?? '')
  if (peak) peaks.set(benchCase, [...(peaks.get(benchCase) ?? []), Number(peak[1]) / 1024])
  return seconds
}

/** Why a run failed, in a few words (the first line of the error, which a failed peer's row shows), or undefined. */
function failureOf(result: SpawnSyncReturns<Buffer>, output: string | undefined, expected?: number): string | undefined {
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') return `timed out after ${timeoutSeconds} s`
  if (result.error) return `did not start: ${result.error.message}`
  if (result.status !== (expected ?? 0)) return `exited with ${result.status ?? result.signal}: ${lastLine(result.stderr)}`
  if (output && !isNonEmptyFile(output))
    return `exited 0 but wrote no ${path.basename(output)}: ${lastLine(result.stderr) || 'nothing on stderr'}`
  return undefined
}

function lastLine(stderr: Buffer | null): string {
  return stderr?.toString().trim().split('\n').at(-1) ?? ''
}

function isNonEmptyFile(file: string): boolean {
  return (statSync(file, { throwIfNoEntry: false })?.size ?? 0) > 0
}

/** The diagram cache of a case, its own: a cold case empties it without cooling the others. */
function cacheOf(benchCase: Case): string {
  return path.join(work, 'caches', benchCase.name.replace(/[^a-z\d]+/gi, '-'))
}

/** One untimed or timed run of a case, after its untimed preparation. */
function runOnce(benchCase: Case): number {
  benchCase.prepare?.()
  if (benchCase.cold) rmSync(cacheOf(benchCase), { recursive: true, force: true })
  return time(benchCase)
}

/**
 * Each case's times: its setup and one untimed run (which warms the file
 * system cache and its diagram cache), then `runs` rounds in which every
 * case runs once. A peer that fails gets its reason instead; diapo failing
 * stops the bench.
 */
function measureInTurns(selected: Case[]): Map<Case, number[] | Error> {
  const results = new Map<Case, number[] | Error>()
  const attempt = (benchCase: Case, run: () => void) => {
    try {
      run()
    } catch (error) {
      if (!benchCase.peer) throw error
      process.stderr.write(`${benchCase.name}: failed: ${error instanceof Error ? error.message : String(error)}\n`)
      results.set(benchCase, error instanceof Error ? error : new Error(String(error)))
    }
  }
  for (const benchCase of selected) {
    attempt(benchCase, () => {
      benchCase.setup?.()
      runOnce(benchCase)
      results.set(benchCase, [])
    })
  }
  for (let round = 0; round < runs; round++) {
    for (const benchCase of selected) {
      const times = results.get(benchCase)
      if (Array.isArray(times)) attempt(benchCase, () => times.push(runOnce(benchCase)))
    }
    process.stderr.write(`round ${round + 1} of ${runs} done\n`)
  }
  return results
}

/** A reason short enough for a table cell: its first line, without the pipes that would split the row. */
function cellReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const line = message.split('\n')[0]!.replaceAll('|', '/')
  return line.length > 160 ? `${line.slice(0, 157)}…` : line
}

/**
 * What the layout check adds to a full build: the build measures the slides
 * in the page it prints from, and says in --verbose how long that took.
 */
function layoutCheckShares(): string[] {
  if (values.only && !'layout check'.includes(values.only)) return []
  const decks = [
    ['the talk', 'slides'],
    ['200 slides', generateDeck(200)],
  ] as const
  return decks.map(([name, input]) => {
    const shares: number[] = []
    // Run 0 is untimed: it may draw the deck's diagrams into the cache.
    for (let run = 0; run <= runs; run++) {
      const out = path.join(work, 'out', 'layout-check')
      const result = spawnSync(process.execPath, [cli, 'build', input, '--out', out, '--verbose'], {
        cwd: root,
        env: { ...process.env, DIAPO_CACHE_DIR: cache },
      })
      const log = result.stderr.toString()
      const check = Number(/layout check (\d+) ms/.exec(log)?.[1])
      const total = Number(/\[(\d+) ms\] pdf: printed/.exec(log)?.[1])
      if (result.status !== 0 || !(total > 0) || Number.isNaN(check)) throw new Error(`build of ${name} failed:\n${log}`)
      if (run > 0) shares.push(check / total)
    }
    const share = median(shares)
    return `- layout check, share of a full build with PDF (${name}): ${(share * 100).toFixed(1)}% (target ≤ 10% ${share <= 0.1 ? 'met' : 'MISSED'})`
  })
}

/** How time and memory grow from 100 to 1,000 and to 5,000 slides: linear is ×10 and ×5 in work, less in whole-process figures. */
function growth(): string[] {
  const row = (count: number) => cases.find((item) => item.name === `build ${count} generated slides (HTML)`)
  const floor = medians.get('node -e "" (start-up floor)') ?? 0
  const work = (item: Case) => medians.get(item.name)! - floor
  const memory = (item: Case) => median(peaks.get(item) ?? [0])
  const lines: string[] = []
  for (const [from, to] of [
    [100, 1000],
    [1000, 5000],
  ] as const) {
    const [small, large] = [row(from), row(to)]
    if (!small || !large || !medians.has(small.name) || !medians.has(large.name)) continue
    const times = to / from
    lines.push(
      `- growth from ${from.toLocaleString('en')} to ${to.toLocaleString('en')} slides (${times}× the slides): work time (minus Node's start) ×${(work(large) / work(small)).toFixed(1)}, peak memory ×${(memory(large) / memory(small)).toFixed(1)}`,
    )
  }
  const thousand = row(1000)
  if (thousand && peaks.has(thousand)) {
    const peak = memory(thousand)
    lines.push(`- peak memory of the 1,000-slide build: ${peak.toFixed(0)} MB (target ≤ 300 MB ${peak <= 300 ? 'met' : 'MISSED'})`)
  }
  return lines
}

const edits = 20

/**
 * The dev server's edit-to-update latency, as the author feels it: from the
 * Markdown file written to the open page's DOM showing the new text.
 */
async function devLatencies(): Promise<string[]> {
  if (values.only && !'dev edit latency'.includes(values.only)) return []
  const { findBrowser, launchBrowser } = await import('../src/browser.ts')
  const browser = await launchBrowser(findBrowser(), { loopback: true })
  const rows: string[] = []
  try {
    // Each edit changes one slide's text: slide 4 of the talk, slide 150 of the generated deck.
    for (const [name, source, edited, slide] of [
      ['the talk', path.join(root, 'slides'), 'Una instancia de una imagen corriendo en memoria', 3],
      ['300 generated slides', generateDeck(300), '## Slide 150\n', 149],
    ] as const) {
      const deck = path.join(work, 'dev', name.replace(/\W+/g, '-'))
      rmSync(deck, { recursive: true, force: true })
      const folder = statSync(source).isDirectory()
      cpSync(source, folder ? deck : path.join(deck, 'deck.md'), { recursive: true })
      const file = path.join(deck, folder ? '01-introduccion.md' : 'deck.md')
      const original = readFileSync(file, 'utf8')
      const server = spawn(process.execPath, [cli, 'dev', deck, '--port', '0'], {
        cwd: root,
        env: { ...process.env, DIAPO_CACHE_DIR: cache },
      })
      let log = ''
      server.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()))
      try {
        const url = await new Promise<string>((resolve, reject) => {
          server.stdout.on('data', (chunk: Buffer) => {
            const match = /serving (http:\/\/\S+)/.exec(chunk.toString())
            if (match) resolve(match[1]!)
          })
          server.once('exit', () => reject(new Error(`diapo dev exited:\n${log}`)))
        })
        const page = await browser.browser.newPage()
        await page.goto(`${url}#/${slide}`, { waitUntil: 'load' })
        await page.waitForFunction('window.Reveal && Reveal.isReady()')
        const times: number[] = []
        for (let edit = 1; edit <= edits; edit++) {
          const marker = `edited-${edit}-${Date.now()}`
          const seen = page.waitForFunction(
            (text: string) => document.querySelector('.reveal .slides')!.textContent!.includes(text),
            { polling: 'mutation', timeout: 30_000 },
            marker,
          )
          const started = performance.now()
          writeFileSync(file, original.replace(edited, edited.endsWith('\n') ? `${edited.trimEnd()} ${marker}\n` : `${edited} ${marker}`))
          await seen
          times.push((performance.now() - started) / 1000)
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        await page.close()
        // The first build may draw the diagrams (a cold cache); the edits must not start a browser.
        const browsers = (
          log
            .split('\n')
            .slice(1)
            .join('\n')
            .match(/drew \d+ diagram/g) ?? []
        ).length
        const value = median(times)
        const target = name === 'the talk' ? 0.15 : 0.3
        rows.push(
          `- ${name}: median ${(value * 1000).toFixed(0)} ms, min ${(Math.min(...times) * 1000).toFixed(0)}, max ${(Math.max(...times) * 1000).toFixed(0)} (target ≤ ${target * 1000} ms ${value <= target ? 'met' : 'MISSED'}); browsers started for the edits: ${browsers}`,
        )
        process.stderr.write(`dev latency, ${name}: ${(value * 1000).toFixed(0)} ms\n`)
      } finally {
        server.kill('SIGINT')
      }
    }
  } finally {
    await browser.close()
  }
  return rows
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const rows: string[][] = []
const medians = new Map<string, number>()
for (const [benchCase, times] of measureInTurns(cases.filter((item) => !values.only || item.name.includes(values.only)))) {
  if (times instanceof Error) {
    rows.push([benchCase.name, String(benchCase.slides), `failed: ${cellReason(times)}`, '', '', '', ''])
    continue
  }
  const value = median(times)
  medians.set(benchCase.name, value)
  const verdict = benchCase.target === undefined ? '' : `≤ ${benchCase.target} s ${value <= benchCase.target ? 'met' : 'MISSED'}`
  rows.push([
    benchCase.name,
    String(benchCase.slides),
    value.toFixed(3),
    Math.min(...times).toFixed(3),
    Math.max(...times).toFixed(3),
    peaks.has(benchCase) ? median(peaks.get(benchCase)!).toFixed(0) : '',
    verdict,
  ])
  process.stderr.write(`${benchCase.name}: ${value.toFixed(3)} s\n`)
}
rmSync(path.join(work, 'out'), { recursive: true, force: true })

const header = ['case', 'slides', 'median s', 'min s', 'max s', 'peak MB (diapo)', 'target']
const table = [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n')
const ratioLines = ratios.flatMap(({ name, row, over, target }) => {
  const [value, base] = [medians.get(row), medians.get(over)]
  if (value === undefined || base === undefined) return []
  const ratio = value / base
  return [`- ${name}: ${ratio.toFixed(2)}× (target ≤ ${target}× ${ratio <= target ? 'met' : 'MISSED'})`]
})
ratioLines.push(...layoutCheckShares(), ...growth())
const latencyRows = await devLatencies()
const ratioText = ratioLines.length > 0 ? `\nRatios, same run:\n\n${ratioLines.join('\n')}\n` : ''
const latencyText =
  latencyRows.length > 0
    ? `\ndiapo dev, file written → the page shows the new text (median of ${edits} edits):\n\n${latencyRows.join('\n')}\n`
    : ''
const note = values.peers ? `\n${peerNote(work)}\n` : ''
const browser = findBrowser()
process.stdout.write(
  `\n${runs} runs a case, whole-process wall time, ${new Date().toISOString().slice(0, 10)}; ` +
    `diapo's browser, unless its row names one: ${browser.executable} (${browser.source})\n\n${table}\n${ratioText}${latencyText}${note}`,
)
