/**
 * A build's settings: what its caller says (the API's options, which are
 * the command's flags) over what the config file says, over diapo's
 * defaults. The API (`index.ts`) and the dev server both start from here.
 */
import path from 'node:path'
import type { BuildOptions } from '../build.ts'
import type { DeckOptions } from '../index.ts'
import { findConfigFile, readUserConfig, type UserConfig } from './config-file.ts'

/**
 * The config file for `options`, read; what was left out (said as warnings
 * by the build); and which file it is (read or not: the dev server watches it).
 */
export async function projectOf(options: DeckOptions): Promise<{ project: UserConfig; notices: string[]; file: string | undefined }> {
  if (options.config === false) return { project: {}, notices: [], file: undefined }
  if (!options.safe) {
    const project = await readUserConfig(options.input ?? 'slides', options.config)
    return { project, notices: [], file: project.file }
  }
  // With `safe` the config is the project's, not the builder's: a browser it names would run, as would its plugins.
  const file = await configFileOf(options)
  const notices = file
    ? [`--safe does not read ${path.basename(file)} (its browser and plugins would run); use --browser or CHROME_PATH`]
    : []
  return { project: {}, notices, file }
}

/** The config file `options` name, or the one found for their deck; found without reading it (nothing of it runs). */
export async function configFileOf(options: DeckOptions): Promise<string | undefined> {
  if (options.config === false) return undefined
  return options.config === undefined ? findConfigFile(options.input ?? 'slides') : path.resolve(options.config)
}

/** The build's options: the caller's, then the config file's; the folders it may read, none with `safe`. */
export function buildOptionsOf(options: DeckOptions, project: UserConfig, notices: string[]): BuildOptions {
  const { input, theme, css, safe, browser, timeout, log } = options
  const allowPaths = [...(options.allowPaths ?? []).map((folder) => path.resolve(folder)), ...(project.allowPaths ?? [])]
  const said = [...notices]
  if (safe && allowPaths.length > 0)
    said.push(`--safe reads no file outside the deck; ignoring the allowed folders ${allowPaths.join(', ')}`)
  return {
    input,
    theme,
    css,
    safe,
    browser,
    configBrowser: project.browser,
    cacheDir: options.cacheDir ?? project.cacheDir,
    projectRoot: project.folder,
    allowPaths: safe ? [] : allowPaths,
    timeout,
    log,
    project,
    notices: said,
  }
}
