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
 *   npm run bench -- --only corpus          only the corpus (issue 15): each chapter, and all in one deck, cold and warm
 *   npm run bench -- --only ab --baseline a1b85f6
 *                                 only the talk's full builds, this tree against a commit (or BENCH_BASELINE=a1b85f6)
 *   npm run bench -- --only corpus,ab --baseline a1b85f6   both: --only takes a list
 *   npm run bench -- --only package         only the package (issue 18): packed, installed, its size
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { findBrowser } from '../src/browser/browser.ts'
import { packagesUnder, sizeOf } from './installed-package.ts'
import { chromium, marpCourseCase, peerCases, peerNote } from './peers.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const work = path.join(root, '.bench')
const cli = path.join(root, 'lib', 'cli.js')

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    only: { type: 'string' },
    peers: { type: 'boolean', default: false },
    baseline: { type: 'string', default: process.env.BENCH_BASELINE },
  },
})
const runs = Number(values.runs)
/** The words of `--only`: a case or a section runs when its name contains one. */
const only = values.only
  ?.split(',')
  .map((word) => word.trim())
  .filter(Boolean)
/** The sections that `--only` runs by their own name alone: such a word selects no case of the main table ("ab" is in "table"). */
const sectionWords = ['corpus', 'ab', 'package']

/** Whether `--only` leaves the section `name` in. */
function selected(name: string): boolean {
  return !only || only.some((word) => name.includes(word))
}

/** Whether `--only` leaves the case `name` of the main table in. */
function selectedCase(name: string): boolean {
  return !only || only.some((word) => !sectionWords.includes(word) && name.includes(word))
}
if (only?.includes('ab') && !values.baseline)
  throw new Error('--only ab compares with a commit: add --baseline <commit> (or BENCH_BASELINE=<commit>)')
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
  /** Called with each timed run: to read what it printed besides its time (its slides, its --verbose log). Its stdout is kept only then. */
  inspect?: (run: Run) => void
}

