/**
 * COPY's text format, with no driver attached: imported by roster worker threads, which format new
 * persons' rows for the PostgreSQL bulk writer so the importing thread only adds the key columns.
 */
const SPECIAL = /[\\\t\n\r]/
const escapeCell = (v: string): string => (SPECIAL.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v)

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
