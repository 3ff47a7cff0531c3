import type { AgencyActor } from '../../../../server/agency/actor'
import { decodeCursor, encodeCursor, isoWeekLabel, nextLevelLength, overdueFilterOf, weekStartOf } from '../../../../server/services/agency/overview'

const actor = (regionPrefix: string): AgencyActor => ({ userId: 'u1', username: 'clerk', displayName: '经办员', role: 'clerk', regionPrefix })

describe('overview helpers', () => {
  it('ISO weeks start on Monday; the Thursday decides the year', () => {
    expect(weekStartOf('2026-11-27')).toBe('2026-11-23') // a Friday
    expect(weekStartOf('2026-11-23')).toBe('2026-11-23')
    expect(weekStartOf('2026-11-29')).toBe('2026-11-23') // Sunday
    expect(isoWeekLabel('2026-11-23')).toBe('2026-W48')
    expect(isoWeekLabel('2026-12-28')).toBe('2026-W53') // 2026 has 53 ISO weeks
    expect(isoWeekLabel('2027-01-04')).toBe('2027-W01')
    expect(isoWeekLabel('2024-12-30')).toBe('2025-W01') // Monday in 2024, Thursday in 2025
  })

  it('coverage groups by the next 行政区划 level', () => {
    expect([nextLevelLength(''), nextLevelLength('43'), nextLevelLength('4301'), nextLevelLength('430102'), nextLevelLength('430102001'), nextLevelLength('430102001001')]).toEqual([2, 4, 6, 9, 12, 12])
  })

  it('cursors round-trip; anything else is one plain VALIDATION_FAILED', () => {
    const c = { regionCode: '430102', personNo: 'DEMO0002' }
    expect(decodeCursor(encodeCursor(c))).toEqual(c)
    for (const bad of ['', 'x', Buffer.from('{}').toString('base64url'), Buffer.from('["43a","P"]').toString('base64url'), Buffer.from('["43",1]').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }))
    }
  })

  it('a sub-region must lie inside the actor region (else the same answer as an unknown person)', () => {
    expect(overdueFilterOf(actor('43'), { subRegion: '4301', minMonthsOverdue: 2 })).toEqual({ regionPrefix: '43', subRegion: '4301', minMonthsOverdue: 2 })
    expect(overdueFilterOf(actor(''), {})).toEqual({ regionPrefix: '' })
    expect(() => overdueFilterOf(actor('43'), { subRegion: '32' })).toThrow(expect.objectContaining({ code: 'AGENCY_OUT_OF_SCOPE' }))
    expect(() => overdueFilterOf(actor('4301'), { subRegion: '43' })).toThrow(expect.objectContaining({ code: 'AGENCY_OUT_OF_SCOPE' }))
  })
})
