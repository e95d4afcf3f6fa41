/**
 * Whether a folder is one deck or a course of decks, and which decks.
 *
 * The rule: a folder is a **course** when one of its subfolders holds
 * Markdown (`*.md` directly in it), or when the config says `decks: files`.
 * Then each such subfolder is a deck (its Markdown files in name order, as
 * a folder deck is), and each Markdown file beside them is a deck of its
 * own (with `decks: files`, only those); a `README.md` or `index.md` there
 * comes first, the others in name order. Otherwise the folder is one deck,
 * its files appended, as ever. Folders named with a dot, `node_modules`
 * and `dist` are never decks.
 */
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { UsageError } from '../errors.ts'
import { markdownFile, markdownNames } from '../files/input.ts'
import type { CourseLinks } from '../markdown/course-links.ts'

const notDecks = new Set(['node_modules', 'dist'])

/** One deck of a course. */
export interface CourseDeck {
  /** Its folder in the output, and its name in messages: the subfolder's name, or the file's without `.md`. */
  name: string
  /** What `diapo build` is given for it: the subfolder, or the file. */
  input: string
  /** Its Markdown files (absolute paths). */
  markdown: string[]
}

/** A course: its folder and its decks, in order. */
export interface Course {
  folder: string
  decks: CourseDeck[]
}

/** The course `input` is, or undefined when it is one deck (a file, or a folder of Markdown and no more). */
export async function findCourse(input: string, decks: 'folders' | 'files' = 'folders'): Promise<Course | undefined> {
  const folder = path.resolve(input)
  if (!(await stat(folder).catch(() => undefined))?.isDirectory()) return undefined
  const entries = await readdir(folder, { withFileTypes: true })
  const files = markdownNames(entries)
  const folderDecks: CourseDeck[] = []
  if (decks === 'folders') {
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || notDecks.has(entry.name)) continue
      const markdown = await markdownIn(path.join(folder, entry.name))
      if (markdown.length > 0) folderDecks.push({ name: entry.name, input: path.join(folder, entry.name), markdown })
    }
    if (folderDecks.length === 0) return undefined
  } else if (files.length === 0) return undefined
  const fileDecks = files.map((name) => ({
    name: name.replace(markdownFile, ''),
    input: path.join(folder, name),
    markdown: [path.join(folder, name)],
  }))
  const first = (deck: CourseDeck) => (/^(readme|index)$/i.test(deck.name) && fileDecks.includes(deck) ? 0 : 1)
  const all = [...folderDecks, ...fileDecks].sort((a, b) => first(a) - first(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const seen = new Map<string, CourseDeck>()
  for (const deck of all) {
    const same = seen.get(deck.name.toLowerCase())
    if (same)
      throw new UsageError(`${folder}: two decks would be written to \`${deck.name}/\`: ${same.input} and ${deck.input}; rename one`)
    seen.set(deck.name.toLowerCase(), deck)
  }
  return { folder, decks: all }
}

/** The Markdown files directly in `folder`, in name order. */
async function markdownIn(folder: string): Promise<string[]> {
  return markdownNames(await readdir(folder, { withFileTypes: true }).catch(() => [])).map((name) => path.join(folder, name))
}

/** Which deck each Markdown file and folder of the course is, and which public addresses are decks. */
export function linksOf(course: Course, addresses: ReadonlyMap<string, string> | undefined): Omit<CourseLinks, 'deck'> {
  const decks = new Map<string, string>()
  for (const deck of course.decks) {
    decks.set(path.resolve(deck.input), deck.name)
    for (const file of deck.markdown) decks.set(path.resolve(file), deck.name)
  }
  const byAddress = new Map<string, string>()
  for (const [address, file] of addresses ?? []) {
    const deck = decks.get(file)
    // The config names a chapter the course does not have: said now, or every link to that address would quietly stay one.
    if (deck === undefined)
      throw new UsageError(
        `The config's \`links\` name ${file} for ${address}, which no deck of the course ${course.folder} has; fix the path`,
      )
    byAddress.set(address, deck)
  }
  return { folder: course.folder, decks, addresses: byAddress }
}
