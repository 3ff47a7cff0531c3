import { prepareInOrder, splitPieces, type Piece } from '../../../server/roster/prepare-pool'
import type { PreparedChunk } from '../../../server/roster/prepare'

/** A stand-in for a prepared piece that says which piece it came from and who prepared it. */
const chunkOf = (piece: Piece, by: string): PreparedChunk => ({ rows: 1, invalidRows: 0, errors: [], lines: Int32Array.of(piece.firstLine), values: [by], personNos: [], idHashes: '' })

/** Worker threads that answer only when told to (releaseAll) or, with `answerAfterMs`, after that long; counting what is in flight. */
function heldPool(answerAfterMs?: number) {
  const held: { seq: number; piece: Piece; resolve: (c: PreparedChunk) => void }[] = []
  let maxInFlight = 0
  let inFlight = 0
  return {
    held,
    maxInFlight: () => maxInFlight,
    prepare(seq: number, piece: Piece): Promise<PreparedChunk> {
      maxInFlight = Math.max(maxInFlight, ++inFlight)
      return new Promise((resolve) => {
        const entry = { seq, piece, resolve: (c: PreparedChunk) => (inFlight--, resolve(c)) }
        held.push(entry)
        if (answerAfterMs !== undefined) setTimeout(() => held.includes(entry) && (held.splice(held.indexOf(entry), 1), entry.resolve(chunkOf(piece, 'worker'))), answerAfterMs)
      })
    },
    releaseAll() {
      for (const h of held.splice(0)) h.resolve(chunkOf(h.piece, 'worker'))
    },
  }
}

const pieces = (n: number): Piece[] => splitPieces(Buffer.from(Array.from({ length: n }, (_, i) => `line ${i}`).join('\n') + '\n'), 2, 1).pieces

describe('prepared pieces in file order', () => {
  it('prepares on the importing thread when the next piece is not back, and keeps file order', async () => {
    // Slow workers: each answer takes 200 ms, far longer than preparing a piece here.
    const pool = heldPool(200)
    const input = pieces(10)
    const seen: { line: number; by: string }[] = []
    for await (const chunk of prepareInOrder(pool, input, 2, (p) => chunkOf(p, 'here'))) seen.push({ line: chunk.lines[0], by: chunk.values[0] })
    expect(seen.map((s) => s.line)).toEqual(input.map((p) => p.firstLine))
    expect(seen.filter((s) => s.by === 'here').length).toBeGreaterThan(0)
    expect(seen.filter((s) => s.by === 'worker').length).toBeGreaterThan(0)
    expect(pool.maxInFlight()).toBeLessThanOrEqual(2)
  })

  it('leaves the pieces to the workers when their answers are already in', async () => {
    const input = pieces(6)
    const fast = { prepare: (_seq: number, piece: Piece) => Promise.resolve(chunkOf(piece, 'worker')) }
    let here = 0
    const seen: number[] = []
    for await (const chunk of prepareInOrder(fast, input, 2, (p) => (here++, chunkOf(p, 'here')))) seen.push(chunk.lines[0])
    expect(seen).toEqual(input.map((p) => p.firstLine))
    expect(here).toBe(0)
  })

  it('waits for the workers when nothing may be prepared here', async () => {
    const pool = heldPool()
    const input = pieces(4)
    const order = prepareInOrder(pool, input, 4)
    const first = order.next()
    await new Promise((resolve) => setImmediate(resolve))
    expect(pool.held).toHaveLength(4)
    pool.releaseAll()
    const all = [(await first).value as PreparedChunk]
    for await (const chunk of order) all.push(chunk)
    expect(all.map((c) => c.values[0])).toEqual(['worker', 'worker', 'worker', 'worker'])
  })
})
