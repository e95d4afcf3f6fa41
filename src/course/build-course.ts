/**
 * Build a course: every deck into a folder of its own under the output,
 * and an `index.html` listing them (see `find-course.ts` for what a course
 * is). One browser for the whole course, decks built side by side as the
 * machine has cores; the diagram cache is shared, so a diagram two decks
 * draw is drawn once.
 *
 * Incremental: `.diapo-course.json` in the output records, for each deck,
 * the files its build read (size and modification time) and what the
 * index says of it. A deck none of whose files changed is copied from the
 * previous output rather than built; a course where nothing changed is not
 * written at all. Atomic: the course is made beside the output and takes
 * its place whole; a deck that fails leaves the previous course as it was,
 * and every deck's problems are reported in one run.
 */
import { createHash } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { VFile } from 'vfile'
import { buildDeck, type BuildOptions, type BuildResult } from '../build.ts'
import { ContentError } from '../errors.ts'
import { writeDeck } from '../files/write.ts'
import { warn } from '../messages.ts'
import { diapoVersion } from '../packages.ts'
import { courseIndex, type IndexedDeck } from './course-index.ts'
import { linksOf, type Course, type CourseDeck } from './find-course.ts'

/** What the course build did for one deck. */
export interface CourseDeckResult extends IndexedDeck {
  /** Built now, or taken unchanged from the previous output. */
  built: boolean
  /** Its build's result, when built now. */
  result: BuildResult | undefined
}

/** What a course build did. */
export interface CourseResult {
  ok: boolean
  /** Every deck's source files, with their messages. */
  files: VFile[]
  /** The index page, when `ok`. */
  html: string | undefined
  decks: CourseDeckResult[]
  /** True when nothing had changed: the output was left as it was. */
  unchanged: boolean
}

/** Where the course build records what it made. */
const manifestName = '.diapo-course.json'

interface Manifest {
  /** diapo's version and the settings of the build: another of either rebuilds every deck. */
  settings: string
  decks: Array<
    IndexedDeck & {
      /** Every element id of its slides: what links from the other decks may lead to. */
      ids: string[]
      /** Its links to a slide of another deck, at their places: checked again when that deck changes. */
      anchors?: Array<[file: string, deck: string, anchor: string, url: string, line: number, column: number]>
      inputs: Array<[file: string, size: number, modified: number]>
      markdown: string[]
      theme: string | undefined
      lang: string | undefined
    }
  >
}

/** Options of {@link buildCourse}: those of each deck's build, and the course's own. */
export interface CourseOptions extends Omit<BuildOptions, 'input' | 'outDir' | 'into' | 'course' | 'pdfFile' | 'pdfDir' | 'write'> {
  outDir: string
  /** The index page's title and description. Default: the course folder's name. */
  title?: string | undefined
  description?: string | undefined
  /** Public addresses of chapters (the config's `links`): Markdown files by address. */
  links?: ReadonlyMap<string, string> | undefined
  /** What else a change of rebuilds every deck: the config file, say. */
  identity?: string | undefined
}

