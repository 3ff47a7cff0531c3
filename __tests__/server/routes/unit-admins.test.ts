/**
 * 单位专管员 on both stores: the console lists the roster's units with member counts (管理员 only, in
 * region), appoints with a one-time invitation code (kept only as a hash), revokes; the 专管员 claims
 * the code in the mini-program, sees only its unit's members inside the appointment's region (masked,
 * overdue/due first), and certifies one with performer 'unit_admin' through the one pass path. A 专管员
 * can never start for a person outside the unit (even with a well-formed ref made with the real key),
 * nor after revocation or expiry, nor complete a session when the appointment was revoked between
 * start and completion. Audit rows without codes or personal data.
 */
// Audit rows of different tests share the harness clock's time, so a row is found by its appointment, not by order.
import type { FastifyInstance } from 'fastify'
import { randomUUID } from 'node:crypto'
import { familyDepsFor } from '../../../server/services/relatives-common'
import { inviteCodeHash, memberRefOf, unitKeyOf, unitAdminMayStill } from '../../../server/services/unit-admins'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { createAgencyUser, signInAgency, type AgencySignIn, type TestAgencyUser } from '../helpers/agency'
import { testConfig } from '../helpers/config'
import { DEFAULT_NOW, newCaller, type Harness } from '../helpers/harness'
import { AcceptingVerifier, addRosterPersons, auditOf, certify, DEMO_SECRETS, familyHarness, passingRun, personIdOf, type Caller } from './relatives-support'
import { boundSubscriber, pendingRecord } from './agency/review-support'

jest.setTimeout(90_000)

const UNIT = '示例纺织厂（虚构）'

