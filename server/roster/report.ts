/** Per-row errors as a CSV (UTF-8 with BOM so that Excel shows the Chinese correctly). No ID numbers. */
import { writeFileSync } from 'node:fs'
import type { RowError } from './columns'

const cell = (v: string | number): string => {
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function reportCsv(errors: RowError[]): string {
  const lines = ['行号,列,原因', ...errors.map((e) => [e.line, e.column, e.reason].map(cell).join(','))]
  return '\uFEFF' + lines.join('\r\n') + '\r\n'
}

export function writeReport(path: string, errors: RowError[]): void {
  writeFileSync(path, reportCsv(errors), 'utf8')
}