/** One run of a case: its wall time, and what it printed. */
export interface Run {
  seconds: number
  stdout: string
  stderr: string
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
  // Issue 20: the PowerPoint file costs little over the build it is part of; its size is said below the table.
  {
    name: 'build the talk (HTML + PDF + PowerPoint), diagrams cached',
    slides: 15,
    command: build('slides', 'talk-pptx', { pdf: true, pptx: true }),
    output: path.join(work, 'out', 'talk-pptx', 'introduccion-a-los-contenedores.pptx'),
  },
  {
    name: 'build 200 generated slides (HTML + PDF + PowerPoint)',
    slides: 200,
    command: build(generateDeck(200), 'deck-200-pptx', { pdf: true, pptx: true }),
    output: path.join(work, 'out', 'deck-200-pptx', 'generated-deck.pptx'),
  },
  // Issue 17: the authoring features cost little over the same deck without them.
  ...(['with', 'without'] as const).map((features) => ({
    name: `build a deck ${features} math, layouts, code steps, css, header and footer (HTML + PDF)`,
    slides: 8,
    command: build(featureDeck(features === 'with'), `features-${features}`, { pdf: true }),
  })),
  // Issue 19: a course (the talk and the hello-docker pages) in one build, against each deck built on its own.
  ...courseCases(),
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

/**
 * The course of issue 19 — the talk as chapter 0 and the hello-docker pages
 * of test/corpus — built whole (cold, nothing changed, one chapter edited),
 * and each deck on its own. Each case has a copy of the course: the edited
 * one must not make the unchanged one change.
 */
function courseCases(): Case[] {
  const copy = (name: string) => {
    const dir = path.join(work, 'decks', name)
    rmSync(dir, { recursive: true, force: true })
    cpSync(path.join(root, 'test', 'corpus', 'hello-docker'), dir, { recursive: true })
    cpSync(path.join(root, 'slides'), path.join(dir, '0-introduccion'), { recursive: true })
    writeFileSync(path.join(dir, 'diapo.config.json'), JSON.stringify({ defaults: { lang: 'es' } }))
    return dir
  }
  const decks = ['README.md', '0-introduccion', '1-corriendo-contenedores', '3-servicios', '4-docker-stacks', 'docker-cheatsheet.md']
  const slides = 55
  const cold = copy('course-cold')
  const unchanged = copy('course-unchanged')
  const edited = copy('course-edited')
  const chapter = path.join(edited, '3-servicios', 'README.md')
  const original = readFileSync(chapter, 'utf8')
  let edits = 0
  const separate = copy('course-separate')
  const builds = decks.map((deck) =>
    build(path.join(separate, deck), `course-separate-${deck}`, { pdf: true })
      .map((word) => JSON.stringify(word))
      .join(' '),
  )
  return [
    {
      name: 'build a course of 6 decks (HTML + PDF), cold: empty caches, no earlier output',
      slides,
      command: build(cold, 'course-cold', { pdf: true }),
      cold: true,
      prepare: () => rmSync(path.join(work, 'out', 'course-cold'), { recursive: true, force: true }),
    },
    {
      name: 'build each deck of the course on its own (HTML + PDF), cold: 6 builds',
      slides,
      command: ['sh', '-c', builds.join(' && ')],
      cold: true,
    },
    {
      name: 'build a course of 6 decks (HTML + PDF), nothing changed',
      slides,
      command: build(unchanged, 'course-unchanged', { pdf: true }),
      target: 0.3,
    },
    {
      name: 'build a course of 6 decks (HTML + PDF), one chapter edited',
      slides,
      command: build(edited, 'course-edited', { pdf: true }),
      prepare: () => writeFileSync(chapter, `${original}\n\nEdición ${++edits}.\n`),
    },
    {
      name: 'build that course chapter on its own (HTML + PDF), warm',
      slides: 6,
      command: build(path.join(edited, '3-servicios'), 'course-chapter', { pdf: true }),
    },
    // Like for like with Marp CLI (which runs Debian's Chromium): the course cold with it, and Marp on the same folder.
    ...(values.peers
      ? [
          {
            name: 'build a course of 6 decks (HTML + PDF), cold, chromium',
            slides,
            command: [...build(cold, 'course-cold-chromium', { pdf: true }), '--browser', chromium],
            cold: true,
            prepare: () => rmSync(path.join(work, 'out', 'course-cold-chromium'), { recursive: true, force: true }),
          },
          marpCourseCase(work, copy('course-marp'), slides, path.join('3-servicios', 'README.pdf')),
        ]
      : []),
  ]
}

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

function build(input: string, name: string, options: { pdf?: boolean; pptx?: boolean } = {}): string[] {
  const command = [
    process.execPath,
    cli,
    'build',
    input,
    '--out',
    path.join(work, 'out', name),
    '--quiet',
    ...(options.pptx ? ['--pptx'] : []),
  ]
  return options.pdf ? command : [...command, '--no-pdf']
}

function check(input: string): string[] {
  return [process.execPath, cli, 'check', input, '--quiet']
}

/** Targets the issues set as ratios between two rows of the same run, each pair with the same browser. */
const ratios: Array<{ name: string; row: string; over: string; target: number }> = [
  {
    name: 'a course of 6 decks, cold, vs each deck built on its own',
    row: 'build a course of 6 decks (HTML + PDF), cold: empty caches, no earlier output',
    over: 'build each deck of the course on its own (HTML + PDF), cold: 6 builds',
    target: 0.5,
  },
  {
    name: 'a course with one chapter edited vs that chapter built on its own, warm',
    row: 'build a course of 6 decks (HTML + PDF), one chapter edited',
    over: 'build that course chapter on its own (HTML + PDF), warm',
    target: 1.3,
  },
  {
    name: 'the talk with its PowerPoint file vs without, warm (HTML + PDF)',
    row: 'build the talk (HTML + PDF + PowerPoint), diagrams cached',
    over: 'build the talk (HTML + PDF), diagrams cached',
    target: 1.25,
  },
  {
    name: 'a deck with math, layouts, code steps, css, header and footer vs the same deck without them, warm',
    row: 'build a deck with math, layouts, code steps, css, header and footer (HTML + PDF)',
    over: 'build a deck without math, layouts, code steps, css, header and footer (HTML + PDF)',
    target: 1.2,
  },
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

/** The size of each PowerPoint file the bench wrote, beside the PDF of the same build. */
function pptxSizes(): string[] {
  return cases.flatMap((benchCase) => {
    if (!benchCase.output?.endsWith('.pptx') || !medians.has(benchCase.name) || !existsSync(benchCase.output)) return []
    const kilobytes = (file: string) => `${Math.round(statSync(file).size / 1024)} KB`
    const pdf = readdirSync(path.dirname(benchCase.output)).find((name) => name.endsWith('.pdf'))
    const beside = pdf ? `, its PDF ${kilobytes(path.join(path.dirname(benchCase.output), pdf))}` : ''
    return [`- ${benchCase.name}: the .pptx is ${kilobytes(benchCase.output)}${beside}`]
  })
}

/**
 * Eight slides using every authoring feature of issue 17 (math, columns, an
 * image beside the text, code steps and line numbers, a stylesheet on top,
 * header, footer and slide numbers), or the same words without them.
 */
function featureDeck(features: boolean): string {
  const folder = path.join(work, 'decks', `features-${features ? 'with' : 'without'}`)
  mkdirSync(folder, { recursive: true })
  copyFileSync(path.join(root, 'test', 'fixtures', 'images', 'pixel.png'), path.join(folder, 'photo.png'))
  writeFileSync(path.join(folder, 'brand.css'), '.reveal { --r-heading-color: #c0392b; }\n')
  const on = (withThem: string, without: string) => (features ? withThem : without)
  const frontmatter = on('css: brand.css\nfooter: "**diapo** · features"\nheader: A talk\nslideNumber: true\n', '')
  const code = 'function total(items) {\n  let sum = 0\n  for (const item of items) sum += item.price\n  return sum\n}'
  const slides = [
    `---\ntitle: Features\n${frontmatter}---\n\n# Features\n`,
    `## Math\n\n${on('The energy $E = mc^2$ and the sum $\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}$.', 'The energy E = mc2 and the sum of i from 1 to n.')}\n\n${on('$$\n\\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2}\n$$', 'The integral of e to the minus x squared.')}\n`,
    `## Columns\n\n${on('::::columns\n:::column\nLeft side.\n:::\n:::column\nRight side.\n:::\n::::', 'Left side.\n\nRight side.')}\n`,
    `## Beside\n\n${on('::slide{image-right="photo.png" alt="A square"}', '![A square](photo.png)')}\n\n- One\n- Two\n`,
    `## Steps\n\n\`\`\`js ${on('[1|2-3|all]', '')}\n${code}\n\`\`\`\n`,
    `## Highlight\n\n\`\`\`js ${on('{2}', '')}\n${code}\n\`\`\`\n`,
    '## Prose\n\nA paragraph of prose with **bold**, _emphasis_ and a [link](https://example.com).\n',
    '## End\n\nThanks.\n',
  ]
  writeFileSync(path.join(folder, 'deck.md'), slides.join('\n'))
  return path.join(folder, 'deck.md')
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
/** The diapo CLIs that carry the memory probe: this tree's, and the baseline's of the A/B section (so both pay for it). */
const diapoClis = new Set([cli])

function time(benchCase: Case): Run {
  const { command, env, output } = benchCase
  // diapo's own processes carry the memory probe; other tools run as they are.
  const probed = diapoClis.has(command[1]!) ? [command[0]!, '--import', pathToFileURL(peakMemoryProbe).href, ...command.slice(1)] : command
  const started = process.hrtime.bigint()
  const result = spawnSync(probed[0]!, probed.slice(1), {
    cwd: root,
    stdio: ['ignore', benchCase.inspect ? 'pipe' : 'ignore', 'pipe'],
    env: { ...process.env, DIAPO_CACHE_DIR: cacheOf(benchCase), ...env },
    timeout: timeoutSeconds * 1000,
  })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const failure = failureOf(result, output, benchCase.status)
  if (failure) throw new Error(`${failure}\n  command: ${command.join(' ')}\n  stderr: ${result.stderr?.toString().trim() || '(none)'}`)
  const peak = /diapo-bench-peak-kb (\d+)/.exec(result.stderr?.toString() ?? '')
  if (peak) peaks.set(benchCase, [...(peaks.get(benchCase) ?? []), Number(peak[1]) / 1024])
  return { seconds, stdout: result.stdout?.toString() ?? '', stderr: result.stderr?.toString() ?? '' }
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
function runOnce(benchCase: Case): Run {
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
      if (!Array.isArray(times)) continue
      attempt(benchCase, () => {
        const run = runOnce(benchCase)
        times.push(run.seconds)
        benchCase.inspect?.(run)
      })
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
  if (!selected('layout check')) return []
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
  if (!selected('dev edit latency')) return []
  const { findBrowser, launchBrowser } = await import('../src/browser/browser.ts')
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

/** The corpus of issue 15: a real course, each chapter a deck of its own. */
const corpus = path.join(root, 'test', 'corpus', 'hello-docker')
const markdownFile = /\.md$/i

/** The corpus's chapters, in reading order: its README, each folder's Markdown in name order, then the rest beside the README. */
function corpusChapters(): string[] {
  const markdownIn = (folder: string) =>
    readdirSync(path.join(corpus, folder))
      .filter((name) => markdownFile.test(name))
      .sort()
      .map((name) => path.join(folder, name))
  const top = markdownIn('.')
  const folders = readdirSync(corpus, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
  return [...top.filter((name) => name === 'README.md'), ...folders.flatMap(markdownIn), ...top.filter((name) => name !== 'README.md')]
}

/**
 * The whole corpus as one deck. A folder is built from its own Markdown
 * files, not its subfolders': each chapter is copied to the top, numbered in
 * reading order, with what it refers to at the same place relative to it.
 */
function wholeCorpusDeck(chapters: string[]): string {
  const deck = path.join(work, 'decks', 'hello-docker-whole')
  rmSync(deck, { recursive: true, force: true })
  // Everything but the Markdown, where it was: the README's image in its folder.
  cpSync(corpus, deck, { recursive: true, filter: (source) => statSync(source).isDirectory() || !markdownFile.test(source) })
  chapters.forEach((chapter, index) => {
    const folder = path.join(corpus, path.dirname(chapter))
    if (folder !== corpus) {
      // The chapter moves up to the top: the files beside it go with it (two of the same name would be an error, not a silent overwrite).
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        if (entry.isFile() && !markdownFile.test(entry.name))
          cpSync(path.join(folder, entry.name), path.join(deck, entry.name), { errorOnExist: true, force: false })
      }
    }
    const name = `${String(index + 1).padStart(2, '0')}-${chapter.replace(markdownFile, '').replace(/[^\w-]+/g, '-')}.md`
    cpSync(path.join(corpus, chapter), path.join(deck, name))
  })
  return deck
}

/** What one timed build of the corpus said: its slides, and its fitting rounds with how long they took. */
interface CorpusRun {
  seconds: number
  slides: number
  rounds: number
  /** From the first measuring of the slides to the last, in milliseconds: every round of fitting, and nothing else. */
  fitting: number
}

/**
 * What a `--verbose` build says of its fitting. Each load of the deck ends
 * in `pdf: laid out` (its slides measured); each load after the first is a
 * round of fitting, begun when a measuring found slides that do not fit.
 */
function corpusRunOf(run: Run): CorpusRun {
  const laidOut = [...run.stderr.matchAll(/^\[(\d+) ms\] pdf: laid out/gm)].map((match) => Number(match[1]))
  const slides = Number(/Built (\d+) slides?/.exec(run.stdout)?.[1])
  if (laidOut.length === 0 || Number.isNaN(slides))
    throw new Error(`a corpus build said neither its slides nor its layout:\n${run.stdout}${run.stderr}`)
  return { seconds: run.seconds, slides, rounds: laidOut.length - 1, fitting: laidOut.at(-1)! - laidOut[0]! }
}

/** A full build of a corpus deck: cold (an empty cache each run, so every fit is measured) or warm (the fits cached). */
function corpusCase(name: string, input: string, cold: boolean, details: Map<Case, CorpusRun[]>): Case {
  const benchCase: Case = {
    name: `corpus: ${name}, ${cold ? 'cold' : 'warm'}`,
    slides: '–',
    command: [process.execPath, cli, 'build', input, '--out', path.join(work, 'out', 'corpus'), '--verbose'],
    cold,
    inspect: (run) => details.set(benchCase, [...(details.get(benchCase) ?? []), corpusRunOf(run)]),
  }
  return benchCase
}

/** The most of a cold full build the fitting may take (issue 15). */
const fittingShareTarget = 0.15

/**
 * The corpus section: cold and warm full builds of each chapter and of the
 * whole corpus in one deck, the rounds of fitting each needed, and what
 * share of the cold build they took.
 */
function corpusSection(): string {
  if (!selected('corpus')) return ''
  const chapters = corpusChapters()
  const decks = [
    ...chapters.map((chapter) => ({ name: chapter, input: path.join(corpus, chapter) })),
    { name: `the whole corpus in one deck (${chapters.length} files)`, input: wholeCorpusDeck(chapters) },
  ]
  const details = new Map<Case, CorpusRun[]>()
  const pairs = decks.map(({ name, input }) => ({
    name,
    cold: corpusCase(name, input, true, details),
    warm: corpusCase(name, input, false, details),
  }))
  const times = measureInTurns(pairs.flatMap(({ cold, warm }) => [cold, warm]))
  const seconds = (benchCase: Case) => median(times.get(benchCase) as number[])
  const roundsOf = (benchCase: Case) => {
    const counts = [...new Set(details.get(benchCase)!.map((run) => run.rounds))].sort((a, b) => a - b)
    return counts.length === 1 ? String(counts[0]) : `${counts[0]}–${counts.at(-1)}`
  }
  const shares = new Map<string, number>()
  const rows = pairs.map(({ name, cold, warm }) => {
    const coldRuns = details.get(cold)!
    const share = median(coldRuns.map((run) => run.fitting / 1000 / run.seconds))
    shares.set(name, share)
    const [coldSeconds, warmSeconds] = [seconds(cold), seconds(warm)]
    process.stderr.write(`${cold.name}: ${coldSeconds.toFixed(3)} s, fitting ${(share * 100).toFixed(1)}%\n`)
    return [
      name,
      String(coldRuns.at(-1)!.slides),
      coldSeconds.toFixed(3),
      warmSeconds.toFixed(3),
      `${roundsOf(cold)} (warm: ${roundsOf(warm)})`,
      `${(share * 100).toFixed(1)}%`,
      `${(((coldSeconds - warmSeconds) / coldSeconds) * 100).toFixed(1)}%`,
    ]
  })
  const header = [
    'deck',
    'slides',
    'cold build (s)',
    'warm build (s)',
    'fitting rounds',
    'fitting share of cold build',
    '(cold − warm) / cold',
  ]
  const verdict = (share: number) => `target ≤ ${fittingShareTarget * 100}% ${share <= fittingShareTarget ? 'met' : 'MISSED'}`
  const whole = shares.get(decks.at(-1)!.name)!
  const [worstName, worst] = [...shares].slice(0, -1).reduce((most, entry) => (entry[1] > most[1] ? entry : most))
  return (
    `\nCorpus (test/corpus/hello-docker), full builds with PDF, median of ${runs} runs; cold: an empty cache each run, ` +
    `warm: the fits cached by an earlier build. Fitting rounds: loads of the deck after the first (0 when every slide fits ` +
    `or the cache has its fits). Fitting share: from the first measuring of the slides to the last (every round: fit, ` +
    `rebuild, reload, measure again), over the same run's whole-process time; (cold − warm) / cold says the same from the ` +
    `two rows' medians.\n\n${markdownTable(header, rows)}\n\n` +
    `- fitting, share of a cold full build, the whole corpus in one deck: ${(whole * 100).toFixed(1)}% (${verdict(whole)})\n` +
    `- fitting, share of a cold full build, the chapter it costs most: ${worstName}, ${(worst * 100).toFixed(1)}% (${verdict(worst)})\n`
  )
}

function markdownTable(header: string[], rows: string[][]): string {
  return [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n')
}

/** A ratio of this tree's median over the baseline's above this is a regression: less is within this machine's noise. */
const regressionTolerance = 1.05

/** A commit of diapo checked out and compiled beside this tree, to be timed against it. */
interface Baseline {
  /** The commit, abbreviated. */
  commit: string
  /** Its `lib/cli.js`. */
  cli: string
  /** Which node_modules it was compiled with, and why: "with …". */
  note: string
  /** Delete its worktree. */
  remove: () => void
}

/** The output of `git args` in this repository; throws with git's complaint when it fails. */
function git(args: string[]): string {
  const result = spawnSync('git', args, { cwd: root, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.error?.message ?? result.stderr.trim()}`)
  return result.stdout.trim()
}

/**
 * Check `commit` out in a git worktree in the temporary folder and compile
 * it. It uses this tree's node_modules (linked) when it compiles with them;
 * else its own, installed from its own package-lock.json (`npm ci`, from
 * npm's cache when it can), and the note says why.
 */
function setUpBaseline(commit: string): Baseline {
  const short = git(['rev-parse', '--short', `${commit}^{commit}`])
  const tree = path.join(os.tmpdir(), `diapo-bench-baseline-${short}`)
  const remove = () => {
    spawnSync('git', ['worktree', 'remove', '--force', tree], { cwd: root })
    rmSync(tree, { recursive: true, force: true })
    spawnSync('git', ['worktree', 'prune'], { cwd: root })
  }
  remove() // What a bench that was killed left.
  process.stderr.write(`baseline: checking ${short} out in ${tree}\n`)
  git(['worktree', 'add', '--detach', tree, short])
  try {
    const modules = path.join(tree, 'node_modules')
    symlinkSync(path.join(root, 'node_modules'), modules, 'dir')
    const compile = () => spawnSync(process.execPath, ['scripts/compile.mjs'], { cwd: tree, encoding: 'utf8' })
    const shared = compile()
    if (shared.status === 0) return { commit: short, cli: path.join(tree, 'lib', 'cli.js'), note: "with this tree's node_modules", remove }
    const reason = /\[ERROR\] (.+)/.exec(shared.stderr)?.[1] ?? shared.stderr.trim().split('\n').at(-1)
    process.stderr.write(`baseline: ${short} does not compile with this tree's node_modules (${reason}); installing its own (npm ci)\n`)
    rmSync(modules)
    const install = spawnSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: tree, encoding: 'utf8' })
    if (install.status !== 0)
      throw new Error(
        `${short} compiles neither with this tree's node_modules (${reason}) nor with its own: npm ci failed: ${install.stderr.trim()}`,
      )
    const own = compile()
    if (own.status !== 0) throw new Error(`${short} does not compile even with its own node_modules: ${own.stderr.trim()}`)
    const note = `with its own node_modules, from its package-lock.json (npm ci): with this tree's, esbuild says ${reason}`
    return { commit: short, cli: path.join(tree, 'lib', 'cli.js'), note, remove }
  } catch (error) {
    remove()
    throw error
  }
}

/** This tree as the A/B section times it: its commit, and whether files it tracks have changed since. */
function thisTree(): string {
  const changed = git(['status', '--porcelain', '--untracked-files=no']).split('\n').filter(Boolean).length
  return `${git(['rev-parse', '--short', 'HEAD'])}${changed > 0 ? ` and ${changed} changed files not committed` : ''}`
}

/**
 * The A/B section: the talk's full builds (HTML + PDF), cold and warm, by
 * this tree's lib/ and by the baseline commit's, taking turns in one run.
 */
/**
 * The package as users get it (issue 18): packed from this tree, installed
 * globally into a prefix of its own (from npm's cache where it can), its
 * size and its packages, and how long the install took.
 */
function packageSection(): string {
  if (!selected('package')) return ''
  // Outside this repository, as a user's install is.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'diapo-bench-package-'))
  const npm = (args: string[], cwd: string) => {
    const result = spawnSync('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${result.stderr}`)
    return result.stdout
  }
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], root)) as Array<{
    filename: string
    size: number
    unpackedSize: number
    entryCount: number
  }>
  const started = process.hrtime.bigint()
  npm(['install', '--global', '--prefix', path.join(dir, 'prefix'), path.join(dir, path.basename(packed!.filename))], dir)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const installed = path.join(dir, 'prefix', 'lib', 'node_modules', 'diapo')
  const packages = packagesUnder(installed)
  const size = sizeOf(installed)
  const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1)
  rmSync(dir, { recursive: true, force: true })
  return (
    `
The package (npm pack, then npm install --global into a prefix of its own, from npm's cache where it can):

` +
    `| tarball | files | unpacked | installed with its dependencies | packages | install time |
| --- | --- | --- | --- | --- | --- |
` +
    `| ${megabytes(packed!.size)} MB | ${packed!.entryCount} | ${megabytes(packed!.unpackedSize)} MB | ${megabytes(size)} MB | ${packages + 1} | ${seconds.toFixed(1)} s |
`
  )
}

function abSection(): string {
  if (!selected('ab') || !values.baseline) return ''
  const baseline = setUpBaseline(values.baseline)
  try {
    diapoClis.add(baseline.cli)
    const talk = (side: string, diapo: string, cold: boolean): Case => ({
      name: `a/b: the talk (HTML + PDF), ${cold ? 'cold' : 'warm'}, ${side}`,
      slides: 15,
      command: [process.execPath, diapo, 'build', path.join(root, 'slides'), '--out', path.join(work, 'out', `ab-${side}`), '--quiet'],
      cold,
    })
    const pairs = [true, false].map((cold) => ({
      cold,
      base: talk(baseline.commit, baseline.cli, cold),
      current: talk('this tree', cli, cold),
    }))
    const times = measureInTurns(pairs.flatMap(({ base, current }) => [base, current]))
    const verdicts: string[] = []
    const rows = pairs.map(({ cold, base, current }) => {
      const [before, after] = [times.get(base) as number[], times.get(current) as number[]]
      const ratio = median(after) / median(before)
      const rounds = after.map((seconds, round) => seconds / before[round]!)
      const memory = (benchCase: Case) => median(peaks.get(benchCase) ?? [0]).toFixed(0)
      const row = cold ? 'cold cache (its 2 diagrams drawn, its slides fitted)' : 'warm cache'
      const slower = rounds.filter((value) => value > 1).length
      verdicts.push(`${cold ? 'cold' : 'warm'} ×${ratio.toFixed(3)} (${ratio <= regressionTolerance ? 'no regression' : 'REGRESSED'})`)
      process.stderr.write(`${current.name}: ×${ratio.toFixed(3)} of ${baseline.commit}\n`)
      return [
        row,
        median(before).toFixed(3),
        median(after).toFixed(3),
        `×${ratio.toFixed(3)}`,
        `×${Math.min(...rounds).toFixed(2)}–${Math.max(...rounds).toFixed(2)}, slower in ${slower} of ${rounds.length}`,
        `${memory(base)} → ${memory(current)}`,
      ]
    })
    const header = [
      'build of the talk',
      `${baseline.commit} (s)`,
      'this tree (s)',
      `this tree / ${baseline.commit}`,
      'round by round: ratio min–max, rounds this tree was slower',
      `peak MB, ${baseline.commit} → this tree`,
    ]
    return (
      `\nThe talk, this tree (${thisTree()}; its lib/ as compiled) against ${baseline.commit} (compiled ${baseline.note}), ` +
      `full builds (HTML + PDF) taking turns, median of ${runs} runs:\n\n${markdownTable(header, rows)}\n\n` +
      `- the talk against ${baseline.commit}: ${verdicts.join(', ')}; a regression is a ratio above ×${regressionTolerance}\n`
    )
  } finally {
    baseline.remove()
  }
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const rows: string[][] = []
const medians = new Map<string, number>()
const selectedCases = cases.filter((item) => selectedCase(item.name))
for (const [benchCase, times] of selectedCases.length > 0 ? measureInTurns(selectedCases) : []) {
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

const header = ['case', 'slides', 'median s', 'min s', 'max s', 'peak MB (diapo)', 'target']
const table = rows.length > 0 ? `\n${markdownTable(header, rows)}\n` : ''
const ratioLines = ratios.flatMap(({ name, row, over, target }) => {
  const [value, base] = [medians.get(row), medians.get(over)]
  if (value === undefined || base === undefined) return []
  const ratio = value / base
  return [`- ${name}: ${ratio.toFixed(2)}× (target ≤ ${target}× ${ratio <= target ? 'met' : 'MISSED'})`]
})
ratioLines.push(...layoutCheckShares(), ...growth(), ...pptxSizes())
const latencyRows = await devLatencies()
const ratioText = ratioLines.length > 0 ? `\nRatios, same run:\n\n${ratioLines.join('\n')}\n` : ''
const latencyText =
  latencyRows.length > 0
    ? `\ndiapo dev, file written → the page shows the new text (median of ${edits} edits):\n\n${latencyRows.join('\n')}\n`
    : ''
const note = values.peers ? `\n${peerNote(work)}\n` : ''
const corpusText = corpusSection()
const abText = abSection()
const packageText = packageSection()
rmSync(path.join(work, 'out'), { recursive: true, force: true })
const browser = findBrowser()
process.stdout.write(
  `\n${runs} runs a case, whole-process wall time, ${new Date().toISOString().slice(0, 10)}; ` +
    `diapo's browser, unless its row names one: ${browser.executable} (${browser.source})\n${table}${ratioText}${latencyText}${note}${corpusText}${abText}${packageText}`,
)
