/**
 * Stage: the media files on the author's disk — images, videos, audio,
 * posters, slide backgrounds, pages shown in an iframe — are found, relative to the Markdown file that
 * names them, and copied into the output under a content-hashed name.
 *
 * Each must lie inside the deck's folder (see `deck-files.ts`); one outside
 * is an error, and is never read. A missing one is an error with its place;
 * a remote one gets a warning, since the deck must work offline; so does an
 * image without alt text. Messages never quote a file's content.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Html, Root } from 'mdast'
import { parseFragment, type DefaultTreeAdapterMap } from 'parse5'
import type { Node, Position } from 'unist'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import type { DeckFiles } from '../files/deck-files.ts'
import { fail, warn } from '../messages.ts'
import { slidesOf } from './slide-attributes.ts'
import type { Asset } from '../types.ts'
import { shownPath } from '../report.ts'

/** Options of {@link localImages}. */
export interface LocalImagesOptions {
  /** The folders the deck may read from. */
  files: DeckFiles
}

/** What a reference names, in messages: `Image`, `Video`, … */
type MediaKind =
  'Image' | 'Video' | 'Audio' | 'Poster image' | 'Media file' | 'Text track' | 'Page' | 'Background image' | 'Background video'

const scheme = /^[a-z][a-z\d+.-]*:|^\/\//i

/** Resolve, check and register every local media file of the Markdown file. */
export function localImages(options: LocalImagesOptions) {
  // Each file is read once a build, however often the deck names it.
  const contents = new Map<string, Promise<Buffer>>()
  const read = (source: string) => {
    let content = contents.get(source)
    if (!content) contents.set(source, (content = readFile(source)))
    return content
  }
  return async function (tree: Root, file: VFile): Promise<undefined> {
    const assets: Asset[] = (file.data.assets ??= [])
    const jobs: Array<Promise<void>> = []
    const fromDir = file.dirname ?? process.cwd()

    const register = (url: string, kind: MediaKind, node: Node | Position | undefined, setUrl: (output: string) => void) => {
      if (scheme.test(url) && !/^file:/i.test(url)) {
        if (/^(?:https?:)?\/\//i.test(url)) {
          warn(
            file,
            `Remote ${kind.toLowerCase()} \`${url}\` needs the network: the deck will not show it offline; download it next to the Markdown file`,
            node,
            'remote-resource',
          )
        }
        return
      }
      jobs.push(
        (async () => {
          const resolved = await options.files.resolve(url, fromDir)
          if (!resolved.ok) return void fail(file, `${kind} ${options.files.explain(url, resolved.path)}`, node, 'outside-deck')
          const source = resolved.path
          let content: Buffer
          try {
            content = await read(source)
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code
            const why =
              code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(error)})`
            const shown = shownPath(source)
            return void fail(
              file,
              `${kind} \`${url}\` ${why}: looked for ${shown}; the path is relative to this Markdown file`,
              node,
              'missing-image',
            )
          }
          const format = imageFormats[path.extname(source).toLowerCase()]
          if (format && (kind === 'Image' || kind === 'Poster image' || kind === 'Background image') && !format.test(content)) {
            return void fail(
              file,
              `${kind} \`${url}\` is not a ${format.name} image (${describeContent(content)}); export it again, or fix its extension`,
              node,
              'not-an-image',
            )
          }
          const hash = createHash('sha256').update(content).digest('hex').slice(0, 10)
          const { name, ext } = path.parse(source)
          // A plain ASCII name: it goes into a URL, and into file systems of every kind.
          const safeName = name
            .normalize('NFKD')
            .replace(/[\u0300-\u036f]/g, '')
            .replace(/[^\w.-]+/g, '-')
          const output = `assets/${safeName}-${hash}${ext.toLowerCase()}`
          assets.push({ source, output })
          setUrl(output)
        })(),
      )
    }

    visit(tree, 'image', (node) => {
      // A picture that only decorates (a Slidev layout's) says nothing, on purpose.
      if (!node.alt?.trim() && node.data?.hProperties?.role !== 'presentation') {
        warn(file, `Image \`${node.url}\` has no alt text: say what it shows, as in \`![what it shows](${node.url})\``, node, 'image-alt')
      }
      register(node.url, 'Image', node, (output) => (node.url = output))
    })
    // Raw HTML names media too (`<img src>`, `<video poster>`), read as a browser reads it (not
    // inside other attributes' values): copied and renamed the same way, in place.
    const edits: Array<{ node: Html; start: number; end: number; output: string }> = []
    visit(tree, 'html', (node) => {
      for (const { tag, name, value, start, end } of mediaAttributes(node.value)) {
        if (!value || value.startsWith('data:') || value.startsWith('#')) continue
        const kind = name === 'poster' ? 'Poster image' : htmlKinds[tag]!
        register(value, kind, node, (output) => edits.push({ node, start, end, output: `${name}="${output}"` }))
      }
    })
    for (const slide of slidesOf(tree)) {
      const properties = slide.data?.hProperties
      if (!properties) continue
      const background = properties['data-background-image']
      // Messages go to the `::slide` line that set it.
      const place = slide.data?.attributesAt ?? slide.position
      if (typeof background === 'string') {
        register(background, 'Background image', place, (output) => (properties['data-background-image'] = output))
      }
      // reveal.js takes several sources, comma-separated, for the browser to choose from.
      const video = properties['data-background-video']
      if (typeof video === 'string') {
        const sources = video.split(',').map((source) => source.trim())
        sources.forEach((source, index) =>
          register(source, 'Background video', place, (output) => {
            sources[index] = output
            properties['data-background-video'] = sources.join(',')
          }),
        )
      }
    }
    await Promise.all(jobs)
    // From the end of each HTML node backwards, so the offsets of the edits still to make hold.
    for (const edit of edits.sort((a, b) => b.start - a.start)) {
      edit.node.value = edit.node.value.slice(0, edit.start) + edit.output + edit.node.value.slice(edit.end)
    }
  }
}

