/**
 * The peers of `npm run bench -- --peers`: Marp CLI and reveal-md build the
 * same talk as diapo, and a bare headless Chromium prints a trivial page, so
 * diapo's rows can be read against what a user could pick instead.
 *
 * The peers are installed on first use into `.bench/peers/`, never into the
 * project: they are measured, not depended on.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse, stringify } from 'yaml'
import type { Case } from './bench.ts'

/**
 * The two browsers the comparisons are made with: Debian's Chromium, which
 * the issues' targets were set with, and its headless shell, which diapo's
 * finder prefers when it is installed. A ratio only ever compares rows that
 * ran the same browser.
 */
export const chromium = '/usr/bin/chromium'
export const headlessShell = '/usr/bin/chromium-headless-shell'
/** diapo makes its browser's profile in memory (see `profileParent` in src/browser/browser.ts); the bare prints do too. */
const memory = '/dev/shm'
const packages = ['@marp-team/marp-cli', 'reveal-md']

type Flavour = 'marp' | 'reveal-md'

/** Where the peers live, and what they read and write. */
interface Places {
  root: string
  peers: string
  content: string
  out: string
}

/**
 * Marp CLI on a course folder (`marp -I folder --pdf`: each Markdown file a
 * PDF of its own), with Debian's Chromium, as issue 19 compares: `checked`
 * is one PDF, relative to the output folder, each run must write.
 */
export function marpCourseCase(work: string, folder: string, slides: number, checked: string): Case {
  const peers = path.join(work, 'peers')
  const places: Places = { root: '', peers, content: path.join(peers, 'content'), out: path.join(work, 'out', 'peers') }
  const marpCli = [process.execPath, path.join(peers, 'node_modules', '@marp-team', 'marp-cli', 'marp-cli.js')]
  return peerCase(
    places,
    once(() => installPeers(peers)),
    {
      name: 'Marp CLI, PDFs of the course folder (marp -I), chromium',
      slides,
      output: checked,
      command: (_, out) => [...marpCli, '-I', folder, '--pdf', '-o', out, '--browser-path', chromium],
      env: { CHROME_PATH: chromium, CHROME_NO_SANDBOX: '1' },
    },
  )
}

/** The peer rows, after diapo's; the talk is converted now, the tools installed only when a row first runs. */
export function peerCases(root: string, work: string): Case[] {
  const peers = path.join(work, 'peers')
  const places: Places = { root, peers, content: path.join(peers, 'content'), out: path.join(work, 'out', 'peers') }
  const marp = convertTalk(places, 'marp')
  const revealMd = convertTalk(places, 'reveal-md')
  const setup = once(() => installPeers(peers))
  // Each package's `bin` entry, run by this Node as diapo's rows are, rather than by whatever `node` the shim finds on PATH.
  const marpCli = [process.execPath, path.join(peers, 'node_modules', '@marp-team', 'marp-cli', 'marp-cli.js')]
  const revealMdCli = [process.execPath, path.join(peers, 'node_modules', 'reveal-md', 'bin', 'reveal-md.js')]
  const peer = (row: PeerRow) => peerCase(places, setup, row)
  const hasShell = existsSync(headlessShell)
  const marpPdf = (browser: string) =>
    peer({
      name: `Marp CLI, PDF of the talk${browser === headlessShell ? ', headless shell' : ''}`,
      slides: marp.slides,
      output: 'talk.pdf',
      // CHROME_PATH alone is not enough: when it does not work Marp quietly looks for another browser; --browser-path does not.
      command: (file) => [...marpCli, marp.file, '--pdf', '-o', file, '--browser-path', browser],
      // Marp drops Chromium's sandbox by itself as root or in a container; CHROME_NO_SANDBOX (read in its launcher,
      // not in the README) makes that hold for any user, as the other rows pass --no-sandbox.
      env: { CHROME_PATH: browser, CHROME_NO_SANDBOX: '1' },
    })
  // diapo building the very files the peers build, in their syntax (issue 16: decks brought from those tools).
  const diapoOf = (flavour: Flavour, file: string, slides: number): Case => ({
    ...peerCase(places, () => {}, {
      name: `diapo, PDF of the ${flavour === 'marp' ? 'Marp' : 'reveal-md'} talk, chromium`,
      slides,
      output: 'index.html',
      command: (_, folder) => [process.execPath, path.join(root, 'lib', 'cli.js'), 'build', file, '--out', folder, '--browser', chromium],
    }),
    peer: false,
  })
  return [
    diapoOf('marp', marp.file, marp.slides),
    diapoOf('reveal-md', revealMd.file, revealMd.slides),
    peer({
      name: 'Marp CLI, HTML of the talk',
      slides: marp.slides,
      output: 'talk.html',
      command: (file) => [...marpCli, marp.file, '-o', file],
    }),
    peer({
      name: 'reveal-md, static HTML of the talk',
      slides: revealMd.slides,
      // reveal-md names the page after the Markdown file, in the folder it is given.
      output: 'reveal-md.html',
      command: (_, folder) => [...revealMdCli, revealMd.file, '--static', folder],
    }),
    marpPdf(chromium),
    ...(hasShell ? [marpPdf(headlessShell)] : []),
    peer({
      name: 'reveal-md, PDF of the talk',
      slides: revealMd.slides,
      output: 'talk.pdf',
      command: (file) => [
        ...revealMdCli,
        revealMd.file,
        '--print',
        file,
        '--puppeteer-chromium-executable',
        chromium,
        '--puppeteer-launch-args=--no-sandbox',
      ],
    }),
    chromiumCase(places, chromium),
    ...(hasShell ? [chromiumCase(places, headlessShell)] : []),
  ]
}

