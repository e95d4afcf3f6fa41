/**
 * Stage: make slides that ran off their canvas fit, as the browser measured
 * them (`measure-slides.ts`). By default such a slide is split into
 * continuation slides at block boundaries — between paragraphs, list items
 * or table rows, never inside a sentence, a code block or a diagram — each
 * under the slide's heading marked “(cont.)”. A slide may ask to be shrunk
 * instead, or to be left alone:
 *
 * ```markdown
 * ::slide{fit="shrink"}   scaled down whole, never under the legible minimum
 * ::slide{fit="none"}     left as written (the check still reports it)
 * ```
 *
 * The measurements come from the browser, in the build that prints the
 * deck (the slide stages then run again with them), and are kept in the
 * cache for builds without a browser. Without them the stage does nothing.
 */
import type { Heading, List, Root, RootContent, Table } from 'mdast'
import type { VFile } from 'vfile'
import { cacheKey, type DiskCache } from './cache.ts'
import { layoutFingerprint, type Cut, type Layout } from './measure-slides.ts'
import { warn } from './messages.ts'
import type { Slide } from './types.ts'

/** How to fit one slide. */
export type Fit = { cuts: Cut[]; blocks: number } | { shrink: number }

/** The fit of a slide, if it has one: from the build's measurements, or from the cache of earlier ones. */
export type FitLookup = (file: VFile, slide: Slide) => Fit | undefined | Promise<Fit | undefined>

/** Names a slide across builds of the same text: its file and where it starts. */
export function slideKey(file: VFile, slide: Slide): string {
  return `${file.path}:${slide.position?.start.offset ?? -1}`
}

/** The Markdown text of a slide, as written. */
export function slideSource(file: VFile, slide: Slide): string {
  const { start, end } = slide.position ?? {}
  return start?.offset === undefined || end?.offset === undefined ? '' : String(file.value).slice(start.offset, end.offset)
}

/** How a slide asks to be fitted: `::slide{fit=…}`, read by `slide-attributes.ts`. */
export function fitMode(slide: Slide): 'split' | 'shrink' | 'none' {
  const value = slide.data?.hProperties?.['data-fit']
  return value === 'shrink' || value === 'none' ? value : 'split'
}

/** Nodes that leave no element of their own among the slide's blocks. */
const silent = new Set(['definition', 'footnoteDefinition', 'yaml'])

/** Fit each slide of the file that has a fit. */
export function fitSlides(options: { fits?: FitLookup | undefined } = {}) {
  return async function (tree: Root, file: VFile): Promise<undefined> {
    const fits = options.fits
    if (!fits) return
    const fitted = async (slides: RootContent[]): Promise<RootContent[]> => {
      const result: RootContent[] = []
      for (const node of slides) {
        if (node.type === 'slideStack') {
          node.children = (await fitted(node.children)) as Slide[]
          result.push(node)
          continue
        }
        const fit = node.type === 'slide' ? await fits(file, node) : undefined
        if (node.type !== 'slide' || !fit) result.push(node)
        else if ('shrink' in fit) {
          const properties = ((node.data ??= {}).hProperties ??= {})
          properties.style = `--diapo-fit: ${fit.shrink}`
          // The theme shows a shrunk slide's code whole, without its box's height limit.
          properties['data-fit'] = 'shrink'
          result.push(node)
        } else result.push(...split(node, fit, file))
      }
      return result
    }
    tree.children = await fitted(tree.children)
  }
}

/** The slide cut into parts at `fit.cuts`; the slide itself when its blocks do not match the measured ones. */
function split(slide: Slide, fit: { cuts: Cut[]; blocks: number }, file: VFile): Slide[] {
  const blocks = slide.children.filter((node) => !silent.has(node.type) && !isNotes(node))
  if (blocks.length !== fit.blocks || blocks.some((node) => node.type === 'html')) {
    warn(
      file,
      'This slide runs off the bottom, but diapo cannot split it (it holds raw HTML); shorten it, split it with `---`, or add `::slide{fit="shrink"}`',
      slide.position?.start,
      'fit',
    )
    return [slide]
  }
  const heading = blocks[0]?.type === 'heading' ? blocks[0] : undefined
  const notes = slide.children.filter(isNotes)
  const parts: RootContent[][] = [[]]
  const cuts = [...fit.cuts].sort((a, b) => a.block - b.block || (a.item ?? 0) - (b.item ?? 0))
  for (const [index, node] of blocks.entries()) {
    const here = cuts.filter((cut) => cut.block === index)
    if (here.length === 0 || (node.type !== 'list' && node.type !== 'table')) {
      if (here.length > 0) parts.push([])
      parts.at(-1)!.push(node)
      continue
    }
    let from = 0
    for (const cut of here) {
      const item = cut.item ?? 0
      if (item > from) parts.at(-1)!.push(slice(node, from, item))
      parts.push([])
      from = item
    }
    parts.at(-1)!.push(slice(node, from, undefined))
  }
  // Definitions show nothing, and links and footnotes of every part need them: they stay with the first.
  const definitions = slide.children.filter((node) => silent.has(node.type))
  return parts
    .filter((children) => children.length > 0)
    .map((children, index) => {
      if (index === 0) return { ...slide, children: [...children, ...definitions, ...notes] }
      const properties = { ...slide.data?.hProperties }
      delete properties.id // ids stay unique: only the first part keeps it
      const first = children[0]
      const last = children.at(-1)
      return {
        type: 'slide',
        data: { ...slide.data, hProperties: properties },
        position: first?.position && last?.position ? { start: first.position.start, end: last.position.end } : slide.position,
        children: heading ? [continued(heading), ...children] : children,
      } satisfies Slide
    })
}