/** The media files an HTML fragment names: each `src` (and `poster`) of a media element, with where it is written. */
function mediaAttributes(html: string): Array<{ tag: string; name: string; value: string; start: number; end: number }> {
  if (!/<(?:img|video|audio|source|track|iframe)\b/i.test(html)) return []
  const found: ReturnType<typeof mediaAttributes> = []
  const walk = (node: DefaultTreeAdapterMap['parentNode']) => {
    for (const child of node.childNodes) {
      if (!('tagName' in child)) continue
      if (child.tagName in htmlKinds) {
        for (const attribute of child.attrs) {
          const at = child.sourceCodeLocation?.attrs?.[attribute.name]
          if ((attribute.name === 'src' || attribute.name === 'poster') && at)
            found.push({ tag: child.tagName, name: attribute.name, value: attribute.value, start: at.startOffset, end: at.endOffset })
        }
      }
      walk(child.tagName === 'template' ? (child as DefaultTreeAdapterMap['template']).content : child)
    }
  }
  walk(parseFragment(html, { sourceCodeLocationInfo: true }))
  return found
}

/** A page in an `<iframe>` is copied alone: what it loads in turn is not (a page made for the slide holds what it shows). */
const htmlKinds: Record<string, MediaKind> = {
  img: 'Image',
  video: 'Video',
  audio: 'Audio',
  source: 'Media file',
  track: 'Text track',
  iframe: 'Page',
}

/** An image format: what its files start with (or, for SVG, hold near their start). */
interface ImageFormat {
  name: string
  test: (bytes: Buffer) => boolean
}

const jpeg: ImageFormat = { name: 'JPEG', test: (bytes) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff }
const formats: ImageFormat[] = [
  { name: 'PNG', test: (bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  jpeg,
  { name: 'GIF', test: (bytes) => /^GIF8[79]a/.test(bytes.subarray(0, 6).toString('latin1')) },
  {
    name: 'WebP',
    test: (bytes) => bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  { name: 'AVIF', test: (bytes) => /^ftypavi[fs]/.test(bytes.subarray(4, 12).toString('latin1')) },
  { name: 'SVG', test: (bytes) => /<svg[\s>]/i.test(bytes.subarray(0, 4096).toString('utf8')) },
]

/** Image formats by file extension. */
const imageFormats: Record<string, ImageFormat> = Object.fromEntries(
  [
    ['.png', 'PNG'],
    ['.jpg', 'JPEG'],
    ['.jpeg', 'JPEG'],
    ['.gif', 'GIF'],
    ['.webp', 'WebP'],
    ['.avif', 'AVIF'],
    ['.svg', 'SVG'],
  ].map(([extension, name]) => [extension!, formats.find((format) => format.name === name)!]),
)

/** What a file that is not the image it claims seems to be: its kind, never its content. */
function describeContent(bytes: Buffer): string {
  const format = formats.find((candidate) => candidate.test(bytes))
  if (format) return `it is a ${format.name} image`
  if (bytes.length === 0) return 'it is empty'
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'it is a PDF document'
  const start = bytes.subarray(0, 512)
  if (/^\s*<(?:!doctype html|html)/i.test(start.toString('utf8'))) return 'it is an HTML page'
  const text = start.every((byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || byte >= 0x20)
  return text ? 'it holds text' : 'it holds data of another kind'
}
