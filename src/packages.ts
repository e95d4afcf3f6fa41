/**
 * Where diapo's own files and its npm dependencies are on disk. The deck
 * copies reveal.js, fonts and themes from here: nothing comes from a CDN.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The diapo package folder (both `src/` and the compiled `lib/` sit one level below it). */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url))

const require = createRequire(path.join(packageRoot, 'package.json'))
const found = new Map<string, string>()

/** The folder of an installed npm package, such as `reveal.js`. */
export function packageDir(name: string): string {
  const cached = found.get(name)
  if (cached) return cached
  let dir = path.dirname(resolvePackage(name))
  while (!isPackageFolder(dir, name)) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`Cannot find the folder of package ${name}`)
    dir = parent
  }
  found.set(name, dir)
  return dir
}

/** A file of package `name`: its main module, or, for a package without one (a font), its package.json. */
function resolvePackage(name: string): string {
  try {
    return require.resolve(name)
  } catch (error) {
    try {
      return require.resolve(`${name}/package.json`)
    } catch {
      throw error
    }
  }
}

function isPackageFolder(dir: string, name: string): boolean {
  const manifest = path.join(dir, 'package.json')
  if (!existsSync(manifest)) return false
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name
}

const versions = new Map<string, string>()

/** The version of an installed npm package, read once: what is kept in a cache is kept for the version that made it. */
export function packageVersion(name: string): string {
  let version = versions.get(name)
  if (version === undefined) {
    version = (JSON.parse(readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version
    versions.set(name, version)
  }
  return version
}

/** diapo's own version, from its package.json. */
export function diapoVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version
}