export async function buildCourse(course: Course, options: CourseOptions): Promise<CourseResult> {
  const outDir = path.resolve(options.outDir)
  const settings = hashOf([
    diapoVersion(),
    options.theme,
    options.css,
    options.safe,
    options.pdf,
    options.pptx,
    options.identity,
    [...(options.links ?? [])],
    // Where links between decks lead: a chapter added, removed or renamed changes them in every deck.
    course.decks.map(({ name, markdown }) => [name, markdown]),
  ])
  const previous = await readManifest(outDir, settings)
  const fresh = await Promise.all(course.decks.map((deck) => unchangedSince(previous, deck, outDir)))
  if (fresh.every(Boolean) && previous?.decks.length === course.decks.length) {
    const decks = previous.decks.map((deck) => ({ ...indexed(deck), built: false, result: undefined }))
    return { ok: true, files: [], html: path.join(outDir, 'index.html'), decks, unchanged: true }
  }

  // Something is built: the browser boots while the first deck is read.
  if (options.pdf !== false || options.pptx) options.session?.get().catch(() => {})
  const links = linksOf(course, options.links)
  const results = new Map<string, BuildResult>()
  let made: Manifest | undefined
  let kept: VFile[] = []
  try {
    await writeDeck(outDir, [], {
      beforeSwap: async (staging) => {
        // The longest decks first (by their Markdown's size): the short ones fill in beside them at the end.
        const sizes = await Promise.all(course.decks.map(markdownBytes))
        const order = course.decks.map((_, index) => index).sort((a, b) => sizes[b]! - sizes[a]!)
        await inTurn(
          order
            .map((index) => course.decks[index]!)
            .map((deck) => async () => {
              const index = course.decks.indexOf(deck)
              const kept = fresh[index]
              if (kept) {
                await cp(path.join(outDir, deck.name), path.join(staging, deck.name), { recursive: true })
                return
              }
              await mkdir(path.join(staging, deck.name))
              // Each deck's progress lines say which deck they are of: they interleave.
              const log = options.log && ((line: string) => options.log!(`${deck.name}: ${line}`))
              results.set(
                deck.name,
                await buildDeck({
                  ...options,
                  log,
                  input: deck.input,
                  outDir: path.join(outDir, deck.name),
                  into: path.join(staging, deck.name),
                  course: { ...links, deck: deck.name },
                }),
              )
            }),
          Math.max(1, Math.min(availableParallelism(), course.decks.length)),
        )
        if ([...results.values()].some((result) => !result.ok)) throw new ContentError('A deck of the course has errors')
        made = await manifestOf(course, settings, previous, results)
        kept = checkAnchors(results, made)
        await writeFile(
          path.join(staging, 'index.html'),
          courseIndex({ folder: course.folder, title: options.title, description: options.description, decks: made.decks }),
        )
        await writeFile(path.join(staging, manifestName), `${JSON.stringify(made, null, 1)}\n`)
      },
    })
  } catch (error) {
    if (!(error instanceof ContentError)) throw error
  }
  const files = [...[...results.values()].flatMap((result) => result.files), ...kept]
  const decks = course.decks.map((deck, index): CourseDeckResult => {
    const result = results.get(deck.name)
    const recorded = made?.decks[index] ?? previous?.decks.find((entry) => entry.name === deck.name)
    return {
      ...(recorded
        ? indexed(recorded)
        : {
            name: deck.name,
            title: deck.name,
            description: undefined,
            slideCount: result?.slideCount ?? 0,
            pdf: undefined,
            notes: undefined,
          }),
      built: Boolean(result),
      result,
    }
  })
  const ok = made !== undefined
  return { ok, files, html: ok ? path.join(outDir, 'index.html') : undefined, decks, unchanged: false }
}

/**
 * Warn of each link to a slide another deck does not have, at its place:
 * those of the decks built now, and those of the decks kept, which another
 * deck's change may have left leading nowhere. Returns the kept decks'
 * files warned of.
 */
function checkAnchors(results: ReadonlyMap<string, BuildResult>, made: Manifest): VFile[] {
  // A deck kept from a build that did not record its ids is not checked against.
  const ids = new Map(made.decks.flatMap((deck) => (deck.ids ? [[deck.name, new Set(deck.ids)] as const] : [])))
  const leadsNowhere = (file: VFile, { deck, anchor, url, place }: NonNullable<VFile['data']['courseAnchors']>[number]) => {
    const known = ids.get(deck)
    if (!known || known.has(anchor)) return false
    warn(
      file,
      `Link \`${url}\` leads nowhere: the deck \`${deck}\` has no slide or heading with the id \`${anchor}\``,
      place,
      'broken-link',
    )
    return true
  }
  for (const result of results.values()) {
    for (const file of result.files) for (const link of file.data.courseAnchors ?? []) leadsNowhere(file, link)
  }
  const kept = new Map<string, VFile>()
  for (const deck of made.decks) {
    if (results.has(deck.name)) continue
    for (const [source, target, anchor, url, line, column] of deck.anchors ?? []) {
      const file = kept.get(source) ?? new VFile({ path: source })
      if (leadsNowhere(file, { deck: target, anchor, url, place: { line, column } })) kept.set(source, file)
    }
  }
  return [...kept.values()]
}

