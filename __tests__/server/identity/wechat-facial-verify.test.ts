/** wechat-facial-verify through real HTTP against the local fake of WeChat's documented protocol. */
import { Writable } from 'node:stream'
import pino from 'pino'
import { IdentityPrepareError } from '../../../server/identity/errors'
import { createIdentityVerifier } from '../../../server/identity'
import type { IdentitySubject, IdentityVerifier } from '../../../server/identity/port'
import { StableTokenProvider, WechatApiError } from '../../../server/wechat/access-token'
import { certHash, normaliseCert, outSeqNoFor } from '../../../server/wechat/facial-verify-client'
import { findWechatCheck } from '../../../server/repositories/face-references'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'
import { testConfig } from '../helpers/config'
import { DEMO } from '../helpers/demo'
import { addPerson, migratedStore } from './helpers'
import { FakeWechat } from './fake-wechat'

const GETVERIFYID = '/cityservice/face/identify/getverifyid'
const QUERY = '/cityservice/face/identify/queryverifyinfo'
const TOKEN = '/cgi-bin/stable_token'

describe('cert_hash and out_seq_no', () => {
  it('hashes base64 of each field as WeChat documents', () => {
    const cert = normaliseCert(' 王秀英 ', '11010119520314012x')
    expect(cert).toEqual({ certName: '王秀英', certNo: '11010119520314012X' })
    expect(certHash(cert)).toBe(FakeWechat.certHash('IDENTITY_CARD', '王秀英', '11010119520314012X'))
    expect(certHash(cert)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('derives a 32-char out_seq_no per session and attempt', () => {
    const a = outSeqNoFor('2b0c3c2e-8c0e-4d55-9d55-3f7d3c1b2a10')
    expect(a).toMatch(/^[0-9a-f]{32}$/)
    expect(outSeqNoFor('2b0c3c2e-8c0e-4d55-9d55-3f7d3c1b2a10')).toBe(a)
    expect(outSeqNoFor('2b0c3c2e-8c0e-4d55-9d55-3f7d3c1b2a10', 2)).not.toBe(a)
  })
})

describe('stable_token provider', () => {
  const fake = new FakeWechat()
  beforeAll(() => fake.start())
  afterAll(() => fake.stop())

  it('caches the token, shares one request between concurrent callers, and refreshes after invalidation', async () => {
    const tokens = new StableTokenProvider({ apiBase: fake.base, appId: fake.appId, secret: fake.secret })
    const before = fake.callsTo(TOKEN).length
    const [a, b] = await Promise.all([tokens.getAccessToken(), tokens.getAccessToken()])
    expect(a).toBe(b)
    expect(await tokens.getAccessToken()).toBe(a)
    expect(fake.callsTo(TOKEN).length - before).toBe(1)
    expect(fake.callsTo(TOKEN).at(-1)!.body).toEqual({ grant_type: 'client_credential', appid: fake.appId, secret: fake.secret, force_refresh: false })
    tokens.invalidate(a)
    expect(await tokens.getAccessToken()).not.toBe(a)
  })

  it('refetches when the cached token reaches its expiry', async () => {
    let now = Date.now()
    const tokens = new StableTokenProvider({ apiBase: fake.base, appId: fake.appId, secret: fake.secret, clock: () => new Date(now) })
    const a = await tokens.getAccessToken()
    now += 7200_000 - 60_000 // inside the 5-minute margin
    expect(await tokens.getAccessToken()).not.toBe(a)
  })

  it('reports a wrong secret as a WeChat error (40125)', async () => {
    const tokens = new StableTokenProvider({ apiBase: fake.base, appId: fake.appId, secret: 'f'.repeat(32) })
    await expect(tokens.getAccessToken()).rejects.toEqual(new WechatApiError(40125, 'stable_token'))
  })
})

describe.each(DIALECTS)('wechat-facial-verify on %s', (dialect) => {
  const fake = new FakeWechat()
  let test: TestStore
  let personId: string
  let verifier: IdentityVerifier
  let sessionCounter = 0
  const lines: string[] = []
  const logger = pino({ level: 'trace' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }))

  const subject = (over: Partial<IdentitySubject> = {}): IdentitySubject => ({
    personId,
    sessionId: `00000000-0000-4000-8000-${String(++sessionCounter).padStart(12, '0')}`,
    openid: 'oFakeOpenid_123',
    name: DEMO.wang.name,
    idNumber: DEMO.wang.idNumber,
    ...over,
  })

  beforeAll(async () => {
    await fake.start()
    test = await migratedStore(dialect)
    personId = await addPerson(test, 'P-WX')
    const config = testConfig({
      identity: { verifier: 'wechat-facial-verify', wechatAppId: fake.appId, wechatSecret: fake.secret, wechatApiBase: fake.base, faceThreshold: 0.55, faceMaxFrames: 5, noReference: 'review', weappFrameUpload: false },
    })
    verifier = createIdentityVerifier(config, { db: test.store.db, logger })
  }, STORE_SETUP_TIMEOUT_MS)

  afterAll(async () => {
    await fake.stop()
    await test?.close()
  })

  it('issues a verify_id with exactly the documented fields, and passes on errcode 0 + verify_ret 10000', async () => {
    expect(verifier.kind).toBe('wechat-facial-verify')
    expect(verifier.needsEvidenceFrames).toBe(false)
    const s = subject()
    const step = await verifier.prepare(s)
    expect(step.kind).toBe('wechat-facial-verify')
    const verifyId = step.kind === 'wechat-facial-verify' ? step.verifyId : ''
    const call = fake.callsTo(GETVERIFYID).at(-1)!
    expect(call.body).toEqual({ out_seq_no: outSeqNoFor(s.sessionId), cert_info: { cert_type: 'IDENTITY_CARD', cert_name: DEMO.wang.name, cert_no: DEMO.wang.idNumber }, openid: s.openid })
    expect(call.answer.errcode).toBe(0)
    expect((await findWechatCheck(test.store.db, s.sessionId))?.verify_id).toBe(verifyId)

    fake.completeOnPhone(verifyId, 10000)
    expect(await verifier.verify(s, {})).toEqual({ outcome: 'verified' })
    const q = fake.callsTo(QUERY).at(-1)!
    expect(q.body).toEqual({ verify_id: verifyId, out_seq_no: outSeqNoFor(s.sessionId), cert_hash: FakeWechat.certHash('IDENTITY_CARD', DEMO.wang.name, DEMO.wang.idNumber), openid: s.openid })
    expect(q.answer).toEqual({ errcode: 0, errmsg: 'ok', verify_ret: 10000 })
  })

  it('returns the same verify_id when prepare is repeated for a session (no second getverifyid)', async () => {
    const s = subject()
    const a = await verifier.prepare(s)
    const n = fake.callsTo(GETVERIFYID).length
    expect(await verifier.prepare(s)).toEqual(a)
    expect(fake.callsTo(GETVERIFYID).length).toBe(n)
  })

  it('maps a 9000x verify_ret (cancelled, device, permission) to wechat_user_cancelled', async () => {
    for (const ret of [90001, 90003, 90010]) {
      const s = subject()
      const step = await verifier.prepare(s)
      fake.completeOnPhone(step.kind === 'wechat-facial-verify' ? step.verifyId : '', ret)
      expect(await verifier.verify(s, {})).toEqual({ outcome: 'rejected', reason: 'wechat_user_cancelled' })
    }
  })

  it('rejects any other verify_ret as wechat_not_passed; a check the phone never finished as not completed', async () => {
    const s = subject()
    const step = await verifier.prepare(s)
    fake.completeOnPhone(step.kind === 'wechat-facial-verify' ? step.verifyId : '', 10001)
    expect(await verifier.verify(s, {})).toEqual({ outcome: 'rejected', reason: 'wechat_not_passed' })
    const s2 = subject()
    await verifier.prepare(s2)
    // the fake answers 90100 until the phone is done (a fake-only choice): user side, may retry
    expect(await verifier.verify(s2, {})).toEqual({ outcome: 'rejected', reason: 'wechat_user_cancelled' })
  })

  it('rejects when the person at verify is not the one prepared (cert_hash or openid differ: invalid args)', async () => {
    const s = subject()
    const step = await verifier.prepare(s)
    fake.completeOnPhone(step.kind === 'wechat-facial-verify' ? step.verifyId : '', 10000)
    expect(await verifier.verify({ ...s, idNumber: DEMO.li.idNumber }, {})).toEqual({ outcome: 'rejected', reason: 'wechat_not_passed' })
    expect(fake.callsTo(QUERY).at(-1)!.answer.errcode).toBe(40097)
    expect(await verifier.verify({ ...s, openid: 'oSomeoneElse' }, {})).toEqual({ outcome: 'rejected', reason: 'wechat_not_passed' })
    expect(await verifier.verify(s, {})).toEqual({ outcome: 'verified' })
  })

  it('rejects verify for a session that was never prepared, without calling WeChat', async () => {
    const n = fake.calls.length
    expect(await verifier.verify(subject(), {})).toEqual({ outcome: 'rejected', reason: 'wechat_not_passed' })
    expect(fake.calls.length).toBe(n)
  })

  it('refreshes the token once on 40001 and on 42001, then succeeds', async () => {
    for (const spoil of [() => fake.revokeTokens(), () => fake.expireTokens()]) {
      spoil()
      const n = fake.callsTo(TOKEN).length
      const s = subject()
      const step = await verifier.prepare(s)
      expect(step.kind).toBe('wechat-facial-verify')
      expect(fake.callsTo(TOKEN).length).toBe(n + 1)
      const [first, second] = fake.callsTo(GETVERIFYID).slice(-2)
      expect([40001, 42001]).toContain(first.answer.errcode)
      expect(second.answer.errcode).toBe(0)
    }
  })

  it('retries a token error at queryverifyinfo once; a second refusal means unavailable, not the person’s fault', async () => {
    const s = subject()
    const step = await verifier.prepare(s)
    fake.completeOnPhone(step.kind === 'wechat-facial-verify' ? step.verifyId : '', 10000)
    fake.failNext(QUERY, 40001)
    expect(await verifier.verify(s, {})).toEqual({ outcome: 'verified' })
    const n = fake.callsTo(QUERY).length
    fake.failNext(QUERY, 42001, 2)
    expect(await verifier.verify(s, {})).toEqual({ outcome: 'unavailable' })
    expect(fake.callsTo(QUERY).length).toBe(n + 2)
  })

  it('throws a transient IdentityPrepareError when WeChat is busy or broken, and a refusal with its errcode', async () => {
    for (const what of [-1, 'http500', 'garbage'] as const) {
      fake.failNext(GETVERIFYID, what)
      await expect(verifier.prepare(subject())).rejects.toMatchObject({ name: 'IdentityPrepareError', transient: true })
    }
    await expect(verifier.prepare(subject({ idNumber: '123' }))).rejects.toEqual(new IdentityPrepareError(false, 40097))
  })

  it('answers unavailable when WeChat is busy at queryverifyinfo', async () => {
    const s = subject()
    const step = await verifier.prepare(s)
    fake.completeOnPhone(step.kind === 'wechat-facial-verify' ? step.verifyId : '', 10000)
    fake.failNext(QUERY, -1)
    expect(await verifier.verify(s, {})).toEqual({ outcome: 'unavailable' })
    fake.failNext(QUERY, 'http500')
    expect(await verifier.verify(s, {})).toEqual({ outcome: 'unavailable' })
    expect(await verifier.verify(s, {})).toEqual({ outcome: 'verified' })
  })

  it('never logs the name, the ID number or the cert_hash', () => {
    const all = lines.join('')
    expect(all).toContain('identity: wechat')
    for (const secret of [DEMO.wang.name, DEMO.wang.idNumber, DEMO.li.idNumber, FakeWechat.certHash('IDENTITY_CARD', DEMO.wang.name, DEMO.wang.idNumber), fake.secret]) {
      expect(all).not.toContain(secret)
    }
  })
})