/** The line under the table: what was run, and how the peers' talk differs from diapo's. */
export function peerNote(work: string): string {
  const peers = path.join(work, 'peers')
  const versions = packages.map((name) => `${name} ${installedVersion(peers, name) ?? '(not installed)'}`).join(', ')
  return (
    `Peers (${versions}) run with ${chromium}, or ${headlessShell} where their row says so, as do diapo's rows ending in "chromium" ` +
    'and, by default, the others (see the line above the table); the same talk without diapo-only syntax: ' +
    'the 2 Mermaid diagrams are a text line each, `::slide` classes are dropped, notes are HTML comments (Marp) or `Note:` (reveal-md), ' +
    "each tool uses its default theme; reveal-md's static HTML leaves the Markdown to be rendered in the viewer's browser."
  )
}

/** What differs between the peer rows. */
interface PeerRow {
  name: string
  slides: number
  /** The file the tool writes, in the row's own folder. */
  output: string
  command: (output: string, folder: string) => string[]
  env?: NodeJS.ProcessEnv
}

/**
 * A peer row: its own output folder, emptied before each run (untimed) so a
 * run that writes nothing cannot pass on the previous run's file. The folder
 * is made again at once: reveal-md's PDF export into a missing folder fails
 * inside the page, leaves its browser open and never exits.
 */
function peerCase(places: Places, setup: () => void, row: PeerRow): Case {
  const folder = path.join(places.out, slug(row.name))
  const output = path.join(folder, row.output)
  return {
    name: row.name,
    slides: row.slides,
    command: row.command(output, folder),
    setup,
    prepare: () => emptyFolder(folder),
    output,
    // Keeps reveal-md's update check (a network call, on a machine without network) out of the timings.
    env: { NO_UPDATE_NOTIFIER: '1', ...row.env },
    peer: true,
  }
}

/** `browser` printing a one-line page, its profile in memory as diapo's is: the floor any PDF export through it stands on. */
function chromiumCase(places: Places, browser: string): Case {
  const page = path.join(places.peers, 'trivial.html')
  mkdirSync(places.peers, { recursive: true })
  writeFileSync(page, '<!doctype html><title>Trivial</title><p>Hello, PDF.</p>\n')
  const name = path.basename(browser)
  const out = path.join(places.out, name)
  const profile = path.join(existsSync(memory) ? memory : places.peers, `diapo-bench-${name}-profile`)
  const pdf = path.join(out, 'trivial.pdf')
  return {
    name: `${name} --headless --print-to-pdf, trivial page`,
    slides: '–',
    command: [
      browser,
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      `--print-to-pdf=${pdf}`,
      pathToFileURL(page).href,
    ],
    // A fresh profile each run, as a PDF export's browser starts with one.
    prepare: () => {
      emptyFolder(profile)
      emptyFolder(out)
    },
    output: pdf,
    peer: true,
  }
}

/** Installs the peers unless they are there; puppeteer counts, as reveal-md drops it silently when its install fails. */
function installPeers(peers: string): void {
  const missing = [...packages, 'puppeteer'].filter((name) => !installedVersion(peers, name))
  if (missing.length === 0) return
  process.stderr.write(`installing ${packages.join(', ')} into ${peers} (missing: ${missing.join(', ')})\n`)
  mkdirSync(peers, { recursive: true })
  const result = spawnSync('npm', ['install', '--prefix', peers, '--no-audit', '--no-fund', ...packages], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Puppeteer's install script downloads a Chrome, which fails offline and takes puppeteer (reveal-md's PDF) with it.
    env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: 'true' },
  })
  if (result.status !== 0) throw new Error(`npm install of the peers failed (${result.status}): ${result.stderr.toString().trim()}`)
  const still = [...packages, 'puppeteer'].filter((name) => !installedVersion(peers, name))
  if (still.length > 0) throw new Error(`npm install left out ${still.join(', ')}`)
}

