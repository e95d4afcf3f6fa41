/**
 * `diapo pptx`: only the PowerPoint file of a deck, to `--out` (default `dist/<title>.pptx`).
 */
import { runBuild } from './build.ts'

/** Run `diapo pptx` with its command-line arguments; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return runBuild(args, 'pptx')
}
