/** startCertification / completeCertification handlers (pure, over a fake backend) and the gateway's evidence body limit. */
import { fail, ok } from '../../src/core/errors'
import type { CertificationResultView, CertificationSessionView } from '../../src/core/contracts/certification'
import { EVIDENCE_FRAME_MAX_CHARS, EVIDENCE_MAX_FRAMES } from '../../src/core/contracts/certification'
import { HANDLERS } from '../../cloudfunctions/handlers'
import { ROUTE_MIN_TIMEOUT_MS, createBackendClient, type HttpRequest } from '../../cloudfunctions/_shared/backend-client'
import type { BackendPort } from '../../cloudfunctions/_shared/ports'
import { buildGateway, DEFAULT_BODY_LIMIT } from '../../servers/gateway/app'
import { deps, FakeBackend } from './fakes'
import { SUMMARY_VERSION } from '../../src/core/liveness/summary'

const { startCertification, completeCertification } = HANDLERS

const wechat = { platform: 'wechat' as const, openid: 'oWx_test_openid_000001' }
const local = { platform: 'local' as const, openid: 'local_test_openid_01' }
const SESSION_ID = '2f1c7a52-6a0b-4c55-9d1e-3f5a9b0c1d2e'
const NONCE = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345'
const summary = { v: SUMMARY_VERSION, layout: 'mediapipe-478', n: 2, data: [0, 1, 300, 301, 50, 12, -30, 5, 200, 150, 500, 600, 180, 120, 450, 150, 151, 40, 1, 299, 300, 52, 13, -31, 4, 201, 151, 500, 600, 181, 121, 452, 149, 150] }
const jpeg = (n = 100) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(n, 1)]).toString('base64')
const completeEvent = { sessionId: SESSION_ID, nonce: NONCE, verdict: { passed: true, reason: null }, summary }

const sessionView: CertificationSessionView = {
  sessionId: SESSION_ID,
  nonce: NONCE,
  challenge: ['blink', 'turn_left'],
  expiresAt: '2026-11-27T02:05:00.000Z',
  identityStep: { kind: 'none' },
  evidenceFrames: 3,
  livenessConfig: { positioningTimeoutMs: 30000, actionTimeoutMs: 15000, actionRetries: 1, totalTimeoutMs: 180000 },
}
const resultView: CertificationResultView = { recordId: 'r1', result: 'passed', resultLabel: '认证通过', nextDueDate: '2027-11-01', nextDueMonthLabel: '2027年11月', failuresToday: 0 }

describe('startCertification', () => {
  test('the channel comes from the platform identity (WeChat → weapp, local sign-in → h5), never from the event', async () => {
    const backend = new FakeBackend().answer('/v1/certifications/start', ok(sessionView))
    expect(await startCertification({ channel: 'h5' }, deps(backend))).toEqual({ ok: true, data: sessionView })
    await startCertification({}, deps(backend, { caller: local }))
    expect(backend.calls).toEqual([
      { route: '/v1/certifications/start', body: { caller: wechat, channel: 'weapp' } },
      { route: '/v1/certifications/start', body: { caller: local, channel: 'h5' } },
    ])
  })

  test('passes a subject through and checks its format', async () => {
    const backend = new FakeBackend().answer('/v1/certifications/start', ok(sessionView))
    await startCertification({ subjectPersonId: SESSION_ID }, deps(backend))
    expect(backend.calls[0].body).toEqual({ caller: wechat, channel: 'weapp', subjectPersonId: SESSION_ID })
    expect(await startCertification({ subjectPersonId: '110101195203140127' }, deps(backend))).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', field: 'subjectPersonId' } })
    expect(backend.calls).toHaveLength(1)
  })

  test('a 单位专管员 passes the unit member’s opaque ref through; a malformed one never reaches the backend', async () => {
    const backend = new FakeBackend().answer('/v1/certifications/start', ok(sessionView))
    const ref = 'DwlBm5fqZqV7XDfg3yJnLx'
    await startCertification({ unitMemberRef: ref }, deps(backend))
    expect(backend.calls[0].body).toEqual({ caller: wechat, channel: 'weapp', unitMemberRef: ref })
    expect(await startCertification({ unitMemberRef: 'not a ref' }, deps(backend))).toMatchObject({ ok: false, error: { code: 'UNIT_MEMBER_NOT_FOUND' } })
    expect(await startCertification({ unitMemberRef: ref, relativeId: SESSION_ID }, deps(backend))).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } })
    expect(backend.calls).toHaveLength(1)
  })

  test('backend refusals come through with their message', async () => {
    const backend = new FakeBackend().failWith('/v1/certifications/start', 'TOO_MANY_SESSIONS')
    expect(await startCertification({}, deps(backend))).toEqual(fail('TOO_MANY_SESSIONS'))
  })
})

