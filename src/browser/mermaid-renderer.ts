/**
 * Mermaid, run in the shared headless browser: every diagram of a build in
 * one page load, with the deck's own theme CSS loaded so the labels are
 * measured in the very font they are shown in.
 *
 * The page and its files (Mermaid's ES modules, the theme, its fonts) come
 * from node_modules through a server on 127.0.0.1; the browser resolves no
 * other host, so rendering never touches the network.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import mime from 'mime/lite'
import { packageDir } from '../packages.ts'
import type { Page } from 'puppeteer-core'
import { withTimeout, type BrowserSession, type Log, type RunningBrowser, type Serve } from './browser.ts'
import { DiapoError, EnvironmentError } from '../errors.ts'

/** One diagram to draw. */
export interface MermaidJob {
  /** Id of the SVG root; Mermaid prefixes its styles and markers with it. */
  id: string
  source: string
  /** Accessible name: the image's alt text. */
  title: string | undefined
}

/** A drawn diagram, or why it could not be drawn. */
export type MermaidResult =
  { id: string; svg: string } | { id: string; error: string; line: number | undefined; column: number | undefined }

/** What the diagrams look like. */
export interface MermaidTheme {
  /** The deck's theme CSS (with `url()`s relative to it), and the files it names. */
  css: string
  assets: ReadonlyArray<{ source: string; output: string }>
  /**
   * Icon packs to register, by prefix: Iconify JSON with only the icons
   * used. Read when the page asks for them, after Mermaid's own files: a
   * pack is megabytes to read through.
   */
  iconPacks: () => Promise<Record<string, unknown>>
}

/** Time the drawing step gets for each diagram, beyond `--timeout`, in milliseconds: a 499-edge flowchart takes ~8 s. */
const perDiagram = 10_000

/**
 * Draw `jobs` with Mermaid; one result a job, in order. The render page
 * carries the jobs and starts drawing as soon as it loads, so when the
 * session starts the browser for it (opening the page as its first tab),
 * Mermaid loads and draws while puppeteer is still connecting.
 */
export async function renderMermaid(
  session: BrowserSession,
  jobs: MermaidJob[],
  theme: MermaidTheme,
  options: { log?: Log | undefined; timeout?: number | undefined } = {},
): Promise<MermaidResult[]> {
  const timeout = options.timeout ?? 60_000
  const origin = await session.origin()
  const { base, unmount } = origin.mount(renderFiles(theme, jobs))
  let page: Page | undefined
  try {
    const url = `${base}render.html`
    const running = await session.get({ startUrl: url })
    page = await withTimeout('the diagram page to open', timeout, () => openPage(running, url))
    const drawn = page
    // A complex diagram takes the browser seconds: the step may take that long for each, while the browser answers.
    await withTimeout(
      'Mermaid to draw the diagrams',
      timeout,
      // Polling on DOM changes: the page marks its root when done, and no interval is waited out.
      () => drawn.waitForFunction('window.diapoDone === true', { timeout: 0, polling: 'mutation' }),
      { browser: running.browser, upTo: timeout + perDiagram * jobs.length },
    )
    const { failed, times, results } = (await withTimeout('the diagrams', timeout, () =>
      drawn.evaluate('({ failed: window.diapoFailed, times: window.diapoTimes, results: window.diapoResults })'),
    )) as { failed: unknown; times: Record<string, number>; results: MermaidResult[] }
    if (failed) throw new EnvironmentError(`Mermaid did not run in the browser: ${String(failed)}`)
    options.log?.(`diagrams: in the page (ms): ${JSON.stringify(times)}`)
    return results
  } catch (error) {
    if (error instanceof DiapoError) throw error
    // The browser crashed or was killed under us: an environment problem, not a bug.
    throw new EnvironmentError(`The browser failed while drawing the diagrams: ${(error as Error).message.split('\n')[0]}`, {
      cause: error,
    })
  } finally {
    // Not waited for: nothing depends on it, and a hung browser would not answer (it is killed with the session).
    page?.close().catch(() => {})
    unmount()
  }
}

/**
 * The tab showing `url`: the browser's first tab when it was started on it,
 * else a new one, asked for with the page's address so that it starts
 * loading at once, not after puppeteer has set the tab up.
 */
async function openPage(running: RunningBrowser, url: string): Promise<Page> {
  if (running.startUrl !== url) {
    const browserSession = await running.browser.target().createCDPSession()
    await browserSession.send('Target.createTarget', { url })
    void browserSession.detach().catch(() => {})
  }
  const target = await running.browser.waitForTarget((candidate) => candidate.url() === url, { timeout: 0 })
  const page = await target.page()
  if (!page) throw new EnvironmentError(`The diagram page did not open in the browser (${url})`)
  return page
}

