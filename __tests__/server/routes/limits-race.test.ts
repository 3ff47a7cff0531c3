/**
 * Limits under races, on both stores: requests fired all at once (from one account, or from many
 * accounts at one ID number, through two backend instances on the same store) are evaluated exactly
 * as often as the limit allows — never more, whatever the interleaving. "Evaluated" = the roster
 * check ran and answered (PERSON_NOT_FOUND / DETAILS_MISMATCH / success); the rest are refused
 * before it (RATE_LIMITED per account, ID_NUMBER_CHECKS_LIMITED per ID number).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { checkCharFor } from '../../../src/core/id-number'
import { buildApp } from '../../../server/app'
import { openStore, type Store } from '../../../server/db/connect'
import { DEFAULT_CERTIFICATION_CONFIG } from '../../../server/services/certification-config'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { testConfig } from '../helpers/config'
import { DEFAULT_NOW, newCaller, startHarness, TEST_PROTECTION, type Harness } from '../helpers/harness'
import { signedHeaders } from '../helpers/signing'
import { addRosterPersons, AcceptingVerifier, TEST_CHALLENGE, type Caller } from './relatives-support'

jest.setTimeout(90_000)

const NO_SHEDDING = TEST_PROTECTION

type Post = (path: string, body: unknown) => Promise<LightMyRequestResponse>

/** What each answer was: 'ok' for 200, else the error code. */
function tally(responses: LightMyRequestResponse[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of responses) {
    const key = r.statusCode === 200 ? 'ok' : String(r.json().error?.code)
    out[key] = (out[key] ?? 0) + 1
  }
  return out
}

const GIVEN = '春夏秋冬梅兰竹菊松柏山水'
/** A different wrong (but well-formed) name for each guess. */
const guess = (i: number): string => `猜${GIVEN[i % GIVEN.length]}${GIVEN[Math.floor(i / GIVEN.length) % GIVEN.length]}`

let idSeq = 0
/** A valid ID number on no roster (region 110105 is not used by the demo or the test persons). */
function freshIdNumber(): string {
  const first17 = `11010519450101${String(++idSeq + (process.pid % 500)).padStart(3, '0')}`
  return first17 + checkCharFor(first17)
}

