/** 认证查询 on both stores: masked answer, roster rules like binding, 5 a minute / 20 a day per account, audited. */
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { DEMO, NOT_ON_ROSTER_ID } from '../helpers/demo'
import { DEFAULT_NOW, newCaller, type Harness } from '../helpers/harness'
import { auditOf, DEMO_SECRETS, familyHarness } from './relatives-support'

jest.setTimeout(60_000)

describe.each(DIALECTS)('status queries on %s', (dialect) => {
  let h: Harness
  beforeAll(async () => {
    h = (await familyHarness(dialect)).h
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())
  beforeEach(() => {
    h.now = new Date(DEFAULT_NOW)
  })

  it('answers the masked status of the person asked about, and audits it', async () => {
    const caller = newCaller()
    const res = await h.post('/v1/queries/status', { caller, name: DEMO.zhang.name, idNumber: DEMO.zhang.idNumber })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      bound: true,
      person: { maskedName: '张*兰', maskedIdNumber: '320***********0468', insuranceLabel: '城乡居民基本养老保险' },
      status: 'overdue_suspended',
      statusLabel: '已逾期，暂停发放',
      nextDueMonthLabel: '2026年8月',
      nextDueDeadlineLabel: '2026年8月31日',
      suspendedSince: '2026-09-01',
    })
    for (const secret of DEMO_SECRETS) expect(res.body).not.toContain(secret)
    expect((await auditOf(h, 'query.status.answered')).at(-1)).toMatchObject({ detail: { status: 'overdue_suspended' } })
  })

  it('not on the roster → PERSON_NOT_FOUND; wrong name → DETAILS_MISMATCH (no field); bad ID → its reason', async () => {
    const caller = newCaller()
    expect((await h.post('/v1/queries/status', { caller, name: '王秀英', idNumber: NOT_ON_ROSTER_ID })).json().error.code).toBe('PERSON_NOT_FOUND')
    expect((await h.post('/v1/queries/status', { caller, name: '王秀兰', idNumber: DEMO.wang.idNumber })).json().error).toEqual({ code: 'DETAILS_MISMATCH', message: expect.any(String) })
    expect((await h.post('/v1/queries/status', { caller, name: '王秀英', idNumber: '110101195203140128' })).json().error).toMatchObject({ code: 'ID_CHECKSUM', field: 'idNumber' })
  })

  it('5 a minute: the 6th → RATE_LIMITED; a minute later it works again', async () => {
    const caller = newCaller()
    for (let i = 0; i < 5; i++) expect((await h.post('/v1/queries/status', { caller, name: DEMO.li.name, idNumber: DEMO.li.idNumber })).statusCode).toBe(200)
    const sixth = await h.post('/v1/queries/status', { caller, name: DEMO.li.name, idNumber: DEMO.li.idNumber })
    expect(sixth.statusCode).toBe(429)
    expect(sixth.json().error.code).toBe('RATE_LIMITED')
    h.now = new Date(DEFAULT_NOW.getTime() + 61_000)
    expect((await h.post('/v1/queries/status', { caller, name: DEMO.li.name, idNumber: DEMO.li.idNumber })).statusCode).toBe(200)
  })

  it('20 a day, failures included: the 21st → RATE_LIMITED', async () => {
    const caller = newCaller()
    for (let i = 0; i < 20; i++) {
      h.now = new Date(DEFAULT_NOW.getTime() + i * 61_000)
      await h.post('/v1/queries/status', { caller, name: '王秀兰', idNumber: DEMO.wang.idNumber })
    }
    h.now = new Date(DEFAULT_NOW.getTime() + 30 * 61_000)
    expect((await h.post('/v1/queries/status', { caller, name: DEMO.li.name, idNumber: DEMO.li.idNumber })).statusCode).toBe(429)
    h.now = new Date(DEFAULT_NOW.getTime() + 24 * 3600_000 + 1000)
    expect((await h.post('/v1/queries/status', { caller, name: DEMO.li.name, idNumber: DEMO.li.idNumber })).statusCode).toBe(200)
  })

  it('needs a signed-in account', async () => {
    expect((await h.post('/v1/queries/status', { name: DEMO.li.name, idNumber: DEMO.li.idNumber })).json().error.code).toBe('UNAUTHENTICATED')
  })
})
