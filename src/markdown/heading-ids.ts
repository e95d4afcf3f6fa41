/**
 * Stage: every heading gets the id GitHub would give it (`## Prerrequisitos`
 * → `prerrequisitos`, a second one `prerrequisitos-1`), unique across the
 * deck's files, so that a chapter's table of contents written for GitHub
 * (`[Prerrequisitos](#prerrequisitos)`) leads to its slide: reveal.js goes
 * to the slide holding an id, and the PDF links to its page.
 */
import GithubSlugger from 'github-slugger'
import type { Root } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { visit } from 'unist-util-visit'

/** Give each heading its GitHub id; one slugger for all the files of a build, so ids stay unique across them. */
export function headingIds() {
  const slugger = new GithubSlugger()
  return function (tree: Root): undefined {
    visit(tree, 'heading', (heading) => {
      const properties = ((heading.data ??= {}).hProperties ??= {})
      if (properties.id === undefined) properties.id = slugger.slug(toString(heading))
    })
  }
}