describe.each(DIALECTS)('limits under concurrent requests on %s', (dialect) => {
  let h: Harness
  let second: { app: FastifyInstance; store: Store }
  let posts: Post[]

  beforeAll(async () => {
    // Load shedding set out of reach: these tests count answers, not how fast a loaded machine is.
    h = await startHarness(dialect, {
      config: { certification: { ...DEFAULT_CERTIFICATION_CONFIG, testChallenge: TEST_CHALLENGE } },
      build: { identityVerifier: new AcceptingVerifier(), protection: NO_SHEDDING },
    })
    // A second backend instance on the same store, as a deployment runs several.
    const store = dialect === 'postgres' ? openStore({ databaseUrl: h.test.location, sqlitePath: '', poolSize: 5 }) : openStore({ sqlitePath: h.test.location })
    const app = await buildApp({
      config: testConfig({ certification: { ...DEFAULT_CERTIFICATION_CONFIG, testChallenge: TEST_CHALLENGE } }),
      store,
      clock: () => h.now,
      logger: false,
      identityVerifier: new AcceptingVerifier(),
      protection: NO_SHEDDING,
    })
    second = { app, store }
    const secondPost: Post = (path, body) => {
      const payload = JSON.stringify(body)
      return app.inject({ method: 'POST', url: path, payload, headers: { 'content-type': 'application/json', ...signedHeaders('POST', path, payload, { timestamp: h.now.getTime() }) } })
    }
    posts = [(path, body) => h.post(path, body), secondPost]
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await second?.app.close()
    await second?.store.db.destroy()
    await h?.close()
  })
  beforeEach(() => {
    h.now = new Date(DEFAULT_NOW)
  })

  /** n requests at once, alternating between the two instances. */
  const fire = (n: number, make: (i: number) => [string, unknown]) =>
    Promise.all(Array.from({ length: n }, (_, i) => posts[i % 2](...make(i))))

  it('认证查询 from one account: 20 at once → exactly 5 answered (5 a minute)', async () => {
    const [p] = await addRosterPersons(h, 1)
    const caller = newCaller()
    const res = await fire(20, () => ['/v1/queries/status', { caller, name: '错名字', idNumber: p.idNumber }])
    expect(tally(res)).toEqual({ DETAILS_MISMATCH: 5, RATE_LIMITED: 15 })
  })

  it('wrong-card 绑定 from one account: 20 at once → exactly 5 checked (5 failures in 10 minutes)', async () => {
    const [p] = await addRosterPersons(h, 1)
    const caller = newCaller()
    const res = await fire(20, (i) => ['/v1/bindings/manual', { caller, name: p.name, idNumber: p.idNumber, cardNumber: `W${String(i).padStart(8, '0')}`, insuranceType: 'enterprise' }])
    expect(tally(res)).toEqual({ DETAILS_MISMATCH: 5, RATE_LIMITED: 15 })
  })

  it('电子社保卡 name guesses from one account: 20 at once → exactly 5 checked', async () => {
    const [p] = await addRosterPersons(h, 1)
    const caller = newCaller()
    const res = await fire(20, (i) => ['/v1/ssc/local-authorize', { caller, name: guess(i), idNumber: p.idNumber }])
    expect(tally(res)).toEqual({ DETAILS_MISMATCH: 5, RATE_LIMITED: 15 })
  })

  it('添加家人 name guesses from one account: 20 at once → exactly 5 checked, nothing stored', async () => {
    const [p] = await addRosterPersons(h, 1)
    const caller = newCaller()
    const res = await fire(20, (i) => ['/v1/relatives/add', { caller, name: guess(i), idNumber: p.idNumber, relation: 'father' }])
    expect(tally(res)).toEqual({ DETAILS_MISMATCH: 5, RATE_LIMITED: 15 })
    const stored = await h.test.store.db.selectFrom('relatives').select('id').where('person_id', '=', p.personId).execute()
    expect(stored).toEqual([])
  })

  /** 6 accounts × 5 at once, every form that takes a name + ID number, all at one ID number. */
  const probeFromManyAccounts = (idNumber: string, name: string) => {
    const callers: Caller[] = Array.from({ length: 6 }, () => newCaller('probe'))
    return fire(30, (i) => {
      const caller = callers[i % 6]
      switch (i % 4) {
        case 0:
          return ['/v1/queries/status', { caller, name: guess(i), idNumber }]
        case 1:
          return ['/v1/bindings/manual', { caller, name, idNumber, cardNumber: `P${String(i).padStart(8, '0')}`, insuranceType: 'enterprise' }]
        case 2:
          return ['/v1/ssc/local-authorize', { caller, name: guess(i), idNumber }]
        default:
          return ['/v1/relatives/add', { caller, name: guess(i), idNumber, relation: 'mother' }]
      }
    })
  }

  it('one ID number on the roster, probed by 6 accounts at once (30 requests): exactly 10 checked a day', async () => {
    const [p] = await addRosterPersons(h, 1)
    const res = await probeFromManyAccounts(p.idNumber, p.name)
    expect(tally(res)).toEqual({ DETAILS_MISMATCH: 10, ID_NUMBER_CHECKS_LIMITED: 20 })
    // Over the limit a wrong guess is told only to come back tomorrow; the person herself, with the
    // right details, still gets through the same day.
    const refused = await h.post('/v1/ssc/local-authorize', { caller: newCaller(), name: '错某某', idNumber: p.idNumber })
    expect(refused.statusCode).toBe(429)
    expect(refused.json().error).toEqual({ code: 'ID_NUMBER_CHECKS_LIMITED', message: expect.stringContaining('明天') })
    expect((await h.post('/v1/ssc/local-authorize', { caller: newCaller(), name: p.name, idNumber: p.idNumber })).statusCode).toBe(200)
  })

  it('an ID number on no roster gets the same cap, so the cap tells nothing about the roster', async () => {
    const res = await probeFromManyAccounts(freshIdNumber(), '某某')
    expect(tally(res)).toEqual({ PERSON_NOT_FOUND: 10, ID_NUMBER_CHECKS_LIMITED: 20 })
  })

  it('开始认证: 12 at once from one bound account → exactly 3 open sessions (the account row is locked)', async () => {
    const [p] = await addRosterPersons(h, 1)
    const caller = newCaller()
    const auth = await h.post('/v1/ssc/local-authorize', { caller, name: p.name, idNumber: p.idNumber })
    expect((await h.post('/v1/bindings/ssc', { caller, authorization: auth.json().authorization })).statusCode).toBe(200)
    const res = await fire(12, () => ['/v1/certifications/start', { caller, channel: 'h5' }])
    expect(tally(res)).toEqual({ ok: 3, TOO_MANY_SESSIONS: 9 })
  })

  it('分享 links: 30 at once from one account → exactly 20 created a day', async () => {
    const [p] = await addRosterPersons(h, 1)
    const caller = newCaller()
    const added = await h.post('/v1/relatives/add', { caller, name: p.name, idNumber: p.idNumber, relation: 'father' })
    expect(added.statusCode).toBe(200)
    const relativeId: string = added.json().relativeId
    const res = await fire(30, () => ['/v1/shares/create', { caller, relativeId }])
    expect(tally(res)).toEqual({ ok: 20, RATE_LIMITED: 10 })
    const shares = await h.test.store.db.selectFrom('share_tokens').select('id').where('relative_id', '=', relativeId).execute()
    expect(shares).toHaveLength(20)
  })
})
