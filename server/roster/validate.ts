/** One roster row: every cell checked by its codec column (columns.ts), each problem reported with its header and a Chinese reason. */
import { ROSTER_CODEC, ROSTER_FIELDS, type RawRosterRow, type RosterColumn, type RosterValues, type RowError } from './columns'

export { parseRosterDate } from './columns'

export interface RosterRow extends RosterValues {
  line: number
}

export function validateRosterRow(raw: RawRosterRow, today: string): { row?: RosterRow; errors: RowError[] } {
  const errors: RowError[] = []
  const ctx = { today }
  const row = { line: raw.line } as Record<string, unknown>
  for (const field of ROSTER_FIELDS) {
    const col = ROSTER_CODEC[field] as RosterColumn<unknown>
    const result = col.parse(raw.cells[field] ?? '', ctx)
    if ('reason' in result) errors.push({ line: raw.line, column: col.header, reason: result.reason })
    else row[field] = result.value
  }
  return errors.length > 0 ? { errors } : { errors, row: row as unknown as RosterRow }
}
