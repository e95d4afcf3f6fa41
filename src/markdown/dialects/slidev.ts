/**
 * Stages: a deck written for Slidev built as Slidev would build it, as far
 * as diapo can — the rest said at its line.
 *
 * Slidev starts each slide with `---` and may give it a frontmatter block of
 * its own right after (`layout: center`, `class: …`, `transition: …`),
 * which CommonMark reads as a setext heading — the settings showed as the
 * slide's title. Read before the slides are split (`slidevFrontmatter`):
 *
 * - each such block is taken off the slide and becomes its `::slide{…}`
 *   attributes: `class`, `background`, `transition` (Slidev's `fade`,
 *   `slide-left`, … as reveal.js's nearest), and the centred layouts
 *   (`cover`, `intro`, `center`, `section`, `end`, `fact`, `statement`)
 *   as diapo's title slide;
 * - slides are split at `---` only: a heading does not start one.
 *
 * After the split (`slidevSlides`): a slide's last HTML comment is its
 * speaker notes; `<v-click>` and `v-click` are fragments; `two-cols` (and
 * `two-cols-header`) with `::right::` are diapo's `:::columns`;
 * a slide's `<style>` styles that slide only, as in Slidev.
 *
 * A deck is read so when it says `dialect: slidev`, or says no dialect and
 * its frontmatter has Slidev's own settings
 * (`layout`, `highlighter`, `drawings`, `transition`, …) or it has a slide
 * frontmatter block. From Slidev's documentation (sli.dev/guide/syntax,
 * /builtin/layouts, /guide/animations).
 */
import type { LeafDirective } from 'mdast-util-directive'
import type { Heading, Html, Image, Root, RootContent } from 'mdast'
import { createHash } from 'node:crypto'
import type { VFile } from 'vfile'
import { visit } from 'unist-util-visit'
import { parse as parseYaml } from 'yaml'
import { columnsOf, pictureBeside } from '../columns.ts'
import { warn } from '../../messages.ts'
import { commentText, isNotesBlock, notesOf } from '../speaker-notes.ts'
import { slidesOf } from '../slide-attributes.ts'
import type { Slide } from '../../types.ts'

/** Settings of a Slidev deck's headmatter that diapo's own frontmatter does not have. */
export const slidevKeys = new Set([
  'layout',
  'class',
  'background',
  'highlighter',
  'lineNumbers',
  'drawings',
  'transition',
  'mdc',
  'info',
  'colorSchema',
  'aspectRatio',
  'canvasWidth',
  'routerMode',
  'download',
  'exportFilename',
  'fonts',
  'favicon',
  'selectable',
  'record',
  'presenter',
  'monaco',
  'defaults',
  'addons',
  'hideInToc',
  'titleTemplate',
  'css',
  'remoteAssets',
  'contextMenu',
  'wakeLock',
  'seoMeta',
  'htmlAttrs',
  'twoslash',
  'export',
])

/** Slidev's layouts that centre their content, as diapo's title slide does. */
const centred = new Set(['cover', 'intro', 'center', 'section', 'end', 'fact', 'statement'])
/** Layouts that are the default one in diapo. */
const plain = new Set(['default', 'full', 'none'])

/** Slidev's transitions, as the nearest of reveal.js's. */
const transitions: Record<string, string> = {
  fade: 'fade',
  'fade-out': 'fade',
  'slide-left': 'slide',
  'slide-right': 'slide',
  'slide-up': 'slide',
  'slide-down': 'slide',
  none: 'none',
}

/** Whether `file` is a Slidev deck: Slidev's settings in its headmatter, or a slide frontmatter block. */
function isSlidev(tree: Root, file: VFile): boolean {
  const dialect = file.data.frontmatter?.dialect
  if (dialect !== undefined) return dialect === 'slidev'
  // `class`, `background`, `css` or `transition` alone could be any tool's: the others are Slidev's own.
  const ambiguous = new Set(['class', 'background', 'css', 'transition'])
  if (Object.keys(file.data.frontmatter?.slidev ?? {}).some((key) => !ambiguous.has(key))) return true
  return tree.children.some((node, index) => slideFrontmatterOf(node, tree.children[index - 1], file) !== undefined)
}

