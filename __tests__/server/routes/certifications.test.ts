/**
 * Certification sessions end to end on both stores, with REAL recorded face traces
 * (__tests__/fixtures/liveness) run through the engine as the client would: start → camera (engine) →
 * complete, and every "bad input and attacks" case of issue 4.
 *
 * cap13_edit2 contains blink then turn_left: with the test challenge blink,turn_left it passes (21 s,
 * 526 frames, 25 fps). cap12_edit turns left before it blinks: the same challenge fails out_of_order.
 *
 * These tests complete the same recorded clip many times for the same person, which the backend now
 * refuses as a reused summary (its fingerprint survives the few-ms shifts below): before each test the
 * stored fingerprints are forgotten. Reuse and evidence binding have their own suite
 * (certification-binding.test.ts).
 */
import { randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import type { CertificationResultView, CertificationSessionView, ClientVerdict } from '../../../src/core/contracts/certification'
import { DEFAULT_LIVENESS_TIMING, EVIDENCE_FRAME_MAX_CHARS, livenessEngineConfig } from '../../../src/core/contracts/certification'
import { ACTION_NAMES, runSession, sourceFromHeader, SUMMARY_FIELDS, SUMMARY_VERSION, type ActionName, type ObservationSummary, type TrackerFrame } from '../../../src/core/liveness'
import type { IdentityEvidence, IdentityOutcome, IdentitySubject, IdentityVerifier } from '../../../server/identity/port'
import { DEFAULT_CERTIFICATION_CONFIG, type CertificationConfig } from '../../../server/services/certification-config'
import { loadTrace, stillPhoto } from '../../core/liveness/helpers'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { DEMO, type DemoKey } from '../helpers/demo'
import { bindDemoPeople, DEFAULT_NOW, newCaller, startHarness, type Harness } from '../helpers/harness'

jest.setTimeout(60_000)

type Caller = ReturnType<typeof newCaller>

// ───────────── the client side: real traces through the engine ─────────────

const ENGINE = livenessEngineConfig(DEFAULT_LIVENESS_TIMING)
let variant = 0

/**
 * Runs a clip through the engine for `challenge` exactly as the camera page would and returns the
 * verdict the client would send. Each call shifts the stream start by a few ms so the summary is new
 * (the backend refuses a summary that completed another session).
 */
function clientRun(clip: 'cap13_edit2' | 'cap12_edit', challenge: readonly ActionName[], frames?: (f: readonly TrackerFrame[]) => TrackerFrame[]) {
  const trace = loadTrace(clip)
  const shift = ++variant * 7
  const base = frames ? frames(trace.frames) : trace.frames.slice()
  const shifted = base.map((f) => ({ ...f, t: f.t + shift }))
  const { verdict, events } = runSession(sourceFromHeader(trace.header), shifted, challenge, ENGINE)
  const summary = JSON.parse(JSON.stringify(verdict.summary)) as ObservationSummary
  const spanMs = summary.data.filter((_, i) => i % SUMMARY_FIELDS.length === 0).slice(1).reduce<number>((a, b) => a + (b ?? 0), 0)
  const positioned = events.find((e) => e.type === 'prompt' && e.phase === 'action')?.t ?? 0
  // The evidence moments a client would send: neutral when positioning ends, then each action's peak.
  const moments = [{ t: positioned, step: -1 }, ...verdict.actions.map((a, step) => ({ t: a.peakMs, step }))]
  return { verdict: { passed: verdict.passed, reason: verdict.reason } as ClientVerdict, summary, spanMs, moments }
}

/** A real evidence frame (__tests__/fixtures/evidence, see its PROVENANCE.md) as base64. */
const evidenceFrame = (name: string): string => readFileSync(join(__dirname, '..', '..', 'fixtures', 'evidence', `${name}.jpg`)).toString('base64')

/** A small but real JPEG header + padding as base64 ("/9j/" prefix). */
const jpeg = (bytes = 2000): string => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(bytes, 7)]).toString('base64')

// ───────────── a scriptable identity verifier ─────────────

class FakeVerifier implements IdentityVerifier {
  readonly kind = 'local-face-match' as const
  readonly needsEvidenceFrames = true
  prepared: IdentitySubject[] = []
  verified: { subject: IdentitySubject; evidence: IdentityEvidence }[] = []
  next: (IdentityOutcome | 'throw')[] = []

  async prepare(subject: IdentitySubject) {
    this.prepared.push(subject)
    return { kind: 'none' as const }
  }

  async verify(subject: IdentitySubject, evidence: IdentityEvidence): Promise<IdentityOutcome> {
    this.verified.push({ subject, evidence })
    const n = this.next.shift() ?? { outcome: 'verified', score: 0.91 }
    if (n === 'throw') throw new Error('verifier exploded')
    return n
  }
}

// ───────────── harness helpers ─────────────

interface Setup {
  h: Harness
  fake: FakeVerifier
  callers: Record<DemoKey, Caller>
  /** Values the challenge picker takes before falling back to crypto randomness. */
  randomQueue: number[]
}

async function setup(dialect: (typeof DIALECTS)[number], certification: Partial<CertificationConfig>): Promise<Setup> {
  const fake = new FakeVerifier()
  const randomQueue: number[] = []
  const h = await startHarness(dialect, {
    config: { certification: { ...DEFAULT_CERTIFICATION_CONFIG, ...certification } },
    build: { identityVerifier: fake, randomInt: (max) => (randomQueue.length ? randomQueue.shift()! % max : randomInt(max)) },
  })
  const callers = await bindDemoPeople(h)
  return { h, fake, callers, randomQueue }
}

