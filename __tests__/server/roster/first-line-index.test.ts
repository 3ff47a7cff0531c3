import fc from 'fast-check'
import { FirstLineIndex } from '../../../server/roster/first-line-index'

/** What the index must answer, as a Map would. */
function byMap(keys: string[]): (number | undefined)[] {
  const seen = new Map<string, number>()
  return keys.map((k, i) => {
    const first = seen.get(k)
    if (first === undefined) seen.set(k, i + 2)
    return first
  })
}

describe('first line of each key', () => {
  it('answers like a Map for any keys, repeated or not, Chinese or not', () => {
    const key = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom('R1', 'R10', '王秀英', ''))
    fc.assert(
      fc.property(fc.array(key, { maxLength: 300 }), (keys) => {
        const index = new FirstLineIndex()
        expect(keys.map((k, i) => index.firstLine(k, i + 2))).toEqual(byMap(keys))
        expect(index.size).toBe(new Set(keys).size)
      }),
    )
  })

  it('keeps every key apart while it grows to a hundred thousand keys of blind-index size', () => {
    const index = new FirstLineIndex()
    const key = (i: number) => (i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(8)
    const newOnes = Array.from({ length: 100_000 }, (_, i) => index.firstLine(key(i), i + 2))
    expect(newOnes.every((first) => first === undefined)).toBe(true)
    expect(index.size).toBe(100_000)
    const again = Array.from({ length: 100_000 }, (_, i) => index.firstLine(key(i), 999_999))
    expect(again.every((first, i) => first === i + 2)).toBe(true)
    // Same length, one character apart: never mistaken for each other.
    expect(index.firstLine(key(5).slice(0, 63) + 'x', 3)).toBeUndefined()
    expect(index.size).toBe(100_001)
  })
})
