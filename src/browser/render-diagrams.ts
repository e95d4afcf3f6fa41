/**
 * Stage: draw every diagram of the deck, in one batch. Cached SVGs are
 * reused; the browser is started only when some diagram is not cached, and
 * all the others are drawn in the same page. A broken diagram is reported
 * at its line with Mermaid's own message, and does not hide the others'.
 */
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { BrowserSession, Log } from './browser.ts'
import { cacheKey, type DiskCache } from '../files/cache.ts'
import { rendererFingerprint, renderMermaid } from './mermaid-renderer.ts'
import { EnvironmentError } from '../errors.ts'
import { members, parseSpan, type Span } from '../files/json-members.ts'
import { fail, warn } from '../messages.ts'
import { withoutRemoteUrls } from '../deck/offline-css.ts'
import { packageDir } from '../packages.ts'
import type { LoadedTheme } from '../deck/theme.ts'
import type { DiagramSource } from '../types.ts'

/** What {@link drawDiagrams} needs. */
export interface RenderDiagramsOptions {
  theme: LoadedTheme
  cache: DiskCache
  session: BrowserSession
  log?: Log | undefined
  /** Most time a step in the browser may take, in milliseconds. Default: 60 s. */
  timeout?: number | undefined
}

/** The SVG of each diagram, by its `ref`, and how they were obtained. */
export interface RenderedDiagrams {
  svgs: Map<string, string>
  cached: number
  rendered: number
}

/** The diagrams of a deck sorted into those the cache has and those to draw. */
export interface DiagramPlan {
  /** SVGs found in the cache, by diagram ref. */
  svgs: Map<string, string>
  missing: Array<{ diagram: DiagramSource; key: string }>
}

/**
 * Mermaid's `maxTextSize`: it draws a longer diagram as a box saying so,
 * instead of failing; diapo reports it at the diagram, as an error.
 */
const maxDiagramText = 50_000

/**
 * Most diagrams a deck may have: each new one takes the browser ~40 ms (a
 * complex one, seconds), and a deck of more cannot be built in time.
 */
export const maxDiagrams = 300

/** Everything besides its own text that shapes a diagram's SVG. */
export interface DiagramContext {
  /** Fingerprint of the render page. */
  renderer: string
  /** Mermaid's version. */
  mermaid: string
  /** The theme, by a hash of its CSS as read: colours and fonts. */
  theme: string
  /** Versions of the icon packs used. */
  icons: Record<string, string>
}

/** The cache key of a diagram: it changes with its text, its title, or anything of its context. */
export function diagramKey(diagram: Pick<DiagramSource, 'source' | 'alt'>, context: DiagramContext): string {
  return cacheKey([context.renderer, context.mermaid, context.theme, context.icons, diagram.source, diagram.alt ?? null])
}

/** Look every diagram up in the cache; nothing is started. */
export async function planDiagrams(diagrams: readonly DiagramSource[], theme: LoadedTheme, cache: DiskCache): Promise<DiagramPlan> {
  const unique = [...new Map(diagrams.map((diagram) => [diagram.ref, diagram])).values()]
  const svgs = new Map<string, string>()
  if (unique.length === 0) return { svgs, missing: [] }
  const excess = unique[maxDiagrams]
  if (excess) {
    fail(
      excess.file,
      `The deck has ${unique.length} diagrams, more than the ${maxDiagrams} diapo draws for one deck; split it into several decks`,
      { line: excess.line, column: excess.column },
      'too-complex',
    )
    return { svgs, missing: [] }
  }
  const context: DiagramContext = {
    renderer: rendererFingerprint,
    mermaid: packageVersion('mermaid'),
    theme: theme.identity,
    icons: iconPackVersions(iconsNamed(unique.map((diagram) => diagram.source))),
  }
  const keys = unique.map((diagram) => diagramKey(diagram, context))
  const stored = await Promise.all(keys.map((key) => cache.get(key)))
  const missing: DiagramPlan['missing'] = []
  for (const [index, diagram] of unique.entries()) {
    const svg = stored[index]
    if (diagram.source.length > maxDiagramText) {
      fail(
        diagram.file,
        `The diagram is ${diagram.source.length.toLocaleString('en')} characters, more than the ${maxDiagramText.toLocaleString('en')} Mermaid draws; split it into smaller diagrams`,
        { line: diagram.line, column: diagram.column },
        'mermaid',
      )
    } else if (svg) svgs.set(diagram.ref, offline(svg, diagram))
    else missing.push({ diagram, key: keys[index]! })
  }
  return { svgs, missing }
}

/**
 * Draw what the plan misses (starting the browser only then), store it in
 * the cache, and report broken diagrams at their lines.
 */
