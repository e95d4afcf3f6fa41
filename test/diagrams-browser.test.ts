/**
 * Diagrams in real Chromium: drawn at build time into the talk, legible
 * (no clipped label), inside their slide, drawn once and then cached.
 */
import assert from 'node:assert/strict'
import { readdir, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'puppeteer-core'
import { findBrowser, launchBrowser, type RunningBrowser } from '../src/browser/browser.ts'
import { buildDeck, type BuildResult } from '../src/build.ts'
import { runCli, snapshot, tempDir } from './helpers.ts'

describe('the talk’s diagrams', () => {
  let out: string
  let cold: BuildResult
  let warm: BuildResult
  let running: RunningBrowser
  let page: Page

  before(async () => {
    const dir = await tempDir()
    out = path.join(dir, 'dist')
    const cacheDir = path.join(dir, 'cache')
    cold = await buildDeck({ input: 'slides', outDir: out, cacheDir, pdf: false })
    warm = await buildDeck({ input: 'slides', outDir: out, cacheDir, pdf: false })
    running = await launchBrowser(findBrowser())
    page = await running.browser.newPage()
    await page.setViewport({ width: 1280, height: 720 })
    await page.goto(pathToFileURL(path.join(out, 'index.html')).href, { waitUntil: 'load' })
    await page.waitForFunction('Reveal.isReady()')
    await page.evaluate('document.fonts.ready')
  })

  after(async () => {
    await running?.close()
  })

  test('a cold build draws both in one browser; a warm rebuild starts none', () => {
    assert.equal(cold.ok, true)
    assert.deepEqual(cold.diagrams, { rendered: 2, cached: 0 })
    assert.equal(cold.browserLaunches, 1)
    assert.equal(warm.ok, true)
    assert.deepEqual(warm.diagrams, { rendered: 0, cached: 2 })
    assert.equal(warm.browserLaunches, 0)
  })

  test('are inline SVG with every label of the originals', async () => {
    const diagrams = await page.$$eval('figure.diagram > svg', (svgs) =>
      svgs.map((svg) => ({ role: svg.getAttribute('role'), label: svg.getAttribute('aria-label'), text: svg.textContent ?? '' })),
    )
    assert.equal(diagrams.length, 2)
    assert.deepEqual(
      diagrams.map(({ role, label }) => ({ role, label })),
      [
        { role: 'img', label: 'Máquinas virtuales frente a contenedores' },
        { role: 'img', label: 'La plataforma Docker' },
      ],
    )
    const [stacks, platform] = diagrams.map(({ text }) => text.replace(/\s+/g, ' '))
    for (const label of ['Hypervisor', 'libs/bin', 'App', 'daemon']) assert.ok(stacks?.includes(label), `VM diagram lacks ${label}`)
    assert.ok(/SO invitado|Guest OS/.test(stacks ?? ''), 'VM diagram lacks the guest OS')
    for (const label of ['Docker Engine', 'Registry', 'Docker Client', 'Docker Host', '$ docker build', '$ docker pull', '$ docker run']) {
      assert.ok(platform?.includes(label), `platform diagram lacks ${label}`)
    }
  })

  test('the platform’s logos are drawn as icons, not text boxes', async () => {
    const icons = await page.$$eval(
      'figure.diagram > svg[aria-label="La plataforma Docker"] g.icon-shape svg',
      (svgs) => svgs.filter((svg) => svg.querySelector('path')).length,
    )
    assert.equal(icons, 7, 'two containers, NGINX and Ubuntu images, NGINX, Ubuntu and Redis in the registry')
  })

  test('no ids are shared between the page’s SVGs', async () => {
    const duplicates = await page.$$eval('[id]', (elements) => {
      const seen = new Map<string, number>()
      for (const element of elements) seen.set(element.id, (seen.get(element.id) ?? 0) + 1)
      return [...seen].filter(([, count]) => count > 1).map(([id]) => id)
    })
    assert.deepEqual(duplicates, [])
  })

  test('every label lies inside its node and is not clipped', async () => {
    for (const index of await slidesWithDiagrams(page)) {
      await page.evaluate(`Reveal.slide(${index})`)
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))')
      const problems = await page.evaluate(findClippedLabels)
      assert.deepEqual(problems, [], `slide ${index}`)
    }
  })

  test('each diagram fits inside its slide', async () => {
    for (const index of await slidesWithDiagrams(page)) {
      await page.evaluate(`Reveal.slide(${index})`)
      await page.evaluate('new Promise((resolve) => setTimeout(resolve, 900))') // past the slide transition
      const boxes = (await page.evaluate(`(() => {
        const slide = Reveal.getCurrentSlide()
        const box = (element) => { const r = element.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom } }
        return { slide: box(document.querySelector('.reveal .slides')), svg: box(slide.querySelector('figure.diagram > svg')) }
      })()`)) as { slide: Box; svg: Box }
      const { slide, svg } = boxes
      assert.ok(svg.right - svg.left > 200, `slide ${index}: diagram is drawn at a legible size`)
      assert.ok(
        svg.left >= slide.left - 1 && svg.top >= slide.top - 1 && svg.right <= slide.right + 1 && svg.bottom <= slide.bottom + 1,
        `slide ${index}: diagram ${JSON.stringify(svg)} is outside the slide ${JSON.stringify(slide)}`,
      )
    }
  })
})

