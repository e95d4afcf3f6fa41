/**
 * Stage: find the Mermaid diagrams of a file — ```` ```mermaid ```` fences and
 * images whose path ends in `.mmd` — and leave a `<figure>` in their place.
 * The drawing happens once for the whole deck (see `render-diagrams.ts`).
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { Code, Image, Parent, Root } from 'mdast'
import { visit } from 'unist-util-visit'
import { VFile } from 'vfile'
import type { DeckFiles } from '../files/deck-files.ts'
import { fail, warn } from '../messages.ts'
import type { DiagramNode, DiagramSource } from '../types.ts'
import { shownPath } from '../report.ts'

/** Options of {@link collectDiagrams}. */
export interface CollectDiagramsOptions {
  /** The folders the deck may read diagram sources from. */
  files: DeckFiles
}

/** Replace diagrams by placeholders and list them in `file.data.diagrams`. */
export function collectDiagrams(options: CollectDiagramsOptions) {
  return async function (tree: Root, file: VFile): Promise<undefined> {
    const found: Array<{ node: Code | Image; index: number; parent: Parent }> = []
    visit(tree, (node, index, parent) => {
      if (!parent || index === undefined) return
      if ((node.type === 'code' && node.lang === 'mermaid') || (node.type === 'image' && isDiagramPath(node.url))) {
        found.push({ node, index, parent })
      }
    })
    const diagrams: DiagramSource[] = (file.data.diagrams ??= [])
    const sources = await Promise.all(
      found.map(({ node }) => (node.type === 'code' ? fenced(node, file) : referenced(node, file, options.files))),
    )
    for (const [position, { node, index, parent }] of found.entries()) {
      const diagram = sources[position]
      if (diagram) diagrams.push(diagram)
      // A diagram that could not be read was reported; its figure stays empty.
      const properties = diagram ? { className: ['diagram'], dataDiagram: diagram.ref } : { className: ['diagram'] }
      const placeholder: DiagramNode = {
        type: 'diagram',
        children: [],
        position: node.position,
        data: { hName: 'figure', hProperties: properties },
      }
      // An image stands inside a paragraph: the figure replaces the whole paragraph when it is alone there.
      if (parent.type === 'paragraph' && parent.children.length === 1) Object.assign(parent, placeholder)
      else parent.children[index] = placeholder as never
    }
  }
}

function fenced(node: Code, file: VFile): DiagramSource {
  const start = node.position?.start
  return describe(node.value, undefined, file, (start?.line ?? 0) + 1, start?.column ?? 1)
}

async function referenced(node: Image, file: VFile, files: DeckFiles): Promise<DiagramSource | undefined> {
  const resolved = await files.resolve(node.url, file.dirname ?? process.cwd())
  if (!resolved.ok) {
    fail(file, `Diagram ${files.explain(node.url, resolved.path)}`, node, 'outside-deck')
    return undefined
  }
  const source = resolved.path
  try {
    const text = await readFile(source, 'utf8')
    if (!node.alt?.trim()) {
      warn(file, `Diagram \`${node.url}\` has no alt text: say what it shows, as in \`![what it shows](${node.url})\``, node, 'image-alt')
    }
    return describe(text, node.alt || undefined, new VFile({ path: source, value: text }), 1, 1)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? (error as Error).message})`
    fail(
      file,
      `Diagram \`${node.url}\` ${why}: looked for ${shownPath(source)}; the path is relative to this Markdown file`,
      node,
      'missing-diagram',
    )
    return undefined
  }
}

function describe(source: string, alt: string | undefined, file: VFile, line: number, column: number): DiagramSource {
  const ref = createHash('sha256')
    .update(JSON.stringify([source, alt ?? null]))
    .digest('hex')
    .slice(0, 12)
  return { source, alt, ref, file, line, column }
}

/** Whether an image path names a Mermaid source file. */
export function isDiagramPath(url: string): boolean {
  return /\.mmd$/i.test(url.split(/[?#]/)[0] ?? '')
}

/** The Markdown files, then each `.mmd` file they use (which may hold messages too). */
export function withDiagramFiles(files: VFile[]): VFile[] {
  const diagramFiles = new Map<string, VFile>()
  for (const file of files) {
    for (const diagram of file.data.diagrams ?? []) {
      const known = diagramFiles.get(diagram.file.path)
      if (diagram.file !== file && (!known || diagram.file.messages.length > known.messages.length))
        diagramFiles.set(diagram.file.path, diagram.file)
    }
  }
  return [...files, ...diagramFiles.values()]
}
