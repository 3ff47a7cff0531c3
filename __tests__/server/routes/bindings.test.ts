import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { DEMO, NOT_ON_ROSTER_ID } from '../helpers/demo'
import { newCaller, startHarness, type Harness } from '../helpers/harness'

describe.each(DIALECTS)('bindings on %s', (dialect) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(dialect)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  const bind = (caller: object, person: object) => h.post('/v1/bindings/manual', { caller, ...person })
  const audit = (action: string) =>
    h.test.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('at').execute()

  it('binds a roster person by name + ID + card + 险种, masked in the answer, audited', async () => {
    const caller = newCaller()
    const res = await bind(caller, DEMO.wang)
    expect(res.statusCode).toBe(200)
    const view = res.json()
    expect(view).toMatchObject({
      bound: true,
      person: { maskedName: '王*英', maskedIdNumber: '110***********0127', insuranceType: 'enterprise', insuranceLabel: '企业职工基本养老保险' },
    })
    expect(res.body).not.toContain(DEMO.wang.idNumber)
    expect(res.body).not.toContain(DEMO.wang.name)
    const created = await audit('binding.created')
    expect(created.at(-1)).toMatchObject({ actor_type: 'account', detail: JSON.stringify({ method: 'manual', relation: 'self' }) })

    const login = await h.post('/v1/accounts/login', { caller })
    expect(login.json()).toMatchObject({ bound: true, person: { maskedName: '王*英' } })
  })

  it('accepts a lower-case x, spaces and the 险种 code, and is idempotent for the same account', async () => {
    const caller = newCaller()
    const first = await bind(caller, { ...DEMO.li, idNumber: ` ${DEMO.li.idNumber} ` })
    expect(first.statusCode).toBe(200)
    const bindingsBefore = await h.count('bindings')
    const again = await bind(caller, DEMO.li)
    expect(again.statusCode).toBe(200)
    expect(again.json().boundAt).toBe(first.json().boundAt)
    expect(await h.count('bindings')).toBe(bindingsBefore)
  })

  it.each([
    ['12345', 'ID_LENGTH'],
    ['11010119520314012A', 'ID_ILLEGAL_CHARS'],
    ['110101195213140127', 'ID_BIRTH_DATE'],
    ['110101195203140128', 'ID_CHECKSUM'],
    ['110101520314012', 'ID_LEGACY_15'],
  ])('names why an ID number %s is refused (%s), field idNumber', async (idNumber, code) => {
    const res = await bind(newCaller(), { ...DEMO.wang, idNumber })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code, field: 'idNumber' })
    expect(res.json().error.message).toEqual(expect.any(String))
  })

  it.each([
    [{ name: 'W' }, 'NAME_INVALID', 'name'],
    [{ cardNumber: '12' }, 'CARD_NUMBER_INVALID', 'cardNumber'],
    [{ insuranceType: 'gold' }, 'INSURANCE_TYPE_INVALID', 'insuranceType'],
  ])('refuses bad %j with %s on its field', async (patch, code, field) => {
    const res = await bind(newCaller(), { ...DEMO.wang, ...patch })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toEqual({ code, message: expect.any(String), field })
  })

  it('says PERSON_NOT_FOUND for a valid ID that is not on the roster', async () => {
    const res = await bind(newCaller(), { ...DEMO.wang, idNumber: NOT_ON_ROSTER_ID })
    expect(res.statusCode).toBe(404)
    expect(res.json().error).toEqual({ code: 'PERSON_NOT_FOUND', message: '未找到参保信息，请核对后重试或联系当地社保经办机构' })
  })

  it.each([
    ['name', { name: '王秀兰' }],
    ['cardNumber', { cardNumber: 'A00000009' }],
    ['insuranceType', { insuranceType: 'enterprise' }],
  ])('says DETAILS_MISMATCH when %s differs, without naming the field', async (_f, patch) => {
    const res = await bind(newCaller(), { ...DEMO.chen, ...patch })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toEqual({ code: 'DETAILS_MISMATCH', message: expect.any(String) })
  })

  it('matches the card number as the roster holds it, whatever the letter case typed', async () => {
    const caller = newCaller()
    const res = await bind(caller, { ...DEMO.chen, cardNumber: DEMO.chen.cardNumber.toLowerCase() })
    expect(res.statusCode).toBe(200)
    expect((await h.post('/v1/bindings/unbind', { caller })).statusCode).toBe(200) // chen is bound again below
  })

  it('refuses a person bound as 本人 elsewhere, pointing to the 家人认证 → 帮TA认证 buttons; nothing half-written', async () => {
    expect((await bind(newCaller(), DEMO.zhao)).statusCode).toBe(200)
    const counts = { bindings: await h.count('bindings'), accounts: await h.count('accounts') }
    const second = newCaller()
    const res = await bind(second, DEMO.zhao)
    expect(res.statusCode).toBe(409)
    expect(res.json().error.code).toBe('PERSON_BOUND_ELSEWHERE')
    expect(res.json().error.message).toContain('请回到首页点“家人认证”，再点“帮TA认证”')
    expect(await h.count('bindings')).toBe(counts.bindings)
    expect(await h.count('accounts')).toBe(counts.accounts + 1)
    expect((await audit('binding.refused')).length).toBeGreaterThan(0)
  })

  it('refuses an account already bound to another person', async () => {
    const caller = newCaller()
    expect((await bind(caller, DEMO.sun)).statusCode).toBe(200)
    const res = await bind(caller, DEMO.liu)
    expect(res.statusCode).toBe(409)
    expect(res.json().error.code).toBe('ACCOUNT_ALREADY_BOUND')
  })

  it('writes nothing but the audit entry after each refusal', async () => {
    const before = { bindings: await h.count('bindings'), persons: await h.count('persons'), records: await h.count('certification_records') }
    const caller = newCaller()
    await h.post('/v1/accounts/login', { caller })
    await bind(caller, { ...DEMO.wang, idNumber: '110101195203140128' })
    await bind(caller, { ...DEMO.wang, cardNumber: 'A00000099' })
    expect({ bindings: await h.count('bindings'), persons: await h.count('persons'), records: await h.count('certification_records') }).toEqual(before)
  })

  it('locks a caller out after 5 failed checks in 10 minutes (RATE_LIMITED), then lets them try again', async () => {
    const caller = newCaller()
    for (let i = 0; i < 5; i++) expect((await bind(caller, { ...DEMO.liu, cardNumber: `B0000000${i}` })).json().error.code).toBe('DETAILS_MISMATCH')
    const locked = await bind(caller, DEMO.liu)
    expect(locked.statusCode).toBe(429)
    expect(locked.json().error.code).toBe('RATE_LIMITED')
    const realNow = h.now
    h.now = new Date(realNow.getTime() + 11 * 60 * 1000)
    try {
      expect((await bind(caller, DEMO.liu)).statusCode).toBe(200)
    } finally {
      h.now = realNow
    }
    // another caller was never affected
    expect((await bind(newCaller(), { ...DEMO.liu, cardNumber: 'B00000009' })).json().error.code).toBe('DETAILS_MISMATCH')
  })

  it('unbinds idempotently and audits both calls', async () => {
    const caller = newCaller()
    const res = await bind(caller, DEMO.zhang)
    expect(res.statusCode).toBe(200)
    const removedBefore = (await audit('binding.removed')).length
    const noopBefore = (await audit('binding.unbind_noop')).length
    const u1 = await h.post('/v1/bindings/unbind', { caller })
    expect(u1.json()).toEqual({ unbound: true })
    const u2 = await h.post('/v1/bindings/unbind', { caller })
    expect(u2.json()).toEqual({ unbound: true })
    expect((await audit('binding.removed')).length).toBe(removedBefore + 1)
    expect((await audit('binding.unbind_noop')).length).toBe(noopBefore + 1)
    expect((await h.post('/v1/accounts/login', { caller })).json()).toEqual({ bound: false })
    // the person can now be bound by someone else
    expect((await bind(newCaller(), DEMO.zhang)).statusCode).toBe(200)
  })

  it('keeps at most one active self-binding per person even under concurrent attempts', async () => {
    const callers = [newCaller(), newCaller(), newCaller(), newCaller()]
    const results = await Promise.all(callers.map((c) => bind(c, DEMO.chen)))
    const codes = results.map((r) => (r.statusCode === 200 ? 'OK' : r.json().error.code)).sort()
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1)
    expect(codes.filter((c) => c !== 'OK').every((c) => c === 'PERSON_BOUND_ELSEWHERE')).toBe(true)
  })

  it('refuses a body whose caller is missing (UNAUTHENTICATED)', async () => {
    const res = await h.post('/v1/bindings/manual', { ...DEMO.wang })
    expect(res.statusCode).toBe(401)
    expect(res.json().error.code).toBe('UNAUTHENTICATED')
  })
})
