/**
 * Stage: GitHub's emoji shortcodes become emoji (`:bulb:` → 💡,
 * `:warning:` → ⚠️), as GitHub shows them, outside code. A shortcode GitHub
 * draws as a picture of its own (`:shipit:`) has no emoji: it stays as
 * written, with a warning at its place. The names come from gemoji (GitHub's
 * list), loaded only for a deck that has something that looks like one.
 */
import type { Parent, Root, RootContent, Text } from 'mdast'
import type { VFile } from 'vfile'
import { location } from 'vfile-location'
import { warn } from '../messages.ts'

const shortcode = /:([a-z0-9_+-]+):/g

/** The shortcodes GitHub draws as pictures of its own: no character shows them, offline or in a PDF. */
const pictures = new Set([
  'atom',
  'basecamp',
  'basecampy',
  'bowtie',
  'electron',
  'feelsgood',
  'finnadie',
  'fishsticks',
  'goberserk',
  'godmode',
  'hurtrealbad',
  'neckbeard',
  'octocat',
  'rage1',
  'rage2',
  'rage3',
  'rage4',
  'shipit',
  'suspect',
  'trollface',
])

/** The emoji of the shortcodes in `text` (the fonts a deck needs depend on them); gemoji is loaded only if it has any. */
export async function shortcodeEmoji(text: string): Promise<string[]> {
  const names = [...text.matchAll(shortcode)].map((match) => match[1]!)
  if (names.length === 0) return []
  const { nameToEmoji } = await import('gemoji')
  return names.flatMap((name) => nameToEmoji[name] ?? [])
}

/** Put the emoji in place of each shortcode of the text. */
export function emojiShortcodes() {
  return async function (tree: Root, file: VFile): Promise<undefined> {
    if (!/:[a-z0-9_+-]+:/.test(String(file.value))) return
    const { nameToEmoji } = await import('gemoji')
    const visit = (parent: Parent) => {
      const children: RootContent[] = []
      for (const child of parent.children as RootContent[]) {
        // remark-directive reads `:bulb` as a directive, which the text around it is put back from
        // (other-directives.ts): the text nodes are joined again, so `:bulb:` is found whole.
        const last = children.at(-1)
        if (child.type === 'text' && last?.type === 'text') {
          last.value += child.value
          if (last.position && child.position) last.position = { start: last.position.start, end: child.position.end }
          continue
        }
        children.push(child.type === 'text' ? { ...child } : child)
        // Code has a value, not children: it is never visited.
        if ('children' in child) visit(child)
      }
      for (const child of children) {
        if (child.type === 'text')
          (child as Text).value = child.value.replace(shortcode, (whole, name: string, at: number) => {
            if (pictures.has(name)) pictureAt(child, at, name)
            return nameToEmoji[name] ?? whole
          })
      }
      parent.children = children as Parent['children']
    }
    const places = location(file)
    // Where the shortcode is in the Markdown: exact when the text is its source as written, else the text's start.
    const pictureAt = (text: Text, at: number, name: string) => {
      const { start, end } = text.position ?? {}
      const written = start?.offset !== undefined && String(file.value).slice(start.offset, end?.offset) === text.value
      const place = written ? places.toPoint(start.offset! + at) : start
      warn(
        file,
        `\`:${name}:\` is a picture on GitHub, not an emoji: no font draws it, so it is shown as written; use an emoji (e.g. \`:smile:\`) or an image`,
        place && { line: place.line, column: place.column },
        'emoji-shortcode',
      )
    }
    visit(tree)
  }
}