/** The size of a deck's Markdown, in bytes: how long it takes to build, roughly. */
async function markdownBytes(deck: CourseDeck): Promise<number> {
  const sizes = await Promise.all(
    deck.markdown.map((file) =>
      stat(file).then(
        (info) => info.size,
        () => 0,
      ),
    ),
  )
  return sizes.reduce((sum, size) => sum + size, 0)
}

/** Run `tasks`, at most `width` at a time; once all have ended, rejects with the first failure, if one failed. */
async function inTurn(tasks: Array<() => Promise<void>>, width: number): Promise<void> {
  let next = 0
  const failures: unknown[] = []
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!().catch((error: unknown) => void failures.push(error))
  }
  await Promise.all(Array.from({ length: width }, worker))
  if (failures.length > 0) throw failures[0]
}

/** The previous build's record, when it was made with the same settings. */
async function readManifest(outDir: string, settings: string): Promise<Manifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(path.join(outDir, manifestName), 'utf8')) as Manifest
    return manifest.settings === settings && Array.isArray(manifest.decks) ? manifest : undefined
  } catch {
    return undefined
  }
}

/**
 * Whether `deck` is as the previous build found it — the same Markdown
 * files, every file it read the same size and age — and its output is still
 * there to keep.
 */
async function unchangedSince(previous: Manifest | undefined, deck: CourseDeck, outDir: string): Promise<boolean> {
  const recorded = previous?.decks.find((entry) => entry.name === deck.name)
  if (recorded && !(await stat(path.join(outDir, deck.name, 'index.html')).catch(() => undefined))) return false
  // A Markdown file added to a folder deck, or taken out, is a change too (`deck.markdown` was listed just now).
  if (!recorded || recorded.markdown.join('\n') !== deck.markdown.join('\n')) return false
  const now = await Promise.all(recorded.inputs.map(([file]) => stat(file).catch(() => undefined)))
  return recorded.inputs.every(([, size, modified], index) => now[index]?.size === size && now[index]?.mtimeMs === modified)
}

/** The record of this build: each deck built now as its build found it, the others as the previous record has them. */
async function manifestOf(
  course: Course,
  settings: string,
  previous: Manifest | undefined,
  results: ReadonlyMap<string, BuildResult>,
): Promise<Manifest> {
  return {
    settings,
    decks: await Promise.all(
      course.decks.map(async (deck) => {
        const result = results.get(deck.name)
        if (!result) return previous!.decks.find((entry) => entry.name === deck.name)!
        const inputs = await Promise.all(
          result.dependencies.map(async (file): Promise<[string, number, number]> => {
            const info = await stat(file).catch(() => undefined)
            return [file, info?.size ?? -1, info?.mtimeMs ?? -1]
          }),
        )
        return {
          name: deck.name,
          title: result.title ?? deck.name,
          description: result.description,
          slideCount: result.slideCount,
          pdf: result.pdf && path.basename(result.pdf.slides),
          notes: result.pdf?.notes && path.basename(result.pdf.notes),
          pptx: result.pptx && path.basename(result.pptx.file),
          theme: result.theme,
          lang: result.lang,
          ids: result.ids ?? [],
          anchors: result.files.flatMap((file) =>
            (file.data.courseAnchors ?? []).map(({ deck, anchor, url, place }): [string, string, string, string, number, number] => [
              file.path,
              deck,
              anchor,
              url,
              place?.line ?? 1,
              place?.column ?? 1,
            ]),
          ),
          inputs,
          markdown: deck.markdown,
        }
      }),
    ),
  }
}

function indexed(deck: IndexedDeck): IndexedDeck {
  const { name, title, description, slideCount, pdf, notes, pptx } = deck
  return { name, title, description, slideCount, pdf, notes, pptx }
}

function hashOf(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value) ?? '')
    .digest('hex')
    .slice(0, 16)
}
