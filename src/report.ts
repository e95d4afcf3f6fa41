/**
 * Format the messages of a build the way linters do:
 * `file:line:col  level  message  rule`, one a line, then a count.
 */
import path from 'node:path'
import type { VFile } from 'vfile'

/** Messages of one rule shown per file; the rest are counted on one line, so a flood stays readable. */
export const shownPerRule = 20

/**
 * A path as the user is shown it: relative to where they stand (`cwd`) when
 * it is inside it, absolute when not — never `../../..` climbing out of it.
 */
export function shownPath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file)
  if (relative === '') return '.'
  return relative.startsWith('..') || path.isAbsolute(relative) ? path.resolve(cwd, file) : relative
}

/** Lines for the messages of `files` (up to {@link shownPerRule} a rule and file), paths as {@link shownPath} shows them. */
export function formatMessages(files: readonly VFile[], cwd = process.cwd()): string[] {
  const rows: string[][] = []
  for (const file of files) {
    const name = file.path ? shownPath(file.path, cwd) : '<input>'
    const messages = [...file.messages].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
    const shown = new Map<string, number>()
    for (const message of messages) {
      const level = message.fatal ? 'error' : 'warning'
      const rule = [message.source, message.ruleId].filter(Boolean).join(':')
      const count = (shown.get(`${level} ${rule}`) ?? 0) + 1
      shown.set(`${level} ${rule}`, count)
      if (count > shownPerRule) continue
      const place = message.line ? `${name}:${message.line}:${message.column ?? 1}` : name
      rows.push([place, level, message.reason, rule])
    }
    for (const [key, count] of shown) {
      const [level, rule] = key.split(' ') as [string, string]
      if (count > shownPerRule) rows.push([name, level, `… and ${(count - shownPerRule).toLocaleString('en')} more like these`, rule])
    }
  }
  const widths = [0, 1].map((column) => rows.reduce((widest, row) => Math.max(widest, row[column]!.length), 0))
  return rows.map(([place, level, reason, rule]) =>
    `${place!.padEnd(widths[0]!)}  ${level!.padEnd(widths[1]!)}  ${reason}  ${rule}`.trimEnd(),
  )
}

/** Counts of errors and warnings of `files`. */
export function countMessages(files: readonly VFile[]): { errors: number; warnings: number } {
  let errors = 0
  let warnings = 0
  for (const file of files) {
    for (const message of file.messages) {
      if (message.fatal) errors++
      else warnings++
    }
  }
  return { errors, warnings }
}
