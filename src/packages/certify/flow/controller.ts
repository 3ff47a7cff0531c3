/**
 * The certification flow on the camera page, as plain TypeScript (testable without Taro):
 *
 *   startCertification → FaceSource.start → frames → LivenessEngine (the session's challenge and
 *   livenessConfig) → verdict → completeCertification {verdict, summary, evidence?} → result.
 *
 * Frames and point arrays never leave this object: the UI only sees FlowState, which changes on the
 * engine's prompt / hint / progress / verdict events and on stage changes — a handful of times per
 * session, not per frame. A network failure while completing keeps the SAME payload for 重试 (the
 * backend answers the same record for the same session); it never starts a new session.
 *
 * A session this flow will not complete is closed on the backend (deps.cancel, best effort, never
 * awaited): when 人脸核身 did not finish, when the page is left, and when begin() replaces it. Only a
 * session no completion was sent for: once sent, the completion decides the session (a cancel racing
 * it could cost the person a pass). Open sessions per account are limited, so an abandoned one would
 * otherwise lock the person out (TOO_MANY_SESSIONS) until it expired.
 *
 * Evidence (when the session asks for frames): the neutral frame when positioning ends, and for each
 * accepted action the frame nearest its peakMs from the source's ring of recent frames (the engine
 * reports an action after its peak), each sent with its moment {t, step} so the backend can check it
 * against the summary (server/services/evidence-checks.ts).
 */
import {
  DEFAULT_LIVENESS_TIMING,
  EVIDENCE_FRAME_MAX_CHARS,
  EVIDENCE_MAX_FRAMES,
  EVIDENCE_NEUTRAL_STEP,
  EVIDENCE_PEAK_TOLERANCE_MS,
  livenessEngineConfig,
  type CertificationResultView,
  type CancelCertificationEvent,
  type CancelReason,
  type CertificationSessionView,
  type CompleteCertificationEvent,
} from '@/core/contracts/certification'
import { appError, type AppError, type Result } from '@/core/errors'
import { LivenessEngine, type LivenessVerdict, type SessionEvent } from '@/core/liveness'
import { resolveSessionConfig } from '@/core/liveness/session/config'
import type { ActionName, TrackerFrame } from '@/core/liveness/types'
import type { FaceSource, FaceSourceFailure } from '@/liveness/source'
import type { IdentityStepOutcome } from '@/services/certification'
import { promptSentences } from './camera-texts'
import { IDENTITY_INCOMPLETE_BODY, IDENTITY_RUNNING, IDENTITY_UNSUPPORTED_BODY } from './texts'
import type { UtteranceKind } from './prompt-speaker'

export type FlowStage =
  /** Asking the backend for a session. */
  | 'starting'
  /** Opening camera and tracker. */
  | 'opening'
  | 'positioning'
  | 'action'
  /** Verdict reached; sending it. */
  | 'submitting'
  /** Sending failed on the way (network, service down): 重试 sends the same payload again. */
  | 'submit_failed'
  /** The backend answered with the record. */
  | 'done'
  /** The backend refused to start, or refused the completion (start again). */
  | 'start_failed'
  | 'refused'
  | 'camera_denied'
  | 'camera_unavailable'
  /** The face tracker cannot run here (VisionKit unsupported …): other ways to certify. */
  | 'unsupported'
  /** weapp 人脸核身 (wx.requestFacialVerify) is on screen, before the camera. */
  | 'identity'
  /** 人脸核身 did not finish (or this WeChat cannot run it): no camera, nothing sent, nothing counted. */
  | 'identity_incomplete'

export interface FlowState {
  stage: FlowStage
  /** The big instruction. */
  prompt: string
  /** A coaching hint (请靠近一点 …), '' when none. */
  hint: string
  /** The action being asked for (null while positioning). */
  action: ActionName | null
  /** Steps done / total. */
  done: number
  total: number
  /** The current attempt is a repeat after a timeout. */
  retry: boolean
  /** Wall-clock start and length of the current attempt (drives the countdown). */
  stepStartedAt: number
  stepMs: number
  error: AppError | null
  result: CertificationResultView | null
}

