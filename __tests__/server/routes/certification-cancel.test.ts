/**
 * 取消认证 (/v1/certifications/cancel) on both stores: the phone closes its own open session (人脸核身
 * not finished, page left, a new try), so cancelled tries never lock the person out with
 * TOO_MANY_SESSIONS; only the session's own caller with its nonce can close it; closed, expired and
 * completed sessions are left exactly as they were.
 */
import type { CertificationSessionView } from '../../../src/core/contracts/certification'
import { DEFAULT_CERTIFICATION_CONFIG } from '../../../server/services/certification-config'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { bindDemoPeople, newCaller, type Harness } from '../helpers/harness'
import { auditOf, certify, familyHarness, passingRun, personIdOf, type Caller } from './relatives-support'

jest.setTimeout(60_000)

const NOT_FOUND = { code: 'SESSION_NOT_FOUND', message: '没有找到这次认证，请重新开始' }

describe.each(DIALECTS)('cancelCertification on %s', (dialect) => {
  let h: Harness
  let callers: Awaited<ReturnType<typeof bindDemoPeople>>

  beforeAll(async () => {
    h = (await familyHarness(dialect)).h
    callers = await bindDemoPeople(h)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())
  beforeEach(() => {
    // each case an hour after the last: no session of an earlier case is still open
    h.now = new Date(h.now.getTime() + 60 * 60 * 1000)
  })

  const start = async (caller: Caller): Promise<CertificationSessionView> => {
    const res = await h.post('/v1/certifications/start', { caller, channel: 'weapp' })
    if (res.statusCode !== 200) throw new Error(`start: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const cancel = (caller: Caller, s: Pick<CertificationSessionView, 'sessionId' | 'nonce'>, reason = 'identity_not_completed') =>
    h.post('/v1/certifications/cancel', { caller, sessionId: s.sessionId, nonce: s.nonce, reason })
  const row = (id: string) => h.test.store.db.selectFrom('certification_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const ofSession = async (action: string, id: string) => (await auditOf(h, action)).filter((a) => a.detail.sessionId === id)

  it('closes the open session: rejected as SESSION_CANCELLED, no record, nothing counted, audited with the reason; a completion then answers SESSION_CANCELLED', async () => {
    const personId = await personIdOf(h, 'li')
    const records = await h.count('certification_records')
    const session = await start(callers.li)
    const res = await cancel(callers.li, session, 'identity_not_completed')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ state: 'cancelled', changed: true })
    expect(await row(session.sessionId)).toMatchObject({ status: 'rejected', rejected_code: 'SESSION_CANCELLED', record_id: null, completed_at: h.now.toISOString() })
    expect(await h.count('certification_records')).toBe(records)
    expect(await ofSession('certification.cancelled', session.sessionId)).toEqual([
      expect.objectContaining({
        actor_type: 'account',
        subject_person_id: personId,
        detail: { sessionId: session.sessionId, reason: 'identity_not_completed', channel: 'weapp', performer: 'self', identity: 'local-face-match' },
      }),
    ])

    const run = passingRun(session.challenge)
    h.now = new Date(h.now.getTime() + run.spanMs + 1000)
    const done = await h.post('/v1/certifications/complete', { caller: callers.li, sessionId: session.sessionId, nonce: session.nonce, verdict: run.verdict, summary: run.summary })
    expect(done.statusCode).toBe(409)
    expect(done.json().error).toEqual({ code: 'SESSION_CANCELLED', message: '这次认证已经取消，没有算作认证失败，请重新开始' })
    expect(await h.count('certification_records')).toBe(records)
    // still 待认证: nothing happened to the person
    expect((await h.post('/v1/status', { caller: callers.li })).json()).toMatchObject({ status: 'due' })
  })

  it('is idempotent: cancelling again answers the same state and changes nothing', async () => {
    const session = await start(callers.liu)
    expect((await cancel(callers.liu, session, 'left_page')).json()).toEqual({ state: 'cancelled', changed: true })
    const closed = await row(session.sessionId)
    h.now = new Date(h.now.getTime() + 30_000)
    const again = await cancel(callers.liu, session, 'left_page')
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual({ state: 'cancelled', changed: false })
    expect(await row(session.sessionId)).toEqual(closed)
    expect(await ofSession('certification.cancelled', session.sessionId)).toHaveLength(1)
    expect((await ofSession('certification.cancel_ignored', session.sessionId)).map((a) => a.detail)).toEqual([{ sessionId: session.sessionId, reason: 'left_page', state: 'cancelled' }])
  })

  it("another account's session, an unknown one or a wrong nonce is refused and nothing changes; the owner can still cancel", async () => {
    const session = await start(callers.zhang)
    const before = await row(session.sessionId)
    const foreign = await cancel(callers.sun, session)
    const unknown = await cancel(callers.sun, { ...session, sessionId: '00000000-0000-4000-8000-000000000000' })
    const nobody = await cancel(newCaller(), session)
    for (const r of [foreign, unknown, nobody]) {
      expect(r.statusCode).toBe(404)
      expect(r.json()).toEqual({ error: NOT_FOUND })
    }
    const wrongNonce = await cancel(callers.zhang, { ...session, nonce: 'A'.repeat(32) })
    expect(wrongNonce.statusCode).toBe(409)
    expect(wrongNonce.json().error.code).toBe('SESSION_NONCE_MISMATCH')
    expect(await row(session.sessionId)).toEqual(before)
    const refused = (await auditOf(h, 'certification.cancel_refused')).map((a) => a.detail.reason)
    expect(refused).toEqual(expect.arrayContaining(['SESSION_NOT_FOUND', 'SESSION_NONCE_MISMATCH']))
    expect((await cancel(callers.zhang, session)).json()).toEqual({ state: 'cancelled', changed: true })
  })

  it('a completed session is never changed: the same record, the same answer to a repeated completion', async () => {
    const { session, result, status } = await certify(h, callers.chen, {})
    expect(status).toBe(200)
    const before = await row(session.sessionId)
    const res = await cancel(callers.chen, session, 'left_page')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ state: 'completed', changed: false })
    expect(await row(session.sessionId)).toEqual(before)
    expect(before).toMatchObject({ status: 'completed', record_id: result.recordId })
    expect(await ofSession('certification.cancelled', session.sessionId)).toEqual([])
  })

  it('an expired or refused session is left as it is', async () => {
    const expired = await start(callers.zhao)
    h.now = new Date(h.now.getTime() + DEFAULT_CERTIFICATION_CONFIG.sessionTtlMs + 1)
    expect((await cancel(callers.zhao, expired)).json()).toEqual({ state: 'expired', changed: false })
    expect(await row(expired.sessionId)).toMatchObject({ status: 'open', rejected_code: null })

    // a completion claiming a pass its observations do not show burns the session (LIVENESS_MISMATCH)
    const burnt = await start(callers.zhao)
    const run = passingRun(burnt.challenge)
    h.now = new Date(h.now.getTime() + run.spanMs + 1000)
    const claimed = await h.post('/v1/certifications/complete', { caller: callers.zhao, sessionId: burnt.sessionId, nonce: burnt.nonce, verdict: { passed: false, reason: 'timeout' }, summary: run.summary })
    expect(claimed.json().error.code).toBe('LIVENESS_MISMATCH')
    const before = await row(burnt.sessionId)
    expect((await cancel(callers.zhao, burnt)).json()).toEqual({ state: 'refused', changed: false })
    expect(await row(burnt.sessionId)).toEqual(before)
  })

  it('the open-session limit no longer bites after cancels: five tries in a row, each cancelled, then a sixth passes', async () => {
    expect(DEFAULT_CERTIFICATION_CONFIG.maxOpenSessions).toBe(3)
    // the guard itself is unchanged: three open at once, the fourth refused
    const open = [await start(callers.wang), await start(callers.wang), await start(callers.wang)]
    const fourth = await h.post('/v1/certifications/start', { caller: callers.wang, channel: 'weapp' })
    expect(fourth.statusCode).toBe(429)
    expect(fourth.json().error.code).toBe('TOO_MANY_SESSIONS')
    for (const s of open) expect((await cancel(callers.wang, s, 'restarted')).json()).toEqual({ state: 'cancelled', changed: true })

    const started: string[] = []
    for (let i = 0; i < 5; i++) {
      const s = await start(callers.wang)
      started.push(s.sessionId)
      expect((await cancel(callers.wang, s, 'identity_not_completed')).statusCode).toBe(200)
    }
    expect(new Set(started).size).toBe(5)
    const { status, result } = await certify(h, callers.wang, {})
    expect(status).toBe(200)
    expect(result).toMatchObject({ result: 'passed' })
  })

  it('a reason the client may not give, or a malformed session id or nonce → 400 VALIDATION_FAILED', async () => {
    const session = await start(callers.sun)
    for (const body of [
      { sessionId: session.sessionId, nonce: session.nonce, reason: 'because' },
      { sessionId: 'x', nonce: session.nonce, reason: 'left_page' },
      { sessionId: session.sessionId, nonce: 'short', reason: 'left_page' },
      { sessionId: session.sessionId, nonce: session.nonce },
    ]) {
      const res = await h.post('/v1/certifications/cancel', { caller: callers.sun, ...body })
      expect(res.statusCode).toBe(400)
      expect(res.json().error.code).toBe('VALIDATION_FAILED')
    }
    expect((await row(session.sessionId)).status).toBe('open')
  })
})
