/** Password rules, argon2id hashes, one-time passwords, TOTP windows and the sealed secret. */
import { hashPassword, oneTimePassword, strongEnough, verifyPassword } from '../../../server/agency/passwords'
import { SecretCipher } from '../../../server/agency/secret-cipher'
import { acceptCode, codeAt, newEnrolment } from '../../../server/agency/totp'
import { readAgencyAuthConfig, DEFAULT_AGENCY_AUTH } from '../../../server/agency/config'

test('argon2id hashes verify only the right password; a malformed hash is just "no"', async () => {
  const h = await hashPassword('Autumn-river-2026')
  expect(h).toMatch(/^\$argon2id\$v=19\$/)
  expect(await verifyPassword(h, 'Autumn-river-2026')).toBe(true)
  expect(await verifyPassword(h, 'autumn-river-2026')).toBe(false)
  expect(await verifyPassword('not-a-hash', 'x')).toBe(false)
})

test('strength: length, letters and digits, not the username, not a common word', () => {
  expect(strongEnough('Autumn-river-2026', 'wang')).toBe(true)
  expect(strongEnough('short1A', 'wang')).toBe(false)
  expect(strongEnough('onlyletterslong', 'wang')).toBe(false)
  expect(strongEnough('1234567890123', 'wang')).toBe(false)
  expect(strongEnough('wang-clerk-2026', 'wang-clerk')).toBe(false)
  expect(strongEnough('Password2026xx', 'wang')).toBe(false)
  expect(strongEnough('aaaaaaaaa1', 'wang')).toBe(false)
})

test('one-time passwords pass the rule, avoid look-alike characters and differ', () => {
  const seen = new Set<string>()
  for (let i = 0; i < 200; i++) {
    const p = oneTimePassword()
    expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{12}$/)
    expect(strongEnough(p, '')).toBe(true)
    seen.add(p)
  }
  expect(seen.size).toBe(200)
})

test('TOTP: ±1 step accepted, further refused, never a step at or before the last one', async () => {
  const { secret, otpauthUri } = newEnrolment('wang')
  expect(otpauthUri).toContain(`secret=${secret}`)
  expect(otpauthUri).toContain('issuer=%E9%93%B6%E9%BE%84%E8%AE%A4%E8%AF%81')
  const at = new Date('2026-11-27T02:00:10Z')
  const step = Math.floor(at.getTime() / 30_000)
  expect(await acceptCode(secret, await codeAt(secret, at), at, null)).toBe(step)
  expect(await acceptCode(secret, await codeAt(secret, new Date(at.getTime() - 30_000)), at, null)).toBe(step - 1)
  expect(await acceptCode(secret, await codeAt(secret, new Date(at.getTime() + 30_000)), at, null)).toBe(step + 1)
  expect(await acceptCode(secret, await codeAt(secret, new Date(at.getTime() + 60_000)), at, null)).toBeNull()
  expect(await acceptCode(secret, await codeAt(secret, at), at, step)).toBeNull()
  expect(await acceptCode(secret, await codeAt(secret, new Date(at.getTime() - 30_000)), at, step - 1)).toBeNull()
  expect(await acceptCode(secret, 'abcdef', at, null)).toBeNull()
})

test('the sealed TOTP secret opens only for its user', () => {
  const c = new SecretCipher({ v1: Buffer.alloc(32, 7) }, 'v1')
  const sealed = c.seal('user-a', 'JBSWY3DPEHPK3PXP')
  expect(sealed).toMatch(/^v1:/)
  expect(sealed).not.toContain('JBSWY3DPEHPK3PXP')
  expect(c.open('user-a', sealed)).toBe('JBSWY3DPEHPK3PXP')
  expect(() => c.open('user-b', sealed)).toThrow()
})

test('AGENCY_* settings: defaults, values, bad values named', () => {
  expect(readAgencyAuthConfig({}, [])).toEqual(DEFAULT_AGENCY_AUTH)
  expect(readAgencyAuthConfig({ AGENCY_SESSION_IDLE_MINUTES: '10', AGENCY_SESSION_MAX_HOURS: '8', AGENCY_LOCKOUT_FAILURES: '3', AGENCY_LOCKOUT_MINUTES: '60' }, [])).toEqual({
    idleMinutes: 10,
    absoluteHours: 8,
    lockoutFailures: 3,
    lockoutMinutes: 60,
  })
  const problems: string[] = []
  readAgencyAuthConfig({ AGENCY_SESSION_IDLE_MINUTES: 'soon', AGENCY_LOCKOUT_FAILURES: '1' }, problems)
  expect(problems).toEqual([expect.stringContaining('AGENCY_SESSION_IDLE_MINUTES'), expect.stringContaining('AGENCY_LOCKOUT_FAILURES')])
  const wider: string[] = []
  readAgencyAuthConfig({ AGENCY_SESSION_IDLE_MINUTES: '120', AGENCY_SESSION_MAX_HOURS: '1' }, wider)
  expect(wider).toEqual([expect.stringContaining('不能超过')])
})
