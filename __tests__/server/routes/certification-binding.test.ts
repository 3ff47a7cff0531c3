/**
 * What is submitted is bound to the session it was made in (issue 11), on both stores, through
 * inject(), with REAL face traces run through the engine as the client would and REAL evidence frames
 * of the same clip (__tests__/fixtures/evidence) read by Human in the backend's worker thread:
 *  - a re-timed or lightly edited summary of an earlier pass is refused (TRACE_REUSED) and audited;
 *  - a summary with still photos as evidence, and frames that contradict the summary or are not bound
 *    to its moments, are refused (EVIDENCE_MISMATCH) and audited as suspected tamper;
 *  - a genuine completion, and a genuinely different session of the same person, still pass;
 *  - while completions wait in the worker pool, other callers are answered (never a 503).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CertificationSessionView, ClientVerdict } from '../../../src/core/contracts/certification'
import { DEFAULT_LIVENESS_TIMING, livenessEngineConfig } from '../../../src/core/contracts/certification'
import { replaySummary, runSession, sourceFromHeader, SUMMARY_FIELDS, summaryStride, type ActionName, type ObservationSummary } from '../../../src/core/liveness'
import { FINGERPRINT_REUSE_THRESHOLD } from '../../../src/core/liveness/fingerprint'
import type { IdentityEvidence, IdentityOutcome, IdentitySubject, IdentityVerifier } from '../../../server/identity/port'
import { DEFAULT_CERTIFICATION_CONFIG } from '../../../server/services/certification-config'
import { CertificationPool } from '../../../server/workers/certification-pool'
import { loadTrace } from '../../core/liveness/helpers'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import type { DemoKey } from '../helpers/demo'
import { bindDemoPeople, DEFAULT_NOW, newCaller, startHarness, type Harness } from '../helpers/harness'

jest.setTimeout(180_000)

type Caller = ReturnType<typeof newCaller>
const CHALLENGE: ActionName[] = ['blink', 'turn_left']
const ENGINE = livenessEngineConfig(DEFAULT_LIVENESS_TIMING)
const N = SUMMARY_FIELDS.length

interface Run {
  verdict: ClientVerdict
  summary: ObservationSummary
  spanMs: number
  moments: { t: number; step: number }[]
}

/** A clip through the engine as the camera page runs it; its stream starts at `t0`. */
function clientRun(clip: 'cap13_edit2' | 'cap12_edit', t0: number): Run {
  const trace = loadTrace(clip)
  const frames = trace.frames.map((f) => ({ ...f, t: f.t + t0 }))
  const { verdict, events } = runSession(sourceFromHeader(trace.header), frames, CHALLENGE, ENGINE)
  const summary = JSON.parse(JSON.stringify(verdict.summary)) as ObservationSummary
  const positioned = events.find((e) => e.type === 'prompt' && e.phase === 'action')?.t ?? 0
  return {
    verdict: { passed: verdict.passed, reason: verdict.reason },
    summary,
    spanMs: verdict.endMs - verdict.startMs,
    moments: [{ t: positioned, step: -1 }, ...verdict.actions.map((a, step) => ({ t: a.peakMs, step }))],
  }
}

/** A summary as a mini-program still on summary version 2 sends it: the same frames without the upper lids. */
function asVersion2(s: ObservationSummary): ObservationSummary {
  return { ...s, v: 2, data: s.data.filter((_, i) => i % N < summaryStride(2)) }
}

/** The summary an attacker makes from an earlier one: every dt × k, the first time moved, values edited, frames dropped/doubled, the old layout. */
function tamper(s: ObservationSummary, how: { scale?: number; firstT?: number; edits?: number; dropEvery?: number; doubleEvery?: number; asV2?: boolean }): ObservationSummary {
  const frames: (number | null)[][] = Array.from({ length: s.n }, (_, i) => s.data.slice(i * N, i * N + N))
  const out: (number | null)[][] = []
  let carry = 0
  frames.forEach((f, i) => {
    const g = f.slice()
    if (i === 0) {
      if (how.firstT !== undefined) g[0] = how.firstT
      out.push(g)
      return
    }
    g[0] = Math.max(1, Math.round(((g[0] as number) + carry) * (how.scale ?? 1)))
    carry = 0
    if (how.dropEvery && i % how.dropEvery === 0 && i < frames.length - 1) {
      carry = f[0] as number
      return
    }
    if (how.doubleEvery && i % how.doubleEvery === 0 && (g[0] as number) >= 2) {
      const half = Math.floor((g[0] as number) / 2)
      out.push([half, ...g.slice(1)], [(g[0] as number) - half, ...g.slice(1)])
      return
    }
    out.push(g)
  })
  for (let k = 0; k < (how.edits ?? 0); k++) {
    const f = out[(k * 97 + 13) % out.length]
    if (f[2] !== null) f[2] = (f[2] as number) + 25
  }
  const edited: ObservationSummary = { ...s, n: out.length, data: out.flat() }
  return how.asV2 ? asVersion2(edited) : edited
}

