/**
 * Why a copy stopped: a stable code for scripts, a plain-Chinese message for the person at the
 * keyboard, and the process exit code the CLI ends with (docs/db-copy.md lists them).
 */
export type CopyErrorCode =
  | 'DB_COPY_USAGE'
  | 'DB_COPY_SOURCE_MISSING'
  | 'DB_COPY_SOURCE_NOT_STORE'
  | 'DB_COPY_SOURCE_NEWER'
  | 'DB_COPY_TARGET_UNREACHABLE'
  | 'DB_COPY_TARGET_NOT_EMPTY'
  | 'DB_COPY_TARGET_AHEAD'
  | 'DB_COPY_SCHEMA_MISMATCH'
  | 'DB_COPY_VERIFY_FAILED'
  | 'DB_COPY_FAILED'

const EXIT: Record<CopyErrorCode, number> = {
  DB_COPY_USAGE: 2,
  DB_COPY_SOURCE_MISSING: 2,
  DB_COPY_SOURCE_NOT_STORE: 2,
  DB_COPY_SOURCE_NEWER: 2,
  DB_COPY_TARGET_UNREACHABLE: 2,
  DB_COPY_TARGET_NOT_EMPTY: 3,
  DB_COPY_TARGET_AHEAD: 3,
  DB_COPY_SCHEMA_MISMATCH: 3,
  DB_COPY_VERIFY_FAILED: 4,
  DB_COPY_FAILED: 1,
}

export class CopyError extends Error {
  readonly exitCode: number
  constructor(
    readonly code: CopyErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'CopyError'
    this.exitCode = EXIT[code]
  }
}
