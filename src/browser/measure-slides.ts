/**
 * Stage: measure every slide of the deck as the browser lays it out, and
 * say what does not fit, what is too small to read, what is too faint.
 *
 * It runs in the page reveal.js laid out for print (`?print-pdf`), where
 * every slide is shown at once at the canvas size: the same page load as
 * the PDF, so a build that prints pays only for the measuring itself. For a
 * slide that runs off its canvas it also finds where the slide may be cut
 * into continuation slides (see `fit-slides.ts`): between blocks, list
 * items or table rows, never inside one.
 */
import { createHash } from 'node:crypto'
import type { Page } from 'puppeteer-core'
import { withTimeout } from './browser.ts'

/** A rule of the layout check; the id printed after each finding. */
export type LayoutRule = 'overflow' | 'text-size' | 'diagram-text-size' | 'image-size' | 'contrast' | 'empty-slide' | 'missing-glyph'

/** Something wrong with one slide. */
export interface LayoutFinding {
  /** The slide, 1-based, in the order of the deck (each slide of a vertical stack counts). */
  slide: number
  rule: LayoutRule
  message: string
  /** The character no font draws (`missing-glyph`): where it is in the Markdown is looked up from it. */
  character?: string
}

/**
 * Where a slide that runs off its canvas may be cut: before block `block`,
 * or before item (or table row) `item` of it, or before line `line` of its code.
 */
export interface Cut {
  block: number
  item?: number
  line?: number
}

/**
 * A code block whose longest line is wider than its box, or a table wider
 * than the slide: shown at `scale`, never wrapped (a wrapped line breaks the
 * columns of a shell's output). Past the floor the check reports its size.
 */
export interface WideCode {
  block: number
  scale: number
}

/** How a slide that does not fit could be made to. */
export interface SlideFitting {
  slide: number
  /** Blocks of the slide the cuts count in: heading included, notes and footnotes not. */
  blocks: number
  /** Cuts that make every part fit, between blocks, items, rows or code lines; empty when none would help. */
  cuts: Cut[]
  /** The scale that makes the slide fit whole, if it keeps its text legible. */
  shrink: number | undefined
  /** Whether shrinking by `shrink` is the better fit: the slide runs only a little over. */
  shrinkFirst: boolean
  /** The scale that brings its smallest text to the legible minimum: how far a slide that cannot fit is shrunk. */
  floor: number
  /** Code or tables too wide, to be scaled; the cuts and shrink above are measured as if they were. */
  wide: WideCode[]
  /** Formulas on a line of their own too wide for their box, by their TeX, to be scaled as `wide` is. */
  math: Array<{ tex: string; scale: number }>
  /** Whether the slide runs off the bottom (with `wide` and `math` scaled): if not, scaling the width is all it takes. */
  tall: boolean
}

/** Thresholds of the check: the theme may set them with CSS custom properties. */
export interface LayoutLimits {
  /** Smallest text on the canvas, in CSS px (`--diapo-min-text`). Default: 20. */
  minText: number
  /** Smallest code (`--diapo-min-code-text`): code is read, not heard, so it may be smaller. Default: 14. */
  minCodeText: number
  /** Smallest text inside a diagram (`--diapo-min-diagram-text`). Default: 14. */
  minDiagramText: number
}

export const defaultLimits: LayoutLimits = { minText: 20, minCodeText: 14, minDiagramText: 14 }

/** What the measuring found. */
export interface Layout {
  findings: LayoutFinding[]
  /** The slides that run off their canvas, with where to cut them. */
  overflowing: SlideFitting[]
  /** Whether each character tried is drawn, by font: what the next measuring of the deck need not try again. */
  glyphs: Glyphs
}

/** Whether a font (a CSS `font` value) draws a character, by font, then character. */
export type Glyphs = Record<string, Record<string, boolean>>

/**
 * Measure the slides of a deck loaded for print in `page`, its fonts and
 * images loaded. `glyphs`: what an earlier measuring of the same deck (its
 * fonts unchanged) found of them. Trying the characters is half of the
 * measuring (~12 of 25 ms on the 40-slide corpus deck), and a deck measured
 * again after a fit shows the same characters in the same fonts.
 */
export async function measureSlides(
  page: Page,
  timeout: number,
  longer?: Parameters<typeof withTimeout>[3],
  glyphs: Glyphs = {},
): Promise<Layout> {
  return (await withTimeout(
    'the slides to be measured',
    timeout,
    () => page.evaluate(`(${measureInPage})(${JSON.stringify(defaultLimits)}, ${JSON.stringify(glyphs)})`),
    longer,
  )) as Layout
}

