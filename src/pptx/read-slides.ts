/**
 * Stage, in the browser: the slides as PowerPoint will hold them, read from
 * the deck reveal.js laid out for print — every text block with its runs
 * (font, size, weight, colour, link) and its measured box, lists with their
 * levels, tables cell by cell, code line by line, pictures, diagrams as SVG
 * with a PNG of them, the slide's background, its notes, and which shapes
 * (or paragraphs) are fragments, in their order.
 *
 * Read from the page once the slides fit (see `export-pdf.ts`), so that the
 * boxes are those of the PDF. Lengths are CSS pixels of the canvas; the
 * writer (`write-pptx.ts`) turns them into inches (96 a inch) and points.
 */
import type { Page } from 'puppeteer-core'
import { withTimeout } from '../browser/browser.ts'
import { DiapoError, EnvironmentError } from '../errors.ts'
import { cacheKey, type DiskCache } from '../files/cache.ts'
import { diapoVersion, packageVersion } from '../packages.ts'

/** A box on the slide, in CSS pixels from its top left corner. */
export interface Box {
  x: number
  y: number
  w: number
  h: number
}

/** A run of text in one style. */
export interface Run {
  text: string
  font: string
  /** CSS pixels. */
  size: number
  bold: boolean
  italic: boolean
  underline: boolean
  strike: boolean
  /** `RRGGBB`. */
  color: string
  /** The font is monospaced (code): PowerPoint picks a monospaced one where it lacks it. */
  mono: boolean
  /** A link: an address, a path relative to the deck's folder, or `#n` for slide n. */
  link?: string | undefined
  baseline?: 'super' | 'sub' | undefined
  /** The colour behind the run (inline code's), `RRGGBB`. */
  highlight?: string | undefined
  /** A line break after the run. */
  breakAfter?: boolean | undefined
}

/** A paragraph of a text shape. */
export interface Paragraph {
  runs: Run[]
  align: 'left' | 'center' | 'right' | 'justify'
  /** Line height, CSS pixels. */
  lineHeight: number
  /** Room above the paragraph (after the one before it), CSS pixels. */
  spaceBefore: number
  bullet?: { type: 'bullet' | 'number'; start: number; indent: number } | undefined
  level: number
  /** Its fragment's place in the slide's order, when the paragraph appears on its own. */
  fragment?: number | undefined
}

interface ShapeBase {
  box: Box
  /** Its fragment's place in the slide's order, when the shape appears as one. */
  fragment?: number | undefined
}

export type Shape =
  | (ShapeBase & {
      kind: 'text'
      paragraphs: Paragraph[]
      fill?: string | undefined
      inset: [number, number, number, number]
      code: boolean
    })
  | (ShapeBase & {
      kind: 'rect'
      fill?: string | undefined
      gradient?: Gradient | undefined
      line?: { color: string; width: number } | undefined
      radius: number
    })
  | (ShapeBase & { kind: 'table'; rows: Cell[][]; columns: number[]; heights: number[] })
  | (ShapeBase & { kind: 'image'; src: string; alt: string; fit: 'contain' | 'cover' | 'fill' })
  /** An SVG (a diagram, or an SVG picture): drawn as itself, with a PNG of it for what cannot read SVG. */
  | (ShapeBase & { kind: 'svg'; svg?: string | undefined; src?: string | undefined; alt: string; shot: number; png?: Uint8Array })
  /** What PowerPoint cannot hold (an iframe, a video, display math): a picture of it. */
  | (ShapeBase & { kind: 'picture'; what: string; shot: number; png?: Uint8Array })

/** A linear gradient: its CSS angle (0 upwards, 90 to the right) and colour stops (position 0–1). */
export interface Gradient {
  angle: number
  stops: Array<{ color: string; position: number }>
}

export interface Cell {
  runs: Run[]
  align: Paragraph['align']
  fill?: string | undefined
  header: boolean
  colspan: number
  rowspan: number
  /** Its borders as drawn, top, right, bottom, left: null where it has none. */
  borders: Array<{ color: string; width: number } | null>
}

/** One slide: its shapes in the order they are drawn, its background and notes. */
export interface SlideShapes {
  slide: number
  /** A colour, or a picture of the background (an image, a gradient), by its number among the pictures. */
  background: { color?: string | undefined; shot?: number | undefined; png?: Uint8Array | undefined }
  shapes: Shape[]
  notes: string
  /** What could not be carried over as it is, said as warnings on the slide. */
  notices: string[]
}

/** Where the page shows the deck's files from, and the address its links to the deck's files are put behind. */
export interface ReadSlidesOptions {
  log?: ((line: string) => void) | undefined
  /**
   * Pictures taken before, by what they show: a diagram's SVG, a line of
   * math's markup, a background's layers. Each picture costs ~50 ms of the
   * browser; a warm build takes none.
   */
  cache?: DiskCache | undefined
  /** The address the page shows the deck's folder at. */
  served: string
  /** The marker `pointLinksAt` put before links made relative to the deck's folder. */
  relative: string
  timeout: number
}

/** The deck as read: its canvas (CSS pixels) and its slides. */
export interface ReadDeck {
  width: number
  height: number
  slides: SlideShapes[]
}

