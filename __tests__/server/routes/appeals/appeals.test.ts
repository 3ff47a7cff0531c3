/**
 * 我要申诉 / 申请上门认证 and the console's 申诉 queue on both stores: filing for oneself and for a 家人,
 * an appeal for someone the caller may not act for, phone formats, one open appeal per person (also
 * when two are filed at once), the rate limits per account and per person, region scope of the
 * console routes, assign → schedule → close transitions (illegal ones refused), close as certified
 * through the one pass path (首页 then 已认证 with the next due date; the appeal says 上门), close as
 * not certified with the reason, the audited read of the phone, and the messages queued at each change.
 */
import type { FastifyInstance } from 'fastify'
import { claim } from '../../../../server/reminders/claim'
import { defaultRemindersConfig } from '../../../../server/reminders/config'
import { shanghaiDate } from '../../../../server/time/clock'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'
import { createAgencyUser, signInAgency, type AgencySignIn } from '../../helpers/agency'
import { DEMO, type DemoKey } from '../../helpers/demo'
import { DEFAULT_NOW, newCaller, startHarness, type Harness } from '../../helpers/harness'
import { addRosterPersons } from '../relatives-support'

jest.setTimeout(120_000)

type Caller = ReturnType<typeof newCaller>

describe.each(DIALECTS)('appeals on %s', (dialect) => {
  let h: Harness
  let app: FastifyInstance
  let nanjing: AgencySignIn
  let nanjingClerkId: string
  let changsha: AgencySignIn
  let changshaClerkId: string
  let nanjingUser: Awaited<ReturnType<typeof createAgencyUser>>
  let changshaUser: Awaited<ReturnType<typeof createAgencyUser>>
  const self = {} as Record<DemoKey, Caller>
  let day = 0

  beforeAll(async () => {
    // 0 = no shedding on event-loop lag at all: under-pressure reads a sample window without samples
    // (the loop blocked for all of it, as on a loaded machine) as an infinite lag, past any limit.
    h = await startHarness(dialect, { build: { protection: { maxEventLoopDelayMs: 0 } } })
    app = h.app
    for (const key of ['wang', 'li', 'zhang', 'zhao', 'sun'] as DemoKey[]) {
      self[key] = newCaller()
      const res = await h.post('/v1/bindings/manual', { caller: self[key], ...DEMO[key] })
      if (res.statusCode !== 200) throw new Error(`bind ${key}: ${res.body}`)
    }
    const n = await createAgencyUser(app, { role: 'clerk', regionPrefix: '3201', displayName: '经办员南京' })
    nanjingClerkId = n.id
    nanjingUser = n
    const c = await createAgencyUser(app, { role: 'clerk', regionPrefix: '4301', displayName: '经办员长沙' })
    changshaClerkId = c.id
    changshaUser = c
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())
  // Each test on its own Beijing day: the daily filing limits start afresh.
  beforeEach(async () => {
    h.now = new Date(DEFAULT_NOW.getTime() + ++day * 86_400_000)
    // Console sessions end after idling: sign in again on the new day.
    nanjing = await signInAgency(app, nanjingUser)
    changsha = await signInAgency(app, changshaUser)
  })

  const file = (caller: Caller, over: Record<string, unknown> = {}) =>
    h.post('/v1/appeals/file', { caller, kind: 'appeal', reason: 'face_failed', phone: '138 0013 5678', ...over })
  const status = (caller: Caller, relativeId?: string) => h.post('/v1/appeals/status', relativeId ? { caller, relativeId } : { caller })
  const appealsOf = (personId: string) => h.test.store.db.selectFrom('appeals').selectAll().where('person_id', '=', personId).execute()
  const personId = async (key: DemoKey) =>
    (await h.test.store.db.selectFrom('persons').select('id').where('id_number_masked', 'like', `${DEMO[key].idNumber.slice(0, 3)}%${DEMO[key].idNumber.slice(-4)}`).executeTakeFirstOrThrow()).id
  const accountOf = async (caller: Caller) => (await h.test.store.db.selectFrom('accounts').select('id').where('openid', '=', caller.openid).executeTakeFirstOrThrow()).id
  const subscribe = async (caller: Caller) => {
    const res = await h.post('/v1/reminders/subscriptions', { caller, templates: [{ kind: 'appealUpdate', accepted: true }] })
    expect(res.statusCode).toBe(200)
  }
  const addRelative = async (caller: Caller, key: DemoKey) => {
    const res = await h.post('/v1/relatives/add', { caller, name: DEMO[key].name, idNumber: DEMO[key].idNumber, relation: 'mother' })
    expect(res.statusCode).toBe(200)
    return res.json().relativeId as string
  }
  const agency = (s: AgencySignIn, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
    app.inject({ method, url: `/agency/api${url}`, headers: s.headers(), ...(payload ? { payload } : {}) })
  const outbox = (appealId: string) =>
    h.test.store.db.selectFrom('reminder_outbox').selectAll().where('kind', '=', 'appeal').where('cycle', 'like', `${appealId}:%`).orderBy('created_at').execute()
  const audits = (action: string) => h.test.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute()

  test('本人 files 申请上门认证: phone and address sealed, masked in the answer, audited without them; 首页 shows 已提交; a second is refused with the first one\'s state', async () => {
    const res = await file(self.zhang, { kind: 'home_visit', reason: 'bedridden', address: '南京市玄武区示例路 8 号 2 单元' })
    expect(res.statusCode).toBe(200)
    const view = res.json()
    expect(view).toMatchObject({ kind: 'home_visit', kindLabel: '申请上门认证', reason: 'bedridden', reasonLabel: '长期卧床或行动不便', state: 'submitted', stateLabel: '已提交', phoneMasked: '138****5678' })
    expect(view.sentence).toContain('已提交')
    expect(JSON.stringify(view)).not.toContain('13800135678')
    expect(JSON.stringify(view)).not.toContain('示例路')

    const [row] = await appealsOf(await personId('zhang'))
    expect(row).toMatchObject({ state: 'submitted', filed_for: 'self', phone_masked: '138****5678', due_on: '2026-12-08' })
    expect(row.phone_enc).not.toContain('138')
    expect(row.address_enc).not.toContain('示例')
    expect(app.services.pii.decrypt('phone', row.phone_enc)).toBe('13800135678')
    const [audit] = (await audits('appeal.filed')).filter((a) => a.subject_person_id === row.person_id)
    expect(audit.detail).not.toMatch(/138|5678|示例/)

    expect((await status(self.zhang)).json()).toMatchObject({ appeal: { appealId: view.appealId, state: 'submitted', stateLabel: '已提交' } })

    const again = await file(self.zhang, { reason: 'no_smartphone' })
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('APPEAL_ALREADY_OPEN')
    expect(again.json().error.message).toContain('已提交')
    expect(await appealsOf(row.person_id)).toHaveLength(1)
  })

  test('a phone in the wrong format is refused with its code and a Chinese message; a landline with its area code is accepted', async () => {
    for (const phone of ['12345678901', '1380013567', '138001356789', 'abc', '', '12345678', '010-123']) {
      const res = await file(self.sun, { phone })
      expect(res.statusCode).toBe(400)
      expect(res.json().error).toMatchObject({ code: 'APPEAL_PHONE_INVALID', field: 'phone' })
      expect(res.json().error.message).toMatch(/手机号|固定电话/)
    }
    expect(await appealsOf(await personId('sun'))).toHaveLength(0)
    const other = await file(self.sun, { reason: 'other' })
    expect(other.json().error.code).toBe('APPEAL_NOTE_REQUIRED')
    const noAddress = await file(self.sun, { kind: 'home_visit' })
    expect(noAddress.json().error.code).toBe('APPEAL_ADDRESS_REQUIRED')
    const ok = await file(self.sun, { phone: '025-84561234' })
    expect(ok.statusCode).toBe(200)
    expect(ok.json().phoneMasked).toBe('025****1234')
  })

  test('an appeal for a person the caller may not act for is refused: another account\'s relativeId, or no binding', async () => {
    const child = newCaller()
    const relId = await addRelative(child, 'wang')
    const stranger = newCaller()
    await h.post('/v1/accounts/login', { caller: stranger })
    const theirs = await file(stranger, { relativeId: relId })
    expect(theirs.statusCode).toBe(404)
    expect(theirs.json().error.code).toBe('RELATIVE_NOT_FOUND')
    expect((await status(stranger, relId)).json().error.code).toBe('RELATIVE_NOT_FOUND')
    const unbound = await file(stranger)
    expect(unbound.statusCode).toBe(409)
    expect(unbound.json().error.code).toBe('NOT_BOUND')
    expect(await appealsOf(await personId('wang'))).toHaveLength(0)
    const strangerId = await accountOf(stranger)
    const refused = (await audits('appeal.file_refused')).filter((a) => a.actor_ref === strangerId).map((a) => JSON.parse(a.detail).reason)
    expect(refused.sort()).toEqual(['NOT_BOUND', 'RELATIVE_NOT_FOUND'])
  })

  test('two filings for one person at once: exactly one appeal, the other refused with its state', async () => {
    const child = newCaller()
    const relId = await addRelative(child, 'li')
    const [a, b] = await Promise.all([file(self.li), file(child, { relativeId: relId, kind: 'home_visit', address: '长沙市芙蓉区示例街 1 号' })])
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409])
    expect([a, b].find((r) => r.statusCode === 409)!.json().error.code).toBe('APPEAL_ALREADY_OPEN')
    expect(await appealsOf(await personId('li'))).toHaveLength(1)
    // The relative sees the same appeal on the relative's page.
    const seen = (await status(child, relId)).json()
    expect(seen.appeal.appealId).toBe([a, b].find((r) => r.statusCode === 200)!.json().appealId)
  })

  test('an appeal flood is rate-limited per account (5 a day) and per person (3 a day)', async () => {
    const [p1, p2, p3] = await addRosterPersons(h as never, 3)
    const helper = newCaller()
    const rels: string[] = []
    for (const p of [p1, p2, p3]) {
      const res = await h.post('/v1/relatives/add', { caller: helper, name: p.name, idNumber: p.idNumber, relation: 'other' })
      expect(res.statusCode).toBe(200)
      rels.push(res.json().relativeId)
    }
    // Six tries over three persons (two each): the sixth is the account's sixth of the day.
    const codes: string[] = []
    for (const relativeId of [...rels, ...rels]) {
      const res = await file(helper, { relativeId, reason: 'other' })
      codes.push(res.json().error.code)
    }
    expect(codes).toEqual(['APPEAL_NOTE_REQUIRED', 'APPEAL_NOTE_REQUIRED', 'APPEAL_NOTE_REQUIRED', 'APPEAL_NOTE_REQUIRED', 'APPEAL_NOTE_REQUIRED', 'RATE_LIMITED'])
    // Per person: four accounts each try once for p3 (already tried twice today by the helper).
    const personCodes: string[] = []
    // (The helper's sixth try was refused by the account limit before the person's was taken: p3 has one.)
    for (let i = 0; i < 3; i++) {
      const other = newCaller()
      const res = await h.post('/v1/relatives/add', { caller: other, name: p3.name, idNumber: p3.idNumber, relation: 'other' })
      personCodes.push((await file(other, { relativeId: res.json().relativeId, reason: 'other' })).json().error.code)
    }
    expect(personCodes).toEqual(['APPEAL_NOTE_REQUIRED', 'APPEAL_NOTE_REQUIRED', 'RATE_LIMITED'])
    expect((await audits('appeal.rate_limited')).length).toBeGreaterThanOrEqual(2)
    expect(await h.test.store.db.selectFrom('appeals').selectAll().where('person_id', 'in', [p1.personId, p2.personId, p3.personId]).execute()).toHaveLength(0)
  })

  test('console: queue per region oldest first with SLA days; out of region 404; assign → schedule → close as certified (上门); illegal transitions refused; messages at each change', async () => {
    const zhao = await personId('zhao')
    await subscribe(self.zhao)
    const child = newCaller()
    const relId = await addRelative(child, 'zhao')
    await subscribe(child)
    const filed = await file(child, { relativeId: relId, kind: 'home_visit', reason: 'bedridden', address: '南京市鼓楼区示例巷 5 号', phone: '13912345678' })
    expect(filed.statusCode).toBe(200)
    const appealId = filed.json().appealId as string

    const queue = await agency(nanjing, 'GET', '/appeals')
    expect(queue.statusCode).toBe(200)
    const items = queue.json().appeals as { appealId: string; filedAt: string; slaDaysLeft: number; phoneMasked: string }[]
    const mine = items.find((i) => i.appealId === appealId)!
    expect(mine).toMatchObject({ state: 'submitted', stateLabel: '已提交', slaDaysLeft: 10, phoneMasked: '139****5678', nameMasked: '赵*胜' })
    expect(items.map((i) => i.filedAt)).toEqual([...items.map((i) => i.filedAt)].sort())
    expect(JSON.stringify(queue.json())).not.toContain('13912345678')
    // 概览 counts it among the region's open appeals, by state.
    const overview = (await agency(nanjing, 'GET', '/overview')).json()
    expect(overview.counts.appealsAvailable).toBe(true)
    expect(overview.appeals.submitted).toBe(items.filter((i) => (i as { state?: string }).state === 'submitted').length)
    expect(overview.counts.pendingAppeals).toBe(queue.json().total)
    // 长沙's clerk neither sees nor touches it.
    expect(((await agency(changsha, 'GET', '/appeals')).json().appeals as { appealId: string }[]).some((i) => i.appealId === appealId)).toBe(false)
    for (const [m, url, body] of [
      ['GET', `/appeals/${appealId}`, undefined],
      ['GET', `/appeals/${appealId}/assignees`, undefined],
      ['POST', `/appeals/${appealId}/assign`, { assigneeId: changshaClerkId }],
      ['POST', `/appeals/${appealId}/schedule`, { visitDate: '2026-12-20', staff: '李四' }],
      ['POST', `/appeals/${appealId}/close`, { outcome: 'not_certified', reason: '无' }],
    ] as const) {
      const res = await agency(changsha, m, url, body)
      expect(res.statusCode).toBe(404)
      expect(res.json().error.code).toBe('APPEAL_NOT_FOUND')
    }

    // The detail shows the phone and address in full, and that read is audited (without them).
    const detail = await agency(nanjing, 'GET', `/appeals/${appealId}`)
    expect(detail.json()).toMatchObject({ phone: '13912345678', address: '南京市鼓楼区示例巷 5 号', filedFor: 'relative' })
    const viewed = (await audits('agency.appeal.viewed')).filter((a) => JSON.parse(a.detail).appealId === appealId)
    expect(viewed).toHaveLength(1)
    expect(viewed[0]).toMatchObject({ actor_type: 'agency', actor_ref: nanjingClerkId, subject_person_id: zhao })

    // The choices: users whose region covers the person (南京's clerk), never 长沙's.
    const choices = (await agency(nanjing, 'GET', `/appeals/${appealId}/assignees`)).json().assignees as { id: string; roleLabel: string }[]
    expect(choices.map((c) => c.id)).toContain(nanjingClerkId)
    expect(choices.map((c) => c.id)).not.toContain(changshaClerkId)
    expect(choices.find((c) => c.id === nanjingClerkId)?.roleLabel).toBe('经办员')
    // Assign: a clerk outside the person's region is refused; one inside it takes it to 处理中.
    expect((await agency(nanjing, 'POST', `/appeals/${appealId}/assign`, { assigneeId: changshaClerkId })).json().error.code).toBe('APPEAL_ASSIGNEE_INVALID')
    const assigned = await agency(nanjing, 'POST', `/appeals/${appealId}/assign`, { assigneeId: nanjingClerkId })
    expect(assigned.json()).toMatchObject({ state: 'processing', stateLabel: '处理中', assignedTo: nanjingClerkId, assignedName: '经办员南京' })
    expect((await status(self.zhao)).json().appeal.stateLabel).toBe('处理中')

    // Schedule: a past day is refused; then 已安排上门 with the date on 首页 and the relative's page.
    expect((await agency(nanjing, 'POST', `/appeals/${appealId}/schedule`, { visitDate: '2026-11-01', staff: '李四' })).json().error.code).toBe('APPEAL_VISIT_INVALID')
    const scheduled = await agency(nanjing, 'POST', `/appeals/${appealId}/schedule`, { visitDate: '2026-12-20', staff: '李四、王五' })
    expect(scheduled.json()).toMatchObject({ state: 'visit_scheduled', visitDate: '2026-12-20', visitStaff: '李四、王五' })
    expect((await status(child, relId)).json().appeal).toMatchObject({ state: 'visit_scheduled', stateLabel: '已安排上门', visitDate: '2026-12-20' })
    expect((await status(self.zhao)).json().appeal.sentence).toContain('2026年12月20日')
    // Assigning again after the visit is scheduled is not a transition.
    expect((await agency(nanjing, 'POST', `/appeals/${appealId}/assign`, { assigneeId: nanjingClerkId })).json().error.code).toBe('APPEAL_STATE_INVALID')

    // Close as certified at home: one passed record through the offline path; 首页 says 已认证.
    const recordsBefore = await h.test.store.db.selectFrom('certification_records').selectAll().where('person_id', '=', zhao).execute()
    const closed = await agency(nanjing, 'POST', `/appeals/${appealId}/close`, { outcome: 'certified', method: 'home_visit' })
    expect(closed.statusCode).toBe(200)
    expect(closed.json()).toMatchObject({ state: 'completed', outcome: 'certified', recordId: expect.any(String) })
    const records = await h.test.store.db.selectFrom('certification_records').selectAll().where('person_id', '=', zhao).execute()
    expect(records).toHaveLength(recordsBefore.length + 1)
    expect(records.find((r) => r.id === closed.json().recordId)).toMatchObject({ result: 'passed', method: 'home_visit', channel: 'agency', performed_by: 'agency', performer_agency_user_id: nanjingClerkId })
    const home = (await h.post('/v1/status', { caller: self.zhao })).json()
    // Certified today (the test's own day): due again in the same month next year.
    const today = shanghaiDate(h.now)
    expect(home).toMatchObject({ status: 'certified', statusLabel: '已认证', nextDueDate: `${Number(today.slice(0, 4)) + 1}-${today.slice(5, 7)}-01` })
    const appealNow = (await status(self.zhao)).json().appeal
    expect(appealNow).toMatchObject({ state: 'completed', stateLabel: '已完成', certifiedHow: '上门' })
    expect(appealNow.sentence).toContain('上门认证通过')
    // Closed is closed.
    const twice = await agency(nanjing, 'POST', `/appeals/${appealId}/close`, { outcome: 'not_certified', reason: '重复' })
    expect(twice.json().error.code).toBe('APPEAL_STATE_INVALID')
    expect(await h.test.store.db.selectFrom('certification_records').selectAll().where('person_id', '=', zhao).execute()).toHaveLength(records.length)

    // Every change audited; messages queued for 本人 and the relative at each state.
    for (const action of ['agency.appeal.assigned', 'agency.appeal.visit_scheduled', 'agency.appeal.closed']) {
      const rows = (await audits(action)).filter((a) => JSON.parse(a.detail).appealId === appealId)
      expect(rows).toHaveLength(1)
      expect(rows[0].detail).not.toMatch(/1391234|示例巷/)
    }
    const queued = await outbox(appealId)
    const byState = (s: string) => queued.filter((q) => q.cycle === `${appealId}:${s}`).map((q) => q.recipient_account_id).sort()
    const both = [await accountOf(self.zhao), await accountOf(child)].sort()
    for (const s of ['submitted', 'processing', 'visit_scheduled', 'completed']) expect(byState(s)).toEqual(both)
    // One accept is one message (WeChat's one-time subscriptions); a long-term subscription (government
    // category, REMINDER_LONG_TERM) carries every change: make these two long-term and send.
    await h.test.store.db.updateTable('reminder_subscriptions').set({ long_term: 1 }).where('account_id', 'in', both).where('template', '=', 'appealUpdate').execute()
    const claimed = await claim({ ctx: app.services, config: defaultRemindersConfig(false), log: app.log }, 100, 60_000)
    const msgs = claimed.messages.filter((m) => queued.some((q) => q.id === m.id))
    expect(msgs.length).toBeGreaterThan(0)
    const phrases = msgs.map((m) => m.data.phrase2.value)
    expect(phrases).toEqual(expect.arrayContaining(['已提交', '处理中', '已安排上门', '已完成']))
    for (const m of msgs) {
      expect(m.data.name1.value).toBe('赵某胜')
      expect([...m.data.thing4.value].length).toBeLessThanOrEqual(20)
    }
    expect(msgs.find((m) => m.data.phrase2.value === '已完成')!.data.thing4.value).toBe('已上门认证通过')
  })

  test('console: close as not certified needs a reason; the person then sees 未通过 and the reason', async () => {
    const filed = await file(self.wang, { reason: 'no_smartphone' })
    expect(filed.statusCode).toBe(200)
    const appealId = filed.json().appealId
    // 王秀英 is in 1101: a deployment-wide clerk handles it.
    const all = await signInAgency(app, await createAgencyUser(app, { role: 'clerk', regionPrefix: '' }))
    const noReason = await agency(all, 'POST', `/appeals/${appealId}/close`, { outcome: 'not_certified' })
    expect(noReason.statusCode).toBe(400)
    expect(noReason.json().error.code).toBe('APPEAL_CLOSE_INVALID')
    const noMethod = await agency(all, 'POST', `/appeals/${appealId}/close`, { outcome: 'certified' })
    expect(noMethod.json().error.code).toBe('APPEAL_CLOSE_INVALID')
    const closed = await agency(all, 'POST', `/appeals/${appealId}/close`, { outcome: 'not_certified', reason: '电话无人接听，请到社保窗口办理' })
    expect(closed.json()).toMatchObject({ state: 'rejected', outcome: 'not_certified', rejectReason: '电话无人接听，请到社保窗口办理' })
    const seen = (await status(self.wang)).json().appeal
    expect(seen).toMatchObject({ state: 'rejected', stateLabel: '未通过', rejectReason: '电话无人接听，请到社保窗口办理' })
    expect(seen.sentence).toContain('电话无人接听')
    // A closed appeal no longer blocks a new one.
    expect((await file(self.wang)).statusCode).toBe(200)
  })
})
