/**
 * What an installed package weighs: its files' bytes, and the packages
 * installed with it. For the bench's package section and the package test.
 */
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'

/** Bytes of the files under `folder`. */
export function sizeOf(folder: string): number {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((total, entry) => total + statSync(path.join(entry.parentPath, entry.name)).size, 0)
}

/** Packages in the `node_modules` of the package installed at `installed`: each `<name>/` (or `@scope/<name>/`) with a package.json, at any depth. */
export function packagesUnder(installed: string): number {
  return readdirSync(path.join(installed, 'node_modules'), { recursive: true })
    .map((name) => String(name).split(path.sep).join('/'))
    .filter((name) => /^(?:(?:@[^/]+\/)?[^/]+\/node_modules\/)*(?:@[^/]+\/)?[^/]+\/package\.json$/.test(name)).length
}