export interface FlowDeps {
  start(): Promise<Result<CertificationSessionView>>
  complete(event: CompleteCertificationEvent): Promise<Result<CertificationResultView>>
  /** Creates the platform's FaceSource (not started). */
  createSource(): Promise<FaceSource>
  /**
   * Says a step's sentences ('prompt': a new step), or a hint ('' when it went away); queued and paced
   * by the caller (PromptSpeaker).
   */
  say(text: string | readonly string[], kind: UtteranceKind): void
  /**
   * Runs the identity step the backend asked for before the camera (weapp 人脸核身), if any. Only a
   * `done` (or nothing) goes on to the camera; the backend's own check decides whether it passed.
   */
  identityStep?(session: CertificationSessionView): Promise<IdentityStepOutcome | void>
  /** Closes a session this flow will not complete (best effort: its answer and failures are ignored). */
  cancel?(event: CancelCertificationEvent): Promise<unknown> | void
  now?(): number
  /** Is this failure worth the same request again? */
  isRetryable(code: AppError['code']): boolean
  /** How long to wait for evidence captures at the end (ms). */
  evidenceWaitMs?: number
  /** No frame for this long while the camera runs → camera_unavailable (ms). */
  frameWatchdogMs?: number
  timers?: { setInterval(fn: () => void, ms: number): unknown; clearInterval(h: unknown): void }
}

const INITIAL: FlowState = {
  stage: 'starting',
  prompt: '正在准备，请稍候',
  hint: '',
  action: null,
  done: 0,
  total: 0,
  retry: false,
  stepStartedAt: 0,
  stepMs: 0,
  error: null,
  result: null,
}

const FAILURE_STAGE: Record<FaceSourceFailure, FlowStage> = {
  camera_denied: 'camera_denied',
  camera_unavailable: 'camera_unavailable',
  tracker_unsupported: 'unsupported',
}

const JPEG_B64 = /^\/9j\//

export class CertifyController {
  private state: FlowState = INITIAL
  private readonly listeners = new Set<(s: FlowState) => void>()
  private session: CertificationSessionView | null = null
  private source: FaceSource | null = null
  private engine: LivenessEngine | null = null
  private actionMs = DEFAULT_LIVENESS_TIMING.actionTimeoutMs
  private positioningMs = DEFAULT_LIVENESS_TIMING.positioningTimeoutMs
  /** Evidence by step (EVIDENCE_NEUTRAL_STEP, then 0…): the JPEG and its frame's time. */
  private evidence = new Map<number, { jpeg: string; t: number }>()
  private captures: Promise<void>[] = []
  /** The last action the engine detected (its peakMs is where the step's evidence frame is taken). */
  private lastDetected: { action: ActionName; peakMs: number } | null = null
  private payload: CompleteCertificationEvent | null = null
  /** The current session was closed with deps.cancel. */
  private cancelled = false
  private finished = false
  private disposed = false
  private run = 0
  private lastFrameAt = 0
  private watchdog: unknown = null
  /** Frames handed to the engine (for diagnostics/tests; never rendered). */
  framesSeen = 0

  constructor(private readonly deps: FlowDeps) {}

  getState(): FlowState {
    return this.state
  }