/** The settings of a slide frontmatter block: a setext heading of `key: value` lines right after `---`. */
function slideFrontmatterOf(node: RootContent, before: RootContent | undefined, file: VFile): Record<string, unknown> | undefined {
  if (node.type !== 'heading' || node.depth !== 2 || before?.type !== 'thematicBreak') return undefined
  const { start, end } = node.position ?? {}
  if (start?.offset === undefined || end?.offset === undefined) return undefined
  const lines = String(file.value).slice(start.offset, end.offset).split(/\r?\n/)
  const body = lines.slice(0, -1)
  if (
    !/^-{3,}\s*$/.test(lines.at(-1) ?? '') ||
    body.length === 0 ||
    !body.every((line) => /^[A-Za-z][\w-]*\s*:/.test(line) || /^\s/.test(line))
  ) {
    return undefined
  }
  try {
    const value: unknown = parseYaml(body.join('\n'))
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** Before the split: slide frontmatter blocks into `::slide{…}`; slides at `---` only. */
export function slidevFrontmatter() {
  return function (tree: Root, file: VFile): undefined {
    if (!isSlidev(tree, file)) {
      // Not a Slidev deck: Slidev's settings in its frontmatter are unknown keys, as any other.
      for (const [key, { place }] of Object.entries(file.data.frontmatter?.slidev ?? {})) {
        warn(
          file,
          `Unknown frontmatter key \`${key}\`, ignored (Slidev has it: add \`dialect: slidev\` if the deck is written for Slidev)`,
          place,
          'frontmatter-key',
        )
      }
      return
    }
    const frontmatter = file.data.frontmatter
    if (frontmatter) {
      frontmatter.values.slideLevel ??= 0
      frontmatter.slidevDeck = true
    }
    // The headmatter's slide settings hold for the first slide; of its deck settings, those that change what is
    // shown are warned of, the others (Slidev's app: highlighter, drawings, download…) change nothing here.
    const headmatter = frontmatter?.slidev ?? {}
    const slideKeys = new Set(['layout', 'class', 'background', 'transition'])
    for (const [key, { place }] of Object.entries(headmatter)) {
      // `css: unocss` is what diapo does (slidev-utilities.ts): not warned of.
      if (['addons', 'fonts', 'aspectRatio', 'canvasWidth', 'lineNumbers', 'colorSchema', 'defaults'].includes(key)) {
        warn(file, `Slidev's \`${key}\` is not rendered by diapo yet: the deck is built without it`, place, 'slidev')
      }
    }
    // "By default, the layout of the first slide is cover, and the rest are default" (sli.dev/guide/layout).
    const firstSettings: Record<string, Setting> = Object.fromEntries(Object.entries(headmatter).filter(([key]) => slideKeys.has(key)))
    firstSettings.layout ??= { value: 'cover', place: undefined }
    const first = slideDirective(firstSettings, file)
    const children: RootContent[] = []
    for (const [index, node] of tree.children.entries()) {
      const settings = slideFrontmatterOf(node, tree.children[index - 1], file)
      if (!settings) {
        children.push(node)
        continue
      }
      const directive = slideDirective(
        Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, { value, place: (node as Heading).position?.start }])),
        file,
      )
      if (directive && node.position) directive.position = node.position
      if (directive) children.push(directive)
    }
    const start = children.findIndex((node) => node.type !== 'yaml')
    if (first) children.splice(start === -1 ? children.length : start, 0, first)
    tree.children = children
  }
}

type Setting = { value: unknown; place: { line: number; column: number } | undefined }

/** A slide's Slidev settings as a `::slide{…}` directive (undefined if none maps), warning of the others. */
function slideDirective(settings: Record<string, Setting>, file: VFile): LeafDirective | undefined {
  const attributes: Record<string, string> = {}
  const classes: string[] = []
  for (const [key, { value, place }] of Object.entries(settings)) {
    if (value === undefined || value === null) continue
    const text = String(value)
    if (key === 'layout') {
      if (centred.has(text)) classes.push('title')
      else if (!plain.has(text) && !['two-cols', 'two-cols-header', 'image', 'image-left', 'image-right'].includes(text)) {
        warn(file, `Slidev's \`${text}\` layout is not rendered by diapo yet: the slide's content is shown in order`, place, 'slidev')
      }
      classes.push(`layout-${text}`)
    } else if (key === 'class') classes.push(...text.split(/\s+/).filter(Boolean))
    // The image of `image`, `image-left` and `image-right`: placed after the split (see slidevImage).
    else if (key === 'image') attributes['slidev-image'] = text
    else if (key === 'background') attributes.background = text
    else if (key === 'transition') {
      if (transitions[text]) attributes.transition = transitions[text]
      else warn(file, `Slidev's \`${text}\` transition is not one diapo has: the deck's is used`, place, 'slidev')
    } else if (key !== 'hideInToc') {
      warn(file, `Slidev's \`${key}\` is not rendered by diapo yet: the slide is built without it`, place, 'slidev')
    }
  }
  if (classes.length > 0) attributes.class = classes.join(' ')
  return Object.keys(attributes).length > 0 ? { type: 'leafDirective', name: 'slide', attributes, children: [] } : undefined
}

