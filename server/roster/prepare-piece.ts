/** One line-aligned piece of a roster file's bytes → its prepared rows: what a worker thread does with a piece, and the importing thread too when it would otherwise wait (prepare-pool.ts). */
import type { RosterEncoding } from './decode'
import { decodeAs } from './decode'
import { parseCsvRecords, rowOf, type ColumnIndex } from './parse'
import type { PreparedChunk, RosterPreparer } from './prepare'

export interface PieceFormat {
  index: ColumnIndex
  encoding: RosterEncoding
}

export function preparePiece(preparer: RosterPreparer, format: PieceFormat, bytes: Uint8Array, firstLine: number): PreparedChunk {
  const records = parseCsvRecords(decodeAs(bytes, format.encoding), firstLine - 1)
  return preparer.prepare(records.map((r) => rowOf(r, format.index)))
}
