/**
 * Typed errors. Library code throws these; only the CLI's top-level `catch`
 * turns them into a message and an exit status (see `cli.ts`).
 */

/** Exit statuses of the `diapo` command. */
export const ExitCode = {
  ok: 0,
  /** The content is wrong: Markdown, frontmatter, a missing image. */
  content: 1,
  /** The command line is wrong: unknown option, missing argument. */
  usage: 2,
  /** The machine is wrong: no browser, an unwritable folder. */
  environment: 3,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** An error a person can fix; printed without a stack trace. */
export class DiapoError extends Error {
  readonly exitCode: ExitCodeValue

  constructor(message: string, exitCode: ExitCodeValue, options?: ErrorOptions) {
    super(message, options)
    this.name = 'DiapoError'
    this.exitCode = exitCode
  }
}

/** Bad invocation: wrong option or argument. */
export class UsageError extends DiapoError {
  constructor(message: string) {
    super(message, ExitCode.usage)
    this.name = 'UsageError'
  }
}

/** The content cannot be built; the messages were already reported on vfiles. */
export class ContentError extends DiapoError {
  constructor(message: string) {
    super(message, ExitCode.content)
    this.name = 'ContentError'
  }
}

/** Something about the machine: files, folders, browsers. */
export class EnvironmentError extends DiapoError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.environment, options)
    this.name = 'EnvironmentError'
  }
}
