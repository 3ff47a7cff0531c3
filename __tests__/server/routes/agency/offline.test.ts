/**
 * 线下认证登记 through /agency/api on both stores: a 上门 record for a suspended person lifts the
 * suspension and the overdue count shrinks by one; a retry with the same request id gives the same
 * record; dates in the future or before the last pass are refused; region scope; audit without
 * personal data.
 */
import type { FastifyInstance } from 'fastify'
import { claim } from '../../../../server/reminders/claim'
import { defaultRemindersConfig } from '../../../../server/reminders/config'
import { standingCounts } from '../../../../server/repositories/agency/standing'
import { personStatusView } from '../../../../server/services/status'
import { shanghaiDate } from '../../../../server/time/clock'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'
import { createAgencyUser, signInAgency, type AgencySignIn } from '../../helpers/agency'
import { DEMO } from '../../helpers/demo'
import { startHarness, type Harness } from '../../helpers/harness'
import { auditRows, boundSubscriber, personByNo } from './review-support'

describe.each(DIALECTS)('agency offline records on %s', (dialect) => {
  let h: Harness
  let app: FastifyInstance
  let clerk: AgencySignIn
  let clerkId: string
  let changsha: AgencySignIn

  beforeAll(async () => {
    h = await startHarness(dialect)
    app = h.app
    const c = await createAgencyUser(app, { role: 'clerk', regionPrefix: '3201', displayName: '经办员甲' })
    clerkId = c.id
    clerk = await signInAgency(app, c)
    changsha = await signInAgency(app, await createAgencyUser(app, { role: 'clerk', regionPrefix: '4301' }))
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  const record = (s: AgencySignIn, payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/agency/api/offline-records', headers: s.headers(), payload })
  const today = () => shanghaiDate(h.now)
  let n = 0
  const form = (personId: string, over: Record<string, unknown> = {}) => ({
    personId,
    date: today(),
    method: 'home_visit',
    place: '南京市玄武区示例小区 3 栋',
    verifiedHow: 'home_visit',
    requestId: `req-${process.pid}-${++n}-abcdef`,
    ...over,
  })
  const records = (personId: string) => app.store.db.selectFrom('certification_records').selectAll().where('person_id', '=', personId).execute()

  test('a 上门 record for a suspended person: passed, performed by the clerk, suspension lifted, overdue count one less', async () => {
    const zhang = await personByNo(app.store.db, 'DEMO0003')
    expect(zhang.benefit_status).toBe('suspended')
    await boundSubscriber(app.store.db, zhang.id, h.now.toISOString())
    const before = await standingCounts(app.store.db, '3201', today(), app.services.cyclePolicy)
    const res = await record(clerk, form(zhang.id, { note: '老人卧床，家属在场' }))
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ result: 'passed', resultLabel: '认证通过', nextDueDate: '2027-11-01', reinstated: true, repeated: false })
    const row = (await records(zhang.id)).find((r) => r.id === res.json().recordId)
    expect(row).toMatchObject({
      result: 'passed',
      method: 'home_visit',
      channel: 'agency',
      performed_by: 'agency',
      performer_account_id: null,
      performer_agency_user_id: clerkId,
      offline_place: '南京市玄武区示例小区 3 栋',
      offline_verified_how: 'home_visit',
      decided_at: null,
    })
    const after = await standingCounts(app.store.db, '3201', today(), app.services.cyclePolicy)
    expect(after.overdue).toBe(before.overdue - 1)
    expect(after.certified).toBe(before.certified + 1)
    const person = await personByNo(app.store.db, 'DEMO0003')
    expect(person).toMatchObject({ benefit_status: 'normal', suspended_since: null, last_certified_on: today() })
    expect(await personStatusView(app.services, person)).toMatchObject({ status: 'certified', nextDueDate: '2027-11-01' })

    // The person hears of it like any pass: 认证通过 and the next deadline.
    const queued = await app.store.db.selectFrom('reminder_outbox').selectAll().where('record_id', '=', res.json().recordId).execute()
    expect(queued.map((q) => q.kind)).toEqual(['result'])
    const claimed = await claim({ ctx: app.services, config: defaultRemindersConfig(false), log: app.log }, 100, 60_000)
    expect(claimed.messages.find((m) => m.id === queued[0].id)?.data).toMatchObject({ phrase2: { value: '认证通过' }, thing4: { value: '下次请在2027年11月30日前认证' } })

    const audit = (await auditRows(app.store.db, 'agency.offline.recorded')).find((r) => JSON.parse(r.detail).recordId === res.json().recordId)
    expect(audit).toMatchObject({ actor_type: 'agency', actor_ref: clerkId, subject_person_id: zhang.id })
    expect(audit!.detail).not.toContain('示例小区')
    expect(audit!.detail).not.toContain('卧床')
  })

  test('the same request id again gives the same record, not a second one; a different person with it is refused', async () => {
    const zhao = await personByNo(app.store.db, 'DEMO0006')
    const body = form(zhao.id, { method: 'counter', verifiedHow: 'id_card', place: '鼓楼区社保窗口' })
    const count = (await records(zhao.id)).length
    const [a, b] = await Promise.all([record(clerk, body), record(clerk, body)])
    const c = await record(clerk, body)
    for (const r of [a, b, c]) expect(r.statusCode).toBe(200)
    expect(new Set([a, b, c].map((r) => r.json().recordId)).size).toBe(1)
    expect([a, b, c].filter((r) => r.json().repeated === false)).toHaveLength(1)
    expect((await records(zhao.id)).length).toBe(count + 1)
    const other = await personByNo(app.store.db, 'DEMO0003')
    const reused = await record(clerk, { ...body, personId: other.id })
    expect(reused.statusCode).toBe(409)
    expect(reused.json().error.code).toBe('AGENCY_OFFLINE_REQUEST_REUSED')
  })

  test('a date in the future, an impossible date, or one before the last pass is refused and writes nothing', async () => {
    const zhao = await personByNo(app.store.db, 'DEMO0006')
    const count = (await records(zhao.id)).length
    for (const date of ['2026-11-28', '2026-02-30', '2025-01-01', '27-11-2026']) {
      const res = await record(clerk, form(zhao.id, { date }))
      expect(res.statusCode).toBe(400)
      expect(res.json().error.code).toBe('AGENCY_OFFLINE_DATE_INVALID')
    }
    for (const [over, code] of [
      [{ method: 'phone' }, 'AGENCY_OFFLINE_METHOD_INVALID'],
      [{ verifiedHow: 'trust' }, 'AGENCY_OFFLINE_VERIFIED_HOW_INVALID'],
      [{ place: '  ' }, 'AGENCY_OFFLINE_PLACE_REQUIRED'],
      [{ note: '长'.repeat(201) }, 'AGENCY_OFFLINE_NOTE_TOO_LONG'],
    ] as const) {
      const res = await record(clerk, form(zhao.id, over))
      expect(res.statusCode).toBe(400)
      expect(res.json().error.code).toBe(code)
    }
    expect((await records(zhao.id)).length).toBe(count)
  })

  test('a person outside the clerk\'s region is answered like an unknown one', async () => {
    const zhang = await personByNo(app.store.db, 'DEMO0003')
    const count = (await records(zhang.id)).length
    const out = await record(changsha, form(zhang.id))
    const unknown = await record(changsha, form('no-such-person'))
    expect(out.statusCode).toBe(404)
    expect(out.json()).toEqual(unknown.json())
    expect(out.json().error.code).toBe('AGENCY_OUT_OF_SCOPE')
    expect((await records(zhang.id)).length).toBe(count)
    expect(h.logs()).not.toContain(DEMO.zhang.idNumber)
  })
})
