import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { DEMO, NOT_ON_ROSTER_ID } from '../helpers/demo'
import { newCaller, startHarness, type Harness } from '../helpers/harness'

describe.each(DIALECTS)('电子社保卡 authorisation on %s', (dialect) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(dialect)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  const authorize = async (caller: object, who: { name: string; idNumber: string }) =>
    h.post('/v1/ssc/local-authorize', { caller, name: who.name, idNumber: who.idNumber })

  it('issues an authorisation with no personal data inside, then binds with it', async () => {
    const caller = newCaller()
    const auth = await authorize(caller, DEMO.wang)
    expect(auth.statusCode).toBe(200)
    const token: string = auth.json().authorization
    const payload = Buffer.from(token.split('.')[0], 'base64url').toString('utf8')
    expect(payload).not.toContain(DEMO.wang.idNumber)
    expect(payload).not.toContain(DEMO.wang.name)
    expect(Object.keys(JSON.parse(payload)).sort()).toEqual(['exp', 'nonce', 'personId'])

    const bound = await h.post('/v1/bindings/ssc', { caller, authorization: token })
    expect(bound.statusCode).toBe(200)
    expect(bound.json().person.maskedName).toBe('王*英')
    // a retry of the same request is fine (idempotent)
    expect((await h.post('/v1/bindings/ssc', { caller, authorization: token })).statusCode).toBe(200)
  })

  it('refuses a used authorisation for another account, a forged one, and an expired one', async () => {
    const token: string = (await authorize(newCaller(), DEMO.li)).json().authorization
    const first = newCaller()
    expect((await h.post('/v1/bindings/ssc', { caller: first, authorization: token })).statusCode).toBe(200)
    await h.post('/v1/bindings/unbind', { caller: first })
    const reuse = await h.post('/v1/bindings/ssc', { caller: newCaller(), authorization: token })
    expect(reuse.json().error).toMatchObject({ code: 'SSC_AUTH_INVALID', field: 'authorization' })

    const [body] = token.split('.')
    const forged = await h.post('/v1/bindings/ssc', { caller: newCaller(), authorization: `${body}.${'A'.repeat(43)}` })
    expect(forged.json().error.code).toBe('SSC_AUTH_INVALID')

    const fresh: string = (await authorize(newCaller(), DEMO.li)).json().authorization
    const realNow = h.now
    h.now = new Date(realNow.getTime() + 11 * 60 * 1000)
    try {
      const expired = await h.post('/v1/bindings/ssc', { caller: newCaller(), authorization: fresh })
      expect(expired.json().error.code).toBe('SSC_AUTH_INVALID')
    } finally {
      h.now = realNow
    }
  })

  it('refuses to authorise someone not on the roster or with the wrong name', async () => {
    expect((await authorize(newCaller(), { name: '王秀英', idNumber: NOT_ON_ROSTER_ID })).json().error.code).toBe('PERSON_NOT_FOUND')
    expect((await authorize(newCaller(), { name: '王秀兰', idNumber: DEMO.wang.idNumber })).json().error.code).toBe('DETAILS_MISMATCH')
    expect((await authorize(newCaller(), { name: '王秀英', idNumber: '123' })).json().error).toMatchObject({ code: 'ID_LENGTH', field: 'idNumber' })
  })
})

describe('local authorisation is refused outside local runs', () => {
  it('FORBIDDEN_IN_PRODUCTION with NODE_ENV=production', async () => {
    const h = await startHarness('sqlite', { config: { nodeEnv: 'production' } })
    try {
      const res = await h.post('/v1/ssc/local-authorize', { caller: newCaller(), name: DEMO.wang.name, idNumber: DEMO.wang.idNumber })
      expect(res.statusCode).toBe(403)
      expect(res.json().error.code).toBe('FORBIDDEN_IN_PRODUCTION')
    } finally {
      await h.close()
    }
  })

  it('FORBIDDEN_IN_PRODUCTION with the national adapter, whose binding answers SERVICE_UNAVAILABLE', async () => {
    const h = await startHarness('sqlite', { config: { sscAuthAdapter: 'national' } })
    try {
      const res = await h.post('/v1/ssc/local-authorize', { caller: newCaller(), name: DEMO.wang.name, idNumber: DEMO.wang.idNumber })
      expect(res.json().error.code).toBe('FORBIDDEN_IN_PRODUCTION')
      const bind = await h.post('/v1/bindings/ssc', { caller: newCaller(), authorization: 'x'.repeat(40) })
      expect(bind.statusCode).toBe(503)
      expect(bind.json().error.code).toBe('SERVICE_UNAVAILABLE')
    } finally {
      await h.close()
    }
  })
})
