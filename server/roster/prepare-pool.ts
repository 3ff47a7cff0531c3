/**
 * Worker threads for the CPU-heavy half of a large roster import (prepare.ts): the file's body is cut
 * into pieces of whole lines, each piece is prepared by a worker, and the results come back in file
 * order while the importing thread writes the previous ones.
 */
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { CyclePolicy } from '../../src/core/cycle'
import type { PiiDerivedKeys } from '../crypto/pii'
import type { RowError } from './columns'
import type { RosterEncoding } from './decode'
import type { ColumnIndex } from './parse'
import { unpackValues, type PreparedChunk } from './prepare'

export interface WorkerInit {
  keys: PiiDerivedKeys
  today: string
  cyclePolicy: CyclePolicy
  index: ColumnIndex
  encoding: RosterEncoding
  /** PrepareContext.encoding, named apart from the file's text encoding. */
  bulkEncoding?: 'copy-text'
}

export interface PieceRequest {
  seq: number
  bytes: ArrayBuffer
  firstLine: number
  /** Whether to send the prepared values back (PreparePool.valuesWanted). */
  values: boolean
}

/**
 * A prepared piece on its way back. Its bulk of text travels as UTF-8 bytes in buffers moved (not
 * copied) to the importing thread — the packed values and the encoded rows, with their lengths —
 * so that thread neither deserialises thousands of strings nor collects them.
 */
export type PieceResponse =
  | {
      seq: number
      rows: number
      invalidRows: number
      errors: RowError[]
      lines: Int32Array
      /** Absent when the request did not want the values. */
      packed?: ArrayBuffer
      packedLength?: number
      personNos: string[]
      idHashes: string
      encoded?: ArrayBuffer
      encodedLength?: number
      encodedEnds?: Int32Array
    }
  | { seq: number; failure: string }

/** Whole lines of the file's body, as bytes, and the line number of the first. */
export interface Piece {
  bytes: Uint8Array
  firstLine: number
}

const LF = 0x0a
const CR = 0x0d

/**
 * Cuts `body` (whose first line is line `firstLine` of the file) into pieces of `linesPerPiece` lines
 * and counts the non-empty lines. Cutting bytes at LF is safe in UTF-8 and in GBK / GB18030, where
 * every byte of a multi-byte character is ≥ 0x30.
 */
export function splitPieces(body: Uint8Array, firstLine: number, linesPerPiece: number): { pieces: Piece[]; rows: number } {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const pieces: Piece[] = []
  let rows = 0
  let start = 0
  let line = firstLine
  let pieceStart = 0
  let pieceLine = firstLine
  let inPiece = 0
  while (start < buf.length) {
    let nl = buf.indexOf(LF, start)
    if (nl < 0) nl = buf.length
    const len = nl - start - (nl > start && buf[nl - 1] === CR ? 1 : 0)
    if (len > 0) rows++
    line++
    start = nl + 1
    if (++inPiece === linesPerPiece) {
      pieces.push({ bytes: buf.subarray(pieceStart, Math.min(start, buf.length)), firstLine: pieceLine })
      pieceStart = start
      pieceLine = line
      inPiece = 0
    }
  }
  if (pieceStart < buf.length) pieces.push({ bytes: buf.subarray(pieceStart), firstLine: pieceLine })
  return { pieces, rows }
}

/**
 * A worker's answer as a chunk. With encoded rows the values are only read for persons already on
 * the roster, so they are decoded and unpacked on first use: splitting a piece into its thousands of
 * strings was a sizeable part of the importing thread's time and garbage.
 */
function chunkOf(m: Extract<PieceResponse, { lines: Int32Array }>): PreparedChunk {
  const chunk = { rows: m.rows, invalidRows: m.invalidRows, errors: m.errors, lines: m.lines, personNos: m.personNos, idHashes: m.idHashes } as PreparedChunk
  if (m.encoded) {
    chunk.encoded = Buffer.from(m.encoded, 0, m.encodedLength)
    chunk.encodedEnds = m.encodedEnds
  }
  let values: string[] | undefined
  const unpack = (): string[] => {
    if (!m.packed) throw new Error('roster import: the values of this piece were not prepared (PreparePool.valuesWanted was false)')
    return unpackValues(Buffer.from(m.packed, 0, m.packedLength).toString('utf8'))
  }
  Object.defineProperty(chunk, 'values', { enumerable: true, get: () => (values ??= unpack()) })
  return chunk
}

