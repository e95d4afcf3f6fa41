/**
 * The builds that write less than a deck: the layout check (nothing
 * written), the PDF alone and the PowerPoint file alone. Each builds the deck in a folder of its own,
 * which goes once it is done. The commands (`diapo check`, `diapo pdf`)
 * and the API (`index.ts`) both run them.
 */
import { statSync } from 'node:fs'
import path from 'node:path'
import { buildDeck, type BuildOptions, type BuildResult } from './build.ts'
import { EnvironmentError } from './errors.ts'
import { makeDirectory, scratchFolder } from './files/folders.ts'

/** Lay the deck out in the browser and measure it, writing nothing (screenshots aside). */
export async function checkDeck(options: Omit<BuildOptions, 'outDir' | 'pdf' | 'measure'>): Promise<BuildResult> {
  const scratch = await scratchFolder('diapo-check-')
  try {
    return await buildDeck({ ...options, outDir: path.join(scratch.path, 'deck'), pdf: false, measure: true })
  } finally {
    await scratch.remove()
  }
}

/**
 * Print the deck and keep only its PDFs. `out` names the PDF, or the folder
 * to write `<title>.pdf` into: one that exists, or a path that ends with a
 * slash. Default: `dist/`, where `diapo build` puts it.
 */
export function pdfOnly(options: Omit<BuildOptions, 'outDir' | 'pdfFile' | 'pdfDir'>, out: string | undefined): Promise<BuildResult> {
  return keepOnly(options, out, 'diapo-pdf-', (file) => ({ pdfFile: file }))
}

/** Write only the deck's PowerPoint file: `out` as for {@link pdfOnly}, for `<title>.pptx`. */
export function pptxOnly(
  options: Omit<BuildOptions, 'outDir' | 'pdfFile' | 'pdfDir' | 'pptxFile' | 'pdf' | 'pptx'>,
  out: string | undefined,
): Promise<BuildResult> {
  return keepOnly({ ...options, pdf: false, pptx: true }, out, 'diapo-pptx-', (file) => ({ pptxFile: file }))
}

/** Build the deck in a scratch folder, the files asked for written to `out` (a file, or a folder for them). */
async function keepOnly(
  options: Omit<BuildOptions, 'outDir'>,
  out: string | undefined,
  prefix: string,
  named: (file: string) => Partial<BuildOptions>,
): Promise<BuildResult> {
  const folder =
    out === undefined
      ? path.resolve('dist')
      : /[\\/]$/.test(out) || statSync(out, { throwIfNoEntry: false })?.isDirectory()
        ? path.resolve(out)
        : undefined
  if (folder)
    await makeDirectory(folder).catch((error: Error) => {
      throw new EnvironmentError(`Cannot create the folder ${folder}: ${error.message}`)
    })
  const scratch = await scratchFolder(prefix)
  try {
    return await buildDeck({
      ...options,
      outDir: path.join(scratch.path, 'deck'),
      ...(folder ? { pdfDir: folder } : named(path.resolve(out!))),
    })
  } finally {
    await scratch.remove()
  }
}