describe('completeCertification', () => {
  test('sends session, nonce, verdict, summary and evidence with the caller; answers the record view', async () => {
    const backend = new FakeBackend().answer('/v1/certifications/complete', ok(resultView))
    const event = { ...completeEvent, evidence: { frames: [jpeg()] }, caller: { platform: 'wechat', openid: 'someone_else_123' } }
    expect(await completeCertification(event, deps(backend))).toEqual({ ok: true, data: resultView })
    expect(backend.calls).toEqual([{ route: '/v1/certifications/complete', body: { caller: wechat, ...completeEvent, evidence: { frames: [jpeg()] } } }])
  })

  test.each([
    ['no session id', { ...completeEvent, sessionId: undefined }, 'VALIDATION_FAILED', 'sessionId'],
    ['a bad nonce', { ...completeEvent, nonce: 'short' }, 'VALIDATION_FAILED', 'nonce'],
    ['no verdict', { ...completeEvent, verdict: undefined }, 'VALIDATION_FAILED', 'verdict'],
    ['an unknown failure reason', { ...completeEvent, verdict: { passed: false, reason: 'bored' } }, 'VALIDATION_FAILED', 'verdict.reason'],
    ['a summary of a version no longer replayed', { ...completeEvent, summary: { ...summary, v: 1 } }, 'TRACE_IMPLAUSIBLE', 'summary.v'],
    ['a summary of a version not yet known', { ...completeEvent, summary: { ...summary, v: SUMMARY_VERSION + 1 } }, 'TRACE_IMPLAUSIBLE', 'summary.v'],
    ['fractional summary values', { ...completeEvent, summary: { ...summary, data: [0.5] } }, 'TRACE_IMPLAUSIBLE', 'summary.data.0'],
    ['too many evidence frames', { ...completeEvent, evidence: { frames: Array.from({ length: EVIDENCE_MAX_FRAMES + 1 }, () => jpeg()) } }, 'PAYLOAD_TOO_LARGE', 'evidence.frames'],
    ['a huge frame', { ...completeEvent, evidence: { frames: ['/9j/' + 'A'.repeat(EVIDENCE_FRAME_MAX_CHARS)] } }, 'PAYLOAD_TOO_LARGE', 'evidence.frames.0'],
    ['a frame that is not a JPEG', { ...completeEvent, evidence: { frames: ['iVBORw0KGgo='] } }, 'VALIDATION_FAILED', 'evidence.frames.0'],
  ])('refuses %s before calling the backend', async (_what, event, code, field) => {
    const backend = new FakeBackend()
    expect(await completeCertification(event, deps(backend))).toMatchObject({ ok: false, error: { code, field } })
    expect(backend.calls).toHaveLength(0)
  })

  test('backend refusals come through with their message (本次认证已超时，请重新开始)', async () => {
    const backend = new FakeBackend().failWith('/v1/certifications/complete', 'SESSION_EXPIRED')
    expect(await completeCertification(completeEvent, deps(backend))).toEqual({ ok: false, error: { code: 'SESSION_EXPIRED', message: '本次认证已超时，请重新开始' } })
  })

  test.each([
    ['startCertification', {}],
    ['completeCertification', completeEvent],
  ] as const)('%s: no identity → UNAUTHENTICATED; a throwing port → INTERNAL without personal data', async (name, event) => {
    expect(await HANDLERS[name](event, deps(new FakeBackend(), { caller: null }))).toEqual(fail('UNAUTHENTICATED'))
    const exploding: BackendPort = { post: async () => { throw new Error('boom 110101195203140127') } }
    const spy = jest.spyOn(console, 'error').mockImplementation(() => {})
    expect(await HANDLERS[name](event, deps(exploding))).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(spy.mock.calls.flat().join(' ')).not.toContain('110101195203140127')
    spy.mockRestore()
  })
})

describe('backend client', () => {
  test('completing a certification may take longer than the default timeout', async () => {
    const seen: HttpRequest[] = []
    const client = createBackendClient({
      baseUrl: 'http://backend.test',
      keyId: 'k1',
      secret: 's'.repeat(40),
      timeoutMs: 2500,
      transport: async (r) => {
        seen.push(r)
        return { status: 200, text: '{}' }
      },
    })
    await client.post('/v1/certifications/complete', {})
    await client.post('/v1/status', {})
    expect(seen.map((r) => r.timeoutMs)).toEqual([ROUTE_MIN_TIMEOUT_MS['/v1/certifications/complete'], 2500])
  })
})

describe('gateway body limit', () => {
  const backend = new FakeBackend().answer('/v1/certifications/complete', ok(resultView)).answer('/v1/status', ok({ bound: false }))

  async function withGateway(fn: (app: ReturnType<typeof buildGateway>, token: string) => Promise<void>) {
    const app = buildGateway({ backendUrl: 'http://unused', hmacKeyId: 'k1', hmacSecret: 's'.repeat(40), nodeEnv: 'test', backend })
    try {
      const login = await app.inject({ method: 'POST', url: '/auth/local-login' })
      await fn(app, login.json().data.token)
    } finally {
      await app.close()
    }
  }

  test('completeCertification accepts evidence frames far above the general limit; other functions keep it', async () => {
    await withGateway(async (app, token) => {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
      const event = { ...completeEvent, evidence: { frames: [jpeg(280_000), jpeg(280_000), jpeg(280_000)] } }
      const payload = JSON.stringify(event)
      expect(payload.length).toBeGreaterThan(DEFAULT_BODY_LIMIT * 4)
      const res = await app.inject({ method: 'POST', url: '/fn/completeCertification', headers, payload })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ ok: true, data: resultView })
      expect(backend.calls.at(-1)?.body).toMatchObject({ caller: { platform: 'local' }, sessionId: SESSION_ID })

      const other = await app.inject({ method: 'POST', url: '/fn/getStatus', headers, payload })
      expect(other.statusCode).toBe(413)
      expect(other.json()).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } })

      const huge = await app.inject({ method: 'POST', url: '/fn/completeCertification', headers, payload: JSON.stringify({ ...event, pad: 'x'.repeat(2 * 1024 * 1024) }) })
      expect(huge.statusCode).toBe(413)
      expect(huge.json()).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: '提交的内容过大' } })
    })
  })

  test('the evidence route still needs the local sign-in', async () => {
    await withGateway(async (app) => {
      const res = await app.inject({ method: 'POST', url: '/fn/completeCertification', headers: { 'content-type': 'application/json' }, payload: '{}' })
      expect(res.statusCode).toBe(401)
    })
  })
})