  subscribe(fn: (s: FlowState) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /** The payload sent (or to be sent) with completeCertification. */
  get completion(): CompleteCertificationEvent | null {
    return this.payload
  }

  /** Start a new session and open the camera. */
  async begin(): Promise<void> {
    const run = ++this.run
    this.abandon('restarted')
    this.disposed = false
    this.reset()
    this.set({ ...INITIAL })
    const started = await this.deps.start()
    if (!this.live(run)) {
      // Left (or restarted) while the start was on its way: the new session is nobody's.
      if (started.ok) this.sendCancel(started.data, this.disposed ? 'left_page' : 'restarted')
      return
    }
    if (!started.ok) {
      this.set({ stage: 'start_failed', error: started.error, prompt: started.error.message })
      return
    }
    const session = started.data
    this.session = session
    const timing = session.livenessConfig ?? DEFAULT_LIVENESS_TIMING
    const cfg = resolveSessionConfig(livenessEngineConfig(timing))
    this.actionMs = cfg.actionTimeoutMs
    this.positioningMs = cfg.positioningTimeoutMs
    if (session.identityStep.kind !== 'none' && this.deps.identityStep) {
      this.set({ stage: 'identity', prompt: IDENTITY_RUNNING })
      let outcome: IdentityStepOutcome | void
      try {
        outcome = await this.deps.identityStep(session)
      } catch {
        outcome = 'not_completed'
      }
      if (!this.live(run)) return
      if (outcome === 'not_completed' || outcome === 'unsupported') {
        // A check that did not finish cannot pass: stop before the camera, with kind words (no
        // completion is sent, so no failed record counts against the person), and close the session
        // so 再试一次 never meets TOO_MANY_SESSIONS.
        this.abandon('identity_not_completed')
        this.set({ stage: 'identity_incomplete', prompt: outcome === 'unsupported' ? IDENTITY_UNSUPPORTED_BODY : IDENTITY_INCOMPLETE_BODY })
        return
      }
    }

    this.set({ stage: 'opening', prompt: '正在打开摄像头，请稍候', total: session.challenge.length })
    let source: FaceSource
    try {
      source = await this.deps.createSource()
    } catch {
      if (this.live(run)) this.set({ stage: 'unsupported', prompt: '' })
      return
    }
    if (!this.live(run)) {
      source.stop()
      return
    }
    this.source = source
    const res = await source.start({
      onFrame: (f) => this.onFrame(run, f),
      onFailure: (f) => this.onSourceFailure(run, f),
    })
    if (!this.live(run)) {
      source.stop()
      return
    }
    if (!res.ok) {
      this.stopSource()
      this.set({ stage: FAILURE_STAGE[res.failure], prompt: '' })
      return
    }
    this.engine = new LivenessEngine(
      { layout: res.info.layout, aspect: res.info.aspect, mirrored: res.info.mirrored },
      session.challenge,
      livenessEngineConfig(timing),
    )
    this.lastFrameAt = this.now()
    this.startWatchdog(run)
  }

  /** 重试 after a network failure: the same payload again. */
  async retrySubmit(): Promise<void> {
    if (this.state.stage !== 'submit_failed' || !this.payload) return
    await this.submit(this.run)
  }

  /** The page is leaving: stop the camera and ignore late answers (begin() starts afresh). */
  dispose(): void {
    this.abandon('left_page')
    this.disposed = true
    this.run++
    this.reset()
  }

  // ---- frames ------------------------------------------------------------------------------------

  private onFrame(run: number, frame: TrackerFrame): void {
    const engine = this.engine
    if (!engine || this.finished || run !== this.run) return
    this.lastFrameAt = this.now()
    this.framesSeen++
    const events = engine.pushFrame(frame)
    if (events.length === 0) return
    // Copy first: the engine reuses its event array.
    const list = events.slice()
    for (const e of list) this.onEvent(run, e)
  }

  private onEvent(run: number, e: SessionEvent): void {
    switch (e.type) {
      case 'prompt': {
        const action = e.phase === 'action' ? e.action : null
        this.set({
          stage: e.phase,
          prompt: e.text,
          action,
          retry: e.retry,
          stepStartedAt: this.now(),
          stepMs: e.phase === 'action' ? this.actionMs : this.positioningMs,
        })
        // Positioning passes: the first action's instruction does not wait for its end.
        this.deps.say(promptSentences(e, this.state.total), e.phase === 'positioning' ? 'status' : 'prompt')
        // Positioned: the neutral frame (face frontal, in the box), the reference for every action frame.
        if (e.phase === 'action' && e.step === 0 && !e.retry) this.capture(EVIDENCE_NEUTRAL_STEP, e.t)
        return
      }
      case 'detected':
        this.lastDetected = { action: e.action, peakMs: e.peakMs }
        return
      case 'hint':
        if (e.text !== this.state.hint) this.set({ hint: e.text })
        this.deps.say(e.text, 'hint')
        return
      case 'progress':
        this.set({ done: e.done })
        // The step's frame at the action's peak (the event that satisfied it came just before).
        if (this.lastDetected && this.lastDetected.action === e.action) this.capture(e.done - 1, this.lastDetected.peakMs)
        return
      case 'verdict':
        void this.finish(run)
        return
      default:
        return
    }
  }

  private onSourceFailure(run: number, failure: FaceSourceFailure): void {
    if (run !== this.run || this.finished) return
    this.finished = true
    this.stopSource()
    this.set({ stage: FAILURE_STAGE[failure], prompt: '', hint: '' })
  }

  // ---- evidence ----------------------------------------------------------------------------------

  /**
   * Takes the evidence frame of `step` at `t`: from the source's ring of recent frames (the frame
   * nearest to t), else the current frame. A frame further than EVIDENCE_PEAK_TOLERANCE_MS from its
   * moment is not kept: the backend could not bind it to the session.
   */
  private capture(step: number, t: number): void {
    const want = Math.min(this.session?.evidenceFrames ?? 0, EVIDENCE_MAX_FRAMES)
    const src = this.source
    if (!src || want === 0 || this.evidence.has(step) || step + 2 > want) return
    const shot: Promise<{ jpeg: string; t: number } | undefined> = src.captureEvidenceAt
      ? src.captureEvidenceAt(t)
      : step === EVIDENCE_NEUTRAL_STEP
        ? src.captureEvidence().then((jpeg) => (jpeg ? { jpeg, t } : undefined))
        : Promise.resolve(undefined)
    const p = shot
      .then((got) => {
        if (!got || !JPEG_B64.test(got.jpeg) || got.jpeg.length > EVIDENCE_FRAME_MAX_CHARS) return
        if (Math.abs(got.t - t) > EVIDENCE_PEAK_TOLERANCE_MS) return
        this.evidence.set(step, { jpeg: got.jpeg, t: Math.round(got.t) })
      })
      .catch(() => undefined)
    this.captures.push(p)
  }

  /**
   * The evidence to send: every frame the session asked for (neutral + one per action), ordered by
   * step, each with its moment; or nothing when one is missing (frames that cannot all be bound to the
   * session would be refused; without frames the backend leaves the identity check to a person).
   */
  private evidencePayload(): { frames: string[]; moments: { t: number; step: number }[] } | undefined {
    const want = Math.min(this.session?.evidenceFrames ?? 0, EVIDENCE_MAX_FRAMES)
    if (want === 0 || this.evidence.size !== want) return undefined
    const steps = [...this.evidence.keys()].sort((a, b) => a - b)
    return {
      frames: steps.map((k) => (this.evidence.get(k) as { jpeg: string }).jpeg),
      moments: steps.map((k) => ({ t: (this.evidence.get(k) as { t: number }).t, step: k })),
    }
  }

  private async waitForCaptures(): Promise<void> {
    if (this.captures.length === 0) return
    const wait = this.deps.evidenceWaitMs ?? 3000
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([Promise.all(this.captures), new Promise((r) => (timer = setTimeout(r, wait)))])
    if (timer !== undefined) clearTimeout(timer)
  }

  // ---- completion --------------------------------------------------------------------------------

  private async finish(run: number): Promise<void> {
    const engine = this.engine
    const session = this.session
    if (this.finished || !engine || !session) return
    this.finished = true
    this.stopWatchdog()
    const verdict: LivenessVerdict = engine.session.verdict ?? engine.finish()
    this.set({ stage: 'submitting', prompt: verdict.passed ? '动作完成，正在提交，请稍候' : '正在提交，请稍候', hint: '' })
    await this.waitForCaptures()
    if (!this.live(run)) return
    this.stopSource()
    const evidence = verdict.passed ? this.evidencePayload() : undefined
    this.payload = {
      sessionId: session.sessionId,
      nonce: session.nonce,
      verdict: { passed: verdict.passed, reason: verdict.reason, ...(verdict.missedAction ? { missedAction: verdict.missedAction } : {}) },
      summary: verdict.summary,
      ...(evidence ? { evidence } : {}),
    }
    await this.submit(run)
  }

  private async submit(run: number): Promise<void> {
    const payload = this.payload
    if (!payload) return
    this.set({ stage: 'submitting', prompt: '正在提交，请稍候', error: null })
    let r: Result<CertificationResultView>
    try {
      r = await this.deps.complete(payload)
    } catch {
      r = { ok: false, error: appError('NETWORK_ERROR') }
    }
    if (!this.live(run)) return
    if (r.ok) {
      this.set({ stage: 'done', result: r.data, prompt: r.data.resultLabel })
      return
    }
    if (this.deps.isRetryable(r.error.code)) {
      this.set({ stage: 'submit_failed', error: r.error, prompt: '提交没有成功' })
      return
    }
    this.set({ stage: 'refused', error: r.error, prompt: r.error.message })
  }

  // ---- plumbing ----------------------------------------------------------------------------------

  /** Closes the current session unless a completion was sent for it (or it was closed already). */
  private abandon(reason: CancelReason): void {
    const session = this.session
    if (!session || this.payload || this.cancelled) return
    this.cancelled = true
    this.sendCancel(session, reason)
  }

  private sendCancel(session: CertificationSessionView, reason: CancelReason): void {
    const cancel = this.deps.cancel
    if (!cancel) return
    try {
      void Promise.resolve(cancel({ sessionId: session.sessionId, nonce: session.nonce, reason })).catch(() => undefined)
    } catch {
      // best effort: the session then expires on its own
    }
  }

  private live(run: number): boolean {
    return !this.disposed && run === this.run
  }

  private now(): number {
    return this.deps.now ? this.deps.now() : Date.now()
  }

  private startWatchdog(run: number): void {
    const t = this.deps.timers ?? { setInterval: (fn: () => void, ms: number) => setInterval(fn, ms), clearInterval: (h: unknown) => clearInterval(h as ReturnType<typeof setInterval>) }
    const limit = this.deps.frameWatchdogMs ?? 10000
    this.stopWatchdog()
    this.watchdog = t.setInterval(() => {
      if (!this.live(run) || this.finished) return this.stopWatchdog()
      if (this.now() - this.lastFrameAt > limit) this.onSourceFailure(run, 'camera_unavailable')
    }, 1000)
  }

  private stopWatchdog(): void {
    if (this.watchdog === null) return
    const t = this.deps.timers
    if (t) t.clearInterval(this.watchdog)
    else clearInterval(this.watchdog as ReturnType<typeof setInterval>)
    this.watchdog = null
  }

  private stopSource(): void {
    const s = this.source
    this.source = null
    try {
      s?.stop()
    } catch {
      // already stopped
    }
  }

  private reset(): void {
    this.stopWatchdog()
    this.stopSource()
    this.session = null
    this.engine = null
    this.evidence = new Map()
    this.captures = []
    this.lastDetected = null
    this.payload = null
    this.cancelled = false
    this.finished = false
    this.framesSeen = 0
  }

  private set(patch: Partial<FlowState>): void {
    let changed = false
    for (const k of Object.keys(patch) as (keyof FlowState)[]) {
      if (this.state[k] !== patch[k]) {
        changed = true
        break
      }
    }
    if (!changed) return
    this.state = { ...this.state, ...patch }
    for (const fn of this.listeners) fn(this.state)
  }
}