/** Read every slide's shapes, and take a PNG of each diagram and of each element carried over as a picture. */
export async function readSlides(page: Page, options: ReadSlidesOptions): Promise<ReadDeck> {
  const read = (await withTimeout('the slides to be read for PowerPoint', options.timeout, () =>
    page.evaluate(`(${readInPage})(${JSON.stringify(options.served)}, ${JSON.stringify(options.relative)})`),
  ).catch((error: Error) => {
    if (error instanceof DiapoError) throw error
    // Something of the deck the reader does not expect: said as the PowerPoint file's failure, not the PDF's.
    throw new EnvironmentError(
      `Cannot read the slides for the PowerPoint file (${error.message.split('\n')[0]}): build without --pptx, and report the deck to diapo`,
      { cause: error },
    )
  })) as ReadDeck & { shots: Array<{ x: number; y: number; width: number; height: number; background?: boolean; key?: string }> }
  const shots: Uint8Array[] = []
  // A picture is kept for the diapo (and so the fonts and theme) and the KaTeX (its stylesheet, which has no hash in its name) that took it.
  const keys = read.shots.map((clip) => clip.key && cacheKey([diapoVersion(), packageVersion('katex'), clip.key, clip.width, clip.height]))
  const kept = await Promise.all(keys.map((key) => (key ? options.cache?.get(key) : undefined)))
  for (const [index, base64] of kept.entries()) if (base64) shots[index] = Buffer.from(base64, 'base64')
  const taking = read.shots.flatMap((clip, index) => (shots[index] ? [] : [{ ...clip, index }]))
  options.log?.(`pptx: slides read, ${taking.length} pictures to take, ${read.shots.length - taking.length} from the cache`)
  // Backgrounds first, each kind once, the slides' content hidden meanwhile.
  const backgrounds = taking.flatMap((clip) => (clip.background ? [clip.index] : []))
  if (backgrounds.length > 0) {
    await page.evaluate(`document.documentElement.classList.add('diapo-backgrounds-only')`)
    await page.addStyleTag({ content: '.diapo-backgrounds-only .pdf-page > section { clip-path: inset(50%) !important }' })
    for (const index of backgrounds) {
      const clip = read.shots[index]!
      shots[index] = await withTimeout(`background ${index + 1} to be taken`, options.timeout, () =>
        page.screenshot({ clip: { x: clip.x, y: clip.y, width: clip.width, height: clip.height }, captureBeyondViewport: true }),
      )
    }
    await page.evaluate(`document.documentElement.classList.remove('diapo-backgrounds-only')`)
  }
  for (const { index, ...clip } of taking) {
    if (clip.background) continue
    // At twice the canvas's resolution: the picture stands in for a vector drawing, and is shown as large.
    shots[index] = await withTimeout(`picture ${index + 1} to be taken`, options.timeout, () =>
      page.screenshot({ clip: { ...clip, scale: 2 }, captureBeyondViewport: true, omitBackground: true }),
    )
  }
  await Promise.all(
    taking.map(({ index }) => keys[index] && options.cache?.set(keys[index], Buffer.from(shots[index]!).toString('base64'))),
  )
  options.log?.('pptx: pictures taken')
  for (const slide of read.slides) {
    if (slide.background.shot !== undefined) slide.background.png = shots[slide.background.shot]
    for (const shape of slide.shapes) if (shape.kind === 'svg' || shape.kind === 'picture') shape.png = shots[shape.shot]
  }
  return { width: read.width, height: read.height, slides: read.slides }
}

/*
 * What runs in the page, as text (nothing of Node or of the bundler may leak
 * into it), top to bottom.
 */
