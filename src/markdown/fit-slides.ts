/**
 * Stage: make slides that run off their canvas fit, as the browser measured
 * them (`measure-slides.ts`). By default such a slide is split into
 * continuation slides — between paragraphs, list items, table rows or lines
 * of code, never inside a sentence or a diagram — each under the slide's
 * heading marked “(cont.)”; a slide that runs only a little over is shrunk
 * instead, and so is a part that cannot be cut (one tall block), as far as
 * its text stays legible. Code wider than its box, or a table wider than the
 * slide, is scaled to it. A slide may ask to be shrunk, or to be left alone:
 *
 * ```markdown
 * ::slide{fit="shrink"}   scaled down whole, never under the legible minimum
 * ::slide{fit="none"}     left as written (the check still reports it)
 * ```
 *
 * The build measures the deck, fits, and measures again, until every slide
 * fits or nothing more can be done (a bounded number of rounds); a part
 * that still cannot fit is marked as continuing past its slide. A fit is
 * kept in the original slide's terms — which block, item, row or line each
 * cut is before — so that each round adds to it, and it is kept in the
 * cache for builds without a browser. Without measurements the stage does
 * nothing.
 */
import type { Code, Heading, List, Root, RootContent, Table } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { cacheKey, type DiskCache } from '../files/cache.ts'
import { layoutFingerprint, type Cut, type Layout, type SlideFitting } from '../browser/measure-slides.ts'
import { warn } from '../messages.ts'
import { isBand } from './slide-bands.ts'
import type { Slide } from '../types.ts'

/** How one slide, as written, is made to fit. */
export interface Fit {
  /** Blocks of the slide as written: heading included, notes, footnotes and definitions not. */
  blocks: number
  /** Where it is cut into parts, in order. */
  cuts: Cut[]
  /** Parts shown shrunk, by where they start ({@link partStart}): the scale. */
  shrink: Record<string, number>
  /** Code blocks scaled to their box's width, by block. */
  wide: Record<number, number>
  /** Formulas on a line of their own scaled to their box's width, by their TeX (absent in fits of older builds). */
  math?: Record<string, number>
  /** Parts that cannot be made to fit, by where they start: shown with a mark that they continue. */
  clipped: string[]
}

/** The fit of a slide, if it has one: from the build's measurements, or from the cache of earlier ones. */
export type FitLookup = (file: VFile, slide: Slide) => Fit | undefined | Promise<Fit | undefined>

/** Which slide as written a slide of the deck shows, and which of its pieces. */
export interface PartOrigin {
  /** The slide as written ({@link slideKey}). */
  key: string
  /** Where this part starts in it ({@link partStart}). */
  start: string
  /** Whether the part begins with the slide's heading repeated. */
  heading: boolean
  /** The blocks shown after the heading: which block of the slide each is, from which item or line. */
  pieces: Array<{ block: number; item?: number; line?: number }>
}

declare module 'mdast' {
  interface Data {
    /** On a part of a split slide: the slide it comes from (see `fit-slides.ts`). */
    part?: PartOrigin
    /** On a slice of a code block: the index of its first line in the block as written. */
    firstLine?: number
  }
}

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

/** Names a part by the piece it starts with: `start` for the first. */
export function partStart(cut: Cut | undefined): string {
  return cut ? `${cut.block}:${cut.item ?? 0}:${cut.line ?? 0}` : 'start'
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
        else for (const part of split(node, fit, slideKey(file, node), file)) result.push(part)
      }
      return result
    }
    tree.children = await fitted(tree.children)
  }
}

/**
 * The blocks of a slide that the measuring counts: notes, footnotes and
 * definitions leave none, nor do the header, footer and number the slide
 * is given after its fit (the slide a build lists is the one its stages
 * finished, bands and all).
 */
function blocksOf(slide: Slide): RootContent[] {
  return slide.children.filter((node) => !silent.has(node.type) && !isNotes(node) && !isBand(node))
}

