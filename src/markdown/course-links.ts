/**
 * Stage, in a course: a link from one deck to another deck's Markdown
 * (`../1-corriendo-contenedores/README.md`, with or without `#anchor`), or
 * to its folder, leads to that deck's page (`../1-corriendo-contenedores/index.html#/anchor`:
 * reveal.js shows the slide holding the element of that id); one to a
 * Markdown file of its own deck, to its slide. A link to Markdown inside
 * the course that no deck has is an error at its place: the chapter it
 * names does not exist. A public address the config names as a chapter's
 * (`links`) leads to that chapter's deck too.
 */
import path from 'node:path'
import type { Definition, Link, Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { fail } from '../messages.ts'

/** What a deck of a course knows of the others. */
export interface CourseLinks {
  /** The course's folder. */
  folder: string
  /** The name of the deck being built: its folder in the output. */
  deck: string
  /** Each deck's name, by its Markdown files and its folder (absolute paths). */
  decks: ReadonlyMap<string, string>
  /** Decks by a public address of theirs (the config's `links`): a link to it leads to the deck. */
  addresses?: ReadonlyMap<string, string> | undefined
}

const markdown = /\.(?:md|markdown)$/i

export function courseLinks(options: { course?: CourseLinks | undefined }) {
  return function (tree: Root, file: VFile): undefined {
    const course = options.course
    if (!course) return
    visit(tree, (node) => {
      if (node.type !== 'link' && node.type !== 'definition') return
      rewrite(node, file, course)
    })
  }
}

/** `node`'s URL, when it leads to a deck of the course, made to lead to its page. */
function rewrite(node: Link | Definition, file: VFile, course: CourseLinks): void {
  const url = node.url
  const [address = '', fragment] = url.split('#', 2)
  const addressed = course.addresses?.get(address)
  if (addressed !== undefined) {
    node.url = `../${encodeURIComponent(addressed)}/index.html${fragment ? `#/${fragment}` : ''}`
    if (fragment) (file.data.courseAnchors ??= []).push({ deck: addressed, anchor: fragment, url, place: node.position?.start })
    return
  }
  // Only paths: not `https:`, `mailto:`, a page's `#anchor`, or a path from the site's root.
  if (/^[a-z][a-z\d+.-]*:/i.test(url) || url.startsWith('#') || url.startsWith('/') || url === '') return
  const hashAt = url.indexOf('#')
  const written = hashAt === -1 ? url : url.slice(0, hashAt)
  const anchor = hashAt === -1 ? '' : url.slice(hashAt + 1)
  let target: string
  try {
    target = path.resolve(file.dirname ?? course.folder, decodeURI(written.split('?')[0]!))
  } catch {
    return
  }
  const deck = course.decks.get(target) ?? course.decks.get(target.replace(/[\\/]+$/, ''))
  if (deck === undefined) {
    const inside = !path.relative(course.folder, target).startsWith('..')
    if (inside && markdown.test(target)) {
      const chapters = [...new Set(course.decks.values())].join(', ')
      fail(
        file,
        `Link to \`${url}\`: no deck of the course has this Markdown file (its decks: ${chapters}); fix the path`,
        node.position?.start,
        'course-link',
      )
    }
    return
  }
  const slide = anchor ? `#/${anchor}` : ''
  node.url = deck === course.deck ? slide || '#/' : `../${encodeURIComponent(deck)}/index.html${slide}`
  // Whether the other deck has that slide is known once it is built: the course checks it then.
  if (anchor && deck !== course.deck) (file.data.courseAnchors ??= []).push({ deck, anchor, url, place: node.position?.start })
}
