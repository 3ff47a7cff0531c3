import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { DEMO, type DemoKey } from '../helpers/demo'
import { bindDemoPeople, newCaller, startHarness, type Harness } from '../helpers/harness'

/** Expected as of 2026-11-27 (Beijing), rolling 12-month cycle. */
const EXPECTED: Record<DemoKey, { status: string; statusLabel: string; nextDueMonthLabel: string; nextDueDate: string; suspendedSince?: string; last?: string }> = {
  wang: { status: 'certified', statusLabel: '已认证', nextDueMonthLabel: '2027年3月', nextDueDate: '2027-03-01', last: '2026-03-14T16:00:00.000Z' },
  li: { status: 'due', statusLabel: '待认证', nextDueMonthLabel: '2026年11月', nextDueDate: '2026-11-01', last: '2025-11-09T16:00:00.000Z' },
  zhang: { status: 'overdue_suspended', statusLabel: '已逾期，暂停发放', nextDueMonthLabel: '2026年8月', nextDueDate: '2026-08-01', suspendedSince: '2026-09-01', last: '2025-08-19T16:00:00.000Z' },
  liu: { status: 'due', statusLabel: '待认证', nextDueMonthLabel: '2026年11月', nextDueDate: '2026-11-01' },
  chen: { status: 'certified', statusLabel: '已认证', nextDueMonthLabel: '2027年6月', nextDueDate: '2027-06-01', last: '2026-06-07T16:00:00.000Z' },
  zhao: { status: 'certified', statusLabel: '已认证', nextDueMonthLabel: '2027年1月', nextDueDate: '2027-01-01', last: '2026-01-19T16:00:00.000Z' },
  sun: { status: 'certified', statusLabel: '已认证', nextDueMonthLabel: '2026年12月', nextDueDate: '2026-12-01', last: '2025-12-04T16:00:00.000Z' },
}