async function start(h: Harness, caller: Caller, channel: 'weapp' | 'h5' = 'h5'): Promise<CertificationSessionView> {
  const res = await h.post('/v1/certifications/start', { caller, channel })
  if (res.statusCode !== 200) throw new Error(`start: ${res.statusCode} ${res.body}`)
  return res.json()
}

function completeBody(caller: Caller, s: CertificationSessionView, run: { verdict: ClientVerdict; summary: ObservationSummary }, extra: Record<string, unknown> = {}) {
  return { caller, sessionId: s.sessionId, nonce: s.nonce, verdict: run.verdict, summary: run.summary, ...extra }
}

/** Completes after the camera time has passed on the server clock too (span + 1 s). */
async function complete(h: Harness, body: ReturnType<typeof completeBody>, spanMs: number) {
  h.now = new Date(h.now.getTime() + spanMs + 1000)
  return h.post('/v1/certifications/complete', body)
}

/** 个人编号 of the demo roster (server/demo/roster.csv). */
const PERSON_NO: Record<DemoKey, string> = { wang: 'DEMO0001', li: 'DEMO0002', zhang: 'DEMO0003', liu: 'DEMO0004', chen: 'DEMO0005', zhao: 'DEMO0006', sun: 'DEMO0007' }

async function personOf(h: Harness, key: DemoKey) {
  return h.test.store.db.selectFrom('persons').selectAll().where('person_no', '=', PERSON_NO[key]).executeTakeFirstOrThrow()
}

async function auditOf(h: Harness, action: string) {
  const rows = await h.test.store.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('at').execute()
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }))
}

