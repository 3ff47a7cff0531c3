/**
 * 家人 (relatives) and 代他人认证 on both stores: add / list / remove, the roster checks, the limits
 * (8 relatives, 5 failed checks in 10 minutes, 10 adds a day) with nothing stored when refused, a
 * relative's certification on the helper's phone, and every endpoint called by the wrong account.
 */
import { MAX_RELATIVES } from '../../../src/core/contracts/family'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { DEMO, NOT_ON_ROSTER_ID } from '../helpers/demo'
import { DEFAULT_NOW, newCaller, type Harness } from '../helpers/harness'
import { addBody, addRosterPersons, auditOf, certify, DEMO_SECRETS, familyHarness, personIdOf } from './relatives-support'
import { SUMMARY_FIELDS, SUMMARY_VERSION } from '../../../src/core/liveness/summary'

jest.setTimeout(60_000)

describe.each(DIALECTS)('relatives on %s', (dialect) => {
  let h: Harness
  beforeAll(async () => {
    h = (await familyHarness(dialect)).h
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())
  beforeEach(() => {
    h.now = new Date(DEFAULT_NOW)
  })

  const relativesOf = async (caller: { openid: string }) =>
    h.test.store.db
      .selectFrom('relatives')
      .selectAll()
      .where('account_id', 'in', h.test.store.db.selectFrom('accounts').select('id').where('openid', '=', caller.openid))
      .execute()

  it('adds a relative by name + ID + relation and answers only the masked summary', async () => {
    const child = newCaller()
    const res = await h.post('/v1/relatives/add', addBody(child, 'wang', 'mother'))
    expect(res.statusCode).toBe(200)
    const view = res.json()
    expect(view).toEqual({
      relativeId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      maskedName: '王*英',
      relation: 'mother',
      relationLabel: '母亲',
      status: 'certified',
      statusLabel: '已认证',
      nextDueDate: '2027-03-01',
      nextDueMonthLabel: '2027年3月',
      nextDueDeadlineLabel: '2027年3月31日',
      lastResult: expect.objectContaining({ result: 'passed' }),
      addedAt: DEFAULT_NOW.toISOString(),
    })
    for (const secret of DEMO_SECRETS) expect(res.body).not.toContain(secret)
    expect(view.relativeId).not.toBe(await personIdOf(h, 'wang')) // opaque: not the person id
    const rows = await relativesOf(child)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ id: view.relativeId, relation: 'mother', removed_at: null, person_id: await personIdOf(h, 'wang') })
    expect((await auditOf(h, 'relative.added')).at(-1)).toMatchObject({ subject_person_id: await personIdOf(h, 'wang'), detail: { relation: 'mother', relativeId: view.relativeId } })

    // adding the same person again: the same entry (idempotent), nothing new stored
    const again = await h.post('/v1/relatives/add', addBody(child, 'wang', 'mother'))
    expect(again.json().relativeId).toBe(view.relativeId)
    expect(await relativesOf(child)).toHaveLength(1)

    const list = await h.post('/v1/relatives/list', { caller: child })
    expect(list.statusCode).toBe(200)
    expect(list.json()).toEqual({ relatives: [view], max: MAX_RELATIVES })
  })

  it('shows each relative’s status: due, overdue and suspended', async () => {
    const child = newCaller()
    await h.post('/v1/relatives/add', addBody(child, 'li', 'father'))
    await h.post('/v1/relatives/add', addBody(child, 'zhang', 'other'))
    const { relatives } = (await h.post('/v1/relatives/list', { caller: child })).json()
    relatives.sort((a: { relationLabel: string }, b: { relationLabel: string }) => (a.relationLabel === '父亲' ? -1 : b.relationLabel === '父亲' ? 1 : 0))
    expect(relatives.map((r: { maskedName: string; statusLabel: string; nextDueMonthLabel: string; relationLabel: string }) => [r.maskedName, r.relationLabel, r.statusLabel, r.nextDueMonthLabel])).toEqual([
      ['李*国', '父亲', '待认证', '2026年11月'],
      ['张*兰', '其他亲属', '已逾期，暂停发放', '2026年8月'],
    ])
  })

  it('refuses a person not on the roster (PERSON_NOT_FOUND) and a wrong name (DETAILS_MISMATCH, no field); nothing stored', async () => {
    const child = newCaller()
    const missing = await h.post('/v1/relatives/add', { caller: child, name: '王秀英', idNumber: NOT_ON_ROSTER_ID, relation: 'mother' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().error).toEqual({ code: 'PERSON_NOT_FOUND', message: expect.any(String) })
    const wrong = await h.post('/v1/relatives/add', { caller: child, name: '王秀兰', idNumber: DEMO.wang.idNumber, relation: 'mother' })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().error).toEqual({ code: 'DETAILS_MISMATCH', message: '填写的信息与参保登记信息不一致，请核对后重试' })
    expect(await relativesOf(child)).toHaveLength(0)
    for (const r of [missing, wrong]) for (const secret of DEMO_SECRETS) expect(r.body).not.toContain(secret)
  })

  it('names format errors by field: ID checksum, name, relation', async () => {
    const child = newCaller()
    const badId = await h.post('/v1/relatives/add', { ...addBody(child, 'wang'), idNumber: '110101195203140128' })
    expect(badId.json().error).toMatchObject({ code: 'ID_CHECKSUM', field: 'idNumber' })
    const badName = await h.post('/v1/relatives/add', { ...addBody(child, 'wang'), name: 'Wang' })
    expect(badName.json().error).toMatchObject({ code: 'NAME_INVALID', field: 'name' })
    const badRelation = await h.post('/v1/relatives/add', { ...addBody(child, 'wang'), relation: 'son' })
    expect(badRelation.statusCode).toBe(400)
    expect(badRelation.json().error).toMatchObject({ code: 'RELATION_INVALID', field: 'relation' })
    expect(await relativesOf(child)).toHaveLength(0)
  })

  it('refuses the caller’s own bound person (RELATIVE_IS_SELF)', async () => {
    const me = newCaller()
    expect((await h.post('/v1/bindings/manual', { caller: me, ...DEMO.chen })).statusCode).toBe(200)
    const res = await h.post('/v1/relatives/add', addBody(me, 'chen', 'spouse'))
    expect(res.statusCode).toBe(409)
    expect(res.json().error.code).toBe('RELATIVE_IS_SELF')
    expect(await relativesOf(me)).toHaveLength(0)
  })

  it('allows 8 relatives; the 9th → RELATIVES_LIMIT and nothing stored', async () => {
    const child = newCaller()
    const extra = await addRosterPersons(h, 9)
    for (const p of extra.slice(0, 8)) {
      const r = await h.post('/v1/relatives/add', { caller: child, name: p.name, idNumber: p.idNumber, relation: 'other' })
      expect(r.statusCode).toBe(200)
    }
    const ninth = await h.post('/v1/relatives/add', { caller: child, name: extra[8].name, idNumber: extra[8].idNumber, relation: 'other' })
    expect(ninth.statusCode).toBe(409)
    expect(ninth.json().error).toEqual({ code: 'RELATIVES_LIMIT', message: '最多可以添加 8 位家人。如需添加新的家人，请先在家人列表中移除一位' })
    expect(await relativesOf(child)).toHaveLength(8)
    expect((await h.post('/v1/relatives/list', { caller: child })).json().relatives).toHaveLength(8)
    // after removing one, there is room again
    const first = (await relativesOf(child))[0]
    expect((await h.post('/v1/relatives/remove', { caller: child, relativeId: first.id })).statusCode).toBe(200)
    expect((await h.post('/v1/relatives/add', { caller: child, name: extra[8].name, idNumber: extra[8].idNumber, relation: 'other' })).statusCode).toBe(200)
  })

  it('rate-limits failed checks: after 5 failures in 10 minutes even a correct add → RATE_LIMITED, nothing stored; later it works', async () => {
    const child = newCaller()
    for (let i = 0; i < 5; i++) {
      const r = await h.post('/v1/relatives/add', { caller: child, name: '王秀兰', idNumber: DEMO.wang.idNumber, relation: 'mother' })
      expect(r.json().error.code).toBe('DETAILS_MISMATCH')
    }
    const limited = await h.post('/v1/relatives/add', addBody(child, 'wang', 'mother'))
    expect(limited.statusCode).toBe(429)
    expect(limited.json().error.code).toBe('RATE_LIMITED')
    expect(await relativesOf(child)).toHaveLength(0)
    h.now = new Date(DEFAULT_NOW.getTime() + 10 * 60_000 + 1000)
    expect((await h.post('/v1/relatives/add', addBody(child, 'wang', 'mother'))).statusCode).toBe(200)
  })

  it('rate-limits adding: the 11th add within 24 hours → RATE_LIMITED, nothing stored', async () => {
    const child = newCaller()
    const extra = await addRosterPersons(h, 11)
    for (let i = 0; i < 10; i++) {
      const r = await h.post('/v1/relatives/add', { caller: child, name: extra[i].name, idNumber: extra[i].idNumber, relation: 'other' })
      expect(r.statusCode).toBe(200)
      if (i >= 6) await h.post('/v1/relatives/remove', { caller: child, relativeId: r.json().relativeId }) // stay under 8 active
    }
    const before = await h.count('relatives')
    const eleventh = await h.post('/v1/relatives/add', { caller: child, name: extra[10].name, idNumber: extra[10].idNumber, relation: 'other' })
    expect(eleventh.statusCode).toBe(429)
    expect(eleventh.json().error.code).toBe('RATE_LIMITED')
    expect(await h.count('relatives')).toBe(before)
    h.now = new Date(DEFAULT_NOW.getTime() + 24 * 3600_000 + 1000)
    expect((await h.post('/v1/relatives/add', { caller: child, name: extra[10].name, idNumber: extra[10].idNumber, relation: 'other' })).statusCode).toBe(200)
  })

  it('removes idempotently (audited both times); the removed relative leaves the list', async () => {
    const child = newCaller()
    const { relativeId } = (await h.post('/v1/relatives/add', addBody(child, 'liu', 'father'))).json()
    const r1 = await h.post('/v1/relatives/remove', { caller: child, relativeId })
    const r2 = await h.post('/v1/relatives/remove', { caller: child, relativeId })
    expect([r1.statusCode, r2.statusCode]).toEqual([200, 200])
    expect(r1.json()).toEqual({ removed: true })
    expect((await h.post('/v1/relatives/list', { caller: child })).json().relatives).toEqual([])
    expect((await auditOf(h, 'relative.removed')).filter((a) => a.detail.relativeId === relativeId)).toHaveLength(1)
    expect((await auditOf(h, 'relative.remove_noop')).filter((a) => a.detail.relativeId === relativeId)).toHaveLength(1)
  })

  describe('代他人认证 on the helper’s phone', () => {
    it('starts a session for the linked relative (performer relative + relation), records and audits who did it', async () => {
      const child = newCaller()
      const { relativeId } = (await h.post('/v1/relatives/add', addBody(child, 'li', 'father'))).json()
      const { session, result, status } = await certify(h, child, { relativeId })
      expect(status).toBe(200)
      // the result names the parent and points the helper to the parent's records, not their own
      expect(result).toMatchObject({ result: 'passed', maskedName: '李*国', recordsOf: 'relative', relativeId })
      const liId = await personIdOf(h, 'li')
      const row = await h.test.store.db.selectFrom('certification_sessions').selectAll().where('id', '=', session.sessionId).executeTakeFirstOrThrow()
      expect(row).toMatchObject({ performer: 'relative', relation: 'father', relative_id: relativeId, person_id: liId, via: null })
      const rec = await h.test.store.db.selectFrom('certification_records').selectAll().where('id', '=', String(result.recordId)).executeTakeFirstOrThrow()
      expect(rec).toMatchObject({ person_id: liId, performed_by: 'relative', performer_relation: 'father', method: 'face', channel: 'h5' })
      expect((await auditOf(h, 'certification.started')).find((a) => a.detail.sessionId === session.sessionId)).toMatchObject({ detail: { performer: 'relative', relation: 'father', relativeId } })
      expect((await auditOf(h, 'certification.completed')).find((a) => a.detail.sessionId === session.sessionId)).toMatchObject({ detail: { performer: 'relative', relation: 'father', result: 'passed' } })
      // the helper's list shows 已认证 at once
      const listed = (await h.post('/v1/relatives/list', { caller: child })).json().relatives[0]
      expect(listed).toMatchObject({ relativeId, status: 'certified', statusLabel: '已认证', nextDueMonthLabel: '2027年11月', nextDueDeadlineLabel: '2027年11月30日' })
    })

    it('the helper finds the parent’s new record under that parent’s 认证记录 (audited as done for the parent), not under their own', async () => {
      const child = newCaller()
      const { relativeId } = (await h.post('/v1/relatives/add', addBody(child, 'liu', 'father'))).json()
      const { status } = await certify(h, child, { relativeId })
      expect(status).toBe(200)
      const liId = await personIdOf(h, 'liu')
      const saved = await h.test.store.db.selectFrom('certification_records').select('id').where('person_id', '=', liId).orderBy('certified_at', 'desc').executeTakeFirstOrThrow()
      // the helper is not bound: their own records are NOT_BOUND, the parent's hold the new record
      expect((await h.post('/v1/records', { caller: child, limit: 20 })).json().error.code).toBe('NOT_BOUND')
      const res = await h.post('/v1/records', { caller: child, limit: 20, relativeId })
      expect(res.statusCode).toBe(200)
      const view = res.json()
      expect(view.relative).toEqual({ relativeId, maskedName: '刘*福', relationLabel: '父亲' })
      expect(view.records[0]).toMatchObject({ id: saved.id, result: 'passed', performedBy: 'relative', performedByLabel: '亲属代办' })
      for (const secret of DEMO_SECRETS) expect(res.body).not.toContain(secret)
      expect((await auditOf(h, 'relative.records_list', 'read_audit_log')).at(-1)).toMatchObject({ subject_person_id: liId, detail: { relativeId, relation: 'father', count: view.records.length } })
      // once the link is removed, the records are closed to this account too
      await h.post('/v1/relatives/remove', { caller: child, relativeId })
      const after = await h.post('/v1/records', { caller: child, limit: 20, relativeId })
      expect(after.statusCode).toBe(404)
      expect(after.json().error.code).toBe('RELATIVE_NOT_FOUND')
    })

    it('needs no 本人 binding of the helper', async () => {
      const child = newCaller()
      const { relativeId } = (await h.post('/v1/relatives/add', addBody(child, 'sun', 'mother'))).json()
      expect((await h.post('/v1/certifications/start', { caller: child, channel: 'h5', relativeId })).statusCode).toBe(200)
    })

    it('a removed link cannot complete a session started before', async () => {
      const child = newCaller()
      const { relativeId } = (await h.post('/v1/relatives/add', addBody(child, 'zhao', 'father'))).json()
      const session = (await h.post('/v1/certifications/start', { caller: child, channel: 'h5', relativeId })).json()
      await h.post('/v1/relatives/remove', { caller: child, relativeId })
      const done = await h.post('/v1/certifications/complete', { caller: child, sessionId: session.sessionId, nonce: session.nonce, verdict: { passed: true }, summary: { v: SUMMARY_VERSION, layout: 'mediapipe-478', n: 1, data: new Array(SUMMARY_FIELDS.length).fill(0) } })
      expect(done.statusCode).toBe(404)
      expect(done.json().error.code).toBe('RELATIVE_NOT_FOUND')
    })
  })

  describe('the wrong account is refused everywhere, without revealing anything', () => {
    let owner: ReturnType<typeof newCaller>
    let stranger: ReturnType<typeof newCaller>
    let relativeId: string
    beforeAll(async () => {
      owner = newCaller()
      stranger = newCaller()
      relativeId = (await h.post('/v1/relatives/add', addBody(owner, 'chen', 'mother'))).json().relativeId
    })

    const unknownId = '6f1c7a52-6a0b-4c55-9d1e-3f5a9b0c1d2e'
    it.each([
      ['/v1/relatives/remove', (id: string) => ({ relativeId: id })],
      ['/v1/shares/create', (id: string) => ({ relativeId: id })],
      ['/v1/shares/revoke', (id: string) => ({ relativeId: id })],
      ['/v1/certifications/start', (id: string) => ({ channel: 'h5', relativeId: id })],
      ['/v1/records', (id: string) => ({ limit: 20, relativeId: id })],
    ])('%s with another account’s relativeId → the same RELATIVE_NOT_FOUND as an unknown id', async (route, body) => {
      const theirs = await h.post(route, { caller: stranger, ...body(relativeId) })
      const unknown = await h.post(route, { caller: stranger, ...body(unknownId) })
      const malformed = await h.post(route, { caller: stranger, ...body('not-a-uuid') })
      for (const r of [theirs, unknown]) {
        expect(r.statusCode).toBe(404)
        expect(r.json()).toEqual({ error: { code: 'RELATIVE_NOT_FOUND', message: '没有找到这位家人，请回到家人列表重新选择' } })
      }
      // a malformed id: the same code and message (the certification route also names the field)
      expect(malformed.statusCode).toBe(404)
      expect(malformed.json().error).toMatchObject({ code: 'RELATIVE_NOT_FOUND', message: '没有找到这位家人，请回到家人列表重新选择' })
      expect((await relativesOf(owner))[0]).toMatchObject({ id: relativeId, removed_at: null })
    })

    it('another account’s list never shows it', async () => {
      expect((await h.post('/v1/relatives/list', { caller: stranger })).json().relatives).toEqual([])
    })

    it('a person id (instead of a relativeId) as subjectPersonId → RELATIVE_NOT_FOUND', async () => {
      await h.post('/v1/bindings/manual', { caller: stranger, ...DEMO.sun })
      const res = await h.post('/v1/certifications/start', { caller: stranger, channel: 'h5', subjectPersonId: await personIdOf(h, 'chen') })
      expect(res.statusCode).toBe(404)
      expect(res.json().error.code).toBe('RELATIVE_NOT_FOUND')
    })
  })

  it('audit entries carry no names or ID numbers', async () => {
    const rows = await h.test.store.db.selectFrom('audit_log').select(['action', 'detail']).where('action', 'like', 'relative%').execute()
    expect(rows.length).toBeGreaterThan(0)
    const text = JSON.stringify(rows)
    for (const secret of DEMO_SECRETS) expect(text).not.toContain(secret)
    expect(h.logs()).not.toContain(DEMO.wang.idNumber)
  })
})
