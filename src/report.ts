/**
 * Format the messages of a build the way linters do:
 * `file:line:col  level  message  rule`, one a line, then a count.
 */
import path from 'node:path'
import type { VFile } from 'vfile'

/** Lines for every message of `files`, paths relative to `cwd`. */
export function formatMessages(files: readonly VFile[], cwd = process.cwd()): string[] {
  const rows: string[][] = []
  for (const file of files) {
    const name = file.path ? path.relative(cwd, file.path) || file.path : '<input>'
    const messages = [...file.messages].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
    for (const message of messages) {
      const place = message.line ? `${name}:${message.line}:${message.column ?? 1}` : name
      const level = message.fatal ? 'error' : 'warning'
      const rule = [message.source, message.ruleId].filter(Boolean).join(':')
      rows.push([place, level, message.reason, rule])
    }
  }
  const widths = [0, 1].map((column) => Math.max(0, ...rows.map((row) => row[column]!.length)))
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