async function sessionRow(h: Harness, id: string) {
  return h.test.store.db.selectFrom('certification_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
}

async function recordsOfPerson(h: Harness, personId: string) {
  return h.test.store.db.selectFrom('certification_records').selectAll().where('person_id', '=', personId).orderBy('certified_at', 'desc').execute()
}

/** See the file comment: lets these tests complete the same clip again for the same person. */
async function forgetFingerprints(h: Harness) {
  await h.test.store.db.updateTable('certification_sessions').set({ summary_fingerprint: null }).execute()
}

const TEST_CHALLENGE: ActionName[] = ['blink', 'turn_left']

describe.each(DIALECTS)('certifications on %s (test challenge blink,turn_left)', (dialect) => {
  let s: Setup
  let h: Harness
  beforeAll(async () => {
    s = await setup(dialect, { testChallenge: TEST_CHALLENGE })
    h = s.h
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())
  beforeEach(async () => {
    h.now = new Date(DEFAULT_NOW)
    s.fake.next = []
    await forgetFingerprints(h)
  })

  describe('start', () => {
    it('creates a single-use session for the bound 本人 with the backend challenge, nonce, expiry and identity step', async () => {
      const session = await start(h, s.callers.wang)
      expect(session).toEqual({
        sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        nonce: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
        challenge: TEST_CHALLENGE,
        expiresAt: new Date(DEFAULT_NOW.getTime() + 5 * 60 * 1000).toISOString(),
        identityStep: { kind: 'none' },
        evidenceFrames: 3,
        livenessConfig: DEFAULT_LIVENESS_TIMING,
      })
      const row = await sessionRow(h, session.sessionId)
      const wang = await personOf(h, 'wang')
      expect(row).toMatchObject({ performer: 'self', person_id: wang.id, channel: 'h5', challenge: 'blink,turn_left', status: 'open', record_id: null })
      expect(row.nonce_hash).not.toContain(session.nonce) // only a hash is stored
      const account = await h.test.store.db.selectFrom('accounts').select('id').where('openid', '=', s.callers.wang.openid).executeTakeFirstOrThrow()
      expect(row.account_id).toBe(account.id)
      // the verifier got the subject (decrypted for it, never logged)
      expect(s.fake.prepared.at(-1)).toMatchObject({ personId: wang.id, sessionId: session.sessionId, name: DEMO.wang.name, idNumber: DEMO.wang.idNumber })
      expect(h.logs()).not.toContain(DEMO.wang.idNumber)
      const started = (await auditOf(h, 'certification.started')).find((a) => a.detail.sessionId === session.sessionId)
      expect(started).toMatchObject({ subject_person_id: wang.id, detail: { performer: 'self', channel: 'h5', challenge: 'blink,turn_left', testChallenge: true } })
    })

    it('weapp sessions keep evidence frames on the phone unless the deployment allows uploads', async () => {
      expect((await start(h, s.callers.sun, 'weapp')).evidenceFrames).toBe(0)
    })

    it('frames sent anyway on weapp never reach the verifier', async () => {
      const session = await start(h, s.callers.zhao, 'weapp')
      const run = clientRun('cap13_edit2', session.challenge)
      const res = await complete(h, completeBody(s.callers.zhao, session, run, { evidence: { frames: [jpeg()] } }), run.spanMs)
      expect(res.json()).toMatchObject({ result: 'passed' })
      expect(s.fake.verified.at(-1)?.evidence.frames).toBeUndefined()
      const records = await recordsOfPerson(h, (await personOf(h, 'zhao')).id)
      expect(records[0]).toMatchObject({ id: res.json().recordId, channel: 'weapp' })
    })

    it('refuses an unbound caller (NOT_BOUND) and someone else as subject by person id (RELATIVE_NOT_FOUND: relatives go by relativeId)', async () => {
      const res = await h.post('/v1/certifications/start', { caller: newCaller(), channel: 'h5' })
      expect(res.statusCode).toBe(409)
      expect(res.json().error.code).toBe('NOT_BOUND')
      const other = await personOf(h, 'li')
      const res2 = await h.post('/v1/certifications/start', { caller: s.callers.sun, channel: 'h5', subjectPersonId: other.id })
      expect(res2.statusCode).toBe(404)
      expect(res2.json().error.code).toBe('RELATIVE_NOT_FOUND')
      const bad = await h.post('/v1/certifications/start', { caller: s.callers.sun, channel: 'pc' })
      expect(bad.statusCode).toBe(400)
      expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'channel' })
    })

    it('limits open sessions per caller; expired ones do not count', async () => {
      const caller = s.callers.sun
      const results: number[] = []
      for (let i = 0; i < 4; i++) results.push((await h.post('/v1/certifications/start', { caller, channel: 'h5' })).statusCode)
      // sun already has one open weapp session from the test above
      expect(results).toEqual([200, 200, 429, 429])
      const refused = await h.post('/v1/certifications/start', { caller, channel: 'h5' })
      expect(refused.json().error).toEqual({ code: 'TOO_MANY_SESSIONS', message: '已有认证正在进行，请先完成或稍后再试' })
      h.now = new Date(DEFAULT_NOW.getTime() + 5 * 60 * 1000 + 1)
      expect((await h.post('/v1/certifications/start', { caller, channel: 'h5' })).statusCode).toBe(200)
    })
  })

  describe('complete', () => {
    it('a genuine pass writes the record, moves 下次认证日期, audits, and answers the result view', async () => {
      const wang = await personOf(h, 'wang')
      const recordsBefore = (await recordsOfPerson(h, wang.id)).length
      const session = await start(h, s.callers.wang)
      const run = clientRun('cap13_edit2', session.challenge)
      expect(run.verdict).toEqual({ passed: true, reason: null })
      const frames = ['cap13-neutral', 'cap13-blink', 'cap13-turn-left'].map(evidenceFrame)
      const res = await complete(h, completeBody(s.callers.wang, session, run, { evidence: { frames, moments: run.moments } }), run.spanMs)
      expect(res.statusCode).toBe(200)
      const view: CertificationResultView = res.json()
      expect(view).toEqual({
        recordId: expect.any(String),
        result: 'passed',
        resultLabel: '认证通过',
        nextDueDate: '2027-11-01',
        nextDueMonthLabel: '2027年11月',
        nextDueDeadlineLabel: '2027年11月30日',
        failuresToday: 0,
        maskedName: '王*英',
        // 王秀英 was certified until 2027年3月: passing again is a voluntary retry
        alreadyCertified: true,
        recordsOf: 'self',
      })
      // evidence frames, checked against the session's moments, went to the verifier
      expect(s.fake.verified.at(-1)?.evidence.frames).toHaveLength(3)

      const records = await recordsOfPerson(h, wang.id)
      expect(records).toHaveLength(recordsBefore + 1)
      const account = await h.test.store.db.selectFrom('accounts').select('id').where('openid', '=', s.callers.wang.openid).executeTakeFirstOrThrow()
      expect(records[0]).toMatchObject({ id: view.recordId, result: 'passed', method: 'face', channel: 'h5', performed_by: 'self', performer_account_id: account.id })
      expect((await personOf(h, 'wang')).last_certified_on).toBe('2026-11-27')
      expect(await sessionRow(h, session.sessionId)).toMatchObject({ status: 'completed', record_id: view.recordId })
      const done = (await auditOf(h, 'certification.completed')).find((a) => a.detail.sessionId === session.sessionId)
      expect(done).toMatchObject({ subject_person_id: wang.id, detail: { recordId: view.recordId, result: 'passed', channel: 'h5', performer: 'self', identity: 'local-face-match', evidence: 'checked' } })

      // the app sees it: status certified until 2027年11月, the record first in 认证记录
      const status = (await h.post('/v1/status', { caller: s.callers.wang })).json()
      expect(status).toMatchObject({ status: 'certified', nextDueDate: '2027-11-01', nextDueMonthLabel: '2027年11月', lastResult: { result: 'passed' } })
      const list = (await h.post('/v1/records', { caller: s.callers.wang })).json()
      expect(list.records[0]).toMatchObject({ id: view.recordId, method: 'face', methodLabel: '刷脸认证', channel: 'h5', performedByLabel: '本人' })
    })

    it('completing the same session again answers the SAME record, with no duplicate (even after expiry)', async () => {
      const wang = await personOf(h, 'wang')
      const session = await start(h, s.callers.wang)
      const run = clientRun('cap13_edit2', session.challenge)
      const body = completeBody(s.callers.wang, session, run)
      const first = await complete(h, body, run.spanMs)
      expect(first.statusCode).toBe(200)
      const count = await h.count('certification_records')
      const audits = (await auditOf(h, 'certification.completed')).length
      const again = await h.post('/v1/certifications/complete', body)
      expect(again.statusCode).toBe(200)
      expect(again.body).toBe(first.body)
      h.now = new Date(h.now.getTime() + 60 * 60 * 1000)
      const later = await h.post('/v1/certifications/complete', body)
      expect(later.body).toBe(first.body)
      expect(await h.count('certification_records')).toBe(count)
      expect((await auditOf(h, 'certification.completed')).length).toBe(audits)
      expect((await recordsOfPerson(h, wang.id)).filter((r) => r.id === first.json().recordId)).toHaveLength(1)
    })

    it('concurrent completions of one session write one record and give everyone the same answer', async () => {
      const session = await start(h, s.callers.wang)
      const run = clientRun('cap13_edit2', session.challenge)
      const body = completeBody(s.callers.wang, session, run)
      h.now = new Date(h.now.getTime() + run.spanMs + 1000)
      const count = await h.count('certification_records')
      const answers = await Promise.all([1, 2, 3].map(() => h.post('/v1/certifications/complete', body)))
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200])
      expect(new Set(answers.map((a) => a.body)).size).toBe(1)
      expect(await h.count('certification_records')).toBe(count + 1)
    })

    it('a suspended person is not "already certified": a failure says nothing about a deadline met', async () => {
      const session = await start(h, s.callers.zhang)
      const run = clientRun('cap12_edit', session.challenge)
      const res = await complete(h, completeBody(s.callers.zhang, session, run), run.spanMs)
      expect(res.json()).toMatchObject({ result: 'failed', alreadyCertified: false })
      expect(res.json().nextDueDeadlineLabel).toBeUndefined()
    })

    it('a suspended person (张桂兰) who passes is reinstated: 次月恢复发放 and back-paid months', async () => {
      const before = await personOf(h, 'zhang')
      expect(before).toMatchObject({ benefit_status: 'suspended', suspended_since: '2026-09-01' })
      const session = await start(h, s.callers.zhang)
      const run = clientRun('cap13_edit2', session.challenge)
      const res = await complete(h, completeBody(s.callers.zhang, session, run), run.spanMs)
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ result: 'passed', nextDueMonthLabel: '2027年11月', reinstatement: { resumeMonthLabel: '2026年12月', backPaidMonths: 3 } })
      const after = await personOf(h, 'zhang')
      expect(after).toMatchObject({ benefit_status: 'normal', suspended_since: null, last_certified_on: '2026-11-27' })
      const audit = (await auditOf(h, 'benefit.reinstated')).find((a) => a.detail.recordId === res.json().recordId)
      expect(audit?.detail).toEqual({
        recordId: res.json().recordId,
        suspendedSince: '2026-09-01',
        resumeMonth: '2026-12',
        backPaidMonths: 3,
        backPaidFrom: '2026-09',
        backPaidTo: '2026-11',
      })
      const status = (await h.post('/v1/status', { caller: s.callers.zhang })).json()
      expect(status).toMatchObject({ status: 'certified', statusLabel: '已认证' })
      expect(status.suspendedSince).toBeUndefined()
    })

    it('a certified person who tries again and fails keeps the certification: alreadyCertified with the standing deadline', async () => {
      const chen = await personOf(h, 'chen')
      const session = await start(h, s.callers.chen)
      const run = clientRun('cap12_edit', session.challenge) // out of order
      const res = await complete(h, completeBody(s.callers.chen, session, run), run.spanMs)
      expect(res.json()).toMatchObject({
        result: 'failed',
        alreadyCertified: true,
        nextDueDate: '2027-06-01',
        nextDueMonthLabel: '2027年6月',
        nextDueDeadlineLabel: '2027年6月30日',
        maskedName: '陈*梅',
        recordsOf: 'self',
      })
      expect(await personOf(h, 'chen')).toMatchObject({ last_certified_on: chen.last_certified_on, benefit_status: 'normal' })
      const status = (await h.post('/v1/status', { caller: s.callers.chen })).json()
      expect(status).toMatchObject({ status: 'certified', nextDueMonthLabel: '2027年6月' })
    })
  })

  describe('bad input and attacks', () => {
    it('a client verdict "passed" whose observations do not pass → LIVENESS_MISMATCH, audited, no record, session burnt', async () => {
      const li = await personOf(h, 'li')
      const recordsBefore = (await recordsOfPerson(h, li.id)).length
      const session = await start(h, s.callers.li)
      // the first 8 s of cap13: only the blink, never the turn
      const run = clientRun('cap13_edit2', session.challenge, (f) => f.filter((x) => x.t < 8000))
      expect(run.verdict.passed).toBe(false)
      const lie = { ...run, verdict: { passed: true } }
      const res = await complete(h, completeBody(s.callers.li, session, lie), run.spanMs)
      expect(res.statusCode).toBe(422)
      expect(res.json().error).toEqual({ code: 'LIVENESS_MISMATCH', message: '动作检测结果核对不一致，请重新认证' })
      const tamper = (await auditOf(h, 'certification.tamper_suspected')).find((a) => a.detail.sessionId === session.sessionId)
      expect(tamper).toMatchObject({ subject_person_id: li.id, detail: { reason: 'LIVENESS_MISMATCH', check: 'verdict_mismatch', clientPassed: true, replayPassed: false } })
      expect(await recordsOfPerson(h, li.id)).toHaveLength(recordsBefore)
      expect(await sessionRow(h, session.sessionId)).toMatchObject({ status: 'rejected', rejected_code: 'LIVENESS_MISMATCH', record_id: null })
      // the burnt session stays refused, even with an honest verdict now
      const honest = await h.post('/v1/certifications/complete', completeBody(s.callers.li, session, run))
      expect(honest.statusCode).toBe(422)
      expect(honest.json().error.code).toBe('LIVENESS_MISMATCH')
    })

    it('a still photo claimed as passed is refused too', async () => {
      const session = await start(h, s.callers.li)
      const run = clientRun('cap13_edit2', session.challenge, (f) => stillPhoto(f[100], 30_000, 15, 11))
      expect(run.verdict).toEqual({ passed: false, reason: 'no_liveness' })
      const res = await complete(h, completeBody(s.callers.li, session, { ...run, verdict: { passed: true } }), run.spanMs)
      expect(res.json().error.code).toBe('LIVENESS_MISMATCH')
    })

    it('actions in the wrong order: refused when claimed as a pass, a failed record (out_of_order) when reported honestly', async () => {
      const li = await personOf(h, 'li')
      const s1 = await start(h, s.callers.li)
      const wrong = clientRun('cap12_edit', s1.challenge) // turns left before blinking
      expect(wrong.verdict).toEqual({ passed: false, reason: 'out_of_order' })
      const claimed = await complete(h, completeBody(s.callers.li, s1, { ...wrong, verdict: { passed: true } }), wrong.spanMs)
      expect(claimed.json().error.code).toBe('LIVENESS_MISMATCH')

      const s2 = await start(h, s.callers.li)
      const honest = clientRun('cap12_edit', s2.challenge)
      const before = (await recordsOfPerson(h, li.id)).length
      const res = await complete(h, completeBody(s.callers.li, s2, honest), honest.spanMs)
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ result: 'failed', resultLabel: '未通过', reasonCode: 'out_of_order', reasonText: '动作和提示不一致，请按提示再试一次', failuresToday: 1 })
      // 李建国 is due: this failure is a failure of his certification, with no deadline met
      expect(res.json()).toMatchObject({ alreadyCertified: false, maskedName: '李*国', recordsOf: 'self' })
      expect(res.json().nextDueDate).toBeUndefined()
      expect(await recordsOfPerson(h, li.id)).toHaveLength(before + 1)
      expect((await personOf(h, 'li')).last_certified_on).toBe(li.last_certified_on) // not moved
      // a stated failure reason that differs from the replay's is a mismatch as well (the same clip
      // again: forget s2's fingerprint, or this would be refused as a reused summary first)
      await forgetFingerprints(h)
      const s3 = await start(h, s.callers.li)
      const other = clientRun('cap12_edit', s3.challenge)
      const res3 = await complete(h, completeBody(s.callers.li, s3, { ...other, verdict: { passed: false, reason: 'timeout' } }), other.spanMs)
      expect(res3.json().error.code).toBe('LIVENESS_MISMATCH')
    })

    it("another session's observations replayed → refused (same summary: TRACE_REUSED; other nonce: SESSION_NONCE_MISMATCH)", async () => {
      const a = await start(h, s.callers.li)
      const run = clientRun('cap13_edit2', a.challenge)
      expect((await complete(h, completeBody(s.callers.li, a, run), run.spanMs)).statusCode).toBe(200)

      const b = await start(h, s.callers.li)
      const replayed = await complete(h, completeBody(s.callers.li, b, run), run.spanMs)
      expect(replayed.statusCode).toBe(409)
      expect(replayed.json().error.code).toBe('TRACE_REUSED')
      expect((await auditOf(h, 'certification.tamper_suspected')).some((x) => x.detail.sessionId === b.sessionId && x.detail.check === 'summary_reused')).toBe(true)

      // (zhao: li's fresh run of the same clip would be refused as a re-timed copy of a)
      const c = await start(h, s.callers.zhao)
      const other = await start(h, s.callers.zhao)
      const fresh = clientRun('cap13_edit2', c.challenge)
      const wrongNonce = await complete(h, { ...completeBody(s.callers.zhao, c, fresh), nonce: other.nonce }, fresh.spanMs)
      expect(wrongNonce.statusCode).toBe(409)
      expect(wrongNonce.json().error.code).toBe('SESSION_NONCE_MISMATCH')
      // a nonce mismatch does not burn the session: the right nonce still completes it
      expect((await h.post('/v1/certifications/complete', completeBody(s.callers.zhao, c, fresh))).statusCode).toBe(200)
    })

    it('timestamps: longer than the time that passed, not increasing, or an implausible frame rate → TRACE_IMPLAUSIBLE', async () => {
      const tooSoon = await start(h, s.callers.li)
      const run = clientRun('cap13_edit2', tooSoon.challenge)
      h.now = new Date(h.now.getTime() + 5000) // a 21 s recording 5 s after the session started
      const res = await h.post('/v1/certifications/complete', completeBody(s.callers.li, tooSoon, run))
      expect(res.statusCode).toBe(422)
      expect(res.json().error).toEqual({ code: 'TRACE_IMPLAUSIBLE', message: '动作检测数据有误，请重新认证' })
      expect((await auditOf(h, 'certification.refused')).find((x) => x.detail.sessionId === tooSoon.sessionId)?.detail).toMatchObject({ check: 'longer_than_elapsed' })

      const nonMonotonic = await start(h, s.callers.li)
      const run2 = clientRun('cap13_edit2', nonMonotonic.challenge)
      run2.summary.data[SUMMARY_FIELDS.length * 50] = 0 // frame 50 at the same time as frame 49
      expect((await complete(h, completeBody(s.callers.li, nonMonotonic, run2), run2.spanMs)).json().error.code).toBe('TRACE_IMPLAUSIBLE')

      const slow = await start(h, s.callers.li)
      // every 10th frame only: 2.5 fps
      const run3 = clientRun('cap13_edit2', slow.challenge, (f) => f.filter((_, i) => i % 10 === 0))
      const res3 = await complete(h, completeBody(s.callers.li, slow, run3), run3.spanMs)
      expect(res3.json().error.code).toBe('TRACE_IMPLAUSIBLE')
      expect((await auditOf(h, 'certification.refused')).find((x) => x.detail.sessionId === slow.sessionId)?.detail).toMatchObject({ check: 'frame_rate' })

      const malformed = await start(h, s.callers.li)
      const bad = await complete(h, completeBody(s.callers.li, malformed, { verdict: { passed: true }, summary: { v: SUMMARY_VERSION, layout: 'mediapipe-478', n: 2, data: [1, 2, 3] } as ObservationSummary }), 0)
      expect(bad.statusCode).toBe(422)
      expect(bad.json().error.code).toBe('TRACE_IMPLAUSIBLE')
    })

    it('an expired session → SESSION_EXPIRED 本次认证已超时，请重新开始 (injected clock)', async () => {
      const session = await start(h, s.callers.zhao)
      const run = clientRun('cap13_edit2', session.challenge)
      h.now = new Date(DEFAULT_NOW.getTime() + 5 * 60 * 1000 + 1)
      const res = await h.post('/v1/certifications/complete', completeBody(s.callers.zhao, session, run))
      expect(res.statusCode).toBe(410)
      expect(res.json().error).toEqual({ code: 'SESSION_EXPIRED', message: '本次认证已超时，请重新开始' })
      expect((await sessionRow(h, session.sessionId)).status).toBe('open')
      expect((await auditOf(h, 'certification.refused')).some((x) => x.detail.sessionId === session.sessionId && x.detail.reason === 'SESSION_EXPIRED')).toBe(true)
    })

    it("a foreign session (another caller's) is refused exactly like an unknown one", async () => {
      const session = await start(h, s.callers.zhao)
      const run = clientRun('cap13_edit2', session.challenge)
      h.now = new Date(h.now.getTime() + run.spanMs + 1000)
      const foreign = await h.post('/v1/certifications/complete', completeBody(s.callers.sun, session, run))
      const unknown = await h.post('/v1/certifications/complete', { ...completeBody(s.callers.sun, session, run), sessionId: '00000000-0000-4000-8000-000000000000' })
      const nobody = await h.post('/v1/certifications/complete', completeBody(newCaller(), session, run))
      for (const r of [foreign, unknown, nobody]) {
        expect(r.statusCode).toBe(404)
        expect(r.json()).toEqual({ error: { code: 'SESSION_NOT_FOUND', message: '没有找到这次认证，请重新开始' } })
      }
      // the owner still completes it
      expect((await h.post('/v1/certifications/complete', completeBody(s.callers.zhao, session, run))).statusCode).toBe(200)
    })

    it('oversized payloads → 413 PAYLOAD_TOO_LARGE with a message; evidence within the route limit is fine', async () => {
      const session = await start(h, s.callers.chen)
      const run = clientRun('cap13_edit2', session.challenge)
      const tooBig = { ...completeBody(s.callers.chen, session, run), padding: 'x'.repeat(DEFAULT_CERTIFICATION_CONFIG.completeBodyLimit) }
      const res = await h.post('/v1/certifications/complete', tooBig)
      expect(res.statusCode).toBe(413)
      expect(res.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: '提交的内容过大' } })
      // start keeps the app's 64 KB limit
      const bigStart = await h.post('/v1/certifications/start', { caller: s.callers.chen, channel: 'h5', padding: 'x'.repeat(70 * 1024) })
      expect(bigStart.statusCode).toBe(413)
      // per frame and frame count
      const frame = await h.post('/v1/certifications/complete', completeBody(s.callers.chen, session, run, { evidence: { frames: ['/9j/' + 'A'.repeat(EVIDENCE_FRAME_MAX_CHARS)] } }))
      expect(frame.statusCode).toBe(413)
      expect(frame.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'evidence.frames.0' })
      const eight = await h.post('/v1/certifications/complete', completeBody(s.callers.chen, session, run, { evidence: { frames: Array.from({ length: 8 }, () => jpeg()) } }))
      expect(eight.statusCode).toBe(413)
      const notJpeg = await h.post('/v1/certifications/complete', completeBody(s.callers.chen, session, run, { evidence: { frames: [Buffer.from('GIF89a').toString('base64')] } }))
      expect(notJpeg.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'evidence.frames.0' })
      // nothing was written by any of them; 3 frames of ~300 KB (≈ 1.2 MB body) are accepted (these are
      // no pictures at all: no face to read, so the record fails as no_face)
      expect((await sessionRow(h, session.sessionId)).status).toBe('open')
      const big = { frames: [jpeg(290_000), jpeg(290_000), jpeg(290_000)], moments: run.moments }
      const ok = await complete(h, completeBody(s.callers.chen, session, run, { evidence: big }), run.spanMs)
      expect(ok.statusCode).toBe(200)
      expect(ok.json()).toMatchObject({ result: 'failed', reasonCode: 'no_face' })
    })
  })

  describe('identity and failures', () => {
    it('a timeout says which action was not seen and what to try (missedAction, checked against the replay); a still photo gets its own reason', async () => {
      // cap13 blinks, then (its start played again twice) never turns left: the turn runs out of time
      const noTurn = (f: readonly TrackerFrame[]) => {
        const loop = f.filter((x) => x.t < 16000)
        return [...f.filter((x) => x.t < 19000), ...loop.map((x) => ({ ...x, t: x.t + 19000 })), ...loop.map((x) => ({ ...x, t: x.t + 35000 }))]
      }
      const s1 = await start(h, s.callers.chen)
      const run = clientRun('cap13_edit2', s1.challenge, noTurn)
      expect(run.verdict).toEqual({ passed: false, reason: 'timeout' })
      const res = await complete(h, completeBody(s.callers.chen, s1, { ...run, verdict: { ...run.verdict, missedAction: 'turn_left' } }), run.spanMs)
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ result: 'failed', reasonCode: 'timeout', reasonText: '没有看到向左转头：请向左多转一点，慢慢来' })

      // an action the replay did not stop at is not repeated back: the plain timeout text
      await forgetFingerprints(h)
      const s2 = await start(h, s.callers.chen)
      const again = clientRun('cap13_edit2', s2.challenge, noTurn)
      const res2 = await complete(h, completeBody(s.callers.chen, s2, { ...again, verdict: { ...again.verdict, missedAction: 'blink' } }), again.spanMs)
      expect(res2.json()).toMatchObject({ reasonCode: 'timeout', reasonText: '时间到了，没有完成动作，请再试一次' })

      const s3 = await start(h, s.callers.chen)
      const photo = clientRun('cap13_edit2', s3.challenge, (f) => stillPhoto(f[100], 30_000, 15, 12))
      const res3 = await complete(h, completeBody(s.callers.chen, s3, { ...photo, verdict: { ...photo.verdict, missedAction: 'blink' } }), photo.spanMs)
      expect(res3.json()).toMatchObject({ reasonCode: 'no_liveness', reasonText: '没有检测到动作：请本人面对镜头，按提示做动作' })
    })

    it('counts failed attempts per person per Beijing day (failuresToday), identity refusals included', async () => {
      const liu = await personOf(h, 'liu')
      const counts: number[] = []
      for (let i = 0; i < 2; i++) {
        await forgetFingerprints(h) // the same clip twice for the same person
        const session = await start(h, s.callers.liu)
        const run = clientRun('cap12_edit', session.challenge)
        counts.push((await complete(h, completeBody(s.callers.liu, session, run), run.spanMs)).json().failuresToday)
      }
      // liveness passes, the face does not match the enrolled reference
      s.fake.next = [{ outcome: 'rejected', reason: 'face_mismatch', score: 0.21 }]
      const session = await start(h, s.callers.liu)
      const run = clientRun('cap13_edit2', session.challenge)
      const rejected = (await complete(h, completeBody(s.callers.liu, session, run), run.spanMs)).json()
      expect(rejected).toMatchObject({ result: 'failed', reasonCode: 'face_mismatch', reasonText: '人脸与登记照片不一致，请本人再试一次', failuresToday: 3 })
      expect(counts).toEqual([1, 2])
      expect((await recordsOfPerson(h, liu.id)).filter((r) => r.result === 'failed')).toHaveLength(3)

      // the next Beijing day starts at 0 again (2026-11-28 00:00 +08:00)
      await forgetFingerprints(h)
      h.now = new Date('2026-11-28T00:00:01+08:00')
      const next = await start(h, s.callers.liu)
      const run2 = clientRun('cap12_edit', next.challenge)
      expect((await complete(h, completeBody(s.callers.liu, next, run2), run2.spanMs)).json().failuresToday).toBe(1)
    })

    it('pending review: a record waits for the agency; 下次认证日期 does not move', async () => {
      const chen = await personOf(h, 'chen')
      s.fake.next = [{ outcome: 'pending_review', reason: 'no_reference' }]
      const session = await start(h, s.callers.chen)
      const run = clientRun('cap13_edit2', session.challenge)
      const res = await complete(h, completeBody(s.callers.chen, session, run), run.spanMs)
      expect(res.json()).toMatchObject({ result: 'pending_review', resultLabel: '人工审核中' })
      expect(res.json().nextDueDate).toBeUndefined()
      expect((await personOf(h, 'chen')).last_certified_on).toBe(chen.last_certified_on)
      // The reviewer is told why (转人工原因): the hold reason is on the completion's audit row.
      const done = (await auditOf(h, 'certification.completed')).find((a) => a.detail.sessionId === session.sessionId)
      expect(done?.detail).toMatchObject({ result: 'pending_review', holdReason: 'no_reference' })
    })

    it('a verifier that is down → 503, the session stays open and the same call succeeds later', async () => {
      s.fake.next = [{ outcome: 'unavailable' }, 'throw']
      const session = await start(h, s.callers.chen)
      const run = clientRun('cap13_edit2', session.challenge)
      const body = completeBody(s.callers.chen, session, run)
      const first = await complete(h, body, run.spanMs)
      expect(first.statusCode).toBe(503)
      expect(first.json().error.code).toBe('SERVICE_UNAVAILABLE')
      expect((await h.post('/v1/certifications/complete', body)).statusCode).toBe(503)
      expect((await sessionRow(h, session.sessionId)).status).toBe('open')
      const ok = await h.post('/v1/certifications/complete', body)
      expect(ok.statusCode).toBe(200)
      expect(ok.json().result).toBe('passed')
    })
  })

  it('nothing is half-written when the transaction fails; the retry then succeeds', async () => {
    const db = h.test.store.db
    if (dialect === 'sqlite') {
      await sql`create trigger inject_failure before insert on audit_log when new.action = 'benefit.reinstated' or new.action = 'certification.completed'
        begin select raise(abort, 'injected failure'); end`.execute(db)
    } else {
      await sql`create function inject_failure() returns trigger language plpgsql as $$
        begin if new.action = 'certification.completed' then raise exception 'injected failure'; end if; return new; end $$`.execute(db)
      await sql`create trigger inject_failure before insert on audit_log for each row execute function inject_failure()`.execute(db)
    }
    const before = await personOf(h, 'zhao')
    const records = await h.count('certification_records')
    const session = await start(h, s.callers.zhao)
    const run = clientRun('cap13_edit2', session.challenge)
    const body = completeBody(s.callers.zhao, session, run)
    try {
      const res = await complete(h, body, run.spanMs)
      expect(res.statusCode).toBe(500)
      expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: '服务暂时不可用，请稍后再试' } })
      expect(res.body).not.toContain('injected')
    } finally {
      if (dialect === 'sqlite') await sql`drop trigger inject_failure`.execute(db)
      else {
        await sql`drop trigger inject_failure on audit_log`.execute(db)
        await sql`drop function inject_failure()`.execute(db)
      }
    }
    expect(await h.count('certification_records')).toBe(records)
    expect(await personOf(h, 'zhao')).toEqual(before)
    expect(await sessionRow(h, session.sessionId)).toMatchObject({ status: 'open', record_id: null, answer: null, summary_digest: null })
    const retry = await h.post('/v1/certifications/complete', body)
    expect(retry.statusCode).toBe(200)
    expect(await h.count('certification_records')).toBe(records + 1)
    expect((await personOf(h, 'zhao')).last_certified_on).toBe('2026-11-27')
  })
})