/** The render page and its files, for the session's own server (see `LocalOrigin`). */
function renderFiles(theme: MermaidTheme, jobs: MermaidJob[]): Serve {
  const mermaidDist = path.join(packageDir('mermaid'), 'dist')
  const assets = new Map(theme.assets.map((asset) => [asset.output.replace(/^assets\//, ''), asset.source]))
  // Made while the browser boots: the server listens, and the browser starts, at once. The page
  // asks for its work (the diagrams and their icons) apart, so that Mermaid loads meanwhile.
  const modules = mermaidModules(mermaidDist)
  const page = modules.then((files) => {
    const preload = [...files.keys()].map((file) => `<link rel="modulepreload" href="mermaid/${file}">`)
    return renderPage.replace('<!--preload-->', preload.join(''))
  })
  let work: Promise<string> | undefined

  async function respond(url: string): Promise<[number, string | Buffer, string]> {
    const pathname = decodeURIComponent(new URL(url, 'http://127.0.0.1').pathname)
    let body: string | Buffer | undefined
    if (pathname === '/render.html') body = await page
    else if (pathname === '/work.json') {
      work ??= theme.iconPacks().then((iconPacks) => JSON.stringify({ jobs, iconPacks }))
      // The page reports what went wrong (an unreadable icon pack), as its own failure.
      return work.then(
        (json): [number, string, string] => [200, json, 'application/json'],
        (error: Error): [number, string, string] => [500, error.message, 'text/plain'],
      )
    } else if (pathname === '/assets/theme.css') body = theme.css
    else if (pathname.startsWith('/mermaid/')) {
      const file = pathname.slice('/mermaid/'.length)
      body = (await modules).get(file) ?? (await readInside(mermaidDist, file))
    } else if (pathname.startsWith('/assets/')) {
      const source = assets.get(pathname.slice('/assets/'.length))
      body = source ? await readFile(source).catch(() => undefined) : undefined
    }
    if (body === undefined) return [404, 'not found', 'text/plain']
    return [200, body, mime.getType(pathname) ?? 'application/octet-stream']
  }

  return (_request, response, pathname) => {
    const answer = respond(pathname).catch((): [number, string, string] => [400, 'bad request', 'text/plain'])
    void answer.then(([status, body, type]) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
      response.end(body)
    })
  }
}

/** A file of `dir`, never outside it. */
async function readInside(dir: string, relative: string): Promise<Buffer | undefined> {
  const file = path.resolve(dir, relative)
  if (!file.startsWith(dir + path.sep)) return undefined
  return readFile(file).catch(() => undefined)
}

let modules: Promise<Map<string, Buffer>> | undefined

/**
 * Every module Mermaid's entry imports statically, by path, found by reading
 * their import lists: preloading them all at once saves the browser
 * discovering them level by level. Kept in memory, so each request is
 * answered at once (the browser asks six at a time). Diagram types,
 * imported on demand, are not included.
 */
function mermaidModules(dist: string): Promise<Map<string, Buffer>> {
  modules ??= (async () => {
    const found = new Map<string, Buffer>()
    const queue = ['mermaid.esm.min.mjs']
    while (queue.length > 0) {
      const file = queue.shift()!
      if (found.has(file)) continue
      const code = await readFile(path.join(dist, file)).catch(() => undefined)
      if (!code) continue
      found.set(file, code)
      for (const match of code.toString('latin1').matchAll(/(?:import|from)\s*["'](\.{1,2}\/[^"']+\.mjs)["']/g)) {
        queue.push(path.posix.join(path.posix.dirname(file), match[1]!))
      }
    }
    return found
  })()
  return modules
}

/**
 * The render page. Kept as text, not as a function, because it runs in the
 * browser: nothing of Node or of the bundler may leak into it.
 */
const renderPage = String.raw`<!doctype html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:">
<link rel="stylesheet" href="assets/theme.css"><!--preload-->
<link rel="icon" href="data:,"><style>body { margin: 0 } #stage { position: absolute; left: 0; top: 0; width: 1280px }</style>
</head><body><div class="reveal"><div class="slides"><section id="stage"><figure class="diagram" id="host"></figure></section></div></div>
<script type="module">
try {
  // What to draw, and the fonts to measure labels in, arrive while Mermaid loads.
  const work = fetch('work.json').then(async (response) => {
    if (!response.ok) throw new Error(await response.text())
    return response.json()
  })
  const style = getComputedStyle(document.querySelector('.reveal'))
  const css = (name, fallback) => style.getPropertyValue(name).trim() || fallback
  // Any CSS colour as [r, g, b], through the browser's own parser.
  const probe = document.body.appendChild(document.createElement('i'))
  const rgb = (color) => {
    probe.style.color = ''
    probe.style.color = color
    return (getComputedStyle(probe).color.match(/[\d.]+/g) || [0, 0, 0]).slice(0, 3).map(Number)
  }
  const mix = (from, to, amount) => 'rgb(' + rgb(from).map((value, index) => Math.round(value + (rgb(to)[index] - value) * amount)).join(', ') + ')'
  const luminance = (color) => rgb(color).reduce((sum, value, index) => sum + [0.2126, 0.7152, 0.0722][index] * value / 255, 0)
  const fontFamily = css('--diapo-diagram-font', css('--r-main-font', 'sans-serif'))
  const text = css('--diapo-diagram-text', css('--r-main-color', '#222222'))
  const background = css('--diapo-diagram-background', css('--r-background-color', '#ffffff'))
  // A theme that says nothing of diagrams gets colours drawn from its text and background, light or dark.
  const themeVariables = {
    fontFamily,
    fontSize: css('--diapo-diagram-font-size', '18px'),
    background,
    primaryColor: css('--diapo-diagram-node', mix(background, text, 0.12)),
    primaryBorderColor: css('--diapo-diagram-border', mix(background, text, 0.6)),
    primaryTextColor: text,
    secondaryColor: css('--diapo-diagram-node-alt', mix(background, text, 0.06)),
    tertiaryColor: css('--diapo-diagram-cluster', mix(background, text, 0.04)),
    lineColor: css('--diapo-diagram-line', text),
    textColor: text,
    darkMode: css('--diapo-diagram-dark', String(luminance(background) < 0.4)) === 'true',
  }
  probe.remove()
  const fonts = Promise.all([400, 700].map((weight) => document.fonts.load(weight + ' 18px ' + fontFamily)))
  const { default: mermaid } = await import('./mermaid/mermaid.esm.min.mjs')
  window.diapoTimes = { loaded: Math.round(performance.now()) }
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme: 'base',
    themeVariables,
    fontFamily,
    deterministicIds: true,
    flowchart: { useMaxWidth: false },
    block: { useMaxWidth: false },
    sequence: { useMaxWidth: false },
    class: { useMaxWidth: false },
    state: { useMaxWidth: false },
    er: { useMaxWidth: false },
    gantt: { useMaxWidth: false },
    architecture: { useMaxWidth: false },
  })
  const stage = document.getElementById('host')
  async function renderDiagrams(jobs, iconPacks) {
    const packs = Object.entries(iconPacks).map(([name, icons]) => ({ name, icons }))
    if (packs.length > 0) mermaid.registerIconPacks(packs)
    // Parsing loads each diagram type's code: do it for all at once, while the fonts load.
    const parsed = await Promise.allSettled(jobs.map((job) => mermaid.parse(job.source)))
    window.diapoTimes.parsed = Math.round(performance.now())
    // Labels are measured now: wait for the deck's fonts, bold included. Then draw one by one.
    await fonts
    await document.fonts.ready
    window.diapoTimes.fonts = Math.round(performance.now())
    const results = []
    for (const [index, job] of jobs.entries()) {
      try {
        if (parsed[index].status === 'rejected') throw parsed[index].reason
        const { svg } = await mermaid.render(job.id, job.source, stage)
        results.push({ id: job.id, svg: finish(svg, job) })
        window.diapoTimes[job.id] = Math.round(performance.now())
      } catch (error) {
        const loc = error && error.hash && error.hash.loc
        const match = /line (\d+)/i.exec(String(error && error.message))
        results.push({
          id: job.id,
          error: String((error && error.message) || error).trim(),
          line: loc ? loc.first_line : match ? Number(match[1]) : undefined,
          column: loc ? loc.first_column + 1 : undefined,
        })
      }
    }
    return results
  }
  /** Make the SVG scale with CSS, and give it its accessible name. */
  function finish(markup, job) {
    const holder = document.createElement('div')
    holder.innerHTML = markup
    const svg = holder.querySelector('svg')
    const box = svg.viewBox.baseVal
    // Scaled by CSS to the slide, but never blown up past 1.75× its drawn size.
    svg.setAttribute('style', 'max-width: ' + Math.ceil(box.width * 1.75) + 'px')
    svg.setAttribute('width', String(Math.ceil(box.width)))
    svg.setAttribute('height', String(Math.ceil(box.height)))
    svg.setAttribute('role', 'img')
    const name = job.title || (svg.querySelector(':scope > title') || {}).textContent
    if (name) {
      svg.setAttribute('aria-label', name)
      if (!svg.querySelector(':scope > title')) {
        const title = document.createElementNS('http://www.w3.org/2000/svg', 'title')
        title.textContent = name
        svg.prepend(title)
      }
    }
    return svg.outerHTML
  }
  const { jobs, iconPacks } = await work
  window.diapoResults = await renderDiagrams(jobs, iconPacks)
  window.diapoTimes.drawn = Math.round(performance.now())
} catch (error) {
  window.diapoFailed = String((error && error.stack) || error)
}
window.diapoDone = true
document.documentElement.dataset.done = ''
</script></body></html>`

/** Changes whenever the render page does, so cached SVGs of an older page are not reused. */
export const rendererFingerprint = createHash('sha256').update(renderPage).digest('hex').slice(0, 16)
