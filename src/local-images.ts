/**
 * Stage: images on the author's disk are found, relative to the Markdown file
 * that names them, and copied into the output under a content-hashed name.
 * A missing one is an error with its place; a remote one gets a warning,
 * since the deck must work offline, and so does one without alt text.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Root } from 'mdast'
import type { Node } from 'unist'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { fail, warn } from './messages.ts'
import { slidesOf } from './slide-attributes.ts'
import type { Asset } from './types.ts'

const scheme = /^[a-z][a-z\d+.-]*:|^\/\//i

/** Resolve, check and register every local image of the file. */
export function localImages() {
  return async function (tree: Root, file: VFile): Promise<undefined> {
    const assets: Asset[] = (file.data.assets ??= [])
    const jobs: Array<Promise<void>> = []

    const register = (url: string, node: Node, setUrl: (output: string) => void) => {
      if (scheme.test(url)) {
        if (/^(?:https?:)?\/\//i.test(url)) {
          warn(
            file,
            `Remote image \`${url}\` needs the network: the deck will not show it offline; download it next to the Markdown file`,
            node,
            'remote-resource',
          )
        }
        return
      }
      const source = localPath(url, file)
      jobs.push(
        readFile(source).then(
          (content) => {
            const kind = imageKinds[path.extname(source).toLowerCase()]
            if (kind && !kind.test(content)) {
              const start = JSON.stringify(
                content
                  .subarray(0, 16)
                  .toString('latin1')
                  .replace(/[^\x20-\x7e]/g, '.'),
              )
              fail(
                file,
                `Image \`${url}\` is not a ${kind.name} image (its first bytes: ${start}); export it again, or fix its extension`,
                node,
                'not-an-image',
              )
              return
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
          },
          (error: NodeJS.ErrnoException) => {
            const why =
              error.code === 'ENOENT'
                ? 'not found'
                : error.code === 'EISDIR'
                  ? 'is a folder, not a file'
                  : `cannot be read (${error.code ?? error.message})`
            fail(
              file,
              `Image \`${url}\` ${why}: looked for ${path.relative(process.cwd(), source) || source}; the path is relative to this Markdown file`,
              node,
              'missing-image',
            )
          },
        ),
      )
    }

    visit(tree, 'image', (node) => {
      if (!node.alt?.trim()) {
        warn(file, `Image \`${node.url}\` has no alt text: say what it shows, as in \`![what it shows](${node.url})\``, node, 'image-alt')
      }
      register(node.url, node, (output) => (node.url = output))
    })
    // Raw HTML names media too (`<img src>`, `<video poster>`): copied and renamed the same way.
    visit(tree, 'html', (node) => {
      for (const match of node.value.matchAll(mediaAttribute)) {
        const [attribute, name] = [match[0], match[1]!]
        const url = match[3] ?? match[4] ?? ''
        if (!url || url.startsWith('data:') || url.startsWith('#')) continue
        register(url, node, (output) => (node.value = node.value.split(attribute).join(`${name}="${output}"`)))
      }
    })
    for (const slide of slidesOf(tree)) {
      const properties = slide.data?.hProperties
      const background = properties?.['data-background-image']
      if (typeof background === 'string' && properties) {
        register(background, slide, (output) => (properties['data-background-image'] = output))
      }
    }
    await Promise.all(jobs)
  }
}

/** A media file named by raw HTML: the `src` of an image, video, audio or source, or a video's `poster`. */
const mediaAttribute = /(?<=<(?:img|video|audio|source)\b[^>]*?\s)(src|poster)\s*=\s*("([^"]*)"|'([^']*)')/gi

const jpeg = { name: 'JPEG', test: (bytes: Buffer) => bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff }

/** What each image format's files start with (or, for SVG, hold near their start). */
const imageKinds: Record<string, { name: string; test: (bytes: Buffer) => boolean }> = {
  '.png': { name: 'PNG', test: (bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  '.jpg': jpeg,
  '.jpeg': jpeg,
  '.gif': { name: 'GIF', test: (bytes) => /^GIF8[79]a/.test(bytes.subarray(0, 6).toString('latin1')) },
  '.webp': {
    name: 'WebP',
    test: (bytes) => bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  '.avif': { name: 'AVIF', test: (bytes) => /^ftypavi[fs]/.test(bytes.subarray(4, 12).toString('latin1')) },
  '.svg': { name: 'SVG', test: (bytes) => /<svg[\s>]/i.test(bytes.subarray(0, 4096).toString('utf8')) },
}

/** The file a local URL in `file` names: without query or fragment, decoded, relative to `file`'s folder. */
export function localPath(url: string, file: VFile): string {
  return path.resolve(file.dirname ?? process.cwd(), safeDecode(url.split(/[?#]/)[0] ?? ''))
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
