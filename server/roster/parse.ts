/** CSV text → raw rows with their line numbers in the file (header is line 1). */
import { parse } from 'csv-parse/sync'
import { ROSTER_COLUMNS, type RawRosterRow, type RosterField, type RowError } from './columns'

export interface ParsedRoster {
  rows: RawRosterRow[]
  /** Problems that make the whole file unusable (missing columns, broken CSV). */
  fatal: RowError[]
}

export function parseRosterCsv(text: string): ParsedRoster {
  let records: { record: string[]; info: { lines: number } }[]
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as never
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 0
    return { rows: [], fatal: [{ line, column: '', reason: '文件不是有效的 CSV 格式（引号不配对或格式损坏）' }] }
  }
  if (records.length === 0) return { rows: [], fatal: [{ line: 1, column: '', reason: '文件为空，缺少表头' }] }
  const header = records[0].record.map((h) => h.replace(/^\uFEFF/, '').trim())
  const index = {} as Record<RosterField, number>
  const fatal: RowError[] = []
  for (const [field, title] of Object.entries(ROSTER_COLUMNS) as [RosterField, string][]) {
    const at = header.indexOf(title)
    if (at < 0) fatal.push({ line: records[0].info.lines, column: title, reason: `缺少“${title}”列` })
    index[field] = at
  }
  if (fatal.length > 0) return { rows: [], fatal }
  const rows = records.slice(1).map(({ record, info }) => {
    const cells: RawRosterRow['cells'] = {}
    for (const field of Object.keys(index) as RosterField[]) cells[field] = record[index[field]] ?? ''
    return { line: info.lines, cells }
  })
  return { rows, fatal: [] }
}
