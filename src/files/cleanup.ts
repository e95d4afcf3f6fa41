/**
 * What must be undone if the process is interrupted (Ctrl-C, SIGTERM) or
 * ends without undoing it: a browser's process group to kill, a staging
 * folder to remove. Each is registered while it exists; the CLI runs them
 * all on a signal, and every process at exit, at once and synchronously,
 * since nothing asynchronous can be waited for then.
 */
const pending = new Set<() => void>()

// A process that ends with something still registered — a script that never
// closed its browser — undoes it all the same: no browser outlives it.
process.on('exit', () => undoAll())

/** Register `undo` until the returned function is called. */
export function untilDone(undo: () => void): () => void {
  pending.add(undo)
  return () => {
    pending.delete(undo)
  }
}

/** Run every registered undo, once. */
export function undoAll(): void {
  for (const undo of [...pending]) {
    pending.delete(undo)
    try {
      undo()
    } catch {
      // Best effort: the process is going away.
    }
  }
}

let note = 'nothing was written'

/** What the CLI says when a signal ends the command: by default, that nothing was written. */
export function setInterruptNote(text: string): void {
  note = text
}

/** See {@link setInterruptNote}. */
export function interruptNote(): string {
  return note
}