describe('diagram colours', () => {
  test('follow the deck’s theme, light or dark, with readable labels', async () => {
    const dir = await tempDir()
    const diagram = '```mermaid\nflowchart LR\n  A[Docker Engine] --> B[Registry]\n```\n'
    const running = await launchBrowser(findBrowser())
    try {
      const page = await running.browser.newPage()
      await page.setViewport({ width: 1280, height: 720 })
      const colours: Record<string, { fill: number; text: number; contrast: number }> = {}
      for (const theme of ['white', 'black', 'diapo']) {
        await writeFile(path.join(dir, `${theme}.md`), `---\ntheme: ${theme}\n---\n\n## Colours\n\n${diagram}`)
        const build = await buildDeck({ input: path.join(dir, `${theme}.md`), outDir: path.join(dir, theme), cacheDir: dir, pdf: false })
        assert.equal(build.ok, true)
        await page.goto(pathToFileURL(path.join(dir, theme, 'index.html')).href, { waitUntil: 'load' })
        await page.waitForFunction('Reveal.isReady()')
        colours[theme] = (await page.evaluate(nodeColours)) as { fill: number; text: number; contrast: number }
      }
      assert.ok(colours.black!.fill < 0.2, `dark theme, dark nodes: ${JSON.stringify(colours.black)}`)
      assert.ok(colours.white!.fill > 0.6, `light theme, light nodes: ${JSON.stringify(colours.white)}`)
      for (const [theme, { contrast }] of Object.entries(colours))
        assert.ok(contrast >= 4.5, `${theme}: label contrast ${contrast.toFixed(1)}`)
    } finally {
      await running.close()
    }
  })
})

describe('the clipped-label check', () => {
  test('does catch labels shown larger than they were measured', async () => {
    const dir = await tempDir()
    const deck = path.join(dir, 'deck.md')
    await writeFile(
      deck,
      '## Too big\n\n<style>.reveal svg .nodeLabel { font-size: 40px !important }</style>\n\n```mermaid\nflowchart LR\n  A[Docker daemon] --> B[Registry]\n```\n',
    )
    const build = await buildDeck({ input: deck, outDir: path.join(dir, 'out'), cacheDir: dir, pdf: false })
    assert.equal(build.ok, true)
    const running = await launchBrowser(findBrowser())
    try {
      const page = await running.browser.newPage()
      await page.setViewport({ width: 1280, height: 720 })
      await page.goto(pathToFileURL(path.join(dir, 'out', 'index.html')).href, { waitUntil: 'load' })
      await page.waitForFunction('Reveal.isReady()')
      const problems = (await page.evaluate(findClippedLabels)) as string[]
      assert.ok(
        problems.some((problem) => problem.includes('Docker daemon')),
        JSON.stringify(problems),
      )
    } finally {
      await running.close()
    }
  })
})

