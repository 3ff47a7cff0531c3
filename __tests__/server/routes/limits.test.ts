/**
 * What the limits count, request by request, on both stores: failed identity checks only (a pass and
 * a malformed ID number give their units back), per account and per ID number across accounts; the
 * ID-number refusal is audited and stored without the number.
 */
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { DEFAULT_NOW, newCaller, type Harness } from '../helpers/harness'
import { addRosterPersons, auditOf, familyHarness } from './relatives-support'

jest.setTimeout(60_000)

describe.each(DIALECTS)('what the limits count on %s', (dialect) => {
  let h: Harness
  beforeAll(async () => {
    h = (await familyHarness(dialect)).h
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())
  beforeEach(() => {
    h.now = new Date(DEFAULT_NOW)
  })

  const code = async (res: Promise<{ statusCode: number; json(): { error?: { code: string } } }>) => {
    const r = await res
    return r.statusCode === 200 ? 'ok' : r.json().error?.code
  }
  const wrongCard = (caller: object, p: { name: string; idNumber: string }, i: number) =>
    code(h.post('/v1/bindings/manual', { caller, name: p.name, idNumber: p.idNumber, cardNumber: `X${String(i).padStart(8, '0')}`, insuranceType: 'enterprise' }))
  const authorize = (caller: object, name: string, idNumber: string) => code(h.post('/v1/ssc/local-authorize', { caller, name, idNumber }))

  it('an account: a passed check gives its unit back, so 5 failures are still allowed around it', async () => {
    const [p, q] = await addRosterPersons(h, 2)
    const caller = newCaller()
    for (let i = 0; i < 4; i++) expect(await wrongCard(caller, p, i)).toBe('DETAILS_MISMATCH')
    expect(await authorize(caller, q.name, q.idNumber)).toBe('ok')
    expect(await wrongCard(caller, p, 4)).toBe('DETAILS_MISMATCH')
    expect(await wrongCard(caller, p, 5)).toBe('RATE_LIMITED')
  })

  it('malformed ID numbers count for no limit', async () => {
    const [p] = await addRosterPersons(h, 1)
    const caller = newCaller()
    const badChecksum = p.idNumber.slice(0, 17) + (p.idNumber[17] === '0' ? '1' : '0')
    for (let i = 0; i < 6; i++) expect(await authorize(caller, p.name, badChecksum)).toBe('ID_CHECKSUM')
    for (let i = 0; i < 5; i++) expect(await wrongCard(caller, p, i)).toBe('DETAILS_MISMATCH')
  })

  it('an ID number: 10 failed checks a Beijing day from all accounts; a pass is not counted; then every wrong attempt is refused until tomorrow, the right details still pass', async () => {
    const [p] = await addRosterPersons(h, 1)
    for (let a = 0; a < 3; a++) {
      const caller = newCaller('guess')
      for (let i = 0; i < 3; i++) expect(await authorize(caller, `错${'甲乙丙'[a]}${'子丑寅'[i]}`, p.idNumber)).toBe('DETAILS_MISMATCH')
    }
    const own = newCaller('own')
    expect(await authorize(own, p.name, p.idNumber)).toBe('ok')
    expect(await code(h.post('/v1/queries/status', { caller: newCaller('guess'), name: '错丁卯', idNumber: p.idNumber }))).toBe('DETAILS_MISMATCH')

    const late = newCaller('guess')
    const refused = await h.post('/v1/relatives/add', { caller: late, name: '错戊辰', idNumber: p.idNumber, relation: 'father' })
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error).toEqual({
      code: 'ID_NUMBER_CHECKS_LIMITED',
      message: '这个身份证号今天核对不成功的次数太多了。为保护本人信息，今天不再说明哪里不对：请仔细核对姓名、身份证号和卡号后再试，或者明天再试；着急的话，请带上身份证到当地社保经办机构办理',
    })
    // At the limit the right details still pass: failing ten times with her ID number does not lock
    // the person out of her own binding; a wrong card is refused without saying what was wrong.
    expect(await authorize(own, p.name, p.idNumber)).toBe('ok')
    expect(await code(h.post('/v1/bindings/manual', { caller: own, name: p.name, idNumber: p.idNumber, cardNumber: 'X00000001', insuranceType: 'enterprise' }))).toBe('ID_NUMBER_CHECKS_LIMITED')

    // A wrong guess over the limit still counts against the guessing account: 4 more, then refused.
    const [other] = await addRosterPersons(h, 1)
    for (let i = 0; i < 4; i++) expect(await wrongCard(late, other, i)).toBe('DETAILS_MISMATCH')
    expect(await wrongCard(late, other, 4)).toBe('RATE_LIMITED')

    // Audited with the limit's name, never the number; the counters hold only its keyed hash.
    const entry = (await auditOf(h, 'relative.add_rate_limited')).at(-1)
    expect(entry?.detail).toEqual({ reason: 'ID_NUMBER_CHECKS_LIMITED', limit: 'idcheck.idnumber', max: 10 })
    const counters = await h.test.store.db.selectFrom('limit_counters').select('key').execute()
    expect(counters.some((c) => c.key.startsWith('idcheck.idnumber:id:'))).toBe(true)
    expect(counters.filter((c) => c.key.includes(p.idNumber) || c.key.includes(p.idNumber.slice(6, 14)))).toEqual([])
    expect(h.logs()).not.toContain(p.idNumber)

    h.now = new Date('2026-11-28T00:00:01+08:00')
    expect(await authorize(own, p.name, p.idNumber)).toBe('ok')
  })
})