describe.each(DIALECTS)('certifications on %s (random challenges)', (dialect) => {
  let s: Setup
  let h: Harness
  beforeAll(async () => {
    s = await setup(dialect, { maxOpenSessions: 20 })
    h = s.h
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())
  beforeEach(async () => {
    h.now = new Date(DEFAULT_NOW)
    await forgetFingerprints(h)
  })

  it('picks 2 different actions of the 6 per session, at random', async () => {
    const seen = new Set<string>()
    for (let i = 0; i < 15; i++) {
      const { challenge } = await start(h, s.callers.sun)
      expect(challenge).toHaveLength(2)
      expect(new Set(challenge).size).toBe(2)
      for (const a of challenge) expect(ACTION_NAMES).toContain(a)
      seen.add(challenge.join(','))
    }
    expect(seen.size).toBeGreaterThan(3)
  })

  it("another session's observations under a different challenge do not pass the replay", async () => {
    s.randomQueue.push(0, 1) // → blink, turn_left
    const a = await start(h, s.callers.li)
    expect(a.challenge).toEqual(['blink', 'turn_left'])
    const run = clientRun('cap13_edit2', a.challenge)
    expect(run.verdict.passed).toBe(true)

    s.randomQueue.push(3, 3) // → turn_right, head_up
    const b = await start(h, s.callers.li)
    expect(b.challenge).toEqual(['turn_right', 'head_up'])
    const res = await complete(h, completeBody(s.callers.li, b, run), run.spanMs)
    expect(res.statusCode).toBe(422)
    expect(res.json().error.code).toBe('LIVENESS_MISMATCH')
    // the genuine owner of those observations still passes with them
    expect((await h.post('/v1/certifications/complete', completeBody(s.callers.li, a, run))).json().result).toBe('passed')
  })

  it('the right actions in the wrong order (challenge turn_left, blink; person blinks first) are refused', async () => {
    s.randomQueue.push(2, 1) // pool[0]↔pool[2] → turn_left; then pool[1]↔pool[2] → blink
    const session = await start(h, s.callers.wang)
    expect(session.challenge).toEqual(['turn_left', 'blink'])
    const run = clientRun('cap13_edit2', session.challenge)
    expect(run.verdict.passed).toBe(false)
    const res = await complete(h, completeBody(s.callers.wang, session, { ...run, verdict: { passed: true } }), run.spanMs)
    expect(res.json().error.code).toBe('LIVENESS_MISMATCH')
  })

  it('the engine timing is the one the session was started with (LIVENESS_* config travels in the session)', async () => {
    const session = await start(h, s.callers.zhao)
    expect(session.livenessConfig).toEqual(DEFAULT_LIVENESS_TIMING)
    const row = await sessionRow(h, session.sessionId)
    expect(JSON.parse(row.liveness_config)).toEqual(DEFAULT_LIVENESS_TIMING)
  })
})