const readInPage = String.raw`(served, relative) => {
  const { width, height } = Reveal.getConfig()
  const shots = []
  const slides = []
  // What styles the page, by address (the tab's own part taken off): part of what a picture of math shows.
  const stylesheets = [...document.styleSheets].map((sheet) => (sheet.href || '').split(served).join('')).join(' ')
  // Each slide once, in its final state: with a page per fragment step, the last page.
  const pages = new Map()
  for (const page of document.querySelectorAll('.reveal .slides .pdf-page')) {
    const section = page.querySelector('section[data-diapo-slide]')
    if (section) pages.set(Number(section.getAttribute('data-diapo-slide')), { page, section })
  }
  let canvasLeft = 0
  let canvasTop = 0
  // Pictures of backgrounds, by what they are made of: a theme's band is taken once for the deck.
  const backgroundShots = new Map()
  const slideOfId = new Map()
  for (const [slide, { section }] of pages) for (const element of section.querySelectorAll('[id]')) slideOfId.set(element.id, slide)
  const pictures = 'iframe, video, audio, canvas, object, embed, .katex-display, math'
  const shown = (element) => {
    const style = getComputedStyle(element)
    return style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0.01
  }
  // Whether the slide being read has inline math, carried over as its TeX.
  let mathAsTeX = false

  for (const [slide, { page, section }] of [...pages].sort((a, b) => a[0] - b[0])) {
    const canvas = page.getBoundingClientRect()
    canvasLeft = canvas.left
    canvasTop = canvas.top
    const shapes = []
    const notices = []
    // Fragments in the order reveal.js shows them: by index, then in the document.
    const fragments = [...section.querySelectorAll('.fragment')].filter((element) => !element.closest('aside.notes'))
    const order = new Map(fragments.map((element, at) => [element, at]))
    const ranked = [...fragments].sort((a, b) => (Number(a.getAttribute('data-fragment-index')) || 0) - (Number(b.getAttribute('data-fragment-index')) || 0) || order.get(a) - order.get(b))
    const step = new Map()
    for (const element of ranked) {
      const index = element.getAttribute('data-fragment-index')
      const key = index === null ? element : 'index ' + index
      if (!step.has(key)) step.set(key, step.size)
    }
    const fragmentOf = (element, within) => {
      for (let at = element; at && at !== section; at = at.parentElement) {
        if (within && !within.contains(at) && at !== within) return undefined
        if (at.classList.contains('fragment')) {
          const index = at.getAttribute('data-fragment-index')
          return step.get(index === null ? at : 'index ' + index)
        }
      }
      return undefined
    }
    const boxOf = (rect) => ({ x: rect.left - canvas.left, y: rect.top - canvas.top, w: rect.width, h: rect.height })
    /** A picture to take of the element; \`key\` says all it shows, when it is known (a picture to keep from build to build). */
    const shot = (element, key) => {
      const rect = element.getBoundingClientRect()
      shots.push({ x: rect.left + scrollX, y: rect.top + scrollY, width: Math.max(1, rect.width), height: Math.max(1, rect.height), key })
      return shots.length - 1
    }

    const visit = (element) => {
      if (element.matches('aside.notes, script, style, template, .katex-mathml') || !shown(element)) return
      const rect = element.getBoundingClientRect()
      if (rect.width === 0 && rect.height === 0 && !element.matches('div, span')) return
      const fragment = fragmentOf(element)
      if (element.matches(pictures)) {
        const what = element.matches('.katex-display, math') ? 'math' : element.tagName.toLowerCase()
        // Math is drawn from its markup and the deck's stylesheets alone (named by their content: the theme's
        // address has its hash); an iframe, a video or a canvas may show anything.
        const key = what === 'math' ? [element.outerHTML, getComputedStyle(element).font, getComputedStyle(element).color, stylesheets].join('|') : undefined
        shapes.push({ kind: 'picture', what, box: boxOf(rect), fragment, shot: shot(element, key) })
        if (what !== 'math') notices.push('A' + (/^[aeiou]/.test(what) ? 'n ' : ' ') + what + ' cannot be carried into PowerPoint: it is a picture of it there')
        return
      }
      if (element.tagName === 'IMG') {
        const src = element.currentSrc || element.src
        const fit = getComputedStyle(element).objectFit
        const alt = element.getAttribute('alt') || ''
        if (/\.svg(\?|#|$)/i.test(src) || src.startsWith('data:image/svg')) shapes.push({ kind: 'svg', src, alt, box: boxOf(rect), fragment, shot: shot(element) })
        else shapes.push({ kind: 'image', src, alt, fit: fit === 'cover' ? 'cover' : fit === 'fill' ? 'fill' : 'contain', box: boxOf(rect), fragment })
        return
      }
      if (element.tagName.toLowerCase() === 'svg') {
        const svg = svgOf(element)
        shapes.push({ kind: 'svg', svg, alt: element.getAttribute('aria-label') || element.closest('figure')?.getAttribute('aria-label') || '', box: boxOf(rect), fragment, shot: shot(element, svg) })
        return
      }
      const style = getComputedStyle(element)
      const box = boxOf(rect)
      const inset = insetOf(style, zoomOf(element))
      const fill = colour(style.backgroundColor)
      if (element.tagName === 'TABLE') return void shapes.push(tableOf(element, box, fragment))
      if (element.tagName === 'PRE') {
        // Code shown in steps (\`{1|3-5|all}\`): a box for each step, one over the other, each appearing on its click
        // over the one before (filled, so that it hides it); other code, the one box shown.
        const stepped = element.matches('.diapo-steps')
        const codes = stepped ? [...element.children].filter((child) => child.tagName === 'CODE') : [[...element.querySelectorAll('code')].filter(shown).at(-1) || element]
        for (const [index, code] of codes.entries()) {
          // The room around the code: the block's, and its code element's own (themes pad either).
          const codeInset = code === element ? [0, 0, 0, 0] : insetOf(getComputedStyle(code), zoomOf(code))
          const codeFill = fill || colour(getComputedStyle(code).backgroundColor) || (stepped ? backgroundOf(page, section).color : undefined)
          const step = stepped && index > 0 ? fragmentOf(code) : fragment
          shapes.push({ kind: 'text', code: true, box, inset: inset.map((side, at) => side + codeInset[at]), fill: codeFill, fragment: step, paragraphs: codeParagraphs(code, stepped) })
        }
        shapes.push(...sideBorders(style, box, fragment, zoomOf(element)))
        return
      }
      // A box drawn behind its content (a quote's band, a column's background): a rectangle of its own.
      const line = borderOf(style, zoomOf(element))
      const gradient = gradientOf(style.backgroundImage)
      if (fill || line || gradient) shapes.push({ kind: 'rect', box, fill: fill || gradient?.stops[0]?.color, gradient, line, radius: (parseFloat(style.borderTopLeftRadius) || 0) * zoomOf(element), fragment })
      if (!line) shapes.push(...sideBorders(style, box, fragment, zoomOf(element)))
      if (element.tagName === 'UL' || element.tagName === 'OL') {
        const paragraphs = []
        const later = []
        listParagraphs(element, 0, paragraphs, later)
        if (paragraphs.length > 0) {
          shapes.push({ kind: 'text', code: false, box, inset: [0, 0, 0, 0], fragment, paragraphs: spaced(paragraphs, fragment) })
        }
        for (const child of later) visit(child)
        return
      }
      const { runs, blocks } = inline(element)
      if (hasText(runs)) {
        // A block of text: its box is its content's when it also holds blocks of its own.
        const textBox = blocks.length > 0 ? boxOf(rangeOf(element, blocks)) : box
        const paragraph = paragraphOf(element, style, trimmed(runs))
        // The boxes a stylesheet draws above or below the text (an accent bar) keep their room: the text starts below them.
        const [above, below] = ['::before', '::after'].map((which) => {
          const pseudo = getComputedStyle(element, which)
          if (pseudo.content === 'none' || pseudo.content === 'normal' || pseudo.display !== 'block') return 0
          return ((parseFloat(pseudo.marginTop) || 0) + (parseFloat(pseudo.height) || 0) + (parseFloat(pseudo.marginBottom) || 0)) * zoomOf(element)
        })
        const textInset = blocks.length > 0 ? [0, 0, 0, 0] : [inset[0], inset[1], inset[2] + below, inset[3] + above]
        shapes.push({ kind: 'text', code: false, box: textBox, inset: textInset, fill: undefined, fragment, paragraphs: [paragraph] })
      }
      shapes.push(...decorations(element, rect, fragment))
      for (const child of blocks) visit(child)
    }
    for (const child of section.children) visit(child)

    if (mathAsTeX || shapes.some((shape) => shape.kind === 'picture' && shape.what === 'math')) {
      notices.push('Math cannot be carried into PowerPoint as math: a line of it is a picture there, math in a sentence its TeX')
    }
    mathAsTeX = false
    const notes = [...section.querySelectorAll('aside.notes')].map((aside) => aside.innerText.trim()).filter(Boolean).join('\n\n')
    slides.push({ slide, background: backgroundOf(page, section), shapes, notes, notices })

    /** The paragraphs of a list, each item's with its bullet and level; what is not text (code, a picture) is visited after. */
    function listParagraphs(list, level, paragraphs, later, root = list) {
      const ordered = list.tagName === 'OL'
      let number = ordered ? Number(list.getAttribute('start') || 1) : 1
      const listBox = list.getBoundingClientRect()
      for (const item of list.children) {
        if (item.tagName !== 'LI' || !shown(item)) continue
        const itemStyle = getComputedStyle(item)
        const bulleted = itemStyle.listStyleType !== 'none' && !item.classList.contains('task-list-item')
        const indent = Math.max(0, item.getBoundingClientRect().left - listBox.left)
        const bullet = bulleted ? { type: ordered ? 'number' : 'bullet', start: number, indent } : undefined
        number++
        const { runs, blocks } = inline(item)
        let first = true
        const add = (element, itemRuns) => {
          const paragraph = paragraphOf(element, getComputedStyle(element), trimmed(itemRuns), first ? bullet : undefined)
          paragraph.level = level
          paragraph.top = element === item ? (rangeOf(item, blocks).top ?? item.getBoundingClientRect().top) : element.getBoundingClientRect().top
          paragraph.bottom = element === item ? rangeOf(item, blocks).bottom : element.getBoundingClientRect().bottom
          paragraph.fragment = fragmentOf(element, root)
          paragraphs.push(paragraph)
          first = false
        }
        if (hasText(runs)) add(item, runs)
        for (const block of blocks) {
          if (block.tagName === 'UL' || block.tagName === 'OL') listParagraphs(block, level + 1, paragraphs, later, root)
          else if (block.matches('p, div') && !block.querySelector('img, svg, pre, table, ' + pictures)) {
            const inner = inline(block)
            if (hasText(inner.runs)) add(block, inner.runs)
            later.push(...inner.blocks)
          } else later.push(block)
        }
      }
    }
  }
  return { width, height, slides, shots }

  /** Room between paragraphs, as measured; and a fragment the whole shape is need not be said again on each. */
  function spaced(paragraphs, shapeFragment) {
    let bottom = undefined
    for (const paragraph of paragraphs) {
      paragraph.spaceBefore = bottom === undefined ? 0 : Math.max(0, paragraph.top - bottom)
      bottom = paragraph.bottom
      delete paragraph.top
      delete paragraph.bottom
      if (paragraph.fragment === shapeFragment) paragraph.fragment = undefined
    }
    return paragraphs
  }

  function paragraphOf(element, style, runs, bullet) {
    const align = style.textAlign === 'center' || style.textAlign === 'right' || style.textAlign === 'justify' ? style.textAlign : style.textAlign === 'end' ? 'right' : 'left'
    const lineHeight = (parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2) * zoomOf(element)
    return { runs, align, lineHeight, spaceBefore: 0, bullet, level: 0 }
  }

  /** The runs of an element's own text (and its inline elements'), and its children that are blocks. */
  function inline(element) {
    const runs = []
    const blocks = []
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) {
          const text = child.textContent.replace(/[\t\n\r ]+/g, ' ')
          if (text) runs.push(runOf(text, child.parentElement))
          continue
        }
        if (child.nodeType !== Node.ELEMENT_NODE || child.matches('aside.notes, script, style, template, .katex-mathml')) continue
        if (child.tagName === 'BR') {
          if (runs.length > 0) runs[runs.length - 1].breakAfter = true
          else runs.push({ ...runOf('', node), breakAfter: true })
          continue
        }
        if (!shown(child)) continue
        const display = getComputedStyle(child).display
        const isInline = display === 'inline' || display === 'inline-block' || display === 'inline-flex' || display === 'contents'
        if (child.matches('.katex') && !child.closest('.katex-display')) {
          // Math in a sentence: its TeX, which reads as written (MathML's text runs "mc^2" into "mc2").
          const tex = child.querySelector('.katex-mathml annotation')?.textContent || child.textContent
          runs.push(runOf(tex.trim(), child))
          mathAsTeX = true
          continue
        }
        if (child.tagName === 'IMG' && isInline && child.getBoundingClientRect().height <= parseFloat(getComputedStyle(node.nodeType === Node.ELEMENT_NODE ? node : element).fontSize) * 1.5) {
          // A picture the size of a letter (an emoji drawn as one): its alternative text, in the line.
          const alt = child.getAttribute('alt')
          if (alt) runs.push(runOf(alt, node.nodeType === Node.ELEMENT_NODE ? node : element))
          continue
        }
        if (isInline && !child.matches('svg, img, ' + pictures)) walk(child)
        else blocks.push(child)
      }
    }
    walk(element)
    return { runs, blocks }
  }

  function runOf(text, element) {
    const style = getComputedStyle(element)
    const link = element.closest('a[href]')
    const align = style.verticalAlign
    return {
      text,
      font: fontOf(style.fontFamily),
      mono: /monospace/.test(style.fontFamily) || element.closest('code, pre, kbd, samp') !== null,
      size: parseFloat(style.fontSize) * zoomOf(element),
      bold: Number(style.fontWeight) >= 600,
      italic: style.fontStyle === 'italic' || style.fontStyle.startsWith('oblique'),
      underline: style.textDecorationLine.includes('underline'),
      strike: style.textDecorationLine.includes('line-through'),
      color: seen(style.color, element) || '000000',
      link: link ? linkOf(link) : undefined,
      baseline: align === 'super' || element.closest('sup') ? 'super' : align === 'sub' || element.closest('sub') ? 'sub' : undefined,
      highlight: getComputedStyle(element).display === 'inline' && !element.closest('pre') ? colour(style.backgroundColor) : undefined,
    }
  }

  /** Where a link leads, for PowerPoint: another slide of the deck (#n), a file of the deck (a relative path), or its address. */
  function linkOf(link) {
    const href = link.href
    if (href.startsWith(relative)) return decodeURI(href.slice(relative.length))
    const here = location.href.split('#')[0]
    if (href.split('#')[0] === here) {
      const id = decodeURIComponent(href.split('#')[1] || '').replace(/^\//, '')
      const slide = slideOfId.get(id) || (/^\d+$/.test(id) ? Number(id) + 1 : undefined)
      return slide ? '#' + slide : undefined
    }
    if (href.startsWith(served)) return decodeURI(href.slice(served.length))
    return /^(https?|mailto):/.test(href) ? href : undefined
  }

  function hasText(runs) {
    return runs.some((run) => run.text.trim() !== '')
  }

  /** Runs without the spaces at the start and end of their paragraph, nor two spaces in a row. */
  function trimmed(runs) {
    const out = []
    let space = true
    for (const run of runs) {
      let text = space ? run.text.replace(/^ /, '') : run.text
      if (text === '' && !run.breakAfter) continue
      out.push({ ...run, text })
      space = text === '' ? space : text.endsWith(' ') || Boolean(run.breakAfter)
    }
    while (out.length > 0) {
      const last = out[out.length - 1]
      last.text = last.text.replace(/ $/, '')
      if (last.text !== '' || last.breakAfter) break
      out.pop()
    }
    if (out.length > 0) out[out.length - 1].breakAfter = undefined
    return out
  }

  /** Code, a paragraph a line, each token in its colour. */
  /** Code's lines; \`hidden\`: a step of code shown in steps, read though the final state hides it. */
  function codeParagraphs(code, hidden = false) {
    const style = getComputedStyle(code)
    const lines = [[]]
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) {
          const parts = child.textContent.split('\n')
          parts.forEach((part, index) => {
            if (index > 0) lines.push([])
            if (part) lines[lines.length - 1].push(runOf(part, child.parentElement))
          })
        } else if (child.nodeType === Node.ELEMENT_NODE && (hidden ? getComputedStyle(child).display !== 'none' : shown(child))) {
          // A line's number, written by the stylesheet before it (\`content: attr(data-line)\`), in its colour and room.
          const number = generated(child, '::before')
          if (number) lines[lines.length - 1].push(number)
          walk(child)
        }
      }
    }
    walk(code)
    if (lines.length > 1 && lines[lines.length - 1].length === 0) lines.pop()
    const lineHeight = (parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2) * zoomOf(code)
    return lines.map((runs) => ({ runs: runs.length > 0 ? runs : [{ ...runOf('', code), text: '' }], align: 'left', lineHeight, spaceBefore: 0, level: 0 }))
  }

  /** The text a stylesheet puts before or after an element (a string, an attribute's value), as a run; undefined if none. */
  function generated(element, which) {
    const style = getComputedStyle(element, which)
    if (style.content === 'none' || style.content === 'normal' || style.display === 'none') return undefined
    const text = [...style.content.matchAll(/"((?:[^"\\]|\\.)*)"|attr\(([\w-]+)\)/g)].map((match) => (match[2] ? element.getAttribute(match[2]) || '' : match[1])).join('')
    if (!text) return undefined
    // Its room (a number right-aligned in two characters, and the gap after it), in spaces of the monospaced font.
    const ch = parseFloat(style.fontSize) * 0.6
    const width = Math.round((parseFloat(style.minWidth) || 0) / ch)
    const gap = Math.round((parseFloat(style.marginRight) || 0) / ch)
    const padded = (style.textAlign === 'right' ? text.padStart(width) : text.padEnd(width)) + ' '.repeat(gap)
    const run = runOf(padded, element)
    const alpha = Number(style.opacity)
    if (alpha < 0.99) run.color = blend(run.color, alpha, element)
    return run
  }

  function tableOf(table, box, fragment) {
    const rows = []
    const heights = []
    let columns = []
    for (const row of table.rows) {
      if (!shown(row)) continue
      heights.push(row.getBoundingClientRect().height)
      const cells = []
      const rowStyle = getComputedStyle(row)
      const underline = rowLine(rowStyle, zoomOf(row))
      for (const cell of row.cells) {
        const style = getComputedStyle(cell)
        cells.push({
          runs: trimmed(inline(cell).runs),
          align: paragraphOf(cell, style, []).align,
          fill: colour(style.backgroundColor) || colour(rowStyle.backgroundColor),
          header: cell.tagName === 'TH',
          colspan: cell.colSpan,
          rowspan: cell.rowSpan,
          borders: ['Top', 'Right', 'Bottom', 'Left'].map((side) => {
            const own = lineOf(style, side, zoomOf(cell)) || (side === 'Top' || side === 'Bottom' ? lineOf(rowStyle, side, zoomOf(row)) : undefined)
            return own || (underline && underline.side === side ? underline.line : null)
          }),
        })
      }
      if (cells.every((cell) => cell.colspan === 1) && cells.length > columns.length) columns = [...row.cells].map((cell) => cell.getBoundingClientRect().width)
      rows.push(cells)
    }
    return { kind: 'table', box, rows, columns, heights, fragment }
  }

  /** One side's border, drawn: its colour and width. */
  function lineOf(style, side, zoom) {
    const width = parseFloat(style['border' + side + 'Width']) || 0
    const color = colour(style['border' + side + 'Color'])
    return width > 0 && color && style['border' + side + 'Style'] !== 'none' ? { color, width: width * zoom } : undefined
  }

  /**
   * A row's line drawn by an inset shadow straight down or up (\`inset 0 -3px 0 blue\`: how a theme rules off a
   * header row, where cell borders would show seams): a border of its cells.
   */
  function rowLine(style, zoom) {
    const match = /^(rgba?\([^)]+\)) 0px (-?[\d.]+)px 0px(?: 0px)? inset$/.exec(style.boxShadow)
    const color = match && colour(match[1])
    const offset = match ? Number(match[2]) : 0
    return color && offset !== 0 ? { side: offset < 0 ? 'Bottom' : 'Top', line: { color, width: Math.abs(offset) * zoom } } : undefined
  }

  function rangeOf(element, blocks) {
    if (blocks.length === 0) return element.getBoundingClientRect()
    // The element's own text, without its blocks: the union of the boxes of its text's lines.
    let rect = undefined
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || blocks.some((block) => block.contains(node))) continue
      const range = document.createRange()
      range.selectNodeContents(node)
      const box = range.getBoundingClientRect()
      rect = rect ? { left: Math.min(rect.left, box.left), top: Math.min(rect.top, box.top), right: Math.max(rect.right, box.right), bottom: Math.max(rect.bottom, box.bottom) } : { left: box.left, top: box.top, right: box.right, bottom: box.bottom }
    }
    if (!rect) return element.getBoundingClientRect()
    return { left: rect.left, top: rect.top, width: rect.right - rect.left, height: rect.bottom - rect.top, bottom: rect.bottom }
  }

  function insetOf(style, zoom) {
    const side = (name) => ((parseFloat(style['padding' + name]) || 0) + (parseFloat(style['border' + name + 'Width']) || 0)) * zoom
    return [side('Left'), side('Right'), side('Bottom'), side('Top')]
  }

  /** Borders of some sides only (a quote's or code's band on the left): a thin rectangle each. */
  function sideBorders(style, box, fragment, zoom) {
    const found = []
    for (const side of ['Top', 'Right', 'Bottom', 'Left']) {
      const width = (parseFloat(style['border' + side + 'Width']) || 0) * zoom
      const color = colour(style['border' + side + 'Color'])
      if (width <= 0 || !color || style['border' + side + 'Style'] === 'none') continue
      const at = side === 'Top' ? { x: box.x, y: box.y, w: box.w, h: width } : side === 'Bottom' ? { x: box.x, y: box.y + box.h - width, w: box.w, h: width } : side === 'Left' ? { x: box.x, y: box.y, w: width, h: box.h } : { x: box.x + box.w - width, y: box.y, w: width, h: box.h }
      found.push({ kind: 'rect', box: at, fill: color, radius: 0, fragment })
    }
    return found
  }

  function borderOf(style, zoom) {
    const width = parseFloat(style.borderLeftWidth) || 0
    const same = ['Top', 'Right', 'Bottom'].every((side) => parseFloat(style['border' + side + 'Width']) === width)
    const color = colour(style.borderLeftColor)
    return width > 0 && color && style.borderLeftStyle !== 'none' && same ? { color, width: width * zoom } : undefined
  }

  /** The slide's background: its colour, or a picture of it when an image or a gradient is part of it. */
  function backgroundOf(page, section) {
    const layers = [document.querySelector('.reveal-viewport') || document.body, page, page.querySelector('.slide-background'), page.querySelector('.slide-background-content')].filter(Boolean)
    const styles = layers.map((layer) => getComputedStyle(layer))
    const pictured = styles.some((style) => style.backgroundImage !== 'none')
    let color = undefined
    for (const style of styles) color = colour(style.backgroundColor) || color
    if (!pictured) return { color: color || 'FFFFFF' }
    const key = styles.map((style) => [style.backgroundColor, style.backgroundImage, style.backgroundSize, style.backgroundPosition, style.backgroundRepeat].join(' ')).join('|')
    if (!backgroundShots.has(key)) {
      const rect = page.getBoundingClientRect()
      // The key names the pictures it shows by their addresses, which name their content (assets/photo-<hash>.png).
      shots.push({ x: rect.left + scrollX, y: rect.top + scrollY, width, height, background: true, key: 'background|' + key.split(served).join('') })
      backgroundShots.set(key, shots.length - 1)
    }
    return { color, shot: backgroundShots.get(key) }
  }

  /** The boxes a stylesheet draws before or after an element's content (a heading's accent bar): a rectangle each. */
  function decorations(element, rect, fragment) {
    const found = []
    for (const which of ['::before', '::after']) {
      const style = getComputedStyle(element, which)
      if (style.content === 'none' || style.content === 'normal' || style.display !== 'block') continue
      const zoom = zoomOf(element)
      const w = parseFloat(style.width) * zoom
      const h = parseFloat(style.height) * zoom
      const fill = colour(style.backgroundColor)
      const gradient = gradientOf(style.backgroundImage)
      if (!(w > 0 && h > 0) || (!fill && !gradient)) continue
      const own = getComputedStyle(element)
      const left = rect.left + ((parseFloat(own.paddingLeft) || 0) + (parseFloat(own.borderLeftWidth) || 0) + (parseFloat(style.marginLeft) || 0)) * zoom
      const top = which === '::before'
        ? rect.top + ((parseFloat(own.paddingTop) || 0) + (parseFloat(own.borderTopWidth) || 0) + (parseFloat(style.marginTop) || 0)) * zoom
        : rect.bottom - ((parseFloat(own.paddingBottom) || 0) + (parseFloat(own.borderBottomWidth) || 0) + (parseFloat(style.marginBottom) || 0)) * zoom - h
      found.push({ kind: 'rect', box: { x: left - canvasLeft, y: top - canvasTop, w, h }, fill: fill || gradient?.stops[0]?.color, gradient, radius: (parseFloat(style.borderTopLeftRadius) || 0) * zoom, fragment })
    }
    return found
  }

  /** A CSS linear gradient, as computed; undefined for anything else. */
  function gradientOf(image) {
    const inner = /^linear-gradient\((.*)\)$/.exec(image.trim())?.[1]
    if (!inner) return undefined
    const parts = inner.split(/,(?![^(]*\))/).map((part) => part.trim())
    let angle = 180
    const sides = { 'to top': 0, 'to right': 90, 'to bottom': 180, 'to left': 270 }
    if (/deg$/.test(parts[0])) angle = parseFloat(parts.shift())
    else if (parts[0] in sides) angle = sides[parts.shift()]
    const stops = parts.map((part, index) => {
      const color = colour(/rgba?\([^)]*\)/.exec(part)?.[0] || '')
      const at = /(-?[\d.]+)%\s*$/.exec(part)?.[1]
      return { color, position: at === undefined ? index / Math.max(1, parts.length - 1) : Number(at) / 100 }
    })
    return stops.length > 1 && stops.every((stop) => stop.color) ? { angle, stops } : undefined
  }

  /**
   * A text colour as it is seen: PowerPoint's text has no opacity, so a
   * faded colour (or text in a faded element: code's dimmed lines) is
   * blended with what is behind it.
   */
  function seen(css, element) {
    const hex = colour(css)
    if (!hex) return undefined
    let alpha = Number(/rgba\([^)]*[ ,\/]([\d.]+)\)/.exec(css)?.[1] ?? 1)
    for (let at = element; at && !at.classList.contains('pdf-page'); at = at.parentElement) alpha *= Number(getComputedStyle(at).opacity)
    return alpha > 0.99 ? hex : blend(hex, alpha, element)
  }

  /**
   * How much a slide made to fit (\`::slide{fit="shrink"}\`, by CSS zoom) scales the element: its computed
   * lengths are unzoomed, its boxes are not.
   */
  function zoomOf(element) {
    return element.currentCSSZoom || 1
  }

  /** A colour (RRGGBB) at \`alpha\` over what is behind the element. */
  function blend(hex, alpha, element) {
    let back = undefined
    for (let at = element; at && !back && !at.classList.contains('pdf-page'); at = at.parentElement) {
      const behind = /rgba?\(([^)]+)\)/.exec(getComputedStyle(at).backgroundColor)?.[1].split(/[ ,\/]+/).filter(Boolean).map(Number)
      if (behind && (behind.length < 4 || behind[3] > 0.99)) back = behind
    }
    back = back || [255, 255, 255]
    const fore = [0, 2, 4].map((at) => parseInt(hex.slice(at, at + 2), 16))
    return fore.map((value, index) => Math.round(value * alpha + back[index] * (1 - alpha)).toString(16).padStart(2, '0')).join('').toUpperCase()
  }

  /** A colour as RRGGBB; undefined when it is (nearly) transparent. */
  function colour(css) {
    const parts = /rgba?\(([^)]+)\)/.exec(css)?.[1].split(/[ ,\/]+/).filter(Boolean).map(Number)
    if (!parts || (parts.length > 3 && parts[3] < 0.1)) return undefined
    return parts.slice(0, 3).map((value) => Math.round(value).toString(16).padStart(2, '0')).join('').toUpperCase()
  }

  function fontOf(family) {
    return family.split(',')[0].trim().replace(/^["']|["']$/g, '')
  }

  /**
   * An SVG that stands alone: the styles of its elements written on them
   * (PowerPoint reads few style sheets), and the HTML labels Mermaid draws
   * in foreignObject (which PowerPoint does not draw) made SVG text, at the
   * lines and baselines the browser laid them out on.
   */
  function svgOf(svg) {
    const copy = svg.cloneNode(true)
    const originals = [svg, ...svg.querySelectorAll('*')]
    const copies = [copy, ...copy.querySelectorAll('*')]
    const kept = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'visibility', 'display']
    originals.forEach((original, index) => {
      const target = copies[index]
      if (original.closest('foreignObject') || original.tagName === 'style') return
      const style = getComputedStyle(original)
      // What an element inherits need not be written again: only what differs from its parent.
      const parent = original === svg ? undefined : getComputedStyle(original.parentElement)
      for (const name of kept) {
        const value = style.getPropertyValue(name)
        if (!value || (name === 'display' && value !== 'none') || (name === 'opacity' && value === '1')) continue
        if (parent && name !== 'opacity' && name !== 'display' && parent.getPropertyValue(name) === value) continue
        target.setAttribute(name, value)
      }
      target.removeAttribute('style')
      target.removeAttribute('class')
    })
    copy.querySelectorAll('style').forEach((style) => style.remove())
    const measure = document.createElement('canvas').getContext('2d')
    originals.forEach((original, index) => {
      if (original.tagName !== 'foreignObject') return
      const group = document.createElementNS('http://www.w3.org/2000/svg', 'g')
      const toLocal = original.getScreenCTM()?.inverse()
      if (toLocal) {
        const walker = document.createTreeWalker(original, NodeFilter.SHOW_TEXT)
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent
          if (!text.trim()) continue
          const style = getComputedStyle(node.parentElement)
          measure.font = style.fontStyle + ' ' + style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily
          const ascent = measure.measureText(text).fontBoundingBoxAscent
          // The words of the text, grouped by the line the browser put them on.
          const lines = []
          const pattern = /\S+/g
          for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
            const range = document.createRange()
            range.setStart(node, match.index)
            range.setEnd(node, match.index + match[0].length)
            const box = range.getBoundingClientRect()
            const line = lines.find((line) => Math.abs(line.top - box.top) < 2)
            if (line) line.words.push(match[0])
            else lines.push({ top: box.top, left: box.left, words: [match[0]] })
          }
          for (const line of lines) {
            const at = new DOMPoint(line.left, line.top + ascent).matrixTransform(toLocal)
            const label = document.createElementNS('http://www.w3.org/2000/svg', 'text')
            label.setAttribute('x', String(Math.round(at.x * 100) / 100))
            label.setAttribute('y', String(Math.round(at.y * 100) / 100))
            label.setAttribute('font-family', style.fontFamily)
            label.setAttribute('font-size', style.fontSize)
            label.setAttribute('font-weight', style.fontWeight)
            if (style.fontStyle !== 'normal') label.setAttribute('font-style', style.fontStyle)
            label.setAttribute('fill', style.color)
            label.textContent = line.words.join(' ')
            group.appendChild(label)
          }
        }
      }
      const foreign = copies[index]
      foreign.replaceWith(group)
    })
    copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
    const box = svg.getBoundingClientRect()
    copy.setAttribute('width', String(Math.round(box.width)))
    copy.setAttribute('height', String(Math.round(box.height)))
    copy.removeAttribute('style')
    return new XMLSerializer().serializeToString(copy)
  }
}`
