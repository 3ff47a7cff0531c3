/** CSV text → raw rows with their line numbers in the file (header is line 1). */
import { parse } from 'csv-parse/sync'
import { ROSTER_COLUMNS, type RawRosterRow, type RosterField, type RowError } from './columns'

export interface ParsedRoster {
  rows: RawRosterRow[]
  /** Problems that make the whole file unusable (missing columns, broken CSV). */
  fatal: RowError[]
}

type CsvRecord = { record: string[]; info: { lines: number } }

/**
 * Characters that make a file need the full CSV parser: quotes, and everything csv-parse trims with
 * `trim: true` (CR, LF inside fields, form feed, space, tab) or treats as a record delimiter (CR).
 * A file without any of them (other than LF line ends) is split exactly as csv-parse would split it.
 */
const NEEDS_FULL_PARSER = /["\r\f\t ]/

/**
 * The same records as csv-parse with { info, relax_column_count, skip_empty_lines, trim } for text
 * without quotes or trimmable characters: LF-separated lines, comma-separated fields, empty lines
 * skipped, `info.lines` the 1-based line number. ~5× faster on large rosters.
 */
function splitSimpleCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = []
  let line = 0
  let start = 0
  const end = text.length
  while (start < end) {
    let nl = text.indexOf('\n', start)
    if (nl < 0) nl = end
    line++
    if (nl > start) records.push({ record: text.slice(start, nl).split(','), info: { lines: line } })
    start = nl + 1
  }
  return records
}

export function parseRosterCsv(text: string): ParsedRoster {
  let records: CsvRecord[]
  const body = text.replace(/^\uFEFF/, '')
  if (!NEEDS_FULL_PARSER.test(body)) {
    records = splitSimpleCsv(body)
  } else {
    try {
      records = parse(body, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as never
    } catch (err) {
      const line = (err as { lines?: number }).lines ?? 0
      return { rows: [], fatal: [{ line, column: '', reason: '文件不是有效的 CSV 格式（引号不配对或格式损坏）' }] }
    }
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
  const fields = Object.keys(index) as RosterField[]
  const rows: RawRosterRow[] = new Array(records.length - 1)
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r]
    const cells: RawRosterRow['cells'] = {}
    for (const field of fields) cells[field] = record[index[field]] ?? ''
    rows[r - 1] = { line: info.lines, cells }
  }
  return { rows, fatal: [] }
}