export async function drawDiagrams(plan: DiagramPlan, options: RenderDiagramsOptions): Promise<RenderedDiagrams> {
  const cached = plan.svgs.size
  options.log?.(`diagrams: ${cached} from the cache, ${plan.missing.length} to render`)
  if (plan.missing.length === 0) return { svgs: plan.svgs, cached, rendered: 0 }

  const jobs = plan.missing.map(({ diagram }) => ({ id: `diagram-${diagram.ref}`, source: diagram.source, title: diagram.alt }))
  const results = await renderMermaid(
    options.session,
    jobs,
    {
      css: options.theme.css,
      assets: options.theme.assets,
      iconPacks: () => iconPacks(iconsNamed(plan.missing.map(({ diagram }) => diagram.source))),
    },
    { log: options.log, timeout: options.timeout },
  )
  options.log?.(`diagrams: ${results.length} drawn`)
  let rendered = 0
  await Promise.all(
    results.map(async (result, index) => {
      const { diagram, key } = plan.missing[index]!
      if ('svg' in result) {
        plan.svgs.set(diagram.ref, offline(result.svg, diagram))
        rendered++
        await options.cache.set(key, result.svg)
        return
      }
      const line = result.line === undefined ? diagram.line : diagram.line + result.line - 1
      const column = result.line === undefined ? diagram.column : diagram.column + (result.column ?? 1) - 1
      fail(diagram.file, `Invalid Mermaid diagram: ${describeError(result.error)}`, { line, column }, 'mermaid')
    }),
  )
  return { svgs: plan.svgs, cached, rendered }
}

/**
 * A diagram's SVG as the deck gets it: whatever the diagram's own CSS
 * (`themeCSS`, `style`) or shapes load from the web is left out, with a
 * warning at the diagram — the deck must show the same offline.
 */
function offline(svg: string, diagram: DiagramSource): string {
  const { text, remote } = withoutRemoteUrls(svg)
  for (const url of remote) {
    warn(
      diagram.file,
      `The diagram loads ${url} from the web; left out so the deck works offline (and tells no server it was opened)`,
      { line: diagram.line, column: diagram.column },
      'remote-resource',
    )
  }
  return text
}

/**
 * Mermaid's message without its ASCII pointer to the code, and with advice
 * a deck's author can follow where Mermaid's is for a programmer calling it.
 */
function describeError(message: string): string {
  const edges = /Edge limit exceeded\. \d+ edges found, but the limit is (\d+)/.exec(message)
  if (edges) return `the diagram has more edges than the ${edges[1]} Mermaid draws in one diagram; split it into smaller diagrams`
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^-*\^$/.test(line) && !line.startsWith('...') && !/mermaid\.initialize|secure config/i.test(line))
    .join(' ')
}

/** The icons the diagrams name (`logos:nginx`), by pack prefix, for the packs installed (`@iconify-json/logos`). */
function iconsNamed(sources: readonly string[]): Map<string, { dir: string; names: Set<string> }> {
  const wanted = new Map<string, { dir: string; names: Set<string> }>()
  for (const source of sources) {
    for (const [, prefix, name] of source.matchAll(/\bicon:\s*["']([a-z\d-]+):([a-z\d-]+)["']/g)) {
      if (!wanted.has(prefix!)) {
        try {
          wanted.set(prefix!, { dir: packageDir(`@iconify-json/${prefix}`), names: new Set() })
        } catch {
          continue // Not installed: Mermaid itself will say the icon is unknown.
        }
      }
      wanted.get(prefix!)!.names.add(name!)
    }
  }
  return new Map([...wanted].sort(([a], [b]) => a.localeCompare(b)))
}

/** The versions of the packs: part of the cache key, read from their package.json only. */
function iconPackVersions(wanted: ReturnType<typeof iconsNamed>): Record<string, string> {
  return Object.fromEntries([...wanted.keys()].map((prefix) => [prefix, packageVersion(`@iconify-json/${prefix}`)]))
}

/**
 * The packs cut down to the icons named, so the page gets kilobytes, not
 * the 8 MB pack; only those icons are parsed (see `json-members.ts`).
 */
async function iconPacks(wanted: ReturnType<typeof iconsNamed>): Promise<Record<string, unknown>> {
  const packs: Record<string, unknown> = {}
  for (const [prefix, { dir, names }] of wanted) {
    const file = path.join(dir, 'icons.json')
    try {
      const json = await readFile(file)
      const pack = members(json)
      const part = (key: string) => pack.get(key)
      const membersOf = (key: string) => (part(key) ? members(json, part(key)!.start) : new Map<string, Span>())
      const [icons, aliases] = [membersOf('icons'), membersOf('aliases')]
      const picked: Record<string, unknown> = {}
      for (const name of [...names].sort()) {
        const alias = aliases.get(name)
        const target = (alias && (parseSpan(json, alias) as { parent?: string }).parent) || name
        const icon = icons.get(target)
        if (icon) picked[name] = parseSpan(json, icon)
      }
      const size = (key: string) => (part(key) ? parseSpan(json, part(key)!) : undefined)
      packs[prefix] = { prefix, width: size('width'), height: size('height'), icons: picked }
    } catch (error) {
      throw new EnvironmentError(`Cannot read the icon pack ${file}: ${(error as Error).message}; reinstall it (npm ci)`, { cause: error })
    }
  }
  return packs
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version
}