/**
 * The memory of `bytes` as an ArrayBuffer that can be moved to another thread: its own when the view
 * starts it and nothing else shares it (a pooled small Buffer does share), else a copy.
 */
export function movable(bytes: Buffer): ArrayBuffer {
  const whole = bytes.buffer as ArrayBuffer
  if (bytes.byteOffset === 0 && whole.byteLength >= bytes.byteLength && whole.byteLength > Buffer.poolSize) return whole
  return new Uint8Array(bytes).buffer
}

const ENTRY = join(__dirname, 'prepare-worker-entry.cjs')

export class PreparePool {
  private readonly workers: Worker[] = []
  private readonly waiting = new Map<number, { resolve: (c: PreparedChunk) => void; reject: (e: Error) => void }>()
  private broken: Error | undefined
  private closing = false
  /**
   * Whether pieces asked for from now on come back with their values. The importing thread reads a
   * row's values only to compare it with a stored person (or to write it without an encoded row): once
   * it knows neither can happen — an empty roster, a writer taking encoded rows — it sets this false
   * and the workers skip packing them (about 1 µs a row).
   */
  valuesWanted = true

  constructor(size: number, init: WorkerInit) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(ENTRY, { workerData: init })
      w.on('message', (m: PieceResponse) => this.settle(m))
      w.on('error', (e) => this.fail(e))
      w.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`roster import worker stopped (exit code ${code})`))
      })
      this.workers.push(w)
    }
  }

  prepare(seq: number, piece: Piece): Promise<PreparedChunk> {
    if (this.broken) return Promise.reject(this.broken)
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject })
      // A copy with its own buffer, moved (not cloned) to the worker: a view would clone the whole file.
      const bytes = new Uint8Array(piece.bytes).buffer
      const req: PieceRequest = { seq, bytes, firstLine: piece.firstLine, values: this.valuesWanted }
      this.workers[seq % this.workers.length].postMessage(req, [bytes])
    })
  }

  private settle(m: PieceResponse): void {
    const waiter = this.waiting.get(m.seq)
    if (!waiter) return
    this.waiting.delete(m.seq)
    if ('failure' in m) waiter.reject(new Error(`roster import worker failed: ${m.failure}`))
    else waiter.resolve(chunkOf(m))
  }

  private fail(e: Error): void {
    this.broken ??= e
    for (const w of this.waiting.values()) w.reject(this.broken)
    this.waiting.clear()
  }

  async close(): Promise<void> {
    this.closing = true
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}

/**
 * The prepared pieces in file order, with at most `window` pieces in flight to the workers. With
 * `here`, the importing thread prepares the next piece itself whenever the piece it needs next is not
 * back yet, instead of waiting: on a machine with few cores the writer and the workers then share the
 * work, whichever half is slower.
 */
export async function* prepareInOrder(pool: Pick<PreparePool, 'prepare'>, pieces: Piece[], window: number, here?: (piece: Piece) => PreparedChunk): AsyncGenerator<PreparedChunk> {
  const queue: { chunk: Promise<PreparedChunk>; ready: boolean }[] = []
  let next = 0
  let inFlight = 0
  const fill = () => {
    while (next < pieces.length && inFlight < window) {
      const entry = { chunk: pool.prepare(next, pieces[next]), ready: false }
      inFlight++
      const settle = () => {
        entry.ready = true
        inFlight--
      }
      entry.chunk.then(settle, settle) // awaited below in order; this also keeps an early failure from being "unhandled"
      queue.push(entry)
      next++
    }
  }
  fill()
  while (queue.length > 0) {
    if (here && next < pieces.length && !queue[0].ready) {
      // Let answers that have arrived meanwhile in before deciding the writer would wait.
      await new Promise((resolve) => setImmediate(resolve))
      if (!queue[0].ready) {
        queue.push({ chunk: Promise.resolve(here(pieces[next++])), ready: true })
        continue
      }
    }
    const chunk = await queue.shift()!.chunk
    fill()
    yield chunk
  }
}
