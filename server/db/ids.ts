import { randomFillSync, randomUUID } from 'node:crypto'

/** Ids are random UUIDs we generate ourselves, identical on both stores. */
export const newId = (): string => randomUUID()

/**
 * Time-ordered UUIDs (version 7, RFC 9562) for rows written in bulk (the roster import). Each id is
 * greater than the one before it in this process, so a million new rows append to the end of every
 * index keyed by id (or by person_id) instead of landing on random pages of it. They reveal only the
 * creation millisecond, which created_at stores anyway; ids handed to clients stay random (newId).
 *
 * Layout: 48-bit Unix ms · version 7 · 12-bit counter (method 1 of RFC 9562 §6.2: it restarts from a
 * random value below 2048 each millisecond and, should it overflow, borrows the next millisecond) ·
 * variant 10 · 62 random bits (the first of 64 random bits is dropped for the variant: 62 remain, the
 * rest of the fourth group and the fifth).
 */
const POOL_IDS = 1024
let randomHex = ''
let randomAt = 0
let lastMs = -1
let counter = 0
/** "tttttttt-tttt-7" for lastMs: rebuilt once per millisecond. */
let prefix = ''

export function newSortableId(nowMs: number = Date.now()): string {
  if (nowMs > lastMs) {
    lastMs = nowMs
    counter = Math.floor(Math.random() * 2048)
    prefix = ''
  } else if (++counter > 0xfff) {
    lastMs++
    counter = 0
    prefix = ''
  }
  if (prefix === '') {
    const ms = lastMs.toString(16).padStart(12, '0')
    prefix = `${ms.slice(0, 8)}-${ms.slice(8)}-7`
  }
  // 16 random hex digits per id from a pool of CSPRNG output (one randomFillSync per POOL_IDS ids).
  if (randomAt + 16 > randomHex.length) {
    randomHex = randomFillSync(Buffer.allocUnsafe(8 * POOL_IDS)).toString('hex')
    randomAt = 0
  }
  const r = randomHex.slice(randomAt, randomAt + 16)
  randomAt += 16
  // The variant field is the bits 10: the first digit of the fourth group is 8, 9, a or b.
  return `${prefix}${counter.toString(16).padStart(3, '0')}-${VARIANT_DIGITS[parseInt(r[0], 16) & 3]}${r.slice(1, 4)}-${r.slice(4)}`
}

const VARIANT_DIGITS = '89ab'