const frame = (name: string): string => readFileSync(join(__dirname, '..', '..', 'fixtures', 'evidence', `${name}.jpg`)).toString('base64')
const GENUINE_FRAMES = ['cap13-neutral', 'cap13-blink', 'cap13-turn-left'].map(frame)
const STILL_PHOTOS = ['cap13-neutral', 'cap13-neutral', 'cap13-neutral'].map(frame)

class FakeVerifier implements IdentityVerifier {
  readonly kind = 'local-face-match' as const
  readonly needsEvidenceFrames = true
  verified: IdentityEvidence[] = []
  async prepare(_subject: IdentitySubject) {
    return { kind: 'none' as const }
  }
  async verify(_subject: IdentitySubject, evidence: IdentityEvidence): Promise<IdentityOutcome> {
    this.verified.push(evidence)
    return { outcome: 'verified', score: 0.9 }
  }
}


async function start(h: Harness, caller: Caller): Promise<CertificationSessionView> {
  const res = await h.post('/v1/certifications/start', { caller, channel: 'h5' })
  if (res.statusCode !== 200) throw new Error(`start: ${res.statusCode} ${res.body}`)
  return res.json()
}

function body(caller: Caller, s: CertificationSessionView, run: Pick<Run, 'verdict' | 'summary'>, evidence?: { frames: string[]; moments?: Run['moments'] }) {
  return { caller, sessionId: s.sessionId, nonce: s.nonce, verdict: run.verdict, summary: run.summary, ...(evidence ? { evidence } : {}) }
}

async function complete(h: Harness, b: ReturnType<typeof body>, spanMs: number) {
  h.now = new Date(h.now.getTime() + spanMs + 1000)
  return h.post('/v1/certifications/complete', b)
}

async function tamperAudit(h: Harness, sessionId: string) {
  const rows = await h.test.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'certification.tamper_suspected').execute()
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> })).find((r) => r.detail.sessionId === sessionId)
}