function installedVersion(peers: string, name: string): string | undefined {
  const manifest = path.join(peers, 'node_modules', name, 'package.json')
  if (!existsSync(manifest)) return undefined
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
}

/**
 * diapo's talk (`slides/*.md`) as one Markdown file for a peer. Each `#` or
 * `##` heading starts a slide in diapo (`slideLevel: 2`); both peers want a
 * `---` line between slides instead.
 */
function convertTalk(places: Places, flavour: Flavour): { file: string; slides: number } {
  const dir = path.join(places.root, 'slides')
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .sort()
  const [first = '', ...rest] = files.map((name) => readFileSync(path.join(dir, name), 'utf8'))
  const { settings, body } = splitFrontmatter(first)
  const { lines, slides } = convertLines([body, ...rest].join('\n').split('\n'), flavour)
  const file = path.join(places.content, `${flavour}.md`)
  mkdirSync(places.content, { recursive: true })
  writeFileSync(file, `---\n${stringify(peerSettings(settings, flavour))}---\n\n${lines.join('\n')}\n`)
  return { file, slides }
}

function splitFrontmatter(markdown: string): { settings: Record<string, unknown>; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(markdown)
  if (!match) return { settings: {}, body: markdown }
  return { settings: (parse(match[1]!) ?? {}) as Record<string, unknown>, body: markdown.slice(match[0].length) }
}

/** The frontmatter each peer understands; the rest of diapo's (slideLevel, theme…) means nothing to them. */
function peerSettings(settings: Record<string, unknown>, flavour: Flavour): Record<string, unknown> {
  if (flavour === 'reveal-md') return { title: settings.title }
  const { title, author, description, lang } = settings
  return { marp: true, title, author, description, lang }
}

/** Slide breaks, notes and diagrams rewritten line by line; code fences are passed through untouched. */
function convertLines(input: string[], flavour: Flavour): { lines: string[]; slides: number } {
  const lines: string[] = []
  let slides = 0
  let fence: string | undefined
  let notes: string[] | undefined
  for (const line of input) {
    const marker = /^(`{3,}|~{3,})/.exec(line)?.[1]
    if (fence) {
      if (marker?.startsWith(fence)) fence = undefined
      lines.push(line)
    } else if (notes) {
      if (line.trim() === ':::') {
        lines.push(...formatNotes(notes, flavour))
        notes = undefined
      } else notes.push(line)
    } else if (marker) {
      fence = marker
      lines.push(line)
    } else if (/^:::notes\s*$/.test(line)) notes = []
    else if (/^::slide\{.*\}\s*$/.test(line)) continue
    else if (/^#{1,2}\s/.test(line)) {
      if (slides++ > 0) lines.push('', '---', '')
      lines.push(line)
    } else lines.push(diagramAsText(line))
  }
  return { lines: dropDoubleBlanks(lines), slides }
}

/** Marp keeps notes in HTML comments; reveal.js's Markdown takes everything after `Note:` to the end of the slide. */
function formatNotes(notes: string[], flavour: Flavour): string[] {
  const text = notes.join('\n').trim()
  return flavour === 'marp' ? ['<!--', text, '-->'] : ['Note:', text]
}

/**
 * diapo renders `![…](x.mmd)` to an SVG at build time; neither peer renders
 * Mermaid at build time (Marp not at all, reveal-md only in the viewer's
 * browser, from a code fence), so the diagram becomes a plain line. The peers'
 * HTML rows are then to be read against diapo's cached-diagrams row.
 */
function diagramAsText(line: string): string {
  const match = /^!\[([^\]]*)\]\([^)]+\.mmd\)\s*$/.exec(line)
  return match ? `Diagram: ${match[1]}` : line
}

function dropDoubleBlanks(lines: string[]): string[] {
  return lines.filter((line, index) => line.trim() !== '' || (index > 0 && lines[index - 1]!.trim() !== ''))
}

function emptyFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true })
  mkdirSync(folder, { recursive: true })
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

/** Runs `action` once; later calls repeat its outcome, failure included, so one failed install fails every peer row alike. */
function once(action: () => void): () => void {
  let outcome: { error: unknown } | undefined
  return () => {
    if (!outcome) {
      try {
        action()
        outcome = { error: undefined }
      } catch (error) {
        outcome = { error }
      }
    }
    if (outcome.error) throw outcome.error
  }
}