/** The slide cut into parts at `fit.cuts`, each shrunk, scaled and marked as `fit` says. */
function split(slide: Slide, fit: Fit, key: string, file: VFile): Slide[] {
  const blocks = blocksOf(slide)
  const cuts = fit.cuts.length > 0 && blocks.length === fit.blocks && !blocks.some((node) => node.type === 'html') ? sortCuts(fit.cuts) : []
  if (fit.cuts.length > 0 && cuts.length === 0) {
    warn(
      file,
      'This slide runs off the bottom, but diapo cannot split it (it holds raw HTML); shorten it, split it with `---`, or add `::slide{fit="shrink"}`',
      slide.position?.start,
      'fit',
    )
  }
  for (const [index, scale] of Object.entries(fit.wide)) widen(blocks[Number(index)], scale)
  if (fit.math) scaleMath(slide, fit.math)

  const heading = blocks[0]?.type === 'heading' ? blocks[0] : undefined
  type Draft = { start: string; children: RootContent[]; pieces: PartOrigin['pieces'] }
  const drafts: Draft[] = [{ start: 'start', children: [], pieces: [] }]
  for (const [index, node] of blocks.entries()) {
    const here = cuts.filter((cut) => cut.block === index)
    // A cut before a whole block; then the block's slices, each after a cut inside it.
    const whole = here.find((cut) => cut.item === undefined && cut.line === undefined)
    if (whole) drafts.push({ start: partStart(whole), children: [], pieces: [] })
    const inside = here.filter((cut) => cut !== whole)
    let from = 0
    for (const cut of [...inside, undefined]) {
      const to = cut ? (cut.item ?? cut.line ?? 0) : undefined
      if (to === undefined || to > from) {
        const draft = drafts.at(-1)!
        draft.children.push(sliced(node, from, to))
        draft.pieces.push(
          from === 0 ? { block: index } : node.type === 'code' ? { block: index, line: from } : { block: index, item: from },
        )
      }
      if (cut) drafts.push({ start: partStart(cut), children: [], pieces: [] })
      if (to !== undefined) from = to
    }
  }

  // Definitions show nothing, and links and footnotes of every part need them: they stay with the first.
  const definitions = slide.children.filter((node) => silent.has(node.type))
  const notes = slide.children.filter(isNotes)
  return drafts
    .filter((draft) => draft.children.length > 0)
    .map((draft, index) => {
      const first = index === 0
      const properties = { ...slide.data?.hProperties }
      if (!first) delete properties.id // ids stay unique: only the first part keeps it
      const scale = fit.shrink[draft.start]
      if (scale !== undefined) {
        // After the slide's own style (a text colour), not in its place.
        properties.style = [properties.style, `--diapo-fit: ${scale}`].filter(Boolean).join('; ')
        // The theme shows a shrunk slide's code whole, without its box's height limit.
        properties['data-fit'] = 'shrink'
      }
      if (fit.clipped.includes(draft.start)) {
        const classes = Array.isArray(properties.className) ? properties.className : []
        properties.className = [...classes.map(String), clippedClass]
      }
      const repeated = !first && heading !== undefined
      const origin: PartOrigin = { key, start: draft.start, heading: first ? false : repeated, pieces: draft.pieces }
      const children = repeated ? [continued(heading), ...draft.children] : draft.children
      const firstNode = draft.children[0]
      const lastNode = draft.children.at(-1)
      return {
        type: 'slide',
        data: { ...slide.data, hProperties: properties, part: origin },
        position:
          first || !firstNode?.position || !lastNode?.position
            ? slide.position
            : { start: firstNode.position.start, end: lastNode.position.end },
        children: first ? [...children, ...definitions, ...notes] : children,
      } satisfies Slide
    })
}

function sortCuts(cuts: readonly Cut[]): Cut[] {
  const unique = new Map(cuts.map((cut) => [partStart(cut), cut]))
  return [...unique.values()].sort((a, b) => a.block - b.block || (a.item ?? a.line ?? 0) - (b.item ?? b.line ?? 0))
}

function isNotes(node: RootContent): boolean {
  return node.type === 'containerDirective' && node.name === 'notes'
}

/**
 * Items (or body rows, or lines of code) `from` to `to` of a block; a table
 * keeps its header row, a numbered list its numbering, a code block its
 * language (and where its lines start). Any other block is whole.
 */
function sliced(node: RootContent, from: number, to: number | undefined): RootContent {
  if (from === 0 && to === undefined) return node
  if (node.type === 'list') return sliceList(node, from, to)
  if (node.type === 'table') {
    const [header, ...rows] = node.children
    return { ...node, children: [header!, ...rows.slice(from, to)] } satisfies Table
  }
  if (node.type === 'code') {
    const value = node.value.split('\n').slice(from, to).join('\n')
    return { ...node, value, data: { ...node.data, firstLine: (node.data?.firstLine ?? 0) + from } } satisfies Code
  }
  return node
}

function sliceList(node: List, from: number, to: number | undefined): List {
  const start = node.ordered ? (node.start ?? 1) + from : node.start
  return { ...node, start, children: node.children.slice(from, to) }
}

/** A code block or table shown at `scale` of its size. */
function widen(node: RootContent | undefined, scale: number) {
  if (node?.type !== 'code' && node?.type !== 'table') return
  ;((node.data ??= {}).hProperties ??= {}).style = `--diapo-${node.type}-fit: ${scale}`
}

