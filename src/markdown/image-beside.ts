/**
 * Stage, after the notes are gathered: a slide whose `::slide` asked for a
 * picture beside it (`image-left` / `image-right`, read by
 * slide-attributes.ts) becomes two columns, the picture in one, the
 * slide's content in the other, its speaker notes after them.
 */
import type { Image, Root } from 'mdast'
import { pictureBeside } from './columns.ts'
import { isNotesBlock } from './speaker-notes.ts'
import { slidesOf, type SplitImage } from './slide-attributes.ts'

/** Split each slide that asked for a picture beside its content. */
export function splitImages() {
  return function (tree: Root): undefined {
    for (const slide of slidesOf(tree)) {
      const split = (slide.data as { splitImage?: SplitImage } | undefined)?.splitImage
      if (!split) continue
      const image: Image = { type: 'image', url: split.url, alt: split.alt, ...(split.place ? { position: split.place } : {}) }
      const content = slide.children.filter((node) => !isNotesBlock(node))
      const notes = slide.children.filter(isNotesBlock)
      slide.children = [pictureBeside(image, content, split.side, split.width, 'diapo-split'), ...notes]
    }
  }
}