describe.each(DIALECTS)('certification binding on %s', (dialect) => {
  let h: Harness
  let fake: FakeVerifier
  let callers: Record<DemoKey, Caller>
  let earlier: Run
  beforeAll(async () => {
    fake = new FakeVerifier()
    h = await startHarness(dialect, {
      config: { certification: { ...DEFAULT_CERTIFICATION_CONFIG, testChallenge: CHALLENGE, maxOpenSessions: 20 } },
      build: { identityVerifier: fake },
    })
    callers = await bindDemoPeople(h)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())
  beforeEach(() => {
    h.now = new Date(DEFAULT_NOW)
  })

  it('a genuine completion with its evidence frames passes; the frames were checked, then matched', async () => {
    const session = await start(h, callers.wang)
    expect(session.evidenceFrames).toBe(3) // neutral + one per action
    earlier = clientRun('cap13_edit2', 5)
    expect(earlier.verdict.passed).toBe(true)
    const res = await complete(h, body(callers.wang, session, earlier, { frames: GENUINE_FRAMES, moments: earlier.moments }), earlier.spanMs)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ result: 'passed' })
    expect(fake.verified.at(-1)?.frames).toEqual(GENUINE_FRAMES)
    const row = await h.test.store.db.selectFrom('certification_sessions').selectAll().where('id', '=', session.sessionId).executeTakeFirstOrThrow()
    expect(row.summary_fingerprint).toMatch(/^fp1:/)
  })

  it.each([
    ['every dt stretched 5 % and the first time changed', { scale: 1.05, firstT: 91_234 }],
    ['every dt shortened 4 %', { scale: 0.96 }],
    ['a few values edited', { edits: 6 }],
    ['every 5th frame dropped', { dropEvery: 5 }],
    ['every 7th frame doubled, the whole thing time-shifted', { doubleEvery: 7, firstT: 3 }],
    ['rewritten as a version 2 summary (no upper lids), the first time changed', { asV2: true, firstT: 7 }],
  ])('the earlier pass %s, in a fresh session → TRACE_REUSED, audited as tamper', async (_name, how) => {
    const copy = tamper(earlier.summary, how)
    // a real threat: on its own the copy replays as a pass
    expect(replaySummary(copy, CHALLENGE, ENGINE).passed).toBe(true)
    const session = await start(h, callers.wang)
    const res = await complete(h, body(callers.wang, session, { verdict: earlier.verdict, summary: copy }, { frames: GENUINE_FRAMES, moments: earlier.moments }), earlier.spanMs)
    expect(res.statusCode).toBe(409)
    expect(res.json().error).toEqual({ code: 'TRACE_REUSED', message: '这段动作检测数据已经用过，请重新认证' })
    const audit = await tamperAudit(h, session.sessionId)
    expect(audit?.detail).toMatchObject({ reason: 'TRACE_REUSED', check: 'summary_reused', match: 'fingerprint' })
    expect(audit?.detail.similarity).toBeGreaterThanOrEqual(FINGERPRINT_REUSE_THRESHOLD)
    expect((await h.test.store.db.selectFrom('certification_sessions').select('status').where('id', '=', session.sessionId).executeTakeFirstOrThrow()).status).toBe('rejected')
  })

  it('the security test: an earlier summary with one timestamp changed, plus still photos → refused', async () => {
    const copy = JSON.parse(JSON.stringify(earlier.summary)) as ObservationSummary
    copy.data[N * 200] = (copy.data[N * 200] as number) + 1
    const session = await start(h, callers.wang)
    const res = await complete(h, body(callers.wang, session, { verdict: earlier.verdict, summary: copy }, { frames: STILL_PHOTOS, moments: earlier.moments }), earlier.spanMs)
    expect(res.json().error.code).toBe('TRACE_REUSED')
  })

  it('a fresh summary with still photos of the person as evidence → EVIDENCE_MISMATCH, audited as tamper', async () => {
    const session = await start(h, callers.li)
    const run = clientRun('cap13_edit2', 11)
    const res = await complete(h, body(callers.li, session, run, { frames: STILL_PHOTOS, moments: run.moments }), run.spanMs)
    expect(res.statusCode).toBe(422)
    expect(res.json().error).toEqual({ code: 'EVIDENCE_MISMATCH', message: '认证时拍下的照片和动作对不上，请本人对着镜头重新认证' })
    const audit = await tamperAudit(h, session.sessionId)
    expect(audit?.detail).toMatchObject({ reason: 'EVIDENCE_MISMATCH', check: 'evidence_contradicts' })
    const findings = JSON.parse(String(audit?.detail.findings)) as { check: string; action: string }[]
    expect(findings).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'blink', check: 'eyes_not_closed' }), expect.objectContaining({ action: 'turn_left', check: 'not_turned' })]))
    expect(await h.count('certification_records')).toBeGreaterThan(0)
  })

  it('evidence frames that contradict the summary (the turn shown at the blink, the blink at the turn) → EVIDENCE_MISMATCH', async () => {
    const session = await start(h, callers.zhang)
    const run = clientRun('cap13_edit2', 17)
    const swapped = ['cap13-neutral', 'cap13-turn-left', 'cap13-blink'].map(frame)
    const res = await complete(h, body(callers.zhang, session, run, { frames: swapped, moments: run.moments }), run.spanMs)
    expect(res.statusCode).toBe(422)
    expect(res.json().error.code).toBe('EVIDENCE_MISMATCH')
    expect((await tamperAudit(h, session.sessionId))?.detail).toMatchObject({ check: 'evidence_contradicts' })
  })

  it('frames not bound to the session (no moments, or not at the peaks) → EVIDENCE_MISMATCH before any image is read', async () => {
    const s1 = await start(h, callers.chen)
    const run = clientRun('cap13_edit2', 23)
    const res = await complete(h, body(callers.chen, s1, run, { frames: GENUINE_FRAMES }), run.spanMs)
    expect(res.json().error.code).toBe('EVIDENCE_MISMATCH')
    expect((await tamperAudit(h, s1.sessionId))?.detail).toMatchObject({ check: 'evidence_unbound', detail: 'moments_missing' })
    const s2 = await start(h, callers.chen)
    const late = run.moments.map((m) => (m.step === 1 ? { ...m, t: m.t + 2000 } : m))
    const res2 = await complete(h, body(callers.chen, s2, run, { frames: GENUINE_FRAMES, moments: late }), run.spanMs)
    expect(res2.json().error.code).toBe('EVIDENCE_MISMATCH')
    expect((await tamperAudit(h, s2.sessionId))?.detail).toMatchObject({ check: 'evidence_unbound', detail: 'step_1_not_at_peak' })
  })

  it('a genuinely different session of the same person (cap12, then cap13: the same man) is not flagged', async () => {
    const first = await start(h, callers.sun)
    const other = clientRun('cap12_edit', 3)
    const res1 = await complete(h, body(callers.sun, first, other), other.spanMs)
    expect(res1.json()).toMatchObject({ result: 'failed', reasonCode: 'out_of_order' })
    const second = await start(h, callers.sun)
    const run = clientRun('cap13_edit2', 29)
    const res2 = await complete(h, body(callers.sun, second, run, { frames: GENUINE_FRAMES, moments: run.moments }), run.spanMs)
    expect(res2.json()).toMatchObject({ result: 'passed' })
    const done = (await h.test.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'certification.completed').execute())
      .map((r) => JSON.parse(r.detail) as Record<string, unknown>)
      .find((d) => d.sessionId === second.sessionId)
    expect(done).toMatchObject({ evidence: 'checked' })
    expect(done?.closestEarlierSummary).toBeLessThan(FINGERPRINT_REUSE_THRESHOLD)
  })

  it('a genuine completion from a mini-program still on summary version 2 (started before the update) passes', async () => {
    const session = await start(h, callers.zhao)
    const run = clientRun('cap13_edit2', 17)
    const res = await complete(h, body(callers.zhao, session, { verdict: run.verdict, summary: asVersion2(run.summary) }, { frames: GENUINE_FRAMES, moments: run.moments }), run.spanMs)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ result: 'passed' })
  })

  it('no frames at all where they are expected: nothing about frames is proven, so no automatic pass is invented for the verifier', async () => {
    const session = await start(h, callers.liu)
    const run = clientRun('cap13_edit2', 31)
    const res = await complete(h, body(callers.liu, session, run), run.spanMs)
    expect(res.statusCode).toBe(200)
    expect(fake.verified.at(-1)?.frames).toBeUndefined() // local-face-match answers pending_review for this
    const done = (await h.test.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'certification.completed').execute())
      .map((r) => JSON.parse(r.detail) as Record<string, unknown>)
      .find((d) => d.sessionId === session.sessionId)
    expect(done).toMatchObject({ evidence: 'absent' })
  })
})

