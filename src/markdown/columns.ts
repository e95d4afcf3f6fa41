/**
 * diapo's columns as a syntax tree: `:::columns` holding `:::column` blocks
 * (see other-directives.ts, and themes/common/layout.css for their layout),
 * for the stages that turn other tools' layouts into them (Marp's split
 * backgrounds, Slidev's two-cols and image layouts).
 */
import type { ContainerDirective } from 'mdast-util-directive'
import type { Image, RootContent } from 'mdast'

/** A column: its blocks, and its share of the row (`40%`) if not an equal one. */
export interface Column {
  children: RootContent[]
  width?: string
}

/** A `:::columns` block of `columns`, in order, with a class of its own (`marp-split`) if given. */
export function columnsOf(columns: Column[], className?: string): ContainerDirective {
  return {
    type: 'containerDirective',
    name: 'columns',
    attributes: className ? { class: className } : {},
    children: columns.map(({ children, width }) => ({
      type: 'containerDirective',
      name: 'column',
      attributes: width ? { width } : {},
      children: children as ContainerDirective['children'],
    })),
  }
}

/** A picture beside `content`: the picture's column `width` of the row, on `side`, as a `:::columns` block of class `className`. */
export function pictureBeside(
  image: Image,
  content: RootContent[],
  side: 'left' | 'right',
  width: string,
  className: string,
): ContainerDirective {
  const picture: Column = { children: [{ type: 'paragraph', children: [image] }], width }
  const text: Column = { children: content }
  return columnsOf(side === 'left' ? [picture, text] : [text, picture], className)
}
