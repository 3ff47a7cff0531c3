/**
 * 人员查询 through /agency/api on both stores: search by 个人编号, name and ID number (blind indexes,
 * region-scoped in SQL), the audited person page, and the name index backfilled for persons stored
 * before it existed.
 */
import type { FastifyInstance } from 'fastify'
import { newId } from '../../../../server/db/ids'
import type { ReminderOutboxTable } from '../../../../server/db/schema'
import { backfillNameHashes } from '../../../../server/roster/name-hash-backfill'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'
import { createAgencyUser, signInAgency, type AgencySignIn } from '../../helpers/agency'
import { DEMO } from '../../helpers/demo'
import { startHarness, type Harness } from '../../helpers/harness'
import { auditRows, boundSubscriber, flagPerson, pendingRecord, personByNo } from './review-support'

describe.each(DIALECTS)('agency person search and page on %s', (dialect) => {
  let h: Harness
  let app: FastifyInstance
  let nanjing: AgencySignIn
  let nanjingReviewer: AgencySignIn
  let changsha: AgencySignIn
  let nanjingId: string

  beforeAll(async () => {
    h = await startHarness(dialect)
    app = h.app
    const c = await createAgencyUser(app, { role: 'clerk', regionPrefix: '3201' })
    nanjingId = c.id
    nanjing = await signInAgency(app, c)
    nanjingReviewer = await signInAgency(app, await createAgencyUser(app, { role: 'reviewer', regionPrefix: '3201', displayName: '审核员丙' }))
    changsha = await signInAgency(app, await createAgencyUser(app, { role: 'clerk', regionPrefix: '4301' }))
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  const search = (s: AgencySignIn, payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/agency/api/persons/search', headers: s.headers(), payload })
  const page = (s: AgencySignIn, personId: string) => app.inject({ method: 'GET', url: `/agency/api/persons/${personId}`, headers: s.headers() })
  const personNos = (res: { json(): { items: { personNo: string }[] } }) => res.json().items.map((i) => i.personNo)

  test('by 个人编号, name or ID number inside the region: masked hits; outside the region: none', async () => {
    expect(personNos(await search(nanjing, { personNo: 'DEMO0003' }))).toEqual(['DEMO0003'])
    expect(personNos(await search(nanjing, { name: ` ${DEMO.zhang.name} ` }))).toEqual(['DEMO0003'])
    const byId = await search(nanjing, { idNumber: DEMO.zhang.idNumber.toLowerCase() })
    expect(byId.json()).toEqual({
      items: [{ personId: expect.any(String), personNo: 'DEMO0003', maskedName: expect.stringContaining('*'), maskedIdNumber: expect.stringContaining('*'), regionCode: '320102', insuranceLabel: expect.any(String), benefitStatus: 'suspended' }],
      truncated: false,
    })
    expect(byId.body).not.toContain(DEMO.zhang.idNumber)
    expect(byId.body).not.toContain(DEMO.zhang.name)
    // Both keys must match: 张桂兰's name with 赵德胜's ID number finds nobody.
    expect(personNos(await search(nanjing, { name: DEMO.zhang.name, idNumber: DEMO.zhao.idNumber }))).toEqual([])

    for (const key of [{ personNo: 'DEMO0003' }, { name: DEMO.zhang.name }, { idNumber: DEMO.zhang.idNumber }]) {
      const res = await search(changsha, key)
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ items: [], truncated: false })
    }
    const searched = (await auditRows(app.store.db, 'agency.person.searched')).filter((r) => r.actor_ref === nanjingId)
    expect(searched.length).toBeGreaterThanOrEqual(4)
    for (const r of searched) expect(r.detail).not.toMatch(/320102194106220468|张桂兰/i)
  })

  test('bad search input: a plain code, never a stack', async () => {
    const empty = await search(nanjing, {})
    expect(empty.statusCode).toBe(400)
    expect(empty.json().error.code).toBe('AGENCY_PERSON_SEARCH_EMPTY')
    const bad = await search(nanjing, { idNumber: '320102194106220469' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'ID_CHECKSUM', field: 'idNumber' })
    // Search is POST only: there is no GET form that would put an ID number in a URL (and a log line).
    const getSearch = await app.inject({ method: 'GET', url: '/agency/api/persons/search?personNo=DEMO0003', headers: nanjing.headers() })
    expect(getSearch.statusCode).toBe(404)
    expect(getSearch.json().error.code).toBe('AGENCY_OUT_OF_SCOPE')
  })

  test('the person page: full details, standing, history with performer and decision, relatives, sessions, reminders; audited', async () => {
    const zhang = await personByNo(app.store.db, 'DEMO0003')
    const accountId = await boundSubscriber(app.store.db, zhang.id, h.now.toISOString())
    const recordId = await pendingRecord(app.store.db, zhang.id, accountId, '2026-11-20T03:00:00.000Z')
    const helper = newId()
    await app.store.db.insertInto('accounts').values({ id: helper, platform: 'local', openid: `wx_helper_${helper}`, created_at: h.now.toISOString(), last_seen_at: h.now.toISOString() }).execute()
    await app.store.db.insertInto('relatives').values({ id: newId(), account_id: helper, person_id: zhang.id, relation: 'mother', created_at: h.now.toISOString(), removed_at: null }).execute()
    const rejected = await app.inject({ method: 'POST', url: `/agency/api/reviews/${recordId}/reject`, headers: nanjingReviewer.headers(), payload: { reason: 'photo_unclear' } })
    expect(rejected.statusCode).toBe(200)

    const res = await page(nanjing, zhang.id)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.person).toMatchObject({ personNo: 'DEMO0003', name: DEMO.zhang.name, idNumber: DEMO.zhang.idNumber, cardNumber: DEMO.zhang.cardNumber, regionCode: '320102', benefitStatus: 'suspended' })
    expect(body.standing).toMatchObject({ status: 'overdue_suspended', statusLabel: '已逾期，暂停发放', suspendedBy: 'deadline' })
    const decided = body.history.find((r: { recordId: string }) => r.recordId === recordId)
    expect(decided).toMatchObject({ result: 'failed', resultLabel: '未通过', performedBy: 'self', verifierOutcome: '人工审核', decision: { decidedBy: '审核员丙', reason: 'photo_unclear', reasonLabel: '照片模糊无法辨认' } })
    expect(body.history.some((r: { channel: string }) => r.channel === 'import')).toBe(true)
    expect(body.sessions.map((s: { recordId: string }) => s.recordId)).toContain(recordId)
    expect(body.reminders.map((r: { kind: string }) => r.kind)).toContain('result')
    expect(body.relatives).toEqual([{ relation: 'mother', relationLabel: '母亲', linkedAt: h.now.toISOString(), account: `微信用户 ${helper.slice(-4)}` }])
    expect(res.body).not.toContain(`wx_helper_${helper}`)

    const viewed = (await auditRows(app.store.db, 'agency.person.viewed')).filter((r) => r.actor_ref === nanjingId && r.subject_person_id === zhang.id)
    expect(viewed).toHaveLength(1)
    expect(viewed[0]).toMatchObject({ actor_type: 'agency', detail: '{}' })
    expect(h.logs()).not.toContain(DEMO.zhang.idNumber)
  })

  test('an open death report shows on the person page with its source and date; a closed one does not', async () => {
    const zhao = await personByNo(app.store.db, 'DEMO0006')
    expect((await page(nanjing, zhao.id)).json().person.deathReport).toBeNull()
    const id = await flagPerson(app.store.db, zhao.id, { now: h.now.toISOString(), occurredOn: '2026-11-03' })
    try {
      expect((await page(nanjing, zhao.id)).json().person.deathReport).toEqual({ source: 'funeral', sourceLabel: '殡葬', occurredOn: '2026-11-03' })
      await app.store.db.updateTable('signal_reviews').set({ status: 'closed' }).where('id', '=', id).execute()
      expect((await page(nanjing, zhao.id)).json().person.deathReport).toBeNull()
    } finally {
      await app.store.db.deleteFrom('signal_reviews').where('id', '=', id).execute()
    }
  })

  test('a person the agency suspended before her deadline: 暂停发放, suspendedBy agency (the page does not call her late)', async () => {
    const zhao = await personByNo(app.store.db, 'DEMO0006') // certified: due again in January
    expect((await page(nanjing, zhao.id)).json().standing).toMatchObject({ status: 'certified', suspendedBy: null })
    await app.store.db.updateTable('persons').set({ benefit_status: 'suspended', suspended_since: '2026-11-20' }).where('id', '=', zhao.id).execute()
    try {
      expect((await page(nanjing, zhao.id)).json().standing).toMatchObject({ status: 'overdue_suspended', statusLabel: '暂停发放', suspendedSince: '2026-11-20', suspendedBy: 'agency' })
    } finally {
      await app.store.db.updateTable('persons').set({ benefit_status: 'normal', suspended_since: null }).where('id', '=', zhao.id).execute()
    }
  })

  test('刷脸过程 and 提醒 in plain Chinese: a cancelled session reads 已取消, a refused one 被拒绝; the codes stay', async () => {
    const zhao = await personByNo(app.store.db, 'DEMO0006')
    const nowIso = h.now.toISOString()
    const at = (minutes: number) => new Date(h.now.getTime() + minutes * 60_000).toISOString()
    const accountId = await boundSubscriber(app.store.db, zhao.id, nowIso)
    const failedRecord = newId()
    await app.store.db
      .insertInto('certification_records')
      .values({ id: failedRecord, person_id: zhao.id, certified_at: at(-50), result: 'failed', method: 'face', channel: 'weapp', performed_by: 'self', performer_account_id: accountId, created_at: at(-50), performer_relation: null, via: null })
      .execute()
    const session = async (
      minutesAgo: number,
      s: { status: 'open' | 'completed' | 'rejected'; identity: string; channel?: 'weapp' | 'h5'; performer?: 'self' | 'relative'; reason?: string; rejected?: string; record?: string; expiresIn?: number },
    ) => {
      const id = newId()
      await app.store.db
        .insertInto('certification_sessions')
        .values({
          id,
          account_id: accountId,
          performer: s.performer ?? 'self',
          person_id: zhao.id,
          channel: s.channel ?? 'weapp',
          challenge: 'blink,turn_left',
          nonce_hash: `n-${id}`,
          liveness_config: '{}',
          identity_kind: s.identity,
          identity_step: '{"kind":"none"}',
          status: s.status,
          created_at: at(-minutesAgo),
          expires_at: at(-minutesAgo + (s.expiresIn ?? 10)),
          completed_at: s.status === 'open' ? null : at(-minutesAgo + 1),
          record_id: s.record ?? null,
          reason_code: s.reason ?? null,
          rejected_code: s.rejected ?? null,
          summary_digest: null,
          answer: null,
          via: null,
          via_ref: null,
        })
        .execute()
      return id
    }
    const open = await session(1, { status: 'open', identity: 'wechat-facial-verify' })
    const expired = await session(30, { status: 'open', identity: 'wechat-facial-verify' })
    const completed = await session(40, { status: 'completed', identity: 'local-face-match', channel: 'h5', performer: 'relative' })
    const failed = await session(50, { status: 'completed', identity: 'local-face-match', reason: 'no_liveness', record: failedRecord })
    const refused = await session(60, { status: 'rejected', identity: 'local-face-match', rejected: 'TRACE_REUSED' })
    const cancelled = await session(70, { status: 'rejected', identity: 'wechat-facial-verify', rejected: 'SESSION_CANCELLED' })
    // A row from an older release with values no map knows: shown as stored, never blank.
    const old = await session(80, { status: 'completed', identity: 'face-v0', reason: 'retired_reason' })

    const reminder = async (kind: string, template: string, relation: 'self' | 'relative', status: ReminderOutboxTable['status'], minutesAgo: number) =>
      app.store.db
        .insertInto('reminder_outbox')
        .values({
          id: newId(),
          person_id: zhao.id,
          cycle: '2026-11',
          kind,
          recipient_account_id: accountId,
          template,
          relation,
          status,
          attempts: status === 'pending' ? 0 : 1,
          next_attempt_at: at(-minutesAgo),
          claim_token: null,
          lease_until: null,
          attempted_at: null,
          credit_held: 0,
          record_id: null,
          last_errcode: null,
          last_error: null,
          created_at: at(-minutesAgo),
          updated_at: at(-minutesAgo),
          done_at: status === 'pending' ? null : at(-minutesAgo),
        })
        .execute()
    await reminder('due_30', 'certDue', 'self', 'sent', 100)
    await reminder('due_7', 'certDue', 'self', 'skipped_no_credit', 90)
    await reminder('overdue_1', 'certDue', 'self', 'skipped_late', 80)
    await reminder('relative_result', 'relativeCertified', 'relative', 'refused', 70)
    await reminder('result', 'certificationResult', 'self', 'pending', 60)
    await reminder('weekly', 'oldTemplate', 'self', 'failed', 50)

    const res = await page(nanjing, zhao.id)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    const byId = new Map<string, Record<string, unknown>>(body.sessions.map((s: { sessionId: string }) => [s.sessionId, s]))
    expect(byId.get(open)).toMatchObject({ status: 'open', state: 'open', statusLabel: '进行中', channelLabel: '微信小程序', performerLabel: '本人', identityKind: 'wechat-facial-verify', identityKindLabel: '微信人脸核身', reasonLabel: null })
    expect(byId.get(expired)).toMatchObject({ status: 'open', state: 'expired', statusLabel: '已超时' })
    expect(byId.get(completed)).toMatchObject({ status: 'completed', state: 'completed', statusLabel: '已完成', channel: 'h5', channelLabel: '网页', performer: 'relative', performerLabel: '亲属代办', identityKindLabel: '本地人脸比对', reasonLabel: null })
    expect(byId.get(failed)).toMatchObject({ status: 'completed', state: 'failed', statusLabel: '未通过', reasonCode: 'no_liveness', reasonLabel: '没有检测到动作', recordId: failedRecord })
    expect(byId.get(refused)).toMatchObject({ status: 'rejected', state: 'refused', statusLabel: '被拒绝', rejectedCode: 'TRACE_REUSED', reasonLabel: '动作数据重复使用' })
    expect(byId.get(cancelled)).toMatchObject({ status: 'rejected', state: 'cancelled', statusLabel: '已取消', rejectedCode: 'SESSION_CANCELLED', reasonLabel: '本人中途退出' })
    expect(byId.get(cancelled)?.statusLabel).not.toBe(byId.get(refused)?.statusLabel)
    expect(byId.get(old)).toMatchObject({ identityKind: 'face-v0', identityKindLabel: 'face-v0', reasonCode: 'retired_reason', reasonLabel: 'retired_reason', statusLabel: '未通过' })

    const history = body.history.find((r: { recordId: string }) => r.recordId === failedRecord)
    expect(history).toMatchObject({ result: 'failed', verifierOutcome: '本地人脸比对：没有检测到动作' })

    const reminders = body.reminders.map((r: Record<string, unknown>) => [r.kind, r.kindLabel, r.templateLabel, r.relationLabel, r.status, r.statusLabel])
    expect(reminders).toEqual([
      ['weekly', 'weekly', 'oldTemplate', '本人', 'failed', '发送失败'],
      ['result', '认证结果通知', '认证结果通知', '本人', 'pending', '等待发送'],
      ['relative_result', '家人认证完成通知', '家人认证完成通知', '家人', 'refused', '微信拒收（对方未订阅）'],
      ['overdue_1', '逾期提醒', '认证到期提醒', '本人', 'skipped_late', '已过时，未发送'],
      ['due_7', '到期前 7 天提醒', '认证到期提醒', '本人', 'skipped_no_credit', '对方未订阅，未发送'],
      ['due_30', '到期前 30 天提醒', '认证到期提醒', '本人', 'sent', '已发送'],
    ])
    // No cell is blank.
    for (const s of body.sessions) for (const k of ['statusLabel', 'channelLabel', 'performerLabel', 'identityKindLabel']) expect(s[k]).not.toBe('')
  })

  test('a person outside the region, or unknown: the same 404, and no audit row', async () => {
    const zhang = await personByNo(app.store.db, 'DEMO0003')
    const before = (await auditRows(app.store.db, 'agency.person.viewed')).length
    const out = await page(changsha, zhang.id)
    const unknown = await page(changsha, 'no-such-person')
    expect(out.statusCode).toBe(404)
    expect(out.json()).toEqual(unknown.json())
    expect(out.body).not.toContain(DEMO.zhang.name)
    expect((await auditRows(app.store.db, 'agency.person.viewed')).length).toBe(before)
  })

  test('persons stored before the name index are backfilled with the cipher and then found by name', async () => {
    await app.store.db.updateTable('persons').set({ name_hash: null }).where('region_code', 'like', '3201%').execute()
    expect(personNos(await search(nanjing, { name: DEMO.zhao.name }))).toEqual([])
    const filled = await backfillNameHashes(app.store.db, app.services.pii)
    expect(filled.filled).toBeGreaterThanOrEqual(2)
    expect(personNos(await search(nanjing, { name: DEMO.zhao.name }))).toEqual(['DEMO0006'])
    expect(await backfillNameHashes(app.store.db, app.services.pii)).toEqual({ filled: 0, unreadable: 0 })
  })
})