/** Formulas on a line of their own (`$$…$$`, a ```math fence) shown at the scale `scales` gives their TeX. */
function scaleMath(slide: Slide, scales: Record<string, number>) {
  visit(slide, (node) => {
    const tex = node.type === 'math' || (node.type === 'code' && node.lang === 'math') ? node.value.trim() : undefined
    const scale = tex === undefined ? undefined : scales[tex]
    if (scale !== undefined) ((node.data ??= {}).hProperties ??= {}).style = `--diapo-math-fit: ${scale}`
  })
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

/** The part a slide of the deck is: of a split slide, or the whole of one as written. */
function originOf({ file, slide }: SlideSource): PartOrigin {
  return (
    slide.data?.part ?? {
      key: slideKey(file, slide),
      start: 'start',
      heading: false,
      pieces: blocksOf(slide).map((_, block) => ({ block })),
    }
  )
}

/** A cut measured on a part, in the terms of the slide as written; undefined where it falls on the repeated heading. */
function original(cut: Cut, origin: PartOrigin): Cut | undefined {
  const piece = origin.pieces[cut.block - (origin.heading ? 1 : 0)]
  if (!piece) return undefined
  if (cut.item !== undefined) return { block: piece.block, item: (piece.item ?? 0) + cut.item }
  if (cut.line !== undefined) return { block: piece.block, line: (piece.line ?? 0) + cut.line }
  if (piece.item) return { block: piece.block, item: piece.item }
  if (piece.line) return { block: piece.block, line: piece.line }
  return { block: piece.block }
}

/** Whether the fitting gave up on a slide of the deck: it is shown cut off, with a mark that it continues. */
export function isClipped({ slide }: SlideSource): boolean {
  const classes = slide.data?.hProperties?.className
  return Array.isArray(classes) && classes.includes(clippedClass)
}

const clippedClass = 'diapo-clipped'

/** The most times a build measures the deck and fits it again. */
export const fittingRounds = 6

/**
 * How the slides of one build are fitted: as an earlier build measured
 * them (the cache), else as this build measures them, round after round,
 * each adding to the fits of the slides that still do not fit.
 */
export class SlideFits {
  /** Slides made to fit: split into continuation slides, or shrunk; and those that could not be, shown cut off. */
  counts = { split: 0, shrunk: 0, cutOff: 0 }
  /** Rounds of measuring that changed the fits. */
  rounds = 0
  readonly #cache: DiskCache
  readonly #context: unknown[]
  /** The fits of this build, by slide as written ({@link slideKey}). */
  readonly #plan = new Map<string, { fit: Fit; file: VFile; slide: Slide }>()
  #fromCache = false
  #storing = Promise.resolve()
  /** Whether fits were measured since they were last stored. */
  #unstored = false

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
        this.#plan.set(slideKey(file, slide), { fit, file, slide })
        this.#fromCache = true
        this.#count()
      }
      return fit
    }
  }

  /**
   * After the slides were measured: the fits to build them again with, or
   * undefined when they fit or nothing more can be done. Fits are stored (see {@link stored}).
   */
  async afterMeasuring(layout: Layout, slides: SlideSource[]): Promise<{ fits: FitLookup | undefined } | undefined> {
    // A part already marked as continuing past its slide runs off it still: nothing more can be done for it.
    const needing = layout.overflowing.filter(({ slide }) => {
      const source = slides[slide - 1]
      return source !== undefined && fitMode(source.slide) !== 'none' && !isClipped(source)
    })
    if (needing.length === 0) return undefined
    if (this.#fromCache) {
      // Fits measured by an earlier build no longer hold (an image changed, say): start from the slides as written.
      this.#fromCache = false
      this.#plan.clear()
      this.#count()
      return { fits: undefined }
    }
    let changed = false
    for (const fitting of needing) {
      const source = slides[fitting.slide - 1]!
      const origin = originOf(source)
      let entry = this.#plan.get(origin.key)
      if (!entry) {
        // The slide as written, as the slide stages will see it again: the part that was measured is it.
        entry = { fit: { blocks: origin.pieces.length + (origin.heading ? 1 : 0), cuts: [], shrink: {}, wide: {}, clipped: [] }, ...source }
        this.#plan.set(origin.key, entry)
      }
      changed = adjust(entry.fit, fitting, origin, fitMode(entry.slide)) || changed
    }
    if (!changed) return undefined
    this.rounds++
    this.#count()
    this.#unstored = true
    const plan = new Map([...this.#plan].map(([key, { fit }]) => [key, fit]))
    return { fits: (file, slide) => plan.get(slideKey(file, slide)) }
  }

  /**
   * Put the fits measured into the cache. Called once the deck is remade,
   * while the browser loads it again: their writes, done earlier, slowed
   * the remaking down by ~5 ms (the 40-slide corpus deck, 10 fits).
   */
  store(): void {
    if (!this.#unstored) return
    this.#unstored = false
    const writes = [...this.#plan.values()].map(({ fit, file, slide }) => this.#cache.set(this.#key(file, slide), JSON.stringify(fit)))
    this.#storing = Promise.all([this.#storing, ...writes]).then(() => {})
  }

  /** Once the fits measured are in the cache (which never fails: a cache it cannot write is its `problem`). */
  stored(): Promise<void> {
    this.store()
    return this.#storing
  }

  #count() {
    const fits = [...this.#plan.values()].map(({ fit }) => fit)
    const fitted = fits.filter((fit) => fit.clipped.length === 0)
    this.counts = {
      split: fitted.filter((fit) => fit.cuts.length > 0).length,
      shrunk: fitted.filter((fit) => fit.cuts.length === 0 && Object.keys(fit.shrink).length > 0).length,
      cutOff: fits.length - fitted.length,
    }
  }

  #key(file: VFile, slide: Slide): string {
    return cacheKey(['fit', layoutFingerprint, ...this.#context, slideSource(file, slide)])
  }
}

/** Add to `fit` what the measuring of one of its parts says; false when nothing more can be done for it. */
function adjust(fit: Fit, fitting: SlideFitting, origin: PartOrigin, mode: 'split' | 'shrink' | 'none'): boolean {
  let widened = false
  for (const wide of fitting.wide) {
    const block = origin.pieces[wide.block - (origin.heading ? 1 : 0)]?.block
    if (block === undefined) continue
    if ((fit.wide[block] ?? Infinity) <= wide.scale) continue
    fit.wide[block] = wide.scale
    widened = true
  }
  for (const { tex, scale } of fitting.math ?? []) {
    if ((fit.math?.[tex] ?? Infinity) <= scale) continue
    fit.math = { ...fit.math, [tex]: scale }
    widened = true
  }
  // Only too wide: scaled, it fits (or nothing more can be done about its width).
  if (!fitting.tall) return widened
  // The blocks measured are the blocks of the Markdown, or a cut would fall elsewhere (raw HTML makes its own).
  const matches = fitting.blocks === origin.pieces.length + (origin.heading ? 1 : 0)
  const cuts =
    mode === 'split' && matches && !fitting.shrinkFirst
      ? fitting.cuts.map((cut) => original(cut, origin)).filter((cut) => cut !== undefined)
      : []
  const fresh = cuts.filter((cut) => !fit.cuts.some((known) => partStart(known) === partStart(cut)))
  if (fresh.length > 0) {
    fit.cuts = sortCuts([...fit.cuts, ...fresh])
    delete fit.shrink[origin.start]
    return true
  }
  if (fitting.shrink !== undefined && fitting.shrink !== fit.shrink[origin.start]) {
    fit.shrink[origin.start] = fitting.shrink
    return true
  }
  // Measured too tall with its new widths, but nothing to cut or shrink yet: measured again once they are in.
  if (widened) return true
  if (fit.clipped.includes(origin.start)) return false
  // It cannot fit: it shows as much as it can, at the smallest legible size, and a mark that it continues.
  fit.clipped.push(origin.start)
  if (mode !== 'none' && fitting.floor < (fit.shrink[origin.start] ?? 1)) fit.shrink[origin.start] = fitting.floor
  return true
}

/** What the fitting did, for the build's summary: `3 made to fit, 1 cut off`; empty when it did nothing. */
export function fittingSummary(counts: SlideFits['counts']): string {
  const fitted = counts.split + counts.shrunk
  return [fitted > 0 ? `${fitted} made to fit` : '', counts.cutOff > 0 ? `${counts.cutOff} cut off` : ''].filter(Boolean).join(', ')
}

/** A fit read back from the cache; undefined if it is not one. */
function parseFit(value: string | undefined): Fit | undefined {
  try {
    const fit = JSON.parse(value ?? 'null') as Fit | null
    if (
      fit &&
      typeof fit.blocks === 'number' &&
      Array.isArray(fit.cuts) &&
      typeof fit.shrink === 'object' &&
      typeof fit.wide === 'object' &&
      Array.isArray(fit.clipped)
    )
      return fit
  } catch {
    // Not JSON: measured again by the next build that prints.
  }
  return undefined
}
