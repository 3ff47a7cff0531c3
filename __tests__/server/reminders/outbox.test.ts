/**
 * The reminder outbox end to end through the signed routes, on SQLite and PostgreSQL: sweep (twice →
 * nothing new), claim → attempt → ack with every outcome, stale and late rows, leases, credits, the
 * send window, clock edges, relatives as recipients, and the local inbox.
 */
import { checkTemplateData } from '../../../src/core/reminders/fields'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { DEMO } from '../helpers/demo'
import { newCaller, startHarness, type Harness } from '../helpers/harness'

const at = (iso: string) => new Date(iso)

describe.each(DIALECTS)('reminders on %s', (dialect) => {
  let h: Harness
  const li = newCaller('li')
  const wang = newCaller('wang')
  beforeAll(async () => {
    h = await startHarness(dialect)
    for (const [caller, who] of [[li, DEMO.li], [wang, DEMO.wang]] as const) {
      const res = await h.post('/v1/bindings/manual', { caller, ...who })
      if (res.statusCode !== 200) throw new Error(res.body)
    }
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  const post = async (path: string, body: unknown) => {
    const res = await h.post(path, body)
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const db = () => h.test.store.db
  const outbox = () => db().selectFrom('reminder_outbox').selectAll().orderBy('created_at').orderBy('id').execute()
  const credits = async (caller: { openid: string }, template = 'certDue') => {
    const subs = (await post('/v1/reminders/subscriptions', { caller })).subscriptions as { kind: string; credits: number }[]
    return subs.find((s) => s.kind === template)!.credits
  }

  it('records subscription credits: one per accept, refusals add nothing', async () => {
    const view = await post('/v1/reminders/subscriptions', {
      caller: li,
      templates: [
        { kind: 'certDue', accepted: true },
        { kind: 'certificationResult', accepted: true },
        { kind: 'relativeCertified', accepted: false },
      ],
    })
    expect(view.subscriptions).toEqual([
      { kind: 'certDue', title: '认证到期提醒', credits: 1, longTerm: false },
      { kind: 'certificationResult', title: '认证结果通知', credits: 1, longTerm: false },
      { kind: 'relativeCertified', title: '家人认证完成通知', credits: 0, longTerm: false },
    ])
    await post('/v1/reminders/subscriptions', { caller: li, templates: [{ kind: 'certDue', accepted: true }] })
    expect(await credits(li)).toBe(2)
    const bad = await h.post('/v1/reminders/subscriptions', { caller: li, templates: [{ kind: 'nope', accepted: true }] })
    expect(bad.statusCode).toBe(400)
  })

  it('sweeps 李建国 (due 2026年11月, deadline 11-30, 3 days left → due_7); a second sweep adds nothing', async () => {
    h.now = at('2026-11-27T09:00:00+08:00')
    const first = await post('/v1/reminders/sweep', {})
    expect(first).toMatchObject({ day: '2026-11-27', skipped: false, inserted: 1, byKind: { due_7: 1 } })
    expect(await post('/v1/reminders/sweep', {})).toMatchObject({ skipped: true, inserted: 0 })
    expect(await post('/v1/reminders/sweep', { force: true })).toMatchObject({ skipped: false, inserted: 0 })
    const rows = await outbox()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ cycle: '2026-11', kind: 'due_7', status: 'pending', relation: 'self', template: 'certDue' })
  })

  it('claims only inside 09:00–20:00 Beijing time', async () => {
    h.now = at('2026-11-27T20:00:00+08:00')
    expect(await post('/v1/reminders/claim', {})).toMatchObject({ outsideWindow: true, messages: [] })
    h.now = at('2026-11-27T08:59:59+08:00')
    expect(await post('/v1/reminders/claim', {})).toMatchObject({ outsideWindow: true, messages: [] })
  })

  it('claim → attempt → ack sent: masked name, valid fields, one credit used; the key is never handed out again', async () => {
    h.now = at('2026-11-27T10:00:00+08:00')
    const claim = await post('/v1/reminders/claim', { batchSize: 10, leaseMs: 60_000 })
    expect(claim.messages).toHaveLength(1)
    const m = claim.messages[0]
    expect(m).toMatchObject({ kind: 'due_7', touser: li.openid, templateId: 'local-cert-due', page: 'pages/index/index', miniprogramState: 'developer', lang: 'zh_CN' })
    expect(m.data).toEqual({
      name1: { value: '李某国' },
      date2: { value: '2026年11月30日' },
      phrase3: { value: '即将到期' },
      thing4: { value: '请于11月30日前完成刷脸认证' },
      character_string5: { value: '2026-11' },
    })
    expect(checkTemplateData(m.data)).toEqual([])
    expect(JSON.stringify(claim)).not.toContain('李建国')
    expect(await credits(li)).toBe(1) // reserved at claim
    expect(await post('/v1/reminders/attempt', { claimToken: claim.claimToken, ids: [m.id] })).toEqual({ attempted: [m.id], refused: [] })
    // attempting twice: refused (already attempted) — never sent twice
    expect(await post('/v1/reminders/attempt', { claimToken: claim.claimToken, ids: [m.id] })).toEqual({ attempted: [], refused: [m.id] })
    const acked = await post('/v1/reminders/ack', { claimToken: claim.claimToken, results: [{ id: m.id, errcode: 0, errmsg: 'ok' }] })
    expect(acked.counts.sent).toBe(1)
    expect(await post('/v1/reminders/ack', { claimToken: claim.claimToken, results: [{ id: m.id, errcode: 0 }] })).toMatchObject({ ignored: [m.id] })
    expect((await outbox())[0]).toMatchObject({ status: 'sent', attempts: 1, credit_held: 0 })
    expect(await credits(li)).toBe(1)
    await post('/v1/reminders/sweep', { force: true })
    expect((await post('/v1/reminders/claim', {})).messages).toHaveLength(0)
  })

  it('a pass after queueing → skipped_stale at claim (and the reserved credit comes back)', async () => {
    // 王秀英: passed 2026-03-15 → due 2027年3月 (deadline 03-31): due_30 from 2027-03-01.
    await post('/v1/reminders/subscriptions', { caller: wang, templates: [{ kind: 'certDue', accepted: true }] })
    h.now = at('2027-03-01T09:30:00+08:00')
    expect(await post('/v1/reminders/sweep', {})).toMatchObject({ inserted: 1, byKind: { due_30: 1 } })
    const person = await db().selectFrom('bindings').select('person_id').where('account_id', 'in', db().selectFrom('accounts').select('id').where('openid', '=', wang.openid)).executeTakeFirstOrThrow()
    // What a pass does (services/certification.ts): a passed record and last_certified_on moves.
    await db().insertInto('certification_records').values({ id: `pass-${dialect}`, person_id: person.person_id, certified_at: '2027-03-01T01:00:00.000Z', result: 'passed', method: 'face', channel: 'weapp', performed_by: 'self', performer_account_id: null, created_at: '2027-03-01T01:00:00.000Z' }).execute()
    await db().updateTable('persons').set({ last_certified_on: '2027-03-01' }).where('id', '=', person.person_id).execute()
    const claim = await post('/v1/reminders/claim', {})
    expect(claim.messages.filter((m: { kind: string }) => m.kind === 'due_30')).toHaveLength(0)
    expect(claim.skipped.stale).toBe(1)
    const row = (await outbox()).find((r) => r.person_id === person.person_id && r.kind === 'due_30')
    expect(row?.status).toBe('skipped_stale')
    expect(await credits(wang)).toBe(1)
  })

  it('43101 clears the credit; 47003 is logged loudly with the field; -1 retries with backoff; -3 is never retried', async () => {
    // four due rows for 李建国 in later cycles, queued by hand to drive each outcome.
    const person = await db().selectFrom('bindings').select(['person_id', 'account_id']).where('account_id', 'in', db().selectFrom('accounts').select('id').where('openid', '=', li.openid)).executeTakeFirstOrThrow()
    await db().updateTable('persons').set({ last_certified_on: '2026-11-20' }).where('id', '=', person.person_id).execute() // → due 2027-11
    await post('/v1/reminders/subscriptions', { caller: li, templates: [{ kind: 'certDue', accepted: true }, { kind: 'certDue', accepted: true }, { kind: 'certDue', accepted: true }] })
    h.now = at('2027-11-01T10:00:00+08:00')
    const now = h.now.toISOString()
    for (const kind of ['due_30', 'due_31', 'due_32', 'due_33']) {
      await db().insertInto('reminder_outbox').values({ id: `o-${kind}-${dialect}`, person_id: person.person_id, cycle: '2027-11', kind, recipient_account_id: person.account_id, template: 'certDue', relation: 'self', status: 'pending', attempts: 0, next_attempt_at: now, credit_held: 0, created_at: now, updated_at: now }).execute()
    }
    const claim = await post('/v1/reminders/claim', { batchSize: 10 })
    expect(claim.messages).toHaveLength(4)
    const ids = claim.messages.map((m: { id: string }) => m.id)
    await post('/v1/reminders/attempt', { claimToken: claim.claimToken, ids })
    const acked = await post('/v1/reminders/ack', {
      claimToken: claim.claimToken,
      results: [
        { id: ids[0], errcode: 47003, errmsg: 'argument invalid! data.thing4.value is emtpy' },
        { id: ids[1], errcode: -1, errmsg: 'system error' },
        { id: ids[2], errcode: -3, errmsg: 'ETIMEDOUT' },
        { id: ids[3], errcode: 43101, errmsg: 'user refuse to accept the msg' },
      ],
    })
    expect(acked.counts).toMatchObject({ invalid: 1, retry: 1, unknown: 1, refused: 1 })
    const rows = new Map((await outbox()).map((r) => [r.id, r]))
    expect(rows.get(ids[0])?.status).toBe('invalid')
    expect(h.logs()).toMatch(/47003.*thing4|thing4.*47003/)
    const retry = rows.get(ids[1])!
    expect(retry).toMatchObject({ status: 'pending', attempts: 1, attempted_at: null, credit_held: 1 })
    expect(retry.next_attempt_at).toBe(new Date(h.now.getTime() + 60_000).toISOString())
    expect(rows.get(ids[2])?.status).toBe('unknown')
    expect(rows.get(ids[3])?.status).toBe('refused')
    expect(await credits(li)).toBe(0) // 43101 cleared everything
    // The retry is not ready before its backoff; afterwards it is sent again (credit still held).
    expect((await post('/v1/reminders/claim', {})).messages).toHaveLength(0)
    h.now = at('2027-11-01T10:01:01+08:00')
    const again = await post('/v1/reminders/claim', {})
    expect(again.messages.map((m: { id: string }) => m.id)).toEqual([ids[1]])
    await post('/v1/reminders/attempt', { claimToken: again.claimToken, ids: [ids[1]] })
    await post('/v1/reminders/ack', { claimToken: again.claimToken, results: [{ id: ids[1], errcode: 0 }] })
    expect((await outbox()).find((r) => r.id === ids[1])).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('leases: an unattempted claim is re-claimed after its lease; an attempted, unacked one never is (reported)', async () => {
    const person = await db().selectFrom('bindings').select(['person_id', 'account_id']).where('account_id', 'in', db().selectFrom('accounts').select('id').where('openid', '=', wang.openid)).executeTakeFirstOrThrow()
    await post('/v1/reminders/subscriptions', { caller: wang, templates: [{ kind: 'certDue', accepted: true }, { kind: 'certDue', accepted: true }] })
    h.now = at('2028-02-01T10:00:00+08:00') // 王秀英 passed 2027-03-01 → due 2028-03; due_30 from 03-01. Insert by hand:
    const now = h.now.toISOString()
    for (const kind of ['due_61', 'due_62']) {
      await db().insertInto('reminder_outbox').values({ id: `l-${kind}-${dialect}`, person_id: person.person_id, cycle: '2028-03', kind, recipient_account_id: person.account_id, template: 'certDue', relation: 'self', status: 'pending', attempts: 0, next_attempt_at: now, credit_held: 0, created_at: now, updated_at: now }).execute()
    }
    const c1 = await post('/v1/reminders/claim', { leaseMs: 5000 })
    expect(c1.messages).toHaveLength(2)
    await post('/v1/reminders/attempt', { claimToken: c1.claimToken, ids: [c1.messages[0].id] }) // then "crash"
    h.now = at('2028-02-01T10:00:06+08:00')
    const c2 = await post('/v1/reminders/claim', { leaseMs: 5000 })
    expect(c2.messages.map((m: { id: string }) => m.id)).toEqual([c1.messages[1].id])
    // The old token can no longer attempt the re-claimed row.
    expect(await post('/v1/reminders/attempt', { claimToken: c1.claimToken, ids: [c1.messages[1].id] })).toEqual({ attempted: [], refused: [c1.messages[1].id] })
    const stats = await post('/v1/reminders/stats', {})
    expect(stats.attemptedUnacked).toBe(1)
    expect(await credits(wang)).toBe(1) // 1 (refunded earlier) + 2 accepted − 2 reserved by the two rows
  })

  it('relatives who subscribed are reminded about their linked parent too', async () => {
    const family = newCaller('fam')
    const person = await db().selectFrom('persons').select('id').where('person_no', '=', 'DEMO0004').executeTakeFirstOrThrow() // 刘德福, due in the month loaded (2026-11)
    const acc = await post('/v1/reminders/subscriptions', { caller: family, templates: [{ kind: 'certDue', accepted: true }] })
    expect(acc.subscriptions[0].credits).toBe(1)
    const account = await db().selectFrom('accounts').select('id').where('openid', '=', family.openid).executeTakeFirstOrThrow()
    await db().insertInto('relatives').values({ id: `rel-${dialect}`, account_id: account.id, person_id: person.id, relation: 'father', created_at: '2026-11-27T00:00:00.000Z', removed_at: null }).execute()
    h.now = at('2026-11-29T09:00:00+08:00') // 1 day left → due_1
    const sweep = await post('/v1/reminders/sweep', {})
    expect(sweep.byKind.due_1).toBeGreaterThanOrEqual(1)
    const row = (await outbox()).find((r) => r.person_id === person.id)
    expect(row).toMatchObject({ relation: 'relative', kind: 'due_1', cycle: '2026-11' })
    const claim = await post('/v1/reminders/claim', { batchSize: 50 })
    const m = claim.messages.find((x: { touser: string }) => x.touser === family.openid)
    expect(m.data.name1.value).toBe('刘某福')
    expect(m.data.phrase3.value).toBe('明日到期')
  })

  it('midnight in UTC+8: a sweep at 23:59:59 is for today, at 00:00 for tomorrow', async () => {
    h.now = at('2027-03-30T23:59:59+08:00')
    expect((await post('/v1/reminders/sweep', {})).day).toBe('2027-03-30')
    h.now = at('2027-03-31T00:00:00+08:00')
    expect((await post('/v1/reminders/sweep', {})).day).toBe('2027-03-31')
  })

  it('local inbox: the same field rules (47003 names the field), stored messages listed; refused in production', async () => {
    const bad = await post('/v1/reminders/local/deliver', { touser: li.openid, templateId: 'local-cert-due', page: 'pages/index/index', data: { thing4: { value: '超'.repeat(21) } } })
    expect(bad).toEqual({ errcode: 47003, errmsg: expect.stringContaining('data.thing4.value') })
    expect(await post('/v1/reminders/local/deliver', { touser: li.openid, templateId: 'nope', data: { thing4: { value: 'x' } } })).toMatchObject({ errcode: 40037 })
    const good = await post('/v1/reminders/local/deliver', { touser: li.openid, templateId: 'local-cert-due', page: 'pages/index/index', data: { phrase3: { value: '即将到期' } } })
    expect(good).toEqual({ errcode: 0, errmsg: 'ok' })
    const inbox = await post('/v1/reminders/inbox', { caller: li, onlyMine: true })
    expect(inbox.messages[0]).toMatchObject({ touser: li.openid, mine: true, template: 'certDue', title: '认证到期提醒', data: { phrase3: { value: '即将到期' } } })
  })
})

describe('production', () => {
  it('refuses the local inbox and the local adapter', async () => {
    const h = await startHarness('sqlite', { config: { nodeEnv: 'production' } })
    try {
      const caller = newCaller()
      expect((await h.post('/v1/reminders/inbox', { caller })).statusCode).toBe(403)
      expect((await h.post('/v1/reminders/local/deliver', { touser: caller.openid, templateId: 'x', data: {} })).statusCode).toBe(403)
      expect((await h.post('/v1/reminders/local/demo-recipient', {})).statusCode).toBe(403)
    } finally {
      await h.close()
    }
  })
})
