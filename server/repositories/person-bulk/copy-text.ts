/**
 * COPY's text format, with no driver attached: imported by roster worker threads, which format new
 * persons' rows for the PostgreSQL bulk writer so the importing thread only adds the id.
 */
const SPECIAL = /[\\\t\n\r]/
/** A cell's text with COPY's special characters escaped (backslash, tab, line breaks). */
export const escapeCell = (v: string): string => (SPECIAL.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v)

/** One row in COPY's text format (tab-separated, \N for NULL, line-terminated). */
export function copyLine(values: ArrayLike<string | null | undefined>): string {
  let line = ''
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (i > 0) line += '\t'
    line += v === null || v === undefined ? '\\N' : escapeCell(v)
  }
  return line + '\n'
}


/** Cells in COPY's text format without the line end: '' stands for NULL where `nullable[i]`. */
export function copyCells(values: readonly string[], from: number, nullable: readonly boolean[]): string {
  let text = ''
  for (let k = 0; k < nullable.length; k++) {
    const v = values[from + k]
    if (k > 0) text += '\t'
    text += v === '' && nullable[k] ? '\\N' : escapeCell(v)
  }
  return text
}

/**
 * Rows in COPY's text format, built into ONE UTF-8 buffer with each row's end recorded: what a roster
 * worker hands the importing thread, which then copies each row's bytes into the COPY stream instead
 * of concatenating and re-encoding strings (PersonBulkWriter.insertEncoded). The buffer owns its memory,
 * so it can be moved (transferred) to another thread.
 */
export class CopyRows {
  private buf: Buffer
  private used = 0
  private readonly ends: number[] = []

  constructor(capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(capacity)
  }

  /** One row's cells, already in COPY's text format without the line end (copyCells). */
  add(text: string): void {
    if (this.used + text.length * 3 > this.buf.length) {
      const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.used + text.length * 3))
      this.buf.copy(next, 0, 0, this.used)
      this.buf = next
    }
    this.used += this.buf.write(text, this.used, 'utf8')
    this.ends.push(this.used)
  }

  /** The rows' bytes (a view of the start of a buffer of its own) and where each row ends. */
  finish(): { bytes: Buffer; ends: Int32Array } {
    return { bytes: this.buf.subarray(0, this.used), ends: Int32Array.from(this.ends) }
  }
}