describe('a deck printed while its diagrams are drawn', () => {
  // A build that prints writes the deck with its new diagrams' figures empty, loads it, and fills them in
  // once drawn: what it writes must be what a build with every diagram in the cache writes.
  for (const input of ['slides', 'test/fixtures/diagram-twice/input.md']) {
    test(`${input}: drawn now or taken from the cache, the same bytes (HTML and PDF)`, async () => {
      const dir = await tempDir()
      const build = (name: string, cache: string) =>
        runCli(['build', input, '--out', path.join(dir, name), '--verbose'], undefined, { DIAPO_CACHE_DIR: path.join(dir, cache) })
      // Two builds that draw (a layout race shows in some runs only), then one from the cache.
      for (const [name, cache] of [
        ['drawn', 'cache'],
        ['drawn-again', 'other-cache'],
      ] as const) {
        const run = await build(name, cache)
        assert.equal(run.code, 0, run.stderr)
        assert.match(run.stderr, /pdf: diagrams put in/)
      }
      const cached = await build('cached', 'cache')
      assert.equal(cached.code, 0, cached.stderr)
      assert.match(cached.stderr, /diagrams: \d+ from the cache, 0 to render/)
      const reference = await snapshot(path.join(dir, 'cached'))
      assert.ok(Object.keys(reference).some((file) => file.endsWith('.pdf')))
      assert.doesNotMatch(Buffer.from(reference['index.html']!, 'base64').toString(), /data-diapo-pending/)
      assert.deepEqual(await snapshot(path.join(dir, 'drawn')), reference)
      assert.deepEqual(await snapshot(path.join(dir, 'drawn-again')), reference)
    })
  }

  test('a diagram that fails while the deck is printed: exit 1 at its line, the previous output kept, nothing left behind', async () => {
    const dir = await tempDir()
    const deck = path.join(dir, 'deck.md')
    const out = path.join(dir, 'out')
    const env = { DIAPO_CACHE_DIR: path.join(dir, 'cache') }
    await writeFile(deck, '## Fine\n\n```mermaid\nflowchart LR\n  A --> B\n```\n')
    assert.equal((await runCli(['build', deck, '--out', out], undefined, env)).code, 0)
    const before = await snapshot(out)
    // Only the browser can tell this diagram is broken: the deck itself is fine, and is being printed when it fails.
    await writeFile(deck, '## Broken\n\n```mermaid\nflowchart LR\n  A --> B -->\n```\n')
    const run = await runCli(['build', deck, '--out', out, '--verbose'], undefined, env)
    assert.equal(run.code, 1, run.stderr)
    assert.match(run.stderr, /pdf: deck loaded/)
    assert.match(run.stderr, /deck\.md:5:\d+ +error +Invalid Mermaid diagram/)
    assert.match(run.stderr, /1 error: nothing was written/)
    assert.deepEqual(await snapshot(out), before)
    assert.deepEqual((await readdir(dir)).sort(), ['cache', 'deck.md', 'out'])
  })
})