describe.each(DIALECTS)('单位专管员 on %s', (dialect) => {
  let h: Harness
  let verifier: AcceptingVerifier
  let app: FastifyInstance
  let admin: AgencySignIn
  let adminId: string
  let adminUser: TestAgencyUser
  let outsiderSameUnitOtherRegion: string
  let otherUnitSameRegion: string

  beforeAll(async () => {
    ;({ h, verifier } = await familyHarness(dialect))
    app = h.app
    adminUser = await createAgencyUser(app, { role: 'admin', regionPrefix: '110101', displayName: '管理员甲' })
    adminId = adminUser.id
    // Same unit name, another region (110102): outside an appointment made in 110101.
    const [far] = await addRosterPersons(h, 1)
    await h.test.store.db.updateTable('persons').set({ employer: UNIT }).where('id', '=', far.personId).execute()
    outsiderSameUnitOtherRegion = far.personId
    // 110101 but another unit.
    const [near] = await addRosterPersons(h, 1)
    await h.test.store.db.updateTable('persons').set({ employer: '别的单位（虚构）', region_code: '110101' }).where('id', '=', near.personId).execute()
    otherUnitSameRegion = near.personId
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())
  beforeEach(async () => {
    h.now = new Date(DEFAULT_NOW)
    // A fresh console session at the test's clock (a test may move the clock past a session's life).
    admin = await signInAgency(app, adminUser)
  })

  const get = (s: AgencySignIn, url: string) => app.inject({ method: 'GET', url: `/agency/api${url}`, headers: s.headers() })
  const post = (s: AgencySignIn, url: string, payload: unknown = {}) => app.inject({ method: 'POST', url: `/agency/api${url}`, headers: s.headers(), payload: payload as Record<string, unknown> })
  const appoint = async (expiresOn = '2027-06-30') => {
    const res = await post(admin, '/unit-admins', { unitName: UNIT, expiresOn })
    expect(res.statusCode).toBe(200)
    return res.json() as { appointment: { appointmentId: string; state: string }; inviteCode: string }
  }
  const claim = (caller: Caller, code: string) => h.post('/v1/unit-admins/claim', { caller, code })
  const members = (caller: Caller) => h.post('/v1/unit-admins/members', { caller })
  /** A 专管员 with a live appointment. */
  const appointed = async () => {
    const { appointment, inviteCode } = await appoint()
    const caller = newCaller('unit')
    const res = await claim(caller, inviteCode)
    expect(res.statusCode).toBe(200)
    return { caller, appointmentId: appointment.appointmentId }
  }
  const refOf = (caller: Caller) => async (personId: string) => {
    const list = (await members(caller)).json() as { members: { memberRef: string; maskedName: string }[] }
    const p = await h.test.store.db.selectFrom('persons').select('name_masked').where('id', '=', personId).executeTakeFirstOrThrow()
    return list.members.find((m) => m.maskedName === p.name_masked)!.memberRef
  }

  test('console: units of the region with member counts; 管理员 only; another region sees none of them', async () => {
    const res = await get(admin, '/units')
    expect(res.statusCode).toBe(200)
    const unit = res.json().units.find((u: { unitName: string }) => u.unitName === UNIT)
    expect(unit).toMatchObject({ unitName: UNIT, members: 3 })
    const filtered = (await get(admin, `/units?q=${encodeURIComponent('纺织')}`)).json().units
    expect(filtered.map((u: { unitName: string }) => u.unitName)).toEqual([UNIT])

    const clerk = await signInAgency(app, await createAgencyUser(app, { role: 'clerk', regionPrefix: '110101' }))
    expect((await get(clerk, '/units')).statusCode).toBe(403)
    expect((await post(clerk, '/unit-admins', { unitName: UNIT, expiresOn: '2027-06-30' })).statusCode).toBe(403)
    const changsha = await signInAgency(app, await createAgencyUser(app, { role: 'admin', regionPrefix: '4301' }))
    expect((await get(changsha, '/units')).json().units.map((u: { unitName: string }) => u.unitName)).not.toContain(UNIT)
    expect((await post(changsha, '/unit-admins', { unitName: UNIT, expiresOn: '2027-06-30' })).json()).toMatchObject({ error: { code: 'AGENCY_UNIT_NOT_FOUND' } })
  })

  test('appoint: a one-time code kept only as a hash, audited; bad unit or expiry refused in plain Chinese', async () => {
    const { appointment, inviteCode } = await appoint()
    expect(inviteCode).toMatch(/^[A-HJ-NP-Z2-9]{8}$/)
    expect(appointment.state).toBe('pending')
    const row = await h.test.store.db.selectFrom('unit_admin_appointments').selectAll().where('id', '=', appointment.appointmentId).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ unit_name: UNIT, region_prefix: '110101', appointed_by: adminId, account_id: null, invite_code_hash: inviteCodeHash(inviteCode) })
    expect(JSON.stringify(row)).not.toContain(inviteCode)
    const audit = (await auditOf(h, 'agency.unit_admin.appointed')).find((r) => r.detail.appointmentId === appointment.appointmentId)!
    expect(audit).toMatchObject({ actor_type: 'agency', actor_ref: adminId })
    expect(JSON.stringify(audit)).not.toContain(inviteCode)

    for (const [payload, code] of [
      [{ unitName: '没有这个单位', expiresOn: '2027-06-30' }, 'AGENCY_UNIT_NOT_FOUND'],
      [{ unitName: UNIT, expiresOn: '2026-11-27' }, 'AGENCY_UNIT_EXPIRY_INVALID'],
      [{ unitName: UNIT, expiresOn: '2028-12-31' }, 'AGENCY_UNIT_EXPIRY_INVALID'],
      [{ unitName: UNIT, expiresOn: '2027-02-30' }, 'AGENCY_UNIT_EXPIRY_INVALID'],
      [{ unitName: UNIT, expiresOn: 'soon' }, 'AGENCY_UNIT_EXPIRY_INVALID'],
    ] as const) {
      const res = await post(admin, '/unit-admins', payload)
      expect(res.json()).toMatchObject({ error: { code } })
      expect(res.json().error.message).toMatch(/[\u4e00-\u9fa5]/)
    }
  })

  test('claim: a wrong code is refused, the right one binds this account once; a second account cannot reuse it', async () => {
    const { appointment, inviteCode } = await appoint()
    const caller = newCaller('unit')
    expect((await h.post('/v1/unit-admins/status', { caller })).json()).toEqual({ appointed: false })
    const wrong = await claim(caller, 'ABCDEFGH')
    expect(wrong.statusCode).toBe(404)
    expect(wrong.json().error.code).toBe('UNIT_INVITE_INVALID')
    // typed with spaces and in lower case
    const ok = await claim(caller, `${inviteCode.slice(0, 4).toLowerCase()} ${inviteCode.slice(4)}`)
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ appointed: true, unitName: UNIT, expiresOn: '2027-06-30', expiresLabel: '2027年6月30日' })
    expect((await h.post('/v1/unit-admins/status', { caller })).json()).toMatchObject({ appointed: true, unitName: UNIT })
    const again = await claim(newCaller('unit'), inviteCode)
    expect(again.json().error.code).toBe('UNIT_INVITE_INVALID')
    const listed = (await get(admin, '/unit-admins')).json().appointments.find((a: { appointmentId: string }) => a.appointmentId === appointment.appointmentId)
    expect(listed).toMatchObject({ state: 'active', stateLabel: '在任', appointedBy: '管理员甲' })
    expect(JSON.stringify(listed)).not.toContain(caller.openid)
    expect((await auditOf(h, 'unit_admin.claimed')).some((r) => r.detail.appointmentId === appointment.appointmentId)).toBe(true)
  })

  test('the list shows only the unit members inside the region, masked, overdue and due first', async () => {
    const { caller } = await appointed()
    const res = await members(caller)
    expect(res.statusCode).toBe(200)
    const view = res.json()
    expect(view).toMatchObject({ unitName: UNIT, total: 3, expiresLabel: '2027年6月30日' })
    expect(view.members.map((m: { maskedName: string }) => m.maskedName).sort()).toEqual(['刘*福', '孙*珍', '王*英'].sort())
    const order = { overdue_suspended: 0, due: 1, certified: 2 } as Record<string, number>
    const states = view.members.map((m: { status: string }) => order[m.status])
    expect(states).toEqual([...states].sort((a: number, b: number) => a - b))
    expect(view.members.at(-1)).toMatchObject({ maskedName: '王*英', status: 'certified', statusLabel: '已认证' })
    for (const secret of DEMO_SECRETS) expect(res.body).not.toContain(secret)
    for (const id of [await personIdOf(h, 'wang'), await personIdOf(h, 'liu'), outsiderSameUnitOtherRegion, otherUnitSameRegion]) expect(res.body).not.toContain(id)
    expect((await auditOf(h, 'unit_admin.members_listed')).at(-1)).toMatchObject({ actor_type: 'account', detail: { shown: 3, total: 3 } })
    // An account without an appointment
    expect((await members(newCaller())).json().error.code).toBe('UNIT_ADMIN_NOT_APPOINTED')
  })

  test('a member with a try waiting for 人工审核 is marked so (not a certified one, not once decided)', async () => {
    const { caller } = await appointed()
    const liu = await personIdOf(h, 'liu')
    const wang = await personIdOf(h, 'wang')
    const awaiting = async () => Object.fromEntries(((await members(caller)).json().members as { maskedName: string; awaitingReview: boolean }[]).map((m) => [m.maskedName, m.awaitingReview]))
    expect(await awaiting()).toEqual({ '刘*福': false, '孙*珍': false, '王*英': false })
    const at = h.now.toISOString()
    const liuRecord = await pendingRecord(h.test.store.db, liu, await boundSubscriber(h.test.store.db, liu, at), at)
    await pendingRecord(h.test.store.db, wang, await boundSubscriber(h.test.store.db, wang, at), at)
    // 王*英 is certified this cycle: a later try under review changes nothing for her.
    expect(await awaiting()).toEqual({ '刘*福': true, '孙*珍': false, '王*英': false })
    // Those who need help now come first (the page says so): with 孙*珍 not yet certified either,
    // 刘*福 waits after her and before the certified.
    const sun = await h.test.store.db.selectFrom('persons').select(['id', 'last_certified_on']).where('name_masked', '=', '孙*珍').executeTakeFirstOrThrow()
    await h.test.store.db.updateTable('persons').set({ last_certified_on: null }).where('id', '=', sun.id).execute()
    try {
      const listed = (await members(caller)).json().members as { maskedName: string; status: string }[]
      expect(listed.map((m) => [m.maskedName, m.status])).toEqual([
        ['孙*珍', expect.stringMatching(/^(due|overdue_suspended)$/)],
        ['刘*福', 'due'],
        ['王*英', 'certified'],
      ])
    } finally {
      await h.test.store.db.updateTable('persons').set({ last_certified_on: sun.last_certified_on }).where('id', '=', sun.id).execute()
    }
    await h.test.store.db.updateTable('certification_records').set({ result: 'failed', decided_at: at }).where('id', '=', liuRecord).execute()
    expect((await awaiting())['刘*福']).toBe(false)
  })

  test('certifies a unit member: passed, performer unit_admin, the pass moves 下次认证日期; audited', async () => {
    const { caller, appointmentId } = await appointed()
    const liu = await personIdOf(h, 'liu')
    const ref = await refOf(caller)(liu)
    const { result, status } = await certify(h, caller, { unitMemberRef: ref })
    expect(status).toBe(200)
    expect(result).toMatchObject({ result: 'passed', maskedName: '刘*福', recordsOf: 'none' })
    const rec = await h.test.store.db.selectFrom('certification_records').selectAll().where('person_id', '=', liu).orderBy('created_at', 'desc').executeTakeFirstOrThrow()
    expect(rec).toMatchObject({ result: 'passed', performed_by: 'unit_admin', method: 'face' })
    const person = await h.test.store.db.selectFrom('persons').select('last_certified_on').where('id', '=', liu).executeTakeFirstOrThrow()
    expect(person.last_certified_on).toBe('2026-11-27')
    const done = (await auditOf(h, 'certification.completed')).filter((a) => a.detail.appointmentId === appointmentId).at(-1)!
    expect(done).toMatchObject({ subject_person_id: liu, detail: { performer: 'unit_admin', appointmentId, result: 'passed' } })
    // the console counts it under the appointment
    const listed = (await get(admin, '/unit-admins')).json().appointments.find((a: { appointmentId: string }) => a.appointmentId === appointmentId)
    expect(listed.certified).toBe(1)
  })

  test('never for a person outside the unit: other region, other unit, forged refs (refused, audited, no session)', async () => {
    const { caller, appointmentId } = await appointed()
    const key = unitKeyOf(familyDepsFor(testConfig().hmacSecret))
    const sessionsBefore = await h.count('certification_sessions')
    for (const personId of [outsiderSameUnitOtherRegion, otherUnitSameRegion, await personIdOf(h, 'li')]) {
      // A ref made with the real key for this appointment: still not a member.
      const res = await h.post('/v1/certifications/start', { caller, channel: 'h5', unitMemberRef: memberRefOf(key, appointmentId, personId) })
      expect(res.statusCode).toBe(404)
      expect(res.json().error.code).toBe('UNIT_MEMBER_NOT_FOUND')
    }
    // A member's ref under another appointment does not carry over.
    const other = await appointed()
    const wangRefOther = await refOf(other.caller)(await personIdOf(h, 'wang'))
    expect((await h.post('/v1/certifications/start', { caller, channel: 'h5', unitMemberRef: wangRefOther })).json().error.code).toBe('UNIT_MEMBER_NOT_FOUND')
    expect((await h.post('/v1/certifications/start', { caller, channel: 'h5', unitMemberRef: 'x'.repeat(5) })).statusCode).toBe(404)
    expect(await h.count('certification_sessions')).toBe(sessionsBefore)
    const refused = (await auditOf(h, 'certification.start_refused')).filter((r) => r.detail.performer === 'unit_admin' && r.detail.reason === 'UNIT_MEMBER_NOT_FOUND')
    expect(refused.length).toBeGreaterThanOrEqual(4)
  })

  test('revoked: list and start refused; revoked between start and complete: no record, the session is burnt', async () => {
    const { caller, appointmentId } = await appointed()
    const sun = await personIdOf(h, 'sun')
    const ref = await refOf(caller)(sun)
    const start = await h.post('/v1/certifications/start', { caller, channel: 'h5', unitMemberRef: ref })
    expect(start.statusCode).toBe(200)
    const session = start.json()
    const revoke = await post(admin, `/unit-admins/${appointmentId}/revoke`)
    expect(revoke.statusCode).toBe(200)
    expect(revoke.json().appointment).toMatchObject({ state: 'revoked', stateLabel: '已撤销' })
    const recordsBefore = await h.test.store.db.selectFrom('certification_records').select('id').where('person_id', '=', sun).execute()
    const run = passingRun(session.challenge)
    h.now = new Date(h.now.getTime() + run.spanMs + 1000)
    const done = await h.post('/v1/certifications/complete', { caller, sessionId: session.sessionId, nonce: session.nonce, verdict: run.verdict, summary: run.summary })
    expect(done.statusCode).toBe(403)
    expect(done.json().error.code).toBe('UNIT_ADMIN_NOT_APPOINTED')
    expect(await h.test.store.db.selectFrom('certification_records').select('id').where('person_id', '=', sun).execute()).toHaveLength(recordsBefore.length)
    const row = await h.test.store.db.selectFrom('certification_sessions').select(['status', 'rejected_code']).where('id', '=', session.sessionId).executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'rejected', rejected_code: 'UNIT_ADMIN_NOT_APPOINTED' })
    expect((await auditOf(h, 'certification.refused')).filter((a) => a.detail.appointmentId === appointmentId).at(-1)).toMatchObject({ subject_person_id: sun, detail: { reason: 'UNIT_ADMIN_NOT_APPOINTED', appointmentId } })
    expect((await members(caller)).json().error.code).toBe('UNIT_ADMIN_NOT_APPOINTED')
    expect((await h.post('/v1/certifications/start', { caller, channel: 'h5', unitMemberRef: ref })).json().error.code).toBe('UNIT_ADMIN_NOT_APPOINTED')
    expect((await h.post('/v1/unit-admins/status', { caller })).json()).toEqual({ appointed: false })
    expect((await auditOf(h, 'agency.unit_admin.revoked')).filter((a) => a.detail.appointmentId === appointmentId).at(-1)).toMatchObject({ actor_ref: adminId, detail: { appointmentId } })
    // revoking again changes nothing; out of scope → 404
    expect((await post(admin, `/unit-admins/${appointmentId}/revoke`)).json().appointment.revokedAt).toBe(revoke.json().appointment.revokedAt)
    const changsha = await signInAgency(app, await createAgencyUser(app, { role: 'admin', regionPrefix: '4301' }))
    expect((await post(changsha, `/unit-admins/${randomUUID()}/revoke`)).json().error.code).toBe('AGENCY_APPOINTMENT_NOT_FOUND')
    expect((await post(changsha, `/unit-admins/${appointmentId}/revoke`)).json().error.code).toBe('AGENCY_APPOINTMENT_NOT_FOUND')
  })

  test('revoked while the identity check runs (after the completion checks): refused inside the write, no record, no pass', async () => {
    const { caller, appointmentId } = await appointed()
    const sunId = await personIdOf(h, 'sun')
    const ref = await refOf(caller)(sunId)
    const before = await h.test.store.db.selectFrom('persons').select('last_certified_on').where('id', '=', sunId).executeTakeFirstOrThrow()
    const records = async () => (await h.test.store.db.selectFrom('certification_records').select('id').where('person_id', '=', sunId).execute()).length
    const recordsBefore = await records()
    const start = await h.post('/v1/certifications/start', { caller, channel: 'h5', unitMemberRef: ref })
    expect(start.statusCode).toBe(200)
    const session = start.json()
    const original = verifier.verify.bind(verifier)
    // The admin revokes while the face is being verified: the completion's early check has passed already.
    verifier.verify = async () => {
      expect((await post(admin, `/unit-admins/${appointmentId}/revoke`)).statusCode).toBe(200)
      return original()
    }
    try {
      const run = passingRun(session.challenge)
      h.now = new Date(h.now.getTime() + run.spanMs + 1000)
      const done = await h.post('/v1/certifications/complete', { caller, sessionId: session.sessionId, nonce: session.nonce, verdict: run.verdict, summary: run.summary })
      expect(done.statusCode).toBe(403)
      expect(done.json().error.code).toBe('UNIT_ADMIN_NOT_APPOINTED')
    } finally {
      verifier.verify = original
    }
    expect(await records()).toBe(recordsBefore)
    expect((await h.test.store.db.selectFrom('persons').select('last_certified_on').where('id', '=', sunId).executeTakeFirstOrThrow()).last_certified_on).toBe(before.last_certified_on)
    expect((await auditOf(h, 'certification.refused')).filter((a) => a.detail.appointmentId === appointmentId).at(-1)).toMatchObject({ detail: { reason: 'UNIT_ADMIN_NOT_APPOINTED', stage: 'write', appointmentId } })
  })

  test('two accounts entering the same code at once: exactly one becomes the 专管员', async () => {
    const { inviteCode } = await appoint()
    const [a, b] = await Promise.all([claim(newCaller('race'), inviteCode), claim(newCaller('race'), inviteCode)])
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 404])
  })

  test('the write stage checks again: an appointment revoked inside the window is not live for the transaction', async () => {
    const { caller, appointmentId } = await appointed()
    const accountId = (await h.test.store.db.selectFrom('accounts').select('id').where('openid', '=', caller.openid).executeTakeFirstOrThrow()).id
    const wang = await personIdOf(h, 'wang')
    const nowIso = h.now.toISOString()
    expect(await unitAdminMayStill(h.test.store.db, accountId, appointmentId, wang, nowIso)).toBe(true)
    expect(await unitAdminMayStill(h.test.store.db, accountId, appointmentId, outsiderSameUnitOtherRegion, nowIso)).toBe(false)
    expect(await unitAdminMayStill(h.test.store.db, 'another-account', appointmentId, wang, nowIso)).toBe(false)
    expect(await unitAdminMayStill(h.test.store.db, accountId, null, wang, nowIso)).toBe(false)
    expect(await unitAdminMayStill(h.test.store.db, accountId, appointmentId, wang, '2027-07-01T00:00:00.000Z')).toBe(false)
  })

  test('expiry: after the last day the 专管员 can do nothing and the console shows 已到期; an unclaimed code expires after 7 days', async () => {
    const { caller, appointmentId } = await appointed()
    const pending = await appoint('2027-01-31')
    const ref = await refOf(caller)(await personIdOf(h, 'wang'))
    // 2027-06-30 is the last day (Beijing): still fine at 23:59 that day, not at 00:00 the next.
    h.now = new Date('2027-06-30T23:59:00+08:00')
    expect((await members(caller)).statusCode).toBe(200)
    h.now = new Date('2027-07-01T00:00:00+08:00')
    expect((await members(caller)).json().error.code).toBe('UNIT_ADMIN_NOT_APPOINTED')
    expect((await h.post('/v1/certifications/start', { caller, channel: 'h5', unitMemberRef: ref })).json().error.code).toBe('UNIT_ADMIN_NOT_APPOINTED')
    const list = (await get(await signInAgency(app, adminUser), '/unit-admins')).json().appointments
    expect(list.find((a: { appointmentId: string }) => a.appointmentId === appointmentId)).toMatchObject({ state: 'expired', stateLabel: '已到期' })
    // the unclaimed code: 7 days
    h.now = new Date(DEFAULT_NOW.getTime() + 8 * 24 * 3600_000)
    expect((await claim(newCaller('unit'), pending.inviteCode)).json().error.code).toBe('UNIT_INVITE_INVALID')
  })

  test('概览 counts live appointments and the passes 专管员 performed this year and month, in region only', async () => {
    const before = (await get(admin, '/overview')).json().unitAdmins
    const { caller } = await appointed()
    await appoint() // pending: not counted
    const { status } = await certify(h, caller, { unitMemberRef: await refOf(caller)(await personIdOf(h, 'wang')) })
    expect(status).toBe(200)
    const after = (await get(admin, '/overview')).json().unitAdmins
    expect(after).toEqual({ active: before.active + 1, certifiedThisYear: before.certifiedThisYear + 1, certifiedThisMonth: before.certifiedThisMonth + 1 })
    const live = await h.test.store.db.selectFrom('unit_admin_appointments').select('id').where('account_id', 'is not', null).where('revoked_at', 'is', null).where('expires_at', '>', h.now.toISOString()).execute()
    expect(after.active).toBe(live.length)
    const changsha = await signInAgency(app, await createAgencyUser(app, { role: 'clerk', regionPrefix: '4301' }))
    expect((await get(changsha, '/overview')).json().unitAdmins).toEqual({ active: 0, certifiedThisYear: 0, certifiedThisMonth: 0 })
  })

  test('wrong codes are rate-limited per account (5 per 10 minutes)', async () => {
    const caller = newCaller('guess')
    for (let i = 0; i < 5; i++) expect((await claim(caller, `ZZZZZZZ${i + 2}`)).json().error.code).toBe('UNIT_INVITE_INVALID')
    const { inviteCode } = await appoint()
    const limited = await claim(caller, inviteCode)
    expect(limited.statusCode).toBe(429)
    expect(limited.json().error.code).toBe('RATE_LIMITED')
  })
})