describe.each(DIALECTS)('status and records on %s', (dialect) => {
  let h: Harness
  let callers: Awaited<ReturnType<typeof bindDemoPeople>>
  beforeAll(async () => {
    h = await startHarness(dialect)
    callers = await bindDemoPeople(h)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  it.each(Object.keys(EXPECTED) as DemoKey[])('shows the expected status for demo person %s', async (key) => {
    const e = EXPECTED[key]
    const res = await h.post('/v1/status', { caller: callers[key] })
    expect(res.statusCode).toBe(200)
    const view = res.json()
    expect(view).toMatchObject({ bound: true, status: e.status, statusLabel: e.statusLabel, nextDueMonthLabel: e.nextDueMonthLabel, nextDueDate: e.nextDueDate })
    expect(view.suspendedSince).toBe(e.suspendedSince)
    if (e.last) expect(view.lastResult).toEqual({ result: 'passed', resultLabel: '认证通过', certifiedAt: e.last })
    else expect(view.lastResult).toBeUndefined()
    expect(res.body).not.toContain(DEMO[key].idNumber)
  })

  it('names the deadline as a day: 孙淑珍, due in December 2026, has until 2026年12月31日 (on 27 November she is not late)', async () => {
    const view = (await h.post('/v1/status', { caller: callers.sun })).json()
    expect(view).toMatchObject({ status: 'certified', nextDueMonthLabel: '2026年12月', nextDueDeadlineLabel: '2026年12月31日' })
    expect((await h.post('/v1/status', { caller: callers.li })).json().nextDueDeadlineLabel).toBe('2026年11月30日')
  })

  it('moves with the injected clock: 王秀英 becomes due in March 2027 and overdue in April', async () => {
    const realNow = h.now
    try {
      h.now = new Date('2027-03-01T00:30:00+08:00')
      expect((await h.post('/v1/status', { caller: callers.wang })).json().status).toBe('due')
      h.now = new Date('2027-03-31T23:59:00+08:00')
      expect((await h.post('/v1/status', { caller: callers.wang })).json().status).toBe('due')
      h.now = new Date('2027-04-01T00:00:00+08:00') // still 2027-03-31 in UTC
      const overdue = (await h.post('/v1/status', { caller: callers.wang })).json()
      expect(overdue).toMatchObject({ status: 'overdue_suspended', suspendedSince: '2027-04-01' })
    } finally {
      h.now = realNow
    }
  })

  it('a pension the agency suspended before the deadline (a death report, the roster) reads 暂停发放, not 已逾期', async () => {
    const db = h.test.store.db
    const chen = await db.selectFrom('bindings').select('person_id').where('account_id', 'in', db.selectFrom('accounts').select('id').where('openid', '=', callers.chen.openid)).executeTakeFirstOrThrow()
    await db.updateTable('persons').set({ benefit_status: 'suspended', suspended_since: '2026-11-20' }).where('id', '=', chen.person_id).execute()
    try {
      const view = (await h.post('/v1/status', { caller: callers.chen })).json()
      // certified in June 2026, due again in June 2027: not late
      expect(view).toMatchObject({ status: 'overdue_suspended', statusLabel: '暂停发放', suspendedSince: '2026-11-20', nextDueDeadlineLabel: '2027年6月30日' })
      // 张桂兰: suspended on the roster and past her deadline as well
      expect((await h.post('/v1/status', { caller: callers.zhang })).json().statusLabel).toBe('已逾期，暂停发放')
    } finally {
      await db.updateTable('persons').set({ benefit_status: 'normal', suspended_since: null }).where('id', '=', chen.person_id).execute()
    }
  })

  it('answers {bound:false} for an unbound caller, and audits every status read', async () => {
    await h.app.services.readAudit?.flush()
    const before = await h.test.store.db.selectFrom('read_audit_log').select('id').where('action', '=', 'status.read').execute()
    expect((await h.post('/v1/status', { caller: newCaller() })).json()).toEqual({ bound: false })
    // Audit rows of reads are written in batches just after the answer.
    await h.app.services.readAudit?.flush()
    const after = await h.test.store.db.selectFrom('read_audit_log').select('id').where('action', '=', 'status.read').execute()
    expect(after.length).toBe(before.length + 1)
  })

  it('lists records newest first with labels, and audits the listing', async () => {
    const db = h.test.store.db
    const person = await db.selectFrom('bindings').select('person_id').where('account_id', 'in', db.selectFrom('accounts').select('id').where('openid', '=', callers.wang.openid)).executeTakeFirstOrThrow()
    await db
      .insertInto('certification_records')
      .values({ id: 'rec-newer-' + dialect, person_id: person.person_id, certified_at: '2026-09-01T02:00:00.000Z', result: 'failed', method: 'face', channel: 'weapp', performed_by: 'relative', performer_account_id: null, created_at: '2026-09-01T02:00:00.000Z' })
      .execute()
    const res = await h.post('/v1/records', { caller: callers.wang })
    expect(res.statusCode).toBe(200)
    const { records } = res.json()
    expect(records.map((r: { certifiedAt: string }) => r.certifiedAt)).toEqual(['2026-09-01T02:00:00.000Z', '2026-03-14T16:00:00.000Z'])
    expect(records[0]).toMatchObject({ result: 'failed', resultLabel: '未通过', method: 'face', methodLabel: '刷脸认证', channel: 'weapp', channelLabel: '微信小程序', performedBy: 'relative', performedByLabel: '亲属代办' })
    // made in September while March's pass still held: a retry, not the cycle's result
    expect(records[0].retryAfterPass).toBe(true)
    expect(records[1]).toMatchObject({ method: 'legacy', channel: 'import', performedBy: 'self', result: 'passed' })
    expect(records[1].retryAfterPass).toBeUndefined()

    // the status stays 已认证 with the pass as its result; the failed retry is told apart
    const status = (await h.post('/v1/status', { caller: callers.wang })).json()
    expect(status).toMatchObject({ status: 'certified', lastResult: { result: 'passed', certifiedAt: '2026-03-14T16:00:00.000Z' }, laterRetry: { result: 'failed', resultLabel: '未通过', certifiedAt: '2026-09-01T02:00:00.000Z' } })

    const paged = await h.post('/v1/records', { caller: callers.wang, limit: 1, before: '2026-09-01T02:00:00.000Z' })
    expect(paged.json().records).toHaveLength(1)
    expect(paged.json().records[0].certifiedAt).toBe('2026-03-14T16:00:00.000Z')

    await h.app.services.readAudit?.flush()
    const audits = await db.selectFrom('read_audit_log').selectAll().where('action', '=', 'records.list').where('subject_person_id', '=', person.person_id).execute()
    expect(audits.length).toBe(2)
  })

  it('a failure once the cycle is due is the real result, not a retry', async () => {
    const db = h.test.store.db
    const person = await db.selectFrom('bindings').select('person_id').where('account_id', 'in', db.selectFrom('accounts').select('id').where('openid', '=', callers.li.openid)).executeTakeFirstOrThrow()
    await db
      .insertInto('certification_records')
      .values({ id: 'rec-due-fail-' + dialect, person_id: person.person_id, certified_at: '2026-11-20T02:00:00.000Z', result: 'failed', method: 'face', channel: 'weapp', performed_by: 'self', performer_account_id: null, created_at: '2026-11-20T02:00:00.000Z' })
      .execute()
    const { records } = (await h.post('/v1/records', { caller: callers.li })).json()
    expect(records[0]).toMatchObject({ result: 'failed' })
    expect(records[0].retryAfterPass).toBeUndefined()
    const status = (await h.post('/v1/status', { caller: callers.li })).json()
    expect(status).toMatchObject({ status: 'due', lastResult: { result: 'failed' } })
    expect(status.laterRetry).toBeUndefined()
  })

  it('refuses records for an unbound caller (NOT_BOUND) and a bad limit (field limit)', async () => {
    const unbound = await h.post('/v1/records', { caller: newCaller() })
    expect(unbound.statusCode).toBe(409)
    expect(unbound.json().error.code).toBe('NOT_BOUND')
    const bad = await h.post('/v1/records', { caller: callers.li, limit: 1000 })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'limit' })
  })
})

describe('status under other cycle policies', () => {
  it('calendarYear: 王秀英 (passed March 2026) is due by December 2027', async () => {
    const h = await startHarness('sqlite', { config: { cyclePolicy: 'calendarYear' } })
    try {
      const caller = newCaller()
      await h.post('/v1/bindings/manual', { caller, ...DEMO.wang })
      expect((await h.post('/v1/status', { caller })).json()).toMatchObject({ status: 'certified', nextDueMonthLabel: '2027年12月' })
    } finally {
      await h.close()
    }
  })
})
