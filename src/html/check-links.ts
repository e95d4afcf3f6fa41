/**
 * Check: every link inside the deck leads somewhere. reveal.js links to a
 * slide by number (`#/2`, `#/2/1`, counted from 0) or by id (`#/intro`);
 * footnotes link by element id (`#fn-1`). A link to a slide or an id that
 * does not exist gets a warning at its place in the Markdown.
 */
import type { Element, Root } from 'hast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { warn } from '../messages.ts'

/** Warn, on the file each slide tree comes from, of its internal links that lead nowhere; the ids the deck has. */
export function checkInternalLinks(files: readonly VFile[], trees: readonly Root[]): Set<string> {
  const ids = new Set<string>()
  const stacks: number[] = [] // slides in each horizontal position (1 when not a stack)
  for (const tree of trees) {
    for (const node of tree.children) {
      if (node.type !== 'element' || node.tagName !== 'section') continue
      stacks.push(Math.max(1, node.children.filter((child) => child.type === 'element' && child.tagName === 'section').length))
    }
    visit(tree, 'element', (node: Element) => {
      if (typeof node.properties.id === 'string') ids.add(node.properties.id)
    })
  }
  for (const [index, tree] of trees.entries()) {
    visit(tree, 'element', (node: Element) => {
      const href = node.properties.href
      if (node.tagName !== 'a' || typeof href !== 'string' || !href.startsWith('#') || href === '#') return
      const problem = leadsNowhere(decode(href.slice(1)), ids, stacks)
      if (problem) warn(files[index]!, `Link \`${href}\` leads nowhere: ${problem}`, node.position?.start, 'broken-link')
    })
  }
  return ids
}

function leadsNowhere(target: string, ids: ReadonlySet<string>, stacks: readonly number[]): string | undefined {
  if (!target.startsWith('/')) return ids.has(target) ? undefined : `no element has the id \`${target}\``
  const [first = '', second] = target.slice(1).split('/')
  if (!/^\d+$/.test(first)) {
    return first === '' || ids.has(first) ? undefined : `no slide has the id \`${first}\`; set one with \`::slide{id="${first}"}\``
  }
  const h = Number(first)
  if (h >= stacks.length) return `the deck has ${stacks.length} slides, numbered from 0 in links`
  if (second !== undefined && /^\d+$/.test(second) && Number(second) >= stacks[h]!) {
    return `slide ${h} has ${stacks[h]} vertical slides, numbered from 0`
  }
  return undefined
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
