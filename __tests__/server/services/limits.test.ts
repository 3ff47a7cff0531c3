/** Which window a limit counts a moment in: Beijing calendar days, clock-aligned slices. */
import { ACCOUNT_FAILED_CHECKS, ID_NUMBER_FAILED_CHECKS, QUERY_PER_MINUTE, slotOf } from '../../../server/services/limits'

describe('slotOf', () => {
  it('a daily limit turns over at Beijing midnight, not UTC midnight', () => {
    const before = slotOf(ID_NUMBER_FAILED_CHECKS, 'id:h', new Date('2026-11-27T23:59:59.999+08:00'))
    const after = slotOf(ID_NUMBER_FAILED_CHECKS, 'id:h', new Date('2026-11-28T00:00:00.000+08:00'))
    expect(before.bucket).toBe('d2026-11-27')
    expect(after.bucket).toBe('d2026-11-28')
    expect(before.expiresAt).toBe(new Date('2026-11-28T00:00:00+08:00').toISOString())
    // The edge is 16:00 UTC.
    expect(slotOf(ID_NUMBER_FAILED_CHECKS, 'id:h', new Date('2026-11-27T15:59:59Z')).bucket).toBe('d2026-11-27')
    expect(slotOf(ID_NUMBER_FAILED_CHECKS, 'id:h', new Date('2026-11-27T16:00:00Z')).bucket).toBe('d2026-11-28')
  })

  it('a 10-minute limit counts in slices starting on the tens of minutes', () => {
    const a = slotOf(ACCOUNT_FAILED_CHECKS, 'account:x', new Date('2026-11-27T10:00:00+08:00'))
    const b = slotOf(ACCOUNT_FAILED_CHECKS, 'account:x', new Date('2026-11-27T10:09:59.999+08:00'))
    const c = slotOf(ACCOUNT_FAILED_CHECKS, 'account:x', new Date('2026-11-27T10:10:00+08:00'))
    expect(a.bucket).toBe(b.bucket)
    expect(c.bucket).not.toBe(a.bucket)
    expect(a.expiresAt).toBe(new Date('2026-11-27T10:10:00+08:00').toISOString())
  })

  it('keys name the limit and the subject, so limits never share a counter', () => {
    const at = new Date('2026-11-27T10:00:30+08:00')
    expect(slotOf(QUERY_PER_MINUTE, 'account:x', at).key).toBe('query.account.minute:account:x')
    expect(slotOf(ACCOUNT_FAILED_CHECKS, 'account:x', at).key).not.toBe(slotOf(QUERY_PER_MINUTE, 'account:x', at).key)
  })
})
