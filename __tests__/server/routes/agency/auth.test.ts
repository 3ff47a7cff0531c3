/**
 * Agency sign-in through inject(), on both stores: password, TOTP (enrolment, wrong and reused
 * codes), lockout and unlock, half-signed-in sessions, roles, CSRF, idle and absolute expiry,
 * sign-out, cookie attributes, and that no secret reaches the log.
 */
import type { LightMyRequestResponse } from 'fastify'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'
import { DEFAULT_NOW, startHarness, type Harness } from '../../helpers/harness'
import { agencyCookieOf, createAgencyUser, signInAgency, totpCodeFor, type TestAgencyUser } from '../../helpers/agency'
import { codeAt } from '../../../../server/agency/totp'

const API = '/agency/api'
const minutes = (n: number) => n * 60_000

describe.each(DIALECTS)('agency sign-in (%s)', (dialect) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(dialect)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())
  afterEach(() => {
    h.now = DEFAULT_NOW
  })

  const post = (url: string, payload: object, headers: Record<string, string> = {}) => h.app.inject({ method: 'POST', url: `${API}${url}`, payload, headers })
  const get = (url: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'GET', url: `${API}${url}`, headers })
  const signInPassword = (u: { username: string; password: string }) => post('/auth/sign-in', { username: u.username, password: u.password })
  const halfHeaders = (res: LightMyRequestResponse) => ({ cookie: agencyCookieOf(res)!, 'x-csrf-token': res.json().csrfToken as string })
  const auditActions = async (userId: string) =>
    (await h.test.store.db.selectFrom('audit_log').select(['action', 'actor_type']).where('actor_ref', '=', userId).orderBy('at').execute()).map((r) => `${r.actor_type}:${r.action}`)

  test('wrong password and unknown user get the same answer; both are audited', async () => {
    const clerk = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4301' })
    const wrong = await signInPassword({ username: clerk.username, password: 'not-the-password1' })
    const unknown = await signInPassword({ username: 'nobody-here', password: 'whatever123' })
    expect(wrong.statusCode).toBe(401)
    expect(unknown.statusCode).toBe(401)
    expect(wrong.json()).toEqual(unknown.json())
    expect(wrong.json().error.code).toBe('AGENCY_SIGNIN_FAILED')
    expect(agencyCookieOf(wrong)).toBeUndefined()
    expect(await auditActions(clerk.id)).toContain('agency:agency.auth.sign_in_failed')
  })

  test('a clerk without TOTP is signed in by the password; the username is not case-sensitive', async () => {
    const clerk = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4301' })
    const res = await signInPassword({ username: clerk.username.toUpperCase(), password: clerk.password })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ step: 'signedIn', user: { username: clerk.username, role: 'clerk', roleLabel: '经办员' } })
    expect(res.json().enrolment).toBeUndefined()
    expect(await auditActions(clerk.id)).toContain('agency:agency.auth.signed_in')
  })

  test('a reviewer needs the TOTP code: a half-signed-in session can call nothing else', async () => {
    const admin = await createAgencyUser(h.app, { role: 'admin', regionPrefix: '4301' })
    const res = await signInPassword(admin)
    expect(res.json().step).toBe('totpRequired')
    const half = halfHeaders(res)
    for (const r of [await get('/auth/me', half), await get('/users', half), await post('/users/00000000-0000-4000-8000-000000000000/unlock', {}, half)]) {
      expect(r.statusCode).toBe(401)
      expect(r.json().error.code).toBe('AGENCY_SIGNIN_REQUIRED')
    }
    // Nor may it skip to the password step.
    const change = await post('/auth/change-password', { currentPassword: admin.password, newPassword: 'Another-pass-2026' }, half)
    expect(change.json().error.code).toBe('AGENCY_SIGNIN_REQUIRED')
    const done = await post('/auth/totp', { code: await totpCodeFor(h.app, admin) }, half)
    expect(done.statusCode).toBe(200)
    expect(done.json().step).toBe('signedIn')
    // The session was replaced: the half-signed-in cookie is worthless now.
    expect(agencyCookieOf(done)).not.toBe(half.cookie)
    expect((await get('/auth/me', half)).statusCode).toBe(401)
    expect((await get('/auth/me', { cookie: agencyCookieOf(done)! })).statusCode).toBe(200)
  })

  test('a wrong TOTP code is refused, and a code is never accepted twice', async () => {
    const reviewer = await createAgencyUser(h.app, { role: 'reviewer', regionPrefix: '4301' })
    const first = await signInPassword(reviewer)
    const code = await totpCodeFor(h.app, reviewer)
    const wrongCode = code === '000000' ? '111111' : '000000'
    const bad = await post('/auth/totp', { code: wrongCode }, halfHeaders(first))
    expect(bad.statusCode).toBe(401)
    expect(bad.json().error.code).toBe('AGENCY_TOTP_INVALID')
    expect((await post('/auth/totp', { code }, halfHeaders(first))).json().step).toBe('signedIn')
    // Same code again, in a new sign-in within the same 30 s: refused.
    const second = await signInPassword(reviewer)
    const reused = await post('/auth/totp', { code }, halfHeaders(second))
    expect(reused.statusCode).toBe(401)
    expect(reused.json().error.code).toBe('AGENCY_TOTP_INVALID')
    // The next step's code (one step ahead is inside the window) is fine.
    const next = await codeAt(reviewer.totpSecret!, new Date(h.now.getTime() + 30_000))
    expect((await post('/auth/totp', { code: next }, halfHeaders(second))).json().step).toBe('signedIn')
    // A code two steps away is outside the ±1 window.
    const third = await signInPassword(reviewer)
    const far = await codeAt(reviewer.totpSecret!, new Date(h.now.getTime() + 90_000))
    expect((await post('/auth/totp', { code: far }, halfHeaders(third))).statusCode).toBe(401)
  })

  test('the same code sent from two half-signed-in sessions at once is accepted exactly once', async () => {
    const reviewer = await createAgencyUser(h.app, { role: 'reviewer', regionPrefix: '4301' })
    const a = await signInPassword(reviewer)
    const b = await signInPassword(reviewer)
    const code = await totpCodeFor(h.app, reviewer)
    const results = await Promise.all([post('/auth/totp', { code }, halfHeaders(a)), post('/auth/totp', { code }, halfHeaders(b))])
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401])
  })

  test('lockout after 5 failures says when to retry; an admin unlocks; it also ends by itself', async () => {
    const clerk = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '430102' })
    const admin = await createAgencyUser(h.app, { role: 'admin', regionPrefix: '4301' })
    for (let i = 1; i <= 4; i++) expect((await signInPassword({ username: clerk.username, password: `wrong-${i}xx` })).json().error.code).toBe('AGENCY_SIGNIN_FAILED')
    const fifth = await signInPassword({ username: clerk.username, password: 'wrong-5xx' })
    expect(fifth.statusCode).toBe(423)
    expect(fifth.json().error.code).toBe('AGENCY_ACCOUNT_LOCKED')
    // 10:00 Beijing + 15 minutes.
    expect(fifth.json().error.message).toContain('10:15')
    const right = await signInPassword(clerk)
    expect(right.statusCode).toBe(423)
    expect(await auditActions(clerk.id)).toEqual(expect.arrayContaining(['agency:agency.auth.locked', 'agency:agency.auth.sign_in_refused_locked']))

    const s = await signInAgency(h.app, admin)
    const list = await get('/users', s.headers())
    expect(list.json().users.find((u: { id: string }) => u.id === clerk.id).lockedUntil).not.toBeNull()
    const unlock = await post(`/users/${clerk.id}/unlock`, {}, s.headers())
    expect(unlock.statusCode).toBe(200)
    expect(unlock.json().user.lockedUntil).toBeNull()
    expect((await signInPassword(clerk)).json().step).toBe('signedIn')
    expect(await auditActions(admin.id)).toContain('agency:agency.user.unlocked')

    // Locked again, then 15 minutes later the lock has run out.
    for (let i = 1; i <= 5; i++) await signInPassword({ username: clerk.username, password: `wrong-${i}xx` })
    expect((await signInPassword(clerk)).statusCode).toBe(423)
    h.now = new Date(DEFAULT_NOW.getTime() + minutes(16))
    expect((await signInPassword(clerk)).json().step).toBe('signedIn')
  })

  test('wrong TOTP codes count towards the lockout too (a right password does not reset them)', async () => {
    const reviewer = await createAgencyUser(h.app, { role: 'reviewer', regionPrefix: '4301' })
    let last: LightMyRequestResponse | undefined
    for (let i = 0; i < 5; i++) {
      const res = await signInPassword(reviewer)
      expect(res.statusCode).toBe(200)
      last = await post('/auth/totp', { code: '000000' === (await totpCodeFor(h.app, reviewer)) ? '999999' : '000000' }, halfHeaders(res))
    }
    expect(last!.statusCode).toBe(423)
    expect((await signInPassword(reviewer)).statusCode).toBe(423)
  })

  test('a clerk calling an admin route: 403', async () => {
    const clerk = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4301' })
    const s = await signInAgency(h.app, clerk)
    const res = await get('/users', s.headers())
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('AGENCY_ROLE_FORBIDDEN')
    const create = await post('/users', { username: 'sneaky1', displayName: '某', role: 'admin', regionPrefix: '4301' }, s.headers())
    expect(create.statusCode).toBe(403)
  })

  test('a missing or wrong CSRF token: 403, nothing done', async () => {
    const admin = await createAgencyUser(h.app, { role: 'admin', regionPrefix: '4301' })
    const s = await signInAgency(h.app, admin)
    const body = { username: 'csrf-victim', displayName: '测试', role: 'clerk', regionPrefix: '4301' }
    const wrongCsrf: Array<Record<string, string>> = [{ cookie: s.cookie }, { cookie: s.cookie, 'x-csrf-token': `${s.csrfToken.slice(0, -1)}${s.csrfToken.endsWith('A') ? 'B' : 'A'}` }]
    for (const headers of wrongCsrf) {
      const res = await post('/users', body, headers)
      expect(res.statusCode).toBe(403)
      expect(res.json().error.code).toBe('AGENCY_CSRF_INVALID')
    }
    expect(await h.test.store.db.selectFrom('agency_users').select('id').where('username', '=', 'csrf-victim').executeTakeFirst()).toBeUndefined()
    // The sign-in steps check it as well.
    const reviewer = await createAgencyUser(h.app, { role: 'reviewer', regionPrefix: '4301' })
    const half = await signInPassword(reviewer)
    const noCsrf = await post('/auth/totp', { code: await totpCodeFor(h.app, reviewer) }, { cookie: agencyCookieOf(half)! })
    expect(noCsrf.json().error.code).toBe('AGENCY_CSRF_INVALID')
    const signOut = await post('/auth/sign-out', {}, { cookie: s.cookie })
    expect(signOut.statusCode).toBe(403)
  })

  test('idle expiry: 30 minutes unused ends the session; use keeps it alive', async () => {
    const clerk = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4301' })
    const s = await signInAgency(h.app, clerk)
    h.now = new Date(DEFAULT_NOW.getTime() + minutes(20))
    expect((await get('/auth/me', s.headers())).statusCode).toBe(200)
    h.now = new Date(DEFAULT_NOW.getTime() + minutes(45))
    expect((await get('/auth/me', s.headers())).statusCode).toBe(200)
    h.now = new Date(DEFAULT_NOW.getTime() + minutes(45 + 31))
    const stale = await get('/auth/me', s.headers())
    expect(stale.statusCode).toBe(401)
    expect(stale.json().error.code).toBe('AGENCY_SIGNIN_REQUIRED')
  })

  test('absolute expiry: 12 hours after sign-in, however active', async () => {
    const clerk = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4301' })
    const s = await signInAgency(h.app, clerk)
    for (let m = 20; m < 12 * 60; m += 20) {
      h.now = new Date(DEFAULT_NOW.getTime() + minutes(m))
      expect((await get('/auth/me', s.headers())).statusCode).toBe(200)
    }
    h.now = new Date(DEFAULT_NOW.getTime() + minutes(12 * 60 + 1))
    expect((await get('/auth/me', s.headers())).statusCode).toBe(401)
  })

  test('a pending TOTP step expires after 5 minutes', async () => {
    const reviewer = await createAgencyUser(h.app, { role: 'reviewer', regionPrefix: '4301' })
    const res = await signInPassword(reviewer)
    h.now = new Date(DEFAULT_NOW.getTime() + minutes(6))
    const late = await post('/auth/totp', { code: await totpCodeFor(h.app, reviewer) }, halfHeaders(res))
    expect(late.json().error.code).toBe('AGENCY_SIGNIN_REQUIRED')
  })

  test('sign-out revokes the session and clears the cookie', async () => {
    const clerk = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4301' })
    const s = await signInAgency(h.app, clerk)
    const out = await post('/auth/sign-out', {}, s.headers())
    expect(out.statusCode).toBe(200)
    expect(String(out.headers['set-cookie'])).toMatch(/^yl_agency=; .*Max-Age=0/)
    expect((await get('/auth/me', s.headers())).statusCode).toBe(401)
    expect(await auditActions(clerk.id)).toContain('agency:agency.auth.signed_out')
    // Again, without a session: still fine.
    expect((await post('/auth/sign-out', {})).statusCode).toBe(200)
  })

  test('session rows that ended over a day ago are deleted at the next sign-in; recent ones stay', async () => {
    const clerk = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4301' })
    const row = (id: string, expires: number) => ({
      id,
      user_id: clerk.id,
      csrf_token: 'x',
      created_at: DEFAULT_NOW.toISOString(),
      last_seen_at: DEFAULT_NOW.toISOString(),
      expires_at: new Date(DEFAULT_NOW.getTime() + expires).toISOString(),
      second_factor_done: 1,
      revoked_at: null,
    })
    const oldId = 'a'.repeat(64)
    const recentId = 'b'.repeat(64)
    await h.test.store.db.insertInto('agency_sessions').values([row(oldId, -minutes(25 * 60)), row(recentId, -minutes(60))]).execute()
    expect((await signInPassword(clerk)).statusCode).toBe(200)
    const left = (await h.test.store.db.selectFrom('agency_sessions').select('id').where('id', 'in', [oldId, recentId]).execute()).map((r) => r.id)
    expect(left).toEqual([recentId])
  })

  test('cookie: HttpOnly, SameSite=Strict, Path=/agency, not Secure outside production; the table holds only its hash', async () => {
    const clerk = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4301' })
    const res = await signInPassword(clerk)
    const cookie = String(res.headers['set-cookie'])
    expect(cookie).toMatch(/^yl_agency=[A-Za-z0-9_-]{43}; /)
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Strict')
    expect(cookie).toContain('Path=/agency;')
    expect(cookie).toContain(`Max-Age=${12 * 3600}`)
    expect(cookie).not.toContain('Secure')
    const token = agencyCookieOf(res)!.slice('yl_agency='.length)
    const rows = await h.test.store.db.selectFrom('agency_sessions').select('id').where('user_id', '=', clerk.id).execute()
    expect(rows.map((r) => r.id)).not.toContain(token)
    expect(rows[0].id).toMatch(/^[0-9a-f]{64}$/)
  })

  test('first sign-in of a new reviewer: enrol TOTP, then change the one-time password; nothing secret in the log or stored plain', async () => {
    const admin = await createAgencyUser(h.app, { role: 'admin', regionPrefix: '4301' })
    const s = await signInAgency(h.app, admin)
    const created = await post('/users', { username: 'Reviewer.New', displayName: '李审核', role: 'reviewer', regionPrefix: '430102' }, s.headers())
    expect(created.statusCode).toBe(200)
    const { user, oneTimePassword } = created.json()
    expect(user).toMatchObject({ username: 'reviewer.new', role: 'reviewer', regionPrefix: '430102', mustChangePassword: true, totpEnrolled: false })
    expect(await auditActions(admin.id)).toContain('agency:agency.user.created')

    const first = await signInPassword({ username: 'reviewer.new', password: oneTimePassword })
    expect(first.json()).toMatchObject({ step: 'totpEnrolment', enrolment: { secret: expect.stringMatching(/^[A-Z2-7]{16,}$/), otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\//) } })
    const secret: string = first.json().enrolment.secret
    const enrolled = await post('/auth/totp', { code: await codeAt(secret, h.now) }, halfHeaders(first))
    expect(enrolled.json().step).toBe('passwordChangeRequired')
    const pw = halfHeaders(enrolled)
    expect((await get('/auth/me', pw)).statusCode).toBe(401)
    const weak = await post('/auth/change-password', { currentPassword: oneTimePassword, newPassword: 'short1' }, pw)
    expect(weak.json().error.code).toBe('AGENCY_PASSWORD_WEAK')
    const newPassword = 'Autumn-river-2026'
    const changed = await post('/auth/change-password', { currentPassword: oneTimePassword, newPassword }, pw)
    expect(changed.json()).toMatchObject({ step: 'signedIn', user: { totpEnrolled: true, mustChangePassword: false } })
    const me = await get('/auth/me', { cookie: agencyCookieOf(changed)! })
    expect(me.json().user.username).toBe('reviewer.new')

    const row = await h.test.store.db.selectFrom('agency_users').selectAll().where('username', '=', 'reviewer.new').executeTakeFirstOrThrow()
    expect(row.password_hash).toMatch(/^\$argon2id\$/)
    expect(row.totp_secret_enc).not.toContain(secret)
    expect(JSON.stringify(row)).not.toContain(newPassword)
    const logs = h.logs()
    for (const secretText of [oneTimePassword, newPassword, secret, admin.password, s.csrfToken, s.cookie.slice('yl_agency='.length), agencyCookieOf(changed)!.slice('yl_agency='.length)]) {
      expect(logs).not.toContain(secretText)
    }
    const audit = await h.test.store.db.selectFrom('audit_log').select('detail').where('actor_type', '=', 'agency').execute()
    for (const a of audit) for (const secretText of [oneTimePassword, newPassword, secret]) expect(a.detail).not.toContain(secretText)
  })

  test('admins manage users only inside their own region', async () => {
    const admin = await createAgencyUser(h.app, { role: 'admin', regionPrefix: '4301' })
    const outside = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4302' })
    const inside = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '430103' })
    const s = await signInAgency(h.app, admin)
    const wider = await post('/users', { username: 'wide-clerk', displayName: '某', role: 'clerk', regionPrefix: '43' }, s.headers())
    expect(wider.statusCode).toBe(400)
    expect(wider.json().error.code).toBe('AGENCY_REGION_INVALID')
    const list = (await get('/users', s.headers())).json().users as Array<{ id: string; regionPrefix: string }>
    expect(list.map((u) => u.id)).toContain(inside.id)
    expect(list.map((u) => u.id)).not.toContain(outside.id)
    expect(list.every((u) => u.regionPrefix.startsWith('4301'))).toBe(true)
    for (const action of ['unlock', 'disable']) {
      const res = await post(`/users/${outside.id}/${action}`, {}, s.headers())
      expect(res.statusCode).toBe(404)
      expect(res.json().error.code).toBe('AGENCY_USER_NOT_FOUND')
    }
    const taken = await post('/users', { username: inside.username, displayName: '重复', role: 'clerk', regionPrefix: '4301' }, s.headers())
    expect(taken.json().error.code).toBe('AGENCY_USERNAME_TAKEN')
    const badName = await post('/users', { username: '张三', displayName: '张三', role: 'clerk', regionPrefix: '4301' }, s.headers())
    expect(badName.json().error.code).toBe('AGENCY_USERNAME_INVALID')
    expect((await post(`/users/${admin.id}/disable`, {}, s.headers())).json().error.code).toBe('AGENCY_USER_SELF')
  })

  test('an admin resets a password (and TOTP): the old password and sessions end, the user starts over', async () => {
    const admin = await createAgencyUser(h.app, { role: 'admin', regionPrefix: '4301' })
    const reviewer = await createAgencyUser(h.app, { role: 'reviewer', regionPrefix: '430102' })
    const outside = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4302' })
    const rs = await signInAgency(h.app, reviewer)
    const s = await signInAgency(h.app, admin)
    expect((await post(`/users/${outside.id}/reset-password`, {}, s.headers())).statusCode).toBe(404)
    const res = await post(`/users/${reviewer.id}/reset-password`, { resetTotp: true }, s.headers())
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    const { user, oneTimePassword } = res.json()
    expect(user).toMatchObject({ mustChangePassword: true, totpEnrolled: false })
    expect((await get('/auth/me', rs.headers())).statusCode).toBe(401)
    expect((await signInPassword(reviewer)).json().error.code).toBe('AGENCY_SIGNIN_FAILED')
    const again = await signInPassword({ username: reviewer.username, password: oneTimePassword })
    expect(again.json().step).toBe('totpEnrolment')
    expect(await auditActions(admin.id)).toEqual(expect.arrayContaining(['agency:agency.user.password_reset', 'agency:agency.user.totp_reset']))
  })

  test('disabling a user ends their sessions and refuses their sign-in like a wrong password', async () => {
    const admin = await createAgencyUser(h.app, { role: 'admin', regionPrefix: '4301' })
    const clerk = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4301' })
    const cs = await signInAgency(h.app, clerk)
    const s = await signInAgency(h.app, admin)
    const res = await post(`/users/${clerk.id}/disable`, {}, s.headers())
    expect(res.json().user.disabled).toBe(true)
    expect((await get('/auth/me', cs.headers())).statusCode).toBe(401)
    expect((await signInPassword(clerk)).json().error.code).toBe('AGENCY_SIGNIN_FAILED')
    expect(await auditActions(admin.id)).toContain('agency:agency.user.disabled')
  })
})

describe('agency cookie in production', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness('sqlite', { config: { nodeEnv: 'production' } })
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  test('is Secure; and no demo console users are created', async () => {
    const clerk: TestAgencyUser = await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4301' })
    const res = await h.app.inject({ method: 'POST', url: `${API}/auth/sign-in`, payload: { username: clerk.username, password: clerk.password } })
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure$/)
    expect(await h.count('agency_users')).toBe(1)
    expect(h.logs()).toContain('demo agency users are refused in production')
  })
})
