/**
 * shanghaiMidnightIso remembers the dates it converted: a date asked again gets the same answer as
 * the first time, and a malformed one is refused every time (never remembered).
 */
import { shanghaiMidnightIso } from '../../../server/time/clock'

describe('shanghaiMidnightIso', () => {
  it('gives Beijing midnight in UTC, the same when asked again', () => {
    for (let i = 0; i < 2; i++) {
      expect(shanghaiMidnightIso('2026-01-01')).toBe('2025-12-31T16:00:00.000Z')
      expect(shanghaiMidnightIso('2024-02-29')).toBe('2024-02-28T16:00:00.000Z')
      expect(shanghaiMidnightIso('2026-12-06')).toBe('2026-12-05T16:00:00.000Z')
    }
  })

  it('refuses a malformed date every time it is asked', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => shanghaiMidnightIso('2026-13-01')).toThrow(RangeError)
      expect(() => shanghaiMidnightIso('not a date')).toThrow(RangeError)
    }
  })

  it('keeps answering right past the dates it remembers (more than 4,096 distinct dates)', () => {
    const day = (n: number) => new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10)
    for (let n = 0; n < 5000; n++) shanghaiMidnightIso(day(n))
    expect(shanghaiMidnightIso(day(0))).toBe('1999-12-31T16:00:00.000Z')
    expect(shanghaiMidnightIso(day(4999))).toBe(new Date(Date.UTC(2000, 0, 1) + 4999 * 86_400_000 - 8 * 3_600_000).toISOString())
  })
})
