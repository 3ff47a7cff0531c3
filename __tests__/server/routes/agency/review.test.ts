/**
 * 人工审核 through /agency/api on both stores: roles, region scope (same 404 as unknown), the
 * decision through the one pass path (status certified, suspension lifted), a rejection the person
 * reads as 未通过, two reviewers at once, the result notice queued, audit rows without personal data.
 */
import type { FastifyInstance } from 'fastify'
import { REJECTED_NEXT_STEP, REVIEW_HOLD_REASON_LABELS } from '../../../../src/core/contracts/agency/review'
import { claim } from '../../../../server/reminders/claim'
import { defaultRemindersConfig } from '../../../../server/reminders/config'
import { personStatusView } from '../../../../server/services/status'
import { recordView } from '../../../../server/services/views'
import { buildApp } from '../../../../server/app'
import { DIALECTS, openSecondHandle, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'
import { testConfig } from '../../helpers/config'
import { createAgencyUser, signInAgency, type AgencySignIn } from '../../helpers/agency'
import { DEMO } from '../../helpers/demo'
import { startHarness, type Harness, TEST_PROTECTION } from '../../helpers/harness'
import { auditRows, boundSubscriber, flagPerson, pendingRecord, personByNo, recordRow, shareCard } from './review-support'

describe.each(DIALECTS)('agency review routes on %s', (dialect) => {
  let h: Harness
  let app: FastifyInstance
  /** 审核员 of 南京 (3201: 张桂兰 DEMO0003 lives in 320102), of 长沙 (4301), and a 3201 经办员. */
  let nanjing: AgencySignIn
  let nanjing2: AgencySignIn
  let changsha: AgencySignIn
  let clerk: AgencySignIn
  let nanjingId: string

  beforeAll(async () => {
    h = await startHarness(dialect)
    app = h.app
    const r1 = await createAgencyUser(app, { role: 'reviewer', regionPrefix: '3201', displayName: '审核员甲' })
    const r2 = await createAgencyUser(app, { role: 'reviewer', regionPrefix: '320102', displayName: '审核员乙' })
    nanjingId = r1.id
    nanjing = await signInAgency(app, r1)
    nanjing2 = await signInAgency(app, r2)
    changsha = await signInAgency(app, await createAgencyUser(app, { role: 'reviewer', regionPrefix: '4301' }))
    clerk = await signInAgency(app, await createAgencyUser(app, { role: 'clerk', regionPrefix: '3201' }))
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  const get = (s: AgencySignIn, url: string) => app.inject({ method: 'GET', url: `/agency/api${url}`, headers: s.headers() })
  const post = (s: AgencySignIn, url: string, payload: unknown, headers?: Record<string, string>) =>
    app.inject({ method: 'POST', url: `/agency/api${url}`, headers: headers ?? s.headers(), payload: payload as object })
  const nowIso = () => h.now.toISOString()

  async function zhangPending(certifiedAt = '2026-11-20T03:00:00.000Z') {
    const zhang = await personByNo(app.store.db, 'DEMO0003')
    const accountId = await boundSubscriber(app.store.db, zhang.id, nowIso())
    return { zhang, accountId, recordId: await pendingRecord(app.store.db, zhang.id, accountId, certifiedAt) }
  }

  test('a clerk may not read the queue or decide (403), and a POST without the CSRF token is refused', async () => {
    const { recordId } = await zhangPending()
    expect((await get(clerk, '/reviews')).json()).toMatchObject({ error: { code: 'AGENCY_ROLE_FORBIDDEN' } })
    const res = await post(clerk, `/reviews/${recordId}/approve`, {})
    expect(res.statusCode).toBe(403)
    expect(res.json().error.code).toBe('AGENCY_ROLE_FORBIDDEN')
    const noCsrf = await post(nanjing, `/reviews/${recordId}/approve`, {}, { cookie: nanjing.cookie })
    expect(noCsrf.statusCode).toBe(403)
    expect(noCsrf.json().error.code).toBe('AGENCY_CSRF_INVALID')
    expect((await recordRow(app.store.db, recordId)).result).toBe('pending_review')
  })

  test('a reviewer outside the region gets the same 404 as for an unknown record, and changes nothing', async () => {
    const { recordId } = await zhangPending()
    const queue = (await get(changsha, '/reviews')).json()
    expect(queue.items.map((i: { recordId: string }) => i.recordId)).not.toContain(recordId)
    for (const res of [await get(changsha, `/reviews/${recordId}`), await post(changsha, `/reviews/${recordId}/approve`, {}), await post(changsha, `/reviews/${recordId}/reject`, { reason: 'photo_unclear' })]) {
      expect(res.statusCode).toBe(404)
      expect(res.json().error.code).toBe('AGENCY_OUT_OF_SCOPE')
    }
    const unknown = await get(changsha, '/reviews/no-such-record')
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json()).toEqual((await get(changsha, `/reviews/${recordId}`)).json())
    expect(await recordRow(app.store.db, recordId)).toMatchObject({ result: 'pending_review', decided_at: null })
  })

  test('the queue lists the region oldest first with keyset paging; the detail says plainly what is not stored', async () => {
    const older = await zhangPending('2026-11-10T03:00:00.000Z')
    const newer = await zhangPending('2026-11-25T03:00:00.000Z')
    const all: { recordId: string; certifiedAt: string }[] = []
    let after: string | null = null
    do {
      const page: { items: { recordId: string; certifiedAt: string }[]; next: string | null; pendingTotal: number } = (await get(nanjing, `/reviews?limit=1${after ? `&after=${after}` : ''}`)).json()
      expect(page.items.length).toBeLessThanOrEqual(1)
      all.push(...page.items)
      after = page.next
    } while (after)
    const ids = all.map((i) => i.recordId)
    expect(ids.indexOf(older.recordId)).toBeLessThan(ids.indexOf(newer.recordId))
    expect([...all].sort((a, b) => (a.certifiedAt < b.certifiedAt ? -1 : 1)).map((i) => i.certifiedAt)).toEqual(all.map((i) => i.certifiedAt))
    const first = (await get(nanjing, '/reviews')).json()
    expect(first.pendingTotal).toBe(all.length)
    expect(first.items.find((i: { recordId: string }) => i.recordId === older.recordId)).toMatchObject({ maskedName: older.zhang.name_masked, personNo: 'DEMO0003', channel: 'weapp', waitingDays: 17 })

    const detail = (await get(nanjing, `/reviews/${older.recordId}`)).json()
    expect(detail.reference).toMatchObject({ enrolled: false, photoStored: false, photo: null })
    expect(detail.evidence).toMatchObject({ framesStored: false, frames: [] })
    expect(detail.evidence.note).toContain('不保存')
    expect(detail.session).toMatchObject({ identityKind: 'manual-review', identityKindLabel: '人工审核', reasonCode: null, reasonLabel: null, challenge: ['blink', 'turn_left'], liveness: { passed: true, closestEarlierSummary: 0.41 } })
    expect(JSON.stringify(detail)).not.toContain(DEMO.zhang.idNumber)
    expect(JSON.stringify(detail)).not.toContain(DEMO.zhang.name)
  })

  test('the detail says why a record came to review (转人工原因): the hold the completion recorded, a death report first', async () => {
    const zhang = await personByNo(app.store.db, 'DEMO0003')
    const accountId = await boundSubscriber(app.store.db, zhang.id, nowIso())
    const held = await pendingRecord(app.store.db, zhang.id, accountId, '2026-11-21T03:00:00.000Z', undefined, 'death_report_open')
    const policy = await pendingRecord(app.store.db, zhang.id, accountId, '2026-11-22T03:00:00.000Z', undefined, 'agency_policy')
    const unknown = await pendingRecord(app.store.db, zhang.id, accountId, '2026-11-23T03:00:00.000Z', undefined, 'not-a-reason')
    expect((await get(nanjing, `/reviews/${held}`)).json().session).toMatchObject({ reasonCode: 'death_report_open', reasonLabel: REVIEW_HOLD_REASON_LABELS.death_report_open })
    expect((await get(nanjing, `/reviews/${policy}`)).json().session).toMatchObject({ reasonCode: 'agency_policy', reasonLabel: '本机构设定：刷脸认证一律人工审核' })
    // A detail the service did not write is not shown as a reason.
    expect((await get(nanjing, `/reviews/${unknown}`)).json().session).toMatchObject({ reasonCode: null, reasonLabel: null })
    // The queue says it too, shortly, for each record of the page.
    const items = (await get(nanjing, '/reviews?limit=100')).json().items as { recordId: string; holdReason: string | null; holdReasonLabel: string | null }[]
    const hold = (id: string) => items.find((i) => i.recordId === id)
    expect(hold(held)).toMatchObject({ holdReason: 'death_report_open', holdReasonLabel: '有未核实的死亡信息' })
    expect(hold(policy)).toMatchObject({ holdReason: 'agency_policy', holdReasonLabel: '机构设定人工审核' })
    expect(hold(unknown)).toMatchObject({ holdReason: null, holdReasonLabel: null })
  })

  test('an open death report on the person is flagged in the queue and on the detail, and no longer once closed', async () => {
    const { zhang, recordId } = await zhangPending('2026-11-24T03:00:00.000Z')
    const flagged = async () => {
      const queue = (await get(nanjing, '/reviews?limit=100')).json()
      const item = queue.items.find((i: { recordId: string }) => i.recordId === recordId)
      return { queue: item.deathReportOpen, detail: (await get(nanjing, `/reviews/${recordId}`)).json().person.deathReportOpen }
    }
    expect(await flagged()).toEqual({ queue: false, detail: false })
    const reportId = await flagPerson(app.store.db, zhang.id, { now: nowIso() })
    try {
      expect(await flagged()).toEqual({ queue: true, detail: true })
      // Someone else's report does not flag her.
      const li = await personByNo(app.store.db, 'DEMO0002')
      const liRecord = await pendingRecord(app.store.db, li.id, await boundSubscriber(app.store.db, li.id, nowIso()), '2026-11-24T04:00:00.000Z')
      expect((await get(changsha, `/reviews/${liRecord}`)).json().person.deathReportOpen).toBe(false)
      await app.store.db.updateTable('signal_reviews').set({ status: 'closed' as const }).where('id', '=', reportId).execute()
      expect(await flagged()).toEqual({ queue: false, detail: false })
    } finally {
      await app.store.db.deleteFrom('signal_reviews').where('id', '=', reportId).execute()
    }
  })

  test('approval: the person is certified from the day they certified, the suspension lifts, the result notice is queued', async () => {
    const { zhang, recordId } = await zhangPending('2026-11-20T03:00:00.000Z')
    expect(zhang.benefit_status).toBe('suspended')
    const res = await post(nanjing, `/reviews/${recordId}/approve`, { note: '与身份证照片一致' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ recordId, result: 'passed', resultLabel: '认证通过', nextDueDate: '2027-11-01' })
    expect(await recordRow(app.store.db, recordId)).toMatchObject({ result: 'passed', decided_by: nanjingId, decision_reason: null, decision_note: '与身份证照片一致' })
    const person = await personByNo(app.store.db, 'DEMO0003')
    expect(person).toMatchObject({ benefit_status: 'normal', suspended_since: null, last_certified_on: '2026-11-20' })
    const status = await personStatusView(app.services, person)
    expect(status).toMatchObject({ status: 'certified', statusLabel: '已认证', nextDueDate: '2027-11-01' })
    expect(status.suspendedSince).toBeUndefined()
    const queued = await app.store.db.selectFrom('reminder_outbox').selectAll().where('record_id', '=', recordId).execute()
    expect(queued).toHaveLength(1)
    expect(queued[0]).toMatchObject({ kind: 'result', template: 'certificationResult', status: 'pending' })

    const approved = (await auditRows(app.store.db, 'agency.review.approved')).filter((r) => JSON.parse(r.detail).recordId === recordId)
    expect(approved).toHaveLength(1)
    expect(approved[0]).toMatchObject({ actor_type: 'agency', actor_ref: nanjingId, subject_person_id: zhang.id })
    expect((await auditRows(app.store.db, 'benefit.reinstated')).some((r) => r.actor_type === 'agency' && JSON.parse(r.detail).recordId === recordId)).toBe(true)

    // Decided: a second decision is refused with who and when.
    const again = await post(nanjing2, `/reviews/${recordId}/reject`, { reason: 'face_mismatch' })
    expect(again.statusCode).toBe(409)
    expect(again.json().error).toMatchObject({ code: 'AGENCY_REVIEW_ALREADY_DECIDED' })
    expect(again.json().error.message).toContain('审核员甲')
  })

  test('rejection: the record reads 未通过 with the reason and what to do next; the person is told through the outbox', async () => {
    const { recordId } = await zhangPending()
    const before = await personByNo(app.store.db, 'DEMO0003')
    const missing = await post(nanjing, `/reviews/${recordId}/reject`, {})
    expect(missing.json().error.code).toBe('AGENCY_REVIEW_REASON_REQUIRED')
    const otherWithoutNote = await post(nanjing, `/reviews/${recordId}/reject`, { reason: 'other' })
    expect(otherWithoutNote.json().error.code).toBe('AGENCY_REVIEW_NOTE_REQUIRED')
    const tooLong = await post(nanjing, `/reviews/${recordId}/reject`, { reason: 'face_mismatch', note: '长'.repeat(201) })
    expect(tooLong.json().error.code).toBe('AGENCY_REVIEW_NOTE_TOO_LONG')

    const res = await post(nanjing, `/reviews/${recordId}/reject`, { reason: 'face_mismatch', note: '照片与本人差异明显' })
    expect(res.json()).toMatchObject({ recordId, result: 'failed', resultLabel: '未通过' })
    expect(res.json().nextDueDate).toBeUndefined()
    const row = await recordRow(app.store.db, recordId)
    expect(row).toMatchObject({ result: 'failed', decision_reason: 'face_mismatch' })
    expect(recordView(row)).toMatchObject({ resultLabel: '未通过', reviewNote: '审核未通过：人脸与登记照片不符。请重新刷脸认证或到社保经办机构办理' })
    // The standing does not move.
    expect((await personByNo(app.store.db, 'DEMO0003')).last_certified_on).toBe(before.last_certified_on)
    const queued = await app.store.db.selectFrom('reminder_outbox').selectAll().where('record_id', '=', recordId).execute()
    expect(queued.map((q) => q.kind)).toEqual(['result'])
    // The message built for it says the outcome and what to do next, not 认证通过.
    const claimed = await claim({ ctx: app.services, config: defaultRemindersConfig(false), log: app.log }, 100, 60_000)
    const message = claimed.messages.find((m) => m.id === queued[0].id)
    expect(message?.data).toMatchObject({ phrase2: { value: '未通过' }, thing4: { value: REJECTED_NEXT_STEP } })
    const detail = (await get(nanjing, `/reviews/${recordId}`)).json()
    expect(detail.record.decision).toMatchObject({ decidedBy: '审核员甲', reason: 'face_mismatch', reasonLabel: '人脸与登记照片不符', note: '照片与本人差异明显' })
  })

  test('a rejected person never certified: the 首页 shows 未通过, why, and what to do next; still 待认证', async () => {
    const beijing = await signInAgency(app, await createAgencyUser(app, { role: 'admin', regionPrefix: '1101' }))
    const liu = await personByNo(app.store.db, 'DEMO0004')
    const accountId = await boundSubscriber(app.store.db, liu.id, nowIso())
    const recordId = await pendingRecord(app.store.db, liu.id, accountId, '2026-11-26T03:00:00.000Z')
    expect((await post(beijing, `/reviews/${recordId}/reject`, { reason: 'not_the_person' })).statusCode).toBe(200)
    const status = await personStatusView(app.services, await personByNo(app.store.db, 'DEMO0004'))
    expect(status).toMatchObject({ status: 'due', lastResult: { result: 'failed', resultLabel: '未通过', reviewNote: '审核未通过：非本人操作。请重新刷脸认证或到社保经办机构办理' } })
  })

  test('approving a certification started from a share card marks the card used, as an automatic pass does', async () => {
    const zhao = await personByNo(app.store.db, 'DEMO0006')
    const sender = await boundSubscriber(app.store.db, (await personByNo(app.store.db, 'DEMO0001')).id, nowIso())
    const card = await shareCard(app.store.db, zhao.id, sender, nowIso())
    const recordId = await pendingRecord(app.store.db, zhao.id, sender, '2026-11-26T03:00:00.000Z', { kind: 'share', ref: card })
    expect((await post(nanjing, `/reviews/${recordId}/approve`, {})).statusCode).toBe(200)
    const row = await app.store.db.selectFrom('share_tokens').selectAll().where('id', '=', card).executeTakeFirstOrThrow()
    expect(row.used_after_pass_at).toBe(nowIso())
  })

  test('two reviewers deciding the same record at once: exactly one wins, the other is told', async () => {
    for (let round = 0; round < 3; round++) {
      const { recordId } = await zhangPending()
      const [a, b] = await Promise.all([post(nanjing, `/reviews/${recordId}/approve`, {}), post(nanjing2, `/reviews/${recordId}/reject`, { reason: 'photo_unclear' })])
      const codes = [a.statusCode, b.statusCode].sort()
      expect(codes).toEqual([200, 409])
      const loser = a.statusCode === 409 ? a : b
      expect(loser.json().error.code).toBe('AGENCY_REVIEW_ALREADY_DECIDED')
      const row = await recordRow(app.store.db, recordId)
      const winner = a.statusCode === 200 ? a : b
      expect(row.result).toBe(winner.json().result)
      const decided = [...(await auditRows(app.store.db, 'agency.review.approved')), ...(await auditRows(app.store.db, 'agency.review.rejected'))]
      expect(decided.filter((r) => JSON.parse(r.detail).recordId === recordId)).toHaveLength(1)
    }
  })

  test('two backend instances on the same store: the same record decided on both at once, exactly one wins', async () => {
    const second = await buildApp({ protection: TEST_PROTECTION, config: testConfig(), store: openSecondHandle(h.test), clock: () => h.now, logger: false, demoSeed: false })
    try {
      for (let round = 0; round < 3; round++) {
        const { recordId } = await zhangPending()
        const [a, b] = await Promise.all([
          post(nanjing, `/reviews/${recordId}/reject`, { reason: 'photo_unclear' }),
          second.inject({ method: 'POST', url: `/agency/api/reviews/${recordId}/approve`, headers: nanjing2.headers(), payload: {} }),
        ])
        expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409])
        const winner = a.statusCode === 200 ? a : b
        expect((await recordRow(app.store.db, recordId)).result).toBe(winner.json().result)
      }
    } finally {
      await second.close()
      await second.store.db.destroy()
    }
  })

  test('no ID number or name in audit details or logs', async () => {
    const rows = await app.store.db.selectFrom('audit_log').select(['detail']).where('actor_type', '=', 'agency').execute()
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) {
      expect(r.detail).not.toContain(DEMO.zhang.idNumber)
      expect(r.detail).not.toContain(DEMO.zhang.name)
    }
    expect(h.logs()).not.toContain(DEMO.zhang.idNumber)
  })
})