describe.each(DIALECTS)('completions in the worker pool never make others wait (%s)', (dialect) => {
  let h: Harness
  let pool: CertificationPool
  const gate = new Int32Array(new SharedArrayBuffer(4))
  const started: string[] = []
  let firstStarted: () => void = () => undefined
  const taskStarted = new Promise<void>((resolve) => (firstStarted = resolve))
  beforeAll(async () => {
    pool = new CertificationPool({
      size: 1,
      gate: gate.buffer as SharedArrayBuffer,
      onTaskStarted: (task) => {
        started.push(task)
        firstStarted()
      },
    })
    h = await startHarness(dialect, {
      config: { certification: { ...DEFAULT_CERTIFICATION_CONFIG, testChallenge: CHALLENGE } },
      // Load shedding answers the whole machine's lag, which a loaded CI box cannot promise; this test is
      // about where the work runs (held in the worker while others are answered), so shedding is out of reach.
      build: { identityVerifier: new FakeVerifier(), certificationPool: pool },
    })
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => {
    Atomics.store(gate, 0, 1)
    Atomics.notify(gate, 0)
    await h?.close()
    await pool?.close()
  })

  it('while two completions with evidence frames are held in the worker, 40 status reads are all answered 200; then both complete', async () => {
    const callers = await bindDemoPeople(h)
    const a = await start(h, callers.wang)
    const b = await start(h, callers.li)
    const runA = clientRun('cap13_edit2', 41)
    const runB = clientRun('cap13_edit2', 43)
    h.now = new Date(h.now.getTime() + runA.spanMs + 1000)
    let settled = 0
    const completions = [
      h.post('/v1/certifications/complete', body(callers.wang, a, runA, { frames: GENUINE_FRAMES, moments: runA.moments })),
      h.post('/v1/certifications/complete', body(callers.li, b, runB, { frames: GENUINE_FRAMES, moments: runB.moments })),
    ].map((p) => p.finally(() => settled++))
    await taskStarted // the first completion's work is in the worker, held there
    const reads = await Promise.all(Array.from({ length: 40 }, (_, i) => h.post('/v1/status', { caller: i % 2 ? callers.sun : callers.chen })))
    // answered while the completions were still waiting for the worker (one task taken, one queued)
    expect({ statuses: reads.map((r) => r.statusCode), bodies: reads.filter((r) => r.statusCode !== 200).map((r) => r.body), settled, started }).toEqual({
      statuses: Array(40).fill(200),
      bodies: [],
      settled: 0,
      started: ['summary'],
    })
    Atomics.store(gate, 0, 1)
    Atomics.notify(gate, 0)
    const done = await Promise.all(completions)
    // both summaries went through the worker, and the frames: the same three JPEGs, read once, then from the cache
    expect({ answers: done.map((r) => `${r.statusCode} ${r.json().result ?? r.body}`), summaries: started.filter((t) => t === 'summary').length, frames: started.filter((t) => t === 'analyse').length }).toEqual({
      answers: ['200 passed', '200 passed'],
      summaries: 2,
      frames: 3,
    })
  })
})
