/**
 * A roster-import worker thread: takes line-aligned pieces of the file as bytes, decodes, parses,
 * checks, blind-indexes and encrypts them, and answers with the packed prepared rows (prepare.ts).
 * Started by prepare-pool.ts through prepare-worker-entry.cjs.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { PiiCipher } from '../crypto/pii'
import { packValues, RosterPreparer } from './prepare'
import { preparePiece } from './prepare-piece'
import { movable, type PieceRequest, type PieceResponse, type WorkerInit } from './prepare-pool'

const init = workerData as WorkerInit
const preparer = new RosterPreparer({ pii: new PiiCipher({ derived: init.keys }), today: init.today, cyclePolicy: init.cyclePolicy, encoding: init.bulkEncoding })

parentPort!.on('message', (req: PieceRequest) => {
  let res: PieceResponse
  try {
    const chunk = preparePiece(preparer, init, new Uint8Array(req.bytes), req.firstLine)
    res = { seq: req.seq, rows: chunk.rows, invalidRows: chunk.invalidRows, errors: chunk.errors, lines: chunk.lines, personNos: chunk.personNos, idHashes: chunk.idHashes }
    const moved = [chunk.lines.buffer as ArrayBuffer]
    if (req.values) {
      const packed = Buffer.from(packValues(chunk.values), 'utf8')
      res.packed = movable(packed)
      res.packedLength = packed.length
      moved.push(res.packed)
    }
    if (chunk.encoded && chunk.encodedEnds) {
      res.encoded = movable(chunk.encoded)
      res.encodedLength = chunk.encoded.length
      res.encodedEnds = chunk.encodedEnds
      moved.push(res.encoded, chunk.encodedEnds.buffer as ArrayBuffer)
    }
    parentPort!.postMessage(res, moved)
  } catch (err) {
    res = { seq: req.seq, failure: err instanceof Error ? err.message : String(err) }
    parentPort!.postMessage(res)
  }
})
