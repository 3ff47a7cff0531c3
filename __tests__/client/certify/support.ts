/**
 * Test support for the certification flow: recorded face traces replayed through a fake FaceSource,
 * and session/result fixtures.
 */
import { join } from 'node:path'
import { readTrace } from '../../../scripts/liveness/trace-io'
import type { CertificationResultView, CertificationSessionView } from '@/core/contracts/certification'
import type { ActionName } from '@/core/liveness/types'
import type { Trace } from '@/core/liveness/trace/format'
import type { FaceSource, FaceSourceFailure, FaceSourceHandlers } from '@/liveness/source'

const TRACES = join(__dirname, '..', '..', 'fixtures', 'liveness', 'traces')
const cache = new Map<string, Trace>()

export type Clip = 'cap13_edit2' | 'cap12_edit' | 'franck'

export function loadTrace(clip: Clip): Trace {
  let t = cache.get(clip)
  if (!t) {
    t = readTrace(join(TRACES, `${clip}.jsonl.gz`))
    cache.set(clip, t)
  }
  return t
}

/** A tiny valid JPEG-looking base64 string (starts with /9j/). */
export const FAKE_JPEG = '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHR8eHR8eHR8eHR8eHR8e'

/** Replays a recorded trace as the camera+tracker; frames are pushed by play()/playSome(). */
export class ReplaySource implements FaceSource {
  handlers: FaceSourceHandlers | null = null
  stopped = 0
  captures = 0
  emitted = 0
  private i = 0
  constructor(
    readonly trace: Trace,
    private readonly startAnswer: { ok: false; failure: FaceSourceFailure } | null = null,
  ) {}

  async start(handlers: FaceSourceHandlers) {
    if (this.startAnswer) return this.startAnswer
    this.handlers = handlers
    const h = this.trace.header
    return { ok: true as const, info: { layout: h.layout as 'mediapipe-478', mirrored: h.mirrored === true, aspect: h.width / h.height } }
  }

  /** Pushes up to n more frames (all when n is omitted); returns how many were pushed. */
  play(n = Infinity): number {
    let k = 0
    while (this.handlers && this.stopped === 0 && this.i < this.trace.frames.length && k < n) {
      this.handlers.onFrame(this.trace.frames[this.i++])
      this.emitted++
      k++
    }
    return k
  }

  fail(f: FaceSourceFailure): void {
    this.handlers?.onFailure(f)
  }

  async captureEvidence() {
    this.captures++
    return FAKE_JPEG
  }

  /** Times asked of captureEvidenceAt (set `ring: false` to model a source without one). */
  askedAt: number[] = []
  ring = true

  /** The pushed frame nearest to t (a ring of everything pushed), as FAKE_JPEG with that frame's time. */
  captureEvidenceAt = async (t: number) => {
    this.askedAt.push(t)
    if (!this.ring) return undefined
    this.captures++
    let best = -1
    for (let k = 0; k < this.i; k++) if (best < 0 || Math.abs(this.trace.frames[k].t - t) < Math.abs(this.trace.frames[best].t - t)) best = k
    return best < 0 ? undefined : { jpeg: FAKE_JPEG, t: this.trace.frames[best].t }
  }

  stop() {
    this.stopped++
  }
}

export function session(challenge: ActionName[], extra: Partial<CertificationSessionView> = {}): CertificationSessionView {
  return {
    sessionId: '0b3c4f3e-8f7a-4b8e-9a53-2f9f5f0d7c11',
    nonce: 'abcdefghijklmnopqrstuvwxyz012345',
    challenge,
    expiresAt: '2099-01-01T00:00:00.000Z',
    identityStep: { kind: 'none' },
    evidenceFrames: 2,
    livenessConfig: { positioningTimeoutMs: 30000, actionTimeoutMs: 15000, actionRetries: 1, totalTimeoutMs: 180000 },
    ...extra,
  }
}

export const passedResult: CertificationResultView = {
  recordId: 'rec-1',
  result: 'passed',
  resultLabel: '认证通过',
  nextDueDate: '2027-11-01',
  nextDueMonthLabel: '2027年11月',
  reinstatement: { resumeMonthLabel: '2026年12月', backPaidMonths: 3 },
  failuresToday: 0,
}

export function failedResult(failuresToday: number, reasonText = '时间到了，没有完成动作，请再试一次'): CertificationResultView {
  return { recordId: `rec-f${failuresToday}`, result: 'failed', resultLabel: '认证未通过', reasonCode: 'timeout', reasonText, failuresToday }
}

export { flush } from '../support/interact'

/**
 * The utterances the speech layer starts during each test (its `globalThis.__ylSpeechLog` hook),
 * emptied before every test; a browser voice a test installed is removed after it.
 */
export function recordSpeech(): string[] {
  const log: string[] = []
  const g = globalThis as { __ylSpeechLog?: string[] }
  beforeEach(() => {
    log.length = 0
    g.__ylSpeechLog = log
  })
  afterEach(() => {
    delete g.__ylSpeechLog
    delete (window as unknown as Record<string, unknown>).speechSynthesis
    delete (window as unknown as Record<string, unknown>).SpeechSynthesisUtterance
  })
  return log
}
