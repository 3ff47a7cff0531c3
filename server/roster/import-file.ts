/**
 * Imports a roster file's bytes: encoding detection, the header, and for a large file the worker
 * threads that prepare its rows (prepare-pool.ts) while import.ts writes them.
 */
import { availableParallelism } from 'node:os'
import type { RowError } from './columns'
import { decodeAs, detectRosterEncoding, type RosterEncoding } from './decode'
import { personBulkEncoding } from '../repositories/person-bulk'
import type { Db } from '../repositories/types'
import { importPrepared, importRoster, type ImportOptions, type ImportSummary } from './import'
import { absentFields, BROKEN_CSV_REASON, EMPTY_FILE_REASON, indexHeader, parseCsvRecords, parseRosterCsv } from './parse'
import { RosterPreparer, ROWS_PER_PIECE } from './prepare'
import { preparePiece } from './prepare-piece'
import { prepareInOrder, PreparePool, splitPieces, type Piece } from './prepare-pool'

export interface FileImportOptions extends ImportOptions {
  /** Worker threads that prepare rows (0: none, all on this thread); default: one per core beyond the first, 1–4. */
  workers?: number
  /** Files with fewer rows are prepared on this thread (starting workers costs more than it saves). */
  workerMinRows?: number
}

export interface FileImport {
  encoding: RosterEncoding
  /** Problems that make the whole file unusable; then nothing was imported. */
  fatal: RowError[]
  summary?: ImportSummary
}

const defaultWorkers = () => Math.max(1, Math.min(4, availableParallelism() - 1))

/**
 * True when the file's line breaks are all LF or all CRLF. Otherwise (old Mac CR, or a mix) csv-parse
 * reads the file as one text, taking its first break for every record, and so must the import.
 */
function uniformLineBreakBytes(buf: Buffer): boolean {
  const firstCr = buf.indexOf(0x0d)
  if (firstCr < 0) return true
  for (let at = firstCr; at >= 0; at = buf.indexOf(0x0d, at + 1)) if (buf[at + 1] !== 0x0a) return false
  for (let at = buf.indexOf(0x0a); at >= 0; at = buf.indexOf(0x0a, at + 1)) if (at === 0 || buf[at - 1] !== 0x0d) return false
  return true
}

/**
 * Imports a roster file's bytes (UTF-8 with or without BOM, or GBK). A large file without quotes is
 * cut into pieces of whole lines and prepared by worker threads; anything else (quoted cells, CR or
 * mixed line ends, small files) is parsed whole and prepared on this thread. Both give the same result.
 */
export async function importRosterBytes(db: Db, bytes: Buffer, opts: FileImportOptions): Promise<FileImport> {
  const { encoding, body } = detectRosterEncoding(bytes)
  const workers = opts.workers ?? defaultWorkers()

  // The header: the first non-empty line.
  let headerEnd = -1
  let headerLine = 0
  for (let start = 0; start < body.length; start = headerEnd + 1) {
    headerEnd = body.indexOf(0x0a, start)
    if (headerEnd < 0) headerEnd = body.length
    headerLine++
    if (body.subarray(start, headerEnd).toString('latin1').trim() !== '') break
  }
  const rest = body.subarray(Math.min(body.length, headerEnd + 1))
  const simple = workers > 0 && body.indexOf(0x22) < 0 && uniformLineBreakBytes(body)
  const split = simple ? splitPieces(rest, headerLine + 1, ROWS_PER_PIECE) : undefined

  if (!split || split.rows < (opts.workerMinRows ?? 20_000)) {
    const parsed = parseRosterCsv(decodeAs(body, encoding))
    if (parsed.fatal.length > 0) return { encoding, fatal: parsed.fatal }
    return { encoding, fatal: [], summary: await importRoster(db, parsed.rows, opts) }
  }

  const headerText = decodeAs(body.subarray(0, headerEnd), encoding)
  let header
  try {
    header = parseCsvRecords(headerText).at(-1)
  } catch {
    return { encoding, fatal: [{ line: headerLine, column: '', reason: BROKEN_CSV_REASON }] }
  }
  if (!header) return { encoding, fatal: [{ line: 1, column: '', reason: EMPTY_FILE_REASON }] }
  const { index, fatal } = indexHeader(header.record, headerLine)
  if (fatal.length > 0) return { encoding, fatal }

  const bulkEncoding = personBulkEncoding(db)
  const pool = new PreparePool(workers, { keys: opts.pii.derivedKeys(), today: opts.today, cyclePolicy: opts.cyclePolicy, index, encoding, bulkEncoding })
  const preparer = new RosterPreparer({ ...opts, encoding: bulkEncoding })
  const here = (piece: Piece) => preparePiece(preparer, { index, encoding }, piece.bytes, piece.firstLine)
  try {
    // The pieces are asked for lazily, after the import has read the roster and said whether it needs their values.
    const source = { valuesNeeded: (needed: boolean) => (pool.valuesWanted = needed) }
    return { encoding, fatal: [], summary: await importPrepared(db, prepareInOrder(pool, split.pieces, workers * 4, here), split.rows, { ...opts, absentFields: absentFields(index) }, source) }
  } finally {
    await pool.close()
  }
}