/** After the split: the last comment of a slide is its notes; `v-click` makes fragments; `::right::` goes. */
export function slidevSlides() {
  return function (tree: Root, file: VFile): undefined {
    if (!file.data.frontmatter?.slidevDeck) return
    for (const slide of slidesOf(tree)) {
      const last = slide.children.at(-1)
      const text = commentText(last)?.trim()
      if (text !== undefined) slide.children[slide.children.length - 1] = notesOf(text ? [{ text, position: last!.position }] : [])
      twoColumns(slide, file)
      slidevImage(slide)
      clicksOneByOne(slide.children)
      visit(slide, 'html', (node) => {
        vClicks(node)
        closeSelfClosing(node)
        // Vue components (`<Tweet id="…"/>`, `<carbon-logo-github />`): only Slidev's app can draw them.
        for (const name of new Set([...node.value.matchAll(/<([A-Z][\w-]*|[a-z]+-[\w-]+)[\s/>]/g)].map((match) => match[1]!))) {
          warn(file, `Slidev's Vue component \`<${name}>\` is not rendered by diapo: only its text, if any, is shown`, node, 'slidev')
        }
      })
      // A copy: scoping may put a `::slide` in front of the slide's children.
      for (const node of [...slide.children]) {
        if (node.type === 'html' && /<style\b/i.test(node.value)) scopeStyle(slide, node, file)
      }
    }
  }
}

/** A paragraph that is only a slot marker, `::right::`: its name. */
function slotOf(node: RootContent): string | undefined {
  if (node.type !== 'paragraph' || node.children.length !== 1 || node.children[0]!.type !== 'text') return undefined
  return /^::(\w+)::$/.exec(node.children[0].value.trim())?.[1]
}

/**
 * `two-cols`: what comes before `::right::` on the left, what follows on the
 * right (`two-cols-header`: before `::left::`, across the top), as diapo's
 * `:::columns`. Any other slot is a warning, its marker taken out.
 */
function twoColumns(slide: Slide, file: VFile) {
  const slots = slide.children.map(slotOf)
  const right = slots.indexOf('right')
  const settings = settingsOf(slide)
  if (right !== -1 && /\blayout-two-cols(-header)?\b/.test(settings?.attributes?.class ?? '')) {
    const notes = notesIn(slide)
    const left = slots.indexOf('left')
    const isContent = (node: RootContent) => !notes.includes(node) && node !== settings
    const headed = left !== -1 && left < right
    const top = headed ? slide.children.slice(0, left).filter(isContent) : []
    const leftPart = slide.children.slice(headed ? left + 1 : 0, right).filter(isContent)
    const rightPart = slide.children.slice(right + 1).filter(isContent)
    slide.children = [...(settings ? [settings] : []), ...top, columnsOf([{ children: leftPart }, { children: rightPart }]), ...notes]
    return
  }
  slide.children = slide.children.filter((node) => {
    const slot = slotOf(node)
    if (slot === undefined) return true
    warn(file, `Slidev's slot \`::${slot}::\` is not rendered by diapo here: what follows it is shown below`, node, 'slidev')
    return false
  })
}

/**
 * `layout: image-left` / `image-right` with `image: photo.jpg`: the image
 * beside the content, as two columns; `layout: image` (or an `image` with
 * another layout): the slide's background.
 */
function slidevImage(slide: Slide) {
  const settings = settingsOf(slide)
  if (!settings?.attributes?.['slidev-image']) return
  const url = settings.attributes['slidev-image']
  delete settings.attributes['slidev-image']
  const side = /\blayout-image-(left|right)\b/.exec(settings.attributes.class ?? '')?.[1]
  if (!side) {
    settings.attributes.background = url
    return
  }
  const notes = notesIn(slide)
  const content = slide.children.filter((node) => node !== settings && !notes.includes(node))
  // Slidev shows it as a CSS background, which has no alt text and says nothing to a screen reader: so does diapo.
  const image: Image = {
    type: 'image',
    url,
    alt: '',
    data: { hProperties: { role: 'presentation' } },
    ...(settings.position ? { position: settings.position } : {}),
  }
  slide.children = [settings, pictureBeside(image, content, side as 'left' | 'right', '50%', 'slidev-image'), ...notes]
}

/**
 * A slide's `<style>` styles that slide only, as in Slidev: its rules are
 * nested (CSS nesting) in the slide's own rule, as specific as a theme's,
 * the slide named by a class of its own (from the file's name, the style's
 * place and text: the same deck gives the same bytes, wherever it is built). CSS that
 * cannot be nested (`@import`, `@font-face`, `@keyframes`…) is left as
 * written, with a warning that it styles the whole deck.
 */
