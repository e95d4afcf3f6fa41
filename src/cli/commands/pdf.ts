/**
 * `diapo pdf`: only the PDF of a deck, to `--out` (default `dist/<title>.pdf`).
 */
import { runBuild } from './build.ts'

/** Run `diapo pdf` with its command-line arguments; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return runBuild(args, 'pdf')
}