function isNotes(node: RootContent): boolean {
  return node.type === 'containerDirective' && node.name === 'notes'
}

/** Items (or body rows) `from` to `to` of a list or table; a table keeps its header row. */
function slice(node: List | Table, from: number, to: number | undefined): List | Table {
  if (node.type === 'list') {
    const start = node.ordered ? (node.start ?? 1) + from : node.start
    return { ...node, start, children: node.children.slice(from, to) }
  }
  const [header, ...rows] = node.children
  return { ...node, children: [header!, ...rows.slice(from, to)] }
}

/** The heading repeated on a continuation slide, marked so. */
function continued(heading: Heading): Heading {
  const copy = structuredClone(heading)
  delete copy.position
  // Ids stay unique: a link to the heading leads to the slide's first part.
  delete copy.data?.hProperties?.id
  copy.children.push({ type: 'text', value: ' (cont.)' })
  return copy
}

/** A slide of the deck, in order, with the file it comes from. */
export interface SlideSource {
  file: VFile
  slide: Slide
}

/**
 * How the slides of one build are fitted: as an earlier build measured
 * them (the cache), else as this build measures them, in at most three
 * rounds — fits from the cache that no longer hold are dropped, the slides
 * as written are measured, then fitted.
 */
export class SlideFits {
  /** Slides made to fit: split into continuation slides, or shrunk. */
  counts = { split: 0, shrunk: 0 }
  readonly #cache: DiskCache
  readonly #context: unknown[]
  #source: 'none' | 'cache' | 'measured' = 'none'

  /** `context`: what besides its Markdown shapes a slide's fit (the theme, the canvas). */
  constructor(cache: DiskCache, context: unknown[]) {
    this.#cache = cache
    this.#context = context
  }

  /** The cache's fits, as the slide stages ask for them; undefined when the cache has none. */
  async fromCache(): Promise<FitLookup | undefined> {
    const keys = await this.#cache.keys()
    if (keys.size === 0) return undefined
    return async (file, slide) => {
      const key = this.#key(file, slide)
      const fit = keys.has(key) ? parseFit(await this.#cache.get(key)) : undefined
      if (fit) {
        this.counts['shrink' in fit ? 'shrunk' : 'split']++
        this.#source = 'cache'
      }
      return fit
    }
  }

  /**
   * After the slides were measured: the fits to build them again with, or
   * undefined when they fit (or nothing more can be done). New fits are stored.
   */
  async afterMeasuring(layout: Layout, slides: SlideSource[]): Promise<{ fits: FitLookup | undefined } | undefined> {
    const overflowing = layout.overflowing.filter(({ slide }) => {
      const source = slides[slide - 1]
      return source !== undefined && fitMode(source.slide) !== 'none'
    })
    if (overflowing.length === 0 || this.#source === 'measured') return undefined
    this.counts = { split: 0, shrunk: 0 }
    if (this.#source === 'cache') {
      // Fits measured by an earlier build no longer hold (an image changed, say): start from the slides as written.
      this.#source = 'none'
      return { fits: undefined }
    }
    const plan = new Map<string, Fit>()
    for (const fitting of overflowing) {
      const { file, slide } = slides[fitting.slide - 1]!
      let fit: Fit | undefined
      if (fitMode(slide) === 'split' && fitting.cuts.length > 0) fit = { cuts: fitting.cuts, blocks: fitting.blocks }
      // A slide that cannot be cut (one tall block) is shrunk, if it stays legible.
      else if (fitting.shrink !== undefined) fit = { shrink: fitting.shrink }
      if (!fit) continue
      plan.set(slideKey(file, slide), fit)
      this.counts['shrink' in fit ? 'shrunk' : 'split']++
      await this.#cache.set(this.#key(file, slide), JSON.stringify(fit))
    }
    if (plan.size === 0) return undefined
    this.#source = 'measured'
    return { fits: (file, slide) => plan.get(slideKey(file, slide)) }
  }

  #key(file: VFile, slide: Slide): string {
    return cacheKey(['fit', layoutFingerprint, ...this.#context, slideSource(file, slide)])
  }
}

/** A fit read back from the cache; undefined if it is not one. */
function parseFit(value: string | undefined): Fit | undefined {
  try {
    const fit = JSON.parse(value ?? 'null') as Fit | null
    if (fit && ('shrink' in fit ? typeof fit.shrink === 'number' : Array.isArray(fit.cuts) && typeof fit.blocks === 'number')) return fit
  } catch {
    // Not JSON: measured again by the next build that prints.
  }
  return undefined
}