describe('diagram problems', () => {
  test('broken diagrams: exit 1, each at its line, nothing written', async () => {
    const dir = await tempDir()
    const run = await runCli(['build', 'test/fixtures/diagram-errors/input.md', '--out', path.join(dir, 'out')], undefined, {
      DIAPO_CACHE_DIR: dir,
    })
    assert.equal(run.code, 1)
    assert.match(run.stderr, /diagram-errors\/input\.md:6:11 +error +Invalid Mermaid diagram: Parse error/)
    assert.match(run.stderr, /diagram-errors\/broken\.mmd:3:6 +error +Invalid Mermaid diagram: Parse error/)
    assert.match(run.stderr, /diagram-errors\/input\.md:22:1 +error +Diagram `gone\.mmd` not found/)
    assert.match(run.stderr, /diagram-errors\/input\.md:26:1 +error +Diagram `odd%zz\.mmd` not found/)
    assert.match(run.stderr, /4 errors: nothing was written/)
  })

  test('a diagram cannot fetch anything: not even from another local server', async () => {
    let requests = 0
    const server = createServer((_, response) => {
      requests++
      response.writeHead(200, { 'content-type': 'image/png' })
      response.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const dir = await tempDir()
      const deck = path.join(dir, 'deck.md')
      await writeFile(
        deck,
        `## Fetching\n\n\`\`\`mermaid\nflowchart LR\n  A@{ img: "http://127.0.0.1:${port}/x.png", label: "remote", w: 60, h: 60 }\n  A --> B\n\`\`\`\n`,
      )
      const run = await runCli(['build', deck, '--out', path.join(dir, 'out'), '--no-pdf'], undefined, { DIAPO_CACHE_DIR: dir })
      assert.equal(requests, 0, 'the diagram page made a request outside its own server')
      // Mermaid then finds no image to measure: an error at the diagram, not a hang or a crash.
      assert.equal(run.code, 1, run.stderr)
      assert.match(run.stderr, /deck\.md:4:1 +error +Invalid Mermaid diagram: The source image cannot be decoded/)
    } finally {
      server.close()
    }
  })

  test('--browser naming no browser: exit 3, naming it', async () => {
    const run = await runCli(['build', '--browser', '/no/such/chrome', '--out', path.join(await tempDir(), 'out'), '--no-pdf'])
    assert.equal(run.code, 3)
    assert.match(run.stderr, /--browser \(\/no\/such\/chrome\) is not an executable file/)
  })

  test('no browser at all, with a diagram to draw: exit 3 with what to install; --verbose says what was used', async () => {
    const dir = await tempDir()
    const deck = path.join(dir, 'deck.md')
    await writeFile(deck, '## A diagram\n\n```mermaid\nflowchart LR\n  Nowhere --> ToDraw\n```\n')
    const env = { DIAPO_CACHE_DIR: dir, PATH: '/nonexistent', CHROME_PATH: '', PUPPETEER_EXECUTABLE_PATH: '' }
    const none = await runCli(['build', deck, '--out', path.join(dir, 'out'), '--no-pdf'], undefined, env)
    assert.equal(none.code, 3)
    assert.match(none.stderr, /No Chrome, Chromium or Edge found/)
    assert.match(none.stderr, /apt-get install -y chromium/)

    const found = await runCli(['build', deck, '--out', path.join(dir, 'out'), '--verbose', '--no-pdf'], undefined, {
      DIAPO_CACHE_DIR: dir,
    })
    assert.equal(found.code, 0, found.stderr)
    assert.match(found.stderr, /browser: starting \S+ \(from (installed|CHROME_PATH|PUPPETEER_EXECUTABLE_PATH)\)/)
    const again = await runCli(['build', deck, '--out', path.join(dir, 'out'), '--verbose', '--no-pdf'], undefined, env)
    assert.equal(again.code, 0, 'a cached diagram needs no browser')
    assert.match(again.stderr, /diagrams: 1 from the cache, 0 to render/)
    assert.doesNotMatch(again.stderr, /browser: starting/)
  })
})

/** In the page: luminance of the first node's fill and label, and their WCAG contrast ratio. */
const nodeColours = `(() => {
  const luminance = (color) => {
    const [r, g, b] = color.match(/[\\d.]+/g).slice(0, 3).map((value) => {
      const channel = Number(value) / 255
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  }
  const node = document.querySelector('figure.diagram g.node')
  const fill = luminance(getComputedStyle(node.querySelector('rect, path, polygon')).fill)
  const text = luminance(getComputedStyle(node.querySelector('.nodeLabel, text')).color)
  const contrast = (Math.max(fill, text) + 0.05) / (Math.min(fill, text) + 0.05)
  return { fill, text, contrast }
})()`

interface Box {
  left: number
  top: number
  right: number
  bottom: number
}

async function slidesWithDiagrams(page: Page): Promise<number[]> {
  return (await page.evaluate(
    `Reveal.getSlides().flatMap((slide, index) => slide.querySelector('figure.diagram > svg') ? [index] : [])`,
  )) as number[]
}

/**
 * In the page: each label whose text runs outside its box. A node's text
 * must lie inside its shape (icons excepted: their label sits below the
 * icon) and inside the foreignObject that holds it; a cluster's title inside
 * the cluster. Across, 1 px of slack; up and down, 15% of the font size,
 * since a text's box is the font's full ascent and descent, taller than
 * its ink. Given as text: the test compiler's helpers do not exist there.
 */
const findClippedLabels = `(() => {
  const problems = []
  const textBox = (element) => {
    const range = document.createRange()
    range.selectNodeContents(element)
    return range.getBoundingClientRect()
  }
  const inside = (inner, outer, element) => {
    if (inner.width === 0) return true
    const scale = element.getBoundingClientRect().height / (element.getBBox ? element.getBBox().height || 1 : 1)
    const slack = 0.15 * parseFloat(getComputedStyle(element.querySelector('span, p, div, tspan') || element).fontSize) * (isFinite(scale) && scale > 0 ? scale : 1)
    return inner.left >= outer.left - 1 && inner.right <= outer.right + 1 && inner.top >= outer.top - slack && inner.bottom <= outer.bottom + slack
  }
  for (const svg of document.querySelectorAll('figure.diagram > svg')) {
    for (const holder of svg.querySelectorAll('foreignObject')) {
      if (!inside(textBox(holder), holder.getBoundingClientRect(), holder)) problems.push(svg.id + ': text runs out of its label box: ' + holder.textContent.trim())
    }
    for (const node of svg.querySelectorAll('g.node')) {
      const label = node.querySelector('.label, text')
      const shape = [...node.querySelectorAll('rect, path, polygon, circle, ellipse')].find((element) => !element.closest('.label'))
      if (!label || !shape || node.classList.contains('icon-shape') || node.querySelector('.icon-shape')) continue
      if (!label.textContent.trim()) continue
      if (!inside(textBox(label), shape.getBoundingClientRect(), label)) problems.push(svg.id + ': label outside its node: ' + label.textContent.trim())
    }
    for (const cluster of svg.querySelectorAll('g.cluster')) {
      const label = cluster.querySelector('.cluster-label')
      const shape = cluster.querySelector('rect')
      if (label && shape && !inside(textBox(label), shape.getBoundingClientRect(), label)) problems.push(svg.id + ': cluster title outside its box: ' + label.textContent.trim())
    }
  }
  return problems
})()`