function scopeStyle(slide: Slide, node: Html, file: VFile) {
  if (/@(import|font-face|keyframes|page|namespace|property|layer|charset)\b/i.test(node.value)) {
    warn(file, 'This `<style>` in a Slidev slide holds rules diapo cannot scope to the slide: it styles the whole deck', node, 'slidev')
    return
  }
  const name = `slidev-scope-${createHash('sha256')
    .update(`${file.basename ?? ''}:${node.position?.start.offset ?? ''}:${node.value}`)
    .digest('hex')
    .slice(0, 8)}`
  node.value = node.value.replace(
    /(<style\b[^>]*>)([\s\S]*?)(<\/style>)/gi,
    (_, open: string, css: string, close: string) => `${open}.reveal .slides section.${name} {${css}}${close}`,
  )
  const attributes = (settingsOf(slide, true)!.attributes ??= {})
  attributes.class = [attributes.class, name].filter(Boolean).join(' ')
}

/**
 * `<v-clicks>` on a line of its own, around Markdown: each block it holds
 * (each item, for a list) shown on a click of its own, as in Slidev. The
 * tags stay, as an element that draws no box (see {@link vClicks}).
 */
function clicksOneByOne(nodes: RootContent[]) {
  let open = -1
  nodes.forEach((node, index) => {
    if ('children' in node && node.type !== 'paragraph' && node.type !== 'heading') clicksOneByOne(node.children as RootContent[])
    if (node.type !== 'html') return
    if (/^<v-clicks\b[^>]*>$/.test(node.value.trim())) open = index
    else if (open >= 0 && /^<\/v-clicks>$/.test(node.value.trim())) {
      nodes[open] = { ...(nodes[open] as Html), value: '<div class="diapo-clicks">' }
      for (const held of nodes.slice(open + 1, index)) {
        for (const block of held.type === 'list' ? held.children : [held]) {
          const properties = ((block.data ??= {}).hProperties ??= {}) as { className?: unknown }
          properties.className = [...(Array.isArray(properties.className) ? properties.className.map(String) : []), 'fragment']
        }
      }
      open = -1
    }
  })
}

/**
 * `<v-click>` … `</v-click>`, and a `v-click` attribute: reveal.js
 * fragments. Slidev draws no element of its own for `<v-click>` and
 * `<v-clicks>`: what they hold are the cells of a grid around them, say, so
 * their fragment is `display: contents` (`diapo-clicks`, themes/common/layout.css).
 */
function vClicks(node: Html) {
  node.value = node.value
    .replace(/<v-clicks?\b[^>]*>/g, '<div class="fragment diapo-clicks">')
    .replace(/<\/v-clicks?>/g, '</div>')
    .replace(/<([a-z][\w-]*)([^>]*?)\sv-click\b(?:="[^"]*")?([^>]*)>/g, (_, tag: string, before: string, after: string) => {
      const attributes = `${before}${after}`
      return /\sclass="/.test(attributes)
        ? `<${tag}${attributes.replace(/\sclass="/, ' class="fragment ')}>`
        : `<${tag} class="fragment"${attributes}>`
    })
}

/** HTML's void elements: the only ones a `/>` closes in HTML. */
const voidElements = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'])

/**
 * Vue's self-closing tags (`<div />`, `<Tweet id="1"/>`) closed as HTML
 * closes them: HTML reads `<div />` as a div left open, which took the rest
 * of the slide into it (a grid's first cell, in a public Slidev talk).
 */
function closeSelfClosing(node: Html) {
  node.value = node.value.replace(/<([A-Za-z][\w-]*)((?:\s[^<>]*?)?)\s*\/>/g, (whole, tag: string, attributes: string) =>
    voidElements.has(tag.toLowerCase()) ? whole : `<${tag}${attributes.trimEnd()}></${tag}>`,
  )
}

/** The slide's `::slide` settings (made, first in the slide, when it has none and `make` asks). */
function settingsOf(slide: Slide, make = false): LeafDirective | undefined {
  const found = slide.children.find((node): node is LeafDirective => node.type === 'leafDirective' && node.name === 'slide')
  if (found || !make) return found
  const made: LeafDirective = { type: 'leafDirective', name: 'slide', attributes: {}, children: [] }
  slide.children.unshift(made)
  return made
}

/** The slide's notes blocks. */
function notesIn(slide: Slide): RootContent[] {
  return slide.children.filter(isNotesBlock)
}
