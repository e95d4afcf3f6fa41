/**
 * `npm run compare-diagrams`: each of the talk's diagrams beside the image it
 * redraws, as PNGs in test/output/, for a person to judge faithfulness.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { findBrowser, launchBrowser } from '../src/browser/browser.ts'
import { buildDeck } from '../src/build.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const output = path.join(root, 'test', 'output')
const pairs = [
  { reference: 'vm-containers.png', label: 'Máquinas virtuales frente a contenedores' },
  { reference: 'docker-platform.png', label: 'La plataforma Docker' },
]

const result = await buildDeck({ input: path.join(root, 'slides'), outDir: path.join(output, 'deck') })
if (!result.ok) throw new Error('The talk did not build; run `npm run build` to see why')
const html = await readFile(path.join(output, 'deck', 'index.html'), 'utf8')
await mkdir(output, { recursive: true })

const running = await launchBrowser(findBrowser())
try {
  const page = await running.browser.newPage()
  await page.setViewport({ width: 2400, height: 900 })
  for (const { reference, label } of pairs) {
    const start = html.indexOf(`aria-label="${label}"`)
    const svgStart = html.lastIndexOf('<svg', start)
    const svg = html.slice(svgStart, html.indexOf('</svg></figure>', start) + '</svg>'.length)
    // A page beside the deck's own, so the SVG gets the theme and its fonts exactly as in the deck.
    const theme = html.match(/assets\/theme-\w+\.css/)![0]
    const compare = path.join(output, 'deck', `compare-${path.parse(reference).name}.html`)
    await writeFile(
      compare,
      `<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="${theme}">
      <style>body { margin: 0; display: flex; gap: 40px; padding: 20px; background: #fff; font: 20px sans-serif }
      figure { margin: 0; width: 1160px } img, svg { width: 100%; height: auto; max-height: 820px }</style>
      <figure><img src="../../reference/${reference}"><figcaption>reference: ${reference}</figcaption></figure>
      <figure class="diagram">${svg}<figcaption>diapo</figcaption></figure>`,
    )
    await page.goto(pathToFileURL(compare).href, { waitUntil: 'load' })
    await page.evaluate('document.fonts.ready')
    const file = path.join(output, `compare-${path.parse(reference).name}.png`)
    await page.screenshot({ path: file, fullPage: true })
    process.stdout.write(`${path.relative(process.cwd(), file)}\n`)
  }
} finally {
  await running.close()
}