/*
 * What runs in the page, as text: nothing of Node or of the bundler may leak
 * into it. Kept in one function so that it can be read top to bottom.
 */
const measureInPage = String.raw`(defaults, glyphs) => {
  const { width, height } = Reveal.getConfig()
  const rootStyle = getComputedStyle(document.querySelector('.reveal'))
  const limit = (name, fallback) => parseFloat(rootStyle.getPropertyValue(name)) || fallback
  const minText = limit('--diapo-min-text', defaults.minText)
  const minCodeText = limit('--diapo-min-code-text', defaults.minCodeText)
  const minDiagramText = limit('--diapo-min-diagram-text', defaults.minDiagramText)
  // Characters found drawn or not, by font, then character: each is tried once for the deck.
  const drawn = new Map(Object.entries(glyphs).map(([font, known]) => [font, new Map(Object.entries(known))]))
  const findings = []
  const overflowing = []
  /** The colour behind each element's text (see behind()). */
  const backgrounds = new Map()
  const bands = '.diapo-header, .diapo-footer, .diapo-slide-number'
  const snippet = (text) => {
    const words = text.replace(/\s+/g, ' ').trim()
    return words.length > 40 ? words.slice(0, 39) + '…' : words
  }

  // Each slide once, in its final state: with a page per fragment step, the last page.
  const pages = new Map()
  for (const page of document.querySelectorAll('.reveal .slides .pdf-page')) {
    const section = page.querySelector('section[data-diapo-slide]')
    if (section) pages.set(Number(section.getAttribute('data-diapo-slide')), { page, section })
  }

  for (const [slide, { page, section }] of [...pages].sort((a, b) => a[0] - b[0])) {
    const report = (rule, message) => findings.push({ slide, rule, message })
    const canvas = page.getBoundingClientRect()
    const left = canvas.left
    const top = canvas.top
    const inNotes = (element) => element.closest('aside.notes') !== null
    // KaTeX's MathML is for screen readers, clipped to a pixel on purpose: never shown, so never cut off.
    const content = [...section.querySelectorAll('*')].filter((element) => !inNotes(element) && element.tagName !== 'ASIDE' && !element.closest('.katex-mathml'))
    // The header, footer and number (slide-bands.ts) sit at the canvas's edges, whatever the content: measured for
    // their text, not as content that runs off or that makes the slide not empty.
    const inBand = (element) => element.closest(bands) !== null

    // Overflow: any box past an edge of the canvas, or content cut off inside a scrolling box.
    let worst = undefined
    for (const element of content) {
      if ((element.closest('svg') && element.tagName !== 'svg') || inBand(element)) continue
      const box = element.getBoundingClientRect()
      if (box.width === 0 && box.height === 0) continue
      const past = Math.max(box.bottom - (top + height), box.right - (left + width), left - box.left, top - box.top)
      if (past > 1 && (!worst || past > worst.past)) worst = { past, element, box }
    }
    // A slide with a header or footer is the canvas's height, and grows with content that takes the room kept
    // for them: its own box past the canvas is content running into the footer.
    if (section.matches('.diapo-banded')) {
      const box = section.getBoundingClientRect()
      const past = box.bottom - (top + height)
      const last = [...section.children].filter((element) => !element.matches('aside.notes, ' + bands)).at(-1)
      if (past > 1 && (!worst || past > worst.past)) worst = { past, element: last || section, box }
    }
    let wideCode = false
    for (const element of content) {
      const style = getComputedStyle(element)
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue
      const cutX = element.scrollWidth - element.clientWidth
      const cutY = element.scrollHeight - element.clientHeight
      if (cutX > 1 && element.closest('pre')) {
        // Code wider than its box is scaled to it (see fitting()): found here, reported only if it still is after.
        wideCode = true
        report('overflow', 'A line of code is ' + cutX + ' px wider than its box: “' + snippet(element.textContent) + '”')
      } else if (cutX > 1 || cutY > 1) {
        report('overflow', (cutX > 1 ? 'A line is ' + cutX + ' px wider' : 'Content is ' + cutY + ' px taller') + ' than its box, so it is cut off: “' + snippet(element.textContent) + '”')
      }
    }
    // A formula of a line of its own wider than its box (its column, say): scaled to it (see fitting()), reported
    // only if it still is after.
    const wideMath = [...section.querySelectorAll('.katex-display')]
      .map((display) => ({ display, past: inNotes(display) ? 0 : mathOverflow(display) }))
      .filter(({ past }) => past > 1)
    for (const { display, past } of wideMath) {
      report('overflow', 'A formula is ' + Math.round(past) + ' px wider than its box: “' + snippet(texOf(display)) + '”')
    }
    // Whether the slide needs fitting (see fitting() below).
    let needsFit = wideCode || wideMath.length > 0
    if (worst) {
      const { box } = worst
      const edge = box.bottom - (top + height) === worst.past ? 'bottom' : box.right - (left + width) === worst.past ? 'right' : box.left < left ? 'left' : 'top'
      report('overflow', 'Content runs ' + Math.round(worst.past) + ' px off the ' + edge + ' of the slide: “' + snippet(worst.element.textContent || worst.element.getAttribute('alt') || worst.element.tagName.toLowerCase()) + '”')
      // Too tall: split or shrunk. Too wide: a table is scaled (see fitting()); anything else only reported.
      if (edge === 'bottom' || (edge === 'right' && worst.element.closest('table'))) needsFit = true
    }

    // Text: big enough to read from the back of the room, and in contrast with what is behind it;
    // and every character drawn by some font.
    let smallest = undefined
    let smallestCode = undefined
    let smallestShrunk = undefined
    let smallestInDiagram = undefined
    let faintest = undefined
    const undrawn = new Set()
    const walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement
      // KaTeX's MathML is for screen readers, never drawn.
      if (!node.textContent.replace(/[\u200b-\u200d\u2060\ufeff]/g, '').trim() || !element || inNotes(element) || element.closest('sup, sub, .footnotes, title, style, script, .katex-mathml')) continue
      const style = getComputedStyle(element)
      if (style.visibility === 'hidden' || style.display === 'none') continue
      const svg = element.closest('svg')
      const scale = (svg ? svg.getBoundingClientRect().width / (svg.viewBox.baseVal && svg.viewBox.baseVal.width || svg.getBoundingClientRect().width) : 1) * (element.currentCSSZoom || 1)
      const size = parseFloat(style.fontSize) * scale
      if (svg) {
        if (!smallestInDiagram || size < smallestInDiagram.size) smallestInDiagram = { size, text: node.textContent }
      } else if (element.closest('pre, code')) {
        // Code in a sentence too: set smaller than its text, as code is everywhere (Slidev's scale sets it at 0.85em).
        if (!smallestCode || size < smallestCode.size) smallestCode = { size, text: node.textContent }
      } else if (element.closest('.katex .msupsub, .katex .mfrac, .katex .sqrt > .root, .katex .op-limits')) {
        // Scripts, fractions and limits of math are set smaller, as on paper: read with what they are attached to.
      } else {
        if (!smallest || size < smallest.size) smallest = { size, text: node.textContent }
        // The bands keep their size when the slide is shrunk: what shrinking must keep legible is the rest.
        if (!inBand(element) && (!smallestShrunk || size < smallestShrunk)) smallestShrunk = size
      }
      for (const character of undrawnIn(node.textContent, style)) undrawn.add(character)
      const ratio = svg ? diagramContrast(node, element, style, page) : contrast(element, page, style)
      if (ratio === undefined) continue
      const bold = Number(style.fontWeight) >= 700
      const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5
      if (ratio < needed && (!faintest || ratio < faintest.ratio)) faintest = { ratio, needed, text: node.textContent, color: style.color }
    }
    if (needsFit) overflowing.push(fitting(slide, section, smallestShrunk || Infinity, smallestCode ? smallestCode.size : Infinity))
    if (smallest && smallest.size < minText - 0.01) {
      report('text-size', 'Text at ' + round(smallest.size) + ' px is smaller than the ' + minText + ' px minimum: “' + snippet(smallest.text) + '”')
    }
    if (smallestCode && smallestCode.size < minCodeText - 0.01) {
      report('text-size', 'Code at ' + round(smallestCode.size) + ' px is smaller than the ' + minCodeText + ' px minimum: “' + snippet(smallestCode.text) + '”')
    }
    if (undrawn.size > 0) {
      const named = [...undrawn].slice(0, 6).map((character) => '“' + character + '” (U+' + character.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') + ')')
      const more = undrawn.size > named.length ? ' and ' + (undrawn.size - named.length) + ' more' : ''
      const [character] = undrawn
      findings.push({ slide, rule: 'missing-glyph', character, message: 'No font of the deck draws ' + named.join(', ') + more + ': ' + (undrawn.size > 1 ? 'they show as empty boxes' : 'it shows as an empty box') + '; use a theme with a font that has ' + (undrawn.size > 1 ? 'them' : 'it') })
    }
    if (smallestInDiagram && smallestInDiagram.size < minDiagramText - 0.01) {
      report('diagram-text-size', 'A diagram is scaled down until its labels are ' + round(smallestInDiagram.size) + ' px, under the ' + minDiagramText + ' px minimum: “' + snippet(smallestInDiagram.text) + '”; give it a slide of its own or simplify it')
    }
    if (faintest) {
      // Two decimals, rounded down: 2.96 rounded to "3:1, under the 3:1" read as no fault at all.
      report('contrast', 'Text contrast is ' + Math.floor(faintest.ratio * 100) / 100 + ':1, under the ' + faintest.needed + ':1 of WCAG AA: “' + snippet(faintest.text) + '” (' + faintest.color + ')')
    }

    // Images: shown too small to see anything.
    for (const image of section.querySelectorAll('img')) {
      if (inNotes(image)) continue
      const box = image.getBoundingClientRect()
      if (image.naturalWidth > 0 && box.width < 48 && box.height < 48 && (box.width < image.naturalWidth / 2)) {
        report('image-size', 'An image is shown at ' + Math.round(box.width) + '×' + Math.round(box.height) + ' px, too small to see: ' + (image.getAttribute('alt') || image.getAttribute('src')))
      }
    }

    // Empty: no text, no picture, no background of its own.
    const shows = content.some((element) => !inBand(element) && element.matches('img, svg, video, iframe, canvas, object, embed')) || [...section.childNodes].some((node) => (node.nodeType === Node.TEXT_NODE || (node.nodeType === Node.ELEMENT_NODE && !node.matches('aside.notes, ' + bands))) && node.textContent.trim() !== '')
    const background = ['data-background-color', 'data-background-image', 'data-background-video', 'data-background-iframe', 'data-background-gradient'].some((name) => section.hasAttribute(name))
    if (!shows && !background) report('empty-slide', 'The slide is empty')
  }
  return { findings, overflowing, glyphs: Object.fromEntries([...drawn].map(([font, known]) => [font, Object.fromEntries(known)])) }

  function round(value) {
    return Math.round(value * 10) / 10
  }

  /** WCAG contrast of an element's text with the colour behind it; undefined when that is an image or unknown. */
  function contrast(element, page, style) {
    const back = behind(element, page)
    return back && ratioOf(rgba(style.color), back)
  }

  /**
   * The colour behind an element's text: the first opaque background up
   * from it, or the slide's; undefined when that is an image, or a colour
   * seen through. Kept for the measuring: the text of math and code is
   * many elements deep, each asking again of the same ancestors.
   */
  function behind(element, page) {
    if (!backgrounds.has(element)) backgrounds.set(element, backgroundOf(element, page))
    return backgrounds.get(element)
  }

  function backgroundOf(element, page) {
    const own = getComputedStyle(element)
    if (own.backgroundImage !== 'none' && element !== document.documentElement && !element.matches('.reveal, .reveal-viewport, body')) return undefined
    const color = rgba(own.backgroundColor)
    if (color[3] > 0.99) return color
    if (color[3] > 0) return undefined
    if (element.tagName !== 'SECTION') return element.parentElement ? behind(element.parentElement, page) : undefined
    // The slide: its background (reveal.js draws it in an element of its own), else the deck's, else white.
    const slideBackground = page.querySelector('.slide-background')
    if (slideBackground) {
      const shown = getComputedStyle(slideBackground)
      if (shown.backgroundImage !== 'none' || slideBackground.querySelector('video, iframe, [style*="background-image"]')) return undefined
      const color = rgba(shown.backgroundColor)
      if (color[3] > 0.99) return color
    }
    const deck = rgba(getComputedStyle(document.querySelector('.reveal-viewport') || document.body).backgroundColor)
    return deck[3] < 0.99 ? [255, 255, 255, 1] : deck
  }

  /**
   * Contrast of a diagram label with the shape drawn behind it, found by
   * asking the browser what lies under the label's middle.
   */
  function diagramContrast(node, element, style, page) {
    const range = document.createRange()
    range.selectNodeContents(node)
    const box = range.getBoundingClientRect()
    if (box.width === 0) return undefined
    window.scrollTo(0, Math.max(0, scrollY + box.top - innerHeight / 2))
    const middle = range.getBoundingClientRect()
    const x = middle.left + middle.width / 2
    const y = middle.top + middle.height / 2
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return undefined
    const fore = rgba(element instanceof SVGElement ? style.fill : style.color)
    if (fore[3] === 0) return undefined
    let back = undefined
    for (const hit of document.elementsFromPoint(x, y)) {
      if (hit.matches('rect, polygon, path, circle, ellipse') && hit.closest('svg')) {
        const shape = getComputedStyle(hit)
        const fill = rgba(shape.fill)
        if (shape.fill === 'none' || fill[3] * Number(shape.fillOpacity) < 0.99 || Number(shape.opacity) < 0.99) continue
        back = fill
        break
      }
      if (hit.tagName === 'svg' || hit.tagName === 'SECTION') {
        return contrast(hit.tagName === 'svg' ? hit.parentElement : hit, page, { color: element instanceof SVGElement ? style.fill : style.color })
      }
    }
    if (!back) return undefined
    return ratioOf(fore, back)
  }

  function ratioOf(fore, back) {
    const blended = fore.slice(0, 3).map((value, index) => value * fore[3] + back[index] * (1 - fore[3]))
    const [light, dark] = [luminance(blended), luminance(back)].sort((a, b) => b - a)
    return (light + 0.05) / (dark + 0.05)
  }

  function rgba(color) {
    const values = (color.match(/[\d.]+/g) || ['0', '0', '0', '0']).map(Number)
    return [values[0], values[1], values[2], values.length > 3 ? values[3] : 1]
  }

  function luminance(rgb) {
    const linear = rgb.map((value) => {
      const channel = value / 255
      return channel <= 0.03928 ? channel / 12.92 : Math.pow((channel + 0.055) / 1.055, 2.4)
    })
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
  }

  /** How far a formula on a line of its own (KaTeX's display) runs past its box, in its pixels. */
  function mathOverflow(display) {
    const formula = display.querySelector(':scope > .katex')
    return formula ? formula.scrollWidth - display.clientWidth : 0
  }

  /** A formula's TeX, as KaTeX keeps it for screen readers: what the build finds it by again. */
  function texOf(display) {
    const annotation = display.querySelector('annotation[encoding="application/x-tex"]')
    return annotation ? annotation.textContent.trim() : ''
  }

  /**
   * The characters of a text that no font of the element's stack draws:
   * drawn on a canvas, such a character looks like one no font has (the
   * empty box). Spaces, joiners and marks draw nothing of their own, and are
   * skipped. Each character is tried once a font: a text's calls cost a
   * lookup for each of its distinct characters.
   */
  function undrawnIn(text, style) {
    const font = style.fontStyle + ' ' + style.fontWeight + ' 48px ' + style.fontFamily
    let known = drawn.get(font)
    if (!known) drawn.set(font, (known = new Map()))
    const undrawn = []
    for (const character of new Set(text.replace(/[\s\p{M}\p{Cf}\p{Cc}\u{FE00}-\u{FE0F}]/gu, ''))) {
      let result = known.get(character)
      if (result === undefined) known.set(character, (result = isDrawn(character, font)))
      if (!result) undrawn.push(character)
    }
    return undrawn
  }

  function isDrawn(character, font) {
    // One canvas for the deck (sizing it again for each character cleared it and its state each time).
    const context = (isDrawn.context ??= Object.assign(document.createElement('canvas'), { width: 64, height: 64 }).getContext('2d', { willReadFrequently: true }))
    context.font = font
    const picture = (text) => {
      context.clearRect(0, 0, 64, 64)
      context.fillText(text, 4, 48)
      return new Uint32Array(context.getImageData(0, 0, 64, 64).data.buffer)
    }
    const shape = (text) => {
      const metrics = context.measureText(text)
      return [metrics.width, metrics.actualBoundingBoxLeft, metrics.actualBoundingBoxRight, metrics.actualBoundingBoxAscent, metrics.actualBoundingBoxDescent]
    }
    // A private-use character of the last plane: no font of a deck has it, so it is drawn as missing ones are.
    const missing = (isDrawn.missing ??= new Map())
    if (!missing.has(font)) missing.set(font, { shape: shape('\u{10FFFD}'), picture: picture('\u{10FFFD}') })
    const box = missing.get(font)
    // Not as wide as the empty box, or its ink not where the box's is: drawn. Nearly every character is told
    // apart so, without reading pixels back; the rest by its picture.
    if (shape(character).some((value, index) => Math.abs(value - box.shape[index]) > 0.01)) return true
    const pixels = picture(character)
    return pixels.some((pixel, index) => pixel !== box.picture[index])
  }

  /**
   * How to make a slide fit: where to cut it so each part fits under its
   * repeated heading — greedily, over its blocks and, inside lists, tables
   * and code, their items, rows and lines; a heading, or a paragraph that
   * leads in with a colon, goes with what follows it — or by how much to
   * shrink it, and which code to scale to its width.
   * smallest, smallestCode: its smallest text and code, which shrinking must keep legible.
   */
  function fitting(slide, section, smallest, smallestCode) {
    const blocks = [...section.children].filter((element) => !element.matches('aside.notes, .footnotes, ' + bands))
    const style = getComputedStyle(section)
    const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom)
    const box = (element) => element.getBoundingClientRect()
    const available = height - padding - 4

    // Code wider than its box, or a table wider than the slide: scaled to fit, whatever it takes (the text-size
    // rule reports text under the floor). Heights change with it: the scale is put in the page as the build
    // will put it, and the slide is measured for its cuts as it will be (one round, not two).
    const wide = []
    const width = section.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
    // An element's own scale, apart from the slide's: a shrunk slide's zoom is on its children (layout.css).
    const slideFit = parseFloat(style.getPropertyValue('--diapo-fit')) || 1
    const ownZoom = (element) =>
      (element.currentCSSZoom || 1) / (element.parentElement.currentCSSZoom || 1) / (element.parentElement === section ? slideFit : 1)
    blocks.forEach((element, index) => {
      const code = element.matches('pre') ? element.querySelector('code') || element : null
      const table = element.matches('table') ? element : null
      const target = code || table
      if (!target) return
      // What it is wide, and may be, in the slide's pixels (a table's width is its narrowest layout once too wide).
      const zoom = target.currentCSSZoom || 1
      const [shown, room] = code ? [code.scrollWidth, code.clientWidth] : [box(table).width / zoom, width / zoom]
      if (shown - room <= 1) return
      // Its own zoom (its scale so far), apart from the slide's.
      const own = ownZoom(target)
      wide.push({ block: index, scale: Math.floor((room / shown) * own * 1000) / 1000 })
    })
    for (const { block, scale } of wide) {
      const element = blocks[block]
      const table = element.matches('table')
      const target = table ? element : element.querySelector('code') || element
      target.style.setProperty(table ? '--diapo-table-fit' : '--diapo-code-fit', String(scale))
    }

    // Formulas wider than their box: scaled to it, as code is, and put in the page as the build will.
    const math = []
    for (const display of section.querySelectorAll('.katex-display')) {
      const formula = display.querySelector(':scope > .katex')
      if (!formula || display.closest('aside.notes') || mathOverflow(display) <= 1) continue
      const own = ownZoom(display)
      const scale = Math.floor((display.clientWidth / formula.scrollWidth) * own * 1000) / 1000
      math.push({ tex: texOf(display), scale })
      display.style.setProperty('--diapo-math-fit', String(scale))
    }

    // Everything inside the section scales with its zoom: margins, and so its scrollHeight, too. A
    // slide already shrunk (--diapo-fit) is measured as it is: the scale given is from its size as written.
    const contentHeight = section.scrollHeight - padding
    const needed = contentHeight > 0 ? Math.min(1, available / contentHeight) : 1
    const current = parseFloat(getComputedStyle(section).getPropertyValue('--diapo-fit')) || 1
    const legible = smallest * needed >= minText - 0.01 && smallestCode * needed >= minCodeText - 0.01
    const shrink = needed < 1 && legible ? Math.floor(current * needed * 100) / 100 : undefined
    const smallestScale = Math.max(minText / smallest, minCodeText / smallestCode)
    const floor = smallestScale > 0 ? Math.ceil(current * Math.min(1, smallestScale) * 100) / 100 : 1

    const headed = blocks.length > 0 && /^H[1-6]$/.test(blocks[0].tagName)
    const first = headed ? 1 : 0
    const heading = headed ? (blocks[1] ? box(blocks[1]).top : box(blocks[0]).bottom) - box(blocks[0]).top : 0
    const atoms = []
    for (let index = first; index < blocks.length; index++) {
      const element = blocks[index]
      // The block's bottom margin counts: reveal.js sizes print pages by the slide's scrollHeight.
      const rect = box(element)
      const whole = { top: rect.top, bottom: rect.bottom + parseFloat(getComputedStyle(element).marginBottom) }
      const margin = whole.bottom - rect.bottom
      // A heading, or a paragraph leading in with a colon, never ends a part: it goes with what follows.
      const keep = element.matches('h1, h2, h3, h4, h5, h6') || (element.matches('p') && /:\s*$/.test(element.textContent))
      const items = element.matches('ul, ol') ? [...element.children] : element.matches('table') && element.tBodies[0] ? [...element.tBodies[0].rows] : []
      // A block of line steps is not split: its steps would part (code-lines.ts).
      const code = element.matches('pre') && !element.matches('.diapo-steps') ? element.querySelector('code') : null
      const lines = code ? code.textContent.replace(/\n$/, '').split('\n').length : 0
      if (items.length > 1) {
        const header = element.tHead ? box(element.tHead).height : 0
        // Any item may end a part: then the block's bottom margin follows it there.
        items.forEach((item, position) => {
          const part = box(item)
          atoms.push({
            block: index, item: position, piece: position, pieces: items.length, extra: header,
            top: position === 0 ? whole.top : part.top,
            bottom: position === items.length - 1 ? whole.bottom : part.bottom + margin,
          })
        })
      } else if (lines > 3) {
        // Lines of code are all as tall: the box's padding and borders come again with each part.
        const inner = box(code)
        const codeStyle = getComputedStyle(code)
        const zoom = code.currentCSSZoom || 1
        const padTop = parseFloat(codeStyle.paddingTop) * zoom
        const padBottom = parseFloat(codeStyle.paddingBottom) * zoom
        const lineHeight = (inner.height - padTop - padBottom) / lines
        const chrome = rect.height - lineHeight * lines
        for (let line = 0; line < lines; line++) {
          atoms.push({
            block: index, line, piece: line, pieces: lines, extra: chrome,
            top: line === 0 ? whole.top : inner.top + padTop + line * lineHeight,
            bottom: line === lines - 1 ? whole.bottom : inner.top + padTop + (line + 1) * lineHeight + (rect.bottom - inner.bottom) + padBottom + margin,
          })
        }
      } else {
        atoms.push({ block: index, top: whole.top, bottom: whole.bottom, extra: 0, keep })
      }
    }

    const cuts = []
    let start = atoms.length ? atoms[0].top - heading : 0
    let extra = 0
    let room = available
    let partStart = 0
    for (let index = 0; index < atoms.length; index++) {
      const atom = atoms[index]
      if (atom.bottom - start + extra <= room || index === partStart) continue
      let at = index
      // No item, row or line of code alone at either side of a cut inside a block of four or more: two at least.
      const { piece, pieces } = atoms[at]
      if (pieces >= 4 && piece < 2 && at - piece > partStart) at -= piece
      else if (pieces >= 4 && pieces - piece < 2 && piece >= 2) at -= 2 - (pieces - piece)
      // Keep with next: the heading or lead-in before the cut moves to the next part, while the part keeps
      // something (after the rule above, which may have moved the cut to the start of a list a lead-in opens).
      while (at - 1 > partStart && atoms[at - 1].keep) at--
      if (at <= partStart) at = index
      const cut = atoms[at]
      cuts.push(cut.item > 0 ? { block: cut.block, item: cut.item } : cut.line > 0 ? { block: cut.block, line: cut.line } : { block: cut.block })
      start = cut.top
      extra = cut.item > 0 || cut.line > 0 ? cut.extra : 0
      room = available - heading
      partStart = at
      index = at
    }
    // Runs only a little over: shrunk whole rather than split, if that keeps its text legible.
    const shrinkFirst = shrink !== undefined && needed >= 0.85
    return { slide, blocks: blocks.length, cuts, shrink, shrinkFirst, floor, wide, math, tall: (wide.length === 0 && math.length === 0) || needed < 1 }
  }
}`

/** Changes whenever the measuring does, so fits measured by an older diapo are not reused. */
export const layoutFingerprint = createHash('sha256').update(measureInPage).digest('hex').slice(0, 16)
