/**
 * 死亡信息核实 through /agency/api on both stores: only an admin lists and closes the open death and
 * conflict flags; the region scopes both (a flag outside it is the same 404 as an unknown one); a
 * closed flag no longer holds the person's face certifications; closing is audited without personal
 * data, refused the second time, and two admins closing at once: exactly one does.
 */
import type { FastifyInstance } from 'fastify'
import { SIGNAL_REVIEW_REASON_LABELS } from '../../../../src/core/contracts/agency/signals'
import { newId } from '../../../../server/db/ids'
import { hasOpenDeathReport } from '../../../../server/repositories/signal-reviews'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'
import { createAgencyUser, signInAgency, type AgencySignIn } from '../../helpers/agency'
import { DEMO } from '../../helpers/demo'
import { startHarness, type Harness } from '../../helpers/harness'
import { auditRows, flagPerson, personByNo } from './review-support'

describe.each(DIALECTS)('agency 死亡信息核实 on %s', (dialect) => {
  let h: Harness
  let app: FastifyInstance
  let nanjing: AgencySignIn
  let nanjing2: AgencySignIn
  let changsha: AgencySignIn
  let clerk: AgencySignIn
  const flags: Record<'zhang' | 'zhao' | 'li', { id: string; personId: string }> = {} as never

  beforeAll(async () => {
    h = await startHarness(dialect)
    app = h.app
    nanjing = await signInAgency(app, await createAgencyUser(app, { role: 'admin', regionPrefix: '3201' }))
    nanjing2 = await signInAgency(app, await createAgencyUser(app, { role: 'admin', regionPrefix: '3201' }))
    changsha = await signInAgency(app, await createAgencyUser(app, { role: 'admin', regionPrefix: '4301' }))
    clerk = await signInAgency(app, await createAgencyUser(app, { role: 'clerk', regionPrefix: '3201' }))
    const flag = async (personNo: string, reason: 'death' | 'conflict', at: string) => {
      const person = await personByNo(app.store.db, personNo)
      return { id: await flagPerson(app.store.db, person.id, { now: at, reason, occurredOn: '2026-11-02' }), personId: person.id }
    }
    flags.zhang = await flag('DEMO0003', 'death', '2026-11-05T01:00:00.000Z')
    flags.zhao = await flag('DEMO0006', 'conflict', '2026-11-06T01:00:00.000Z')
    flags.li = await flag('DEMO0002', 'death', '2026-11-07T01:00:00.000Z')
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  const list = (s: AgencySignIn) => app.inject({ method: 'GET', url: '/agency/api/signals/reviews', headers: s.headers() })
  const close = (s: AgencySignIn, id: string, payload: unknown = { verifiedHow: 'home_visit' }) =>
    app.inject({ method: 'POST', url: `/agency/api/signals/reviews/${id}/close`, headers: s.headers(), payload: payload as object })
  const status = async (id: string) => (await app.store.db.selectFrom('signal_reviews').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status

  test('an admin lists the open flags of the region, oldest first, in words; a clerk may not', async () => {
    const res = await list(nanjing)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.openTotal).toBe(2)
    expect(body.items.map((i: { reviewId: string }) => i.reviewId)).toEqual([flags.zhang.id, flags.zhao.id])
    expect(body.items[0]).toMatchObject({ personNo: 'DEMO0003', reason: 'death', reasonLabel: SIGNAL_REVIEW_REASON_LABELS.death, source: 'funeral', sourceLabel: '殡葬', occurredOn: '2026-11-02' })
    expect(body.items[1]).toMatchObject({ personNo: 'DEMO0006', reason: 'conflict', reasonLabel: '死亡后仍有活动记录' })
    expect(res.body).not.toContain(DEMO.zhang.name)
    expect(res.body).not.toContain(DEMO.zhang.idNumber)
    expect((await list(changsha)).json().items.map((i: { reviewId: string }) => i.reviewId)).toEqual([flags.li.id])
    expect((await list(clerk)).statusCode).toBe(403)
    expect((await close(clerk, flags.zhang.id)).statusCode).toBe(403)
  })

  test('each flag names the newest pass on or after the day the signal gives (seen alive since), or none', async () => {
    const record = (personId: string, certifiedAt: string, method: 'counter' | 'face') =>
      app.store.db
        .insertInto('certification_records')
        .values({ id: newId(), person_id: personId, certified_at: certifiedAt, result: 'passed', method, channel: 'agency', performed_by: 'agency', performer_account_id: null, created_at: certifiedAt })
        .execute()
    expect((await list(nanjing)).json().items.map((i: { passedSince: unknown }) => i.passedSince)).toEqual([null, null])
    await record(flags.zhao.personId, '2026-10-20T02:00:00.000Z', 'face') // before the signal's day: no sign of life after it
    await record(flags.zhao.personId, '2026-11-10T02:00:00.000Z', 'counter')
    const zhao = (await list(nanjing)).json().items.find((i: { reviewId: string }) => i.reviewId === flags.zhao.id)
    expect(zhao.passedSince).toEqual({ certifiedAt: '2026-11-10T02:00:00.000Z', methodLabel: '窗口认证' })
    await record(flags.zhang.personId, '2026-10-01T02:00:00.000Z', 'face')
    const zhang = (await list(nanjing)).json().items.find((i: { reviewId: string }) => i.reviewId === flags.zhang.id)
    expect(zhang.passedSince).toBeNull()
  })

  test('outside the region or unknown: the same 404; a missing way of verifying: 400; nothing changes', async () => {
    const outside = await close(changsha, flags.zhang.id)
    const unknown = await close(changsha, newId())
    expect([outside.statusCode, unknown.statusCode]).toEqual([404, 404])
    expect(outside.json()).toEqual(unknown.json())
    expect(outside.json().error.code).toBe('AGENCY_SIGNAL_REVIEW_NOT_FOUND')
    const bad = await close(nanjing, flags.zhang.id, { verifiedHow: 'phone_call' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'AGENCY_SIGNAL_REVIEW_HOW_INVALID', message: '请选择核实方式：查验身份证、视频或入户' })
    expect(await status(flags.zhang.id)).toBe('open')
  })

  test('closing: the flag no longer holds her certifications, it is audited once, a second close is refused', async () => {
    expect(await hasOpenDeathReport(app.store.db, flags.zhang.personId)).toBe(true)
    const res = await close(nanjing, flags.zhang.id)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ reviewId: flags.zhang.id, personNo: 'DEMO0003' })
    expect(await status(flags.zhang.id)).toBe('closed')
    expect(await hasOpenDeathReport(app.store.db, flags.zhang.personId)).toBe(false)
    expect((await list(nanjing)).json()).toMatchObject({ openTotal: 1, items: [{ reviewId: flags.zhao.id }] })
    const again = await close(nanjing, flags.zhang.id)
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('AGENCY_SIGNAL_REVIEW_CLOSED')
    const audited = (await auditRows(app.store.db, 'agency.signal_review.closed')).filter((r) => r.subject_person_id === flags.zhang.personId)
    expect(audited).toHaveLength(1)
    expect(JSON.parse(String(audited[0].detail))).toEqual({ reviewId: flags.zhang.id, reason: 'death', outcome: 'alive', verifiedHow: 'home_visit' })
    expect(String(audited[0].detail)).not.toContain(DEMO.zhang.idNumber)
  })

  test('two admins closing the same flag at once: exactly one does', async () => {
    const answers = await Promise.all([close(nanjing, flags.zhao.id, { verifiedHow: 'video' }), close(nanjing2, flags.zhao.id, { verifiedHow: 'id_card' })])
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409])
    expect((await auditRows(app.store.db, 'agency.signal_review.closed')).filter((r) => r.subject_person_id === flags.zhao.personId)).toHaveLength(1)
  })
})
