/**
 * A phone's camera and VisionKit for the compiled camera page, played from a recorded clip:
 *  - `wx.createCameraContext().onCameraFrame` delivers small RGBA frames of the clip's aspect when the
 *    test calls `deliver()`, one per recorded frame, on the test's controlled clock (`setTime` moves it
 *    to `startAt` + the recorded frame's t before the frame arrives, so the adapter's timestamps never
 *    depend on machine speed);
 *  - `wx.createVKSession` answers `detectFace` from the VisionKit stand-in (scripts/visionkit-standin):
 *    it reads WHICH recorded frame it was handed from the buffer itself (the frame index is written into
 *    the first pixel), so the answer belongs to the frame the adapter passed;
 *  - `answerLag`: 0 = VisionKit answers inside detectFace; 1 = it answers only after the next camera
 *    frame has arrived (a slower phone), which the adapter's `busy` skip + every-2nd rule turn into
 *    every 3rd camera frame.
 */
import type { TrackerFrame } from '../../../../src/core/liveness/types'
import { answerFor, type StandinOptions, type VKAnswer } from '../../../../scripts/visionkit-standin/standin'
import type { WeappSession } from '../simulate-support'

type Fn = (...args: any[]) => any

export interface FakePhoneOptions {
  /** The recording, t in ms from its first frame (the camera's timeline). */
  frames: readonly TrackerFrame[]
  /** The recording's frame size (aspect of the camera frames). */
  width: number
  height: number
  standin?: StandinOptions
  /** Recorded frames where VisionKit finds no face. */
  noFace?: (index: number) => boolean
  /** What VisionKit does when it finds no face: removeAnchors (default), or nothing at all. */
  noFaceAnswer?: 'removeAnchors' | 'silent'
  /** VisionKit fires updateAnchors twice for one detectFace (as camera mode does, once per frame). */
  answerTwice?: boolean
  answerLag?: 0 | 1
  /** Epoch ms of the first recorded frame. */
  startAt: number
  /** Moves the test's clock (what Date.now answers) to an epoch ms. */
  setTime(ms: number): void
}

export interface DetectCall {
  /** Index of the recorded frame in the buffer detectFace got. */
  index: number
  width: number
  height: number
  sourceType: unknown
  scoreThreshold: unknown
}

export interface FakePhone {
  vkConfigs: unknown[]
  detectCalls: DetectCall[]
  /** Frames delivered to onCameraFrame so far. */
  delivered: number
  /** onCameraFrame listener started and not stopped. */
  readonly listening: boolean
  /** Delivers the next recorded frame (advancing the clock to its time); false when the clip is over. */
  deliver(): boolean
  /** The time of the last delivered frame (epoch ms). */
  now(): number
}

/** 1/4 of the recording's size, at least 8 px: small, like frame-size="small", with the same aspect. */
function frameSize(width: number, height: number): { w: number; h: number } {
  return { w: Math.max(8, Math.round(width / 4)), h: Math.max(8, Math.round(height / 4)) }
}

function cameraFrame(index: number, w: number, h: number): { width: number; height: number; data: ArrayBuffer } {
  const px = new Uint8Array(w * h * 4).fill(128)
  px[0] = index & 255
  px[1] = (index >> 8) & 255
  px[2] = (index >> 16) & 255
  return { width: w, height: h, data: px.buffer }
}

function frameIndexOf(buf: ArrayBuffer): number {
  const px = new Uint8Array(buf, 0, 3)
  return px[0] | (px[1] << 8) | (px[2] << 16)
}

/** Replaces camera + VisionKit on the session's wx (Taro looks them up there at call time). */
export function installFakePhone(s: WeappSession, opts: FakePhoneOptions): FakePhone {
  const { w, h } = frameSize(opts.width, opts.height)
  let now = opts.startAt
  let listener: Fn | null = null
  let listening = false
  let pending: (() => void) | null = null
  const handlers: Record<string, Fn[]> = {}
  const emit = (a: VKAnswer) => {
    const anchors = a.event === 'updateAnchors' ? a.anchors : []
    for (const fn of handlers[a.event] ?? []) fn(anchors)
  }
  const phone: FakePhone = {
    vkConfigs: [],
    detectCalls: [],
    delivered: 0,
    get listening() {
      return listening
    },
    deliver() {
      const i = phone.delivered
      if (i >= opts.frames.length) return false
      now = opts.startAt + opts.frames[i].t
      opts.setTime(now)
      phone.delivered++
      // A lagging VisionKit answers the previous detectFace only after this frame has arrived (while busy).
      const late = pending
      pending = null
      if (listening && listener) listener(cameraFrame(i, w, h))
      late?.()
      return true
    },
    now: () => now,
  }

  s.wx.isVKSupport = () => true
  s.wx.createCameraContext = () => ({
    onCameraFrame(cb: Fn) {
      listener = cb
      return {
        start: (o?: { success?: Fn }) => {
          listening = true
          o?.success?.({ errMsg: 'start:ok' })
        },
        stop: (o?: { success?: Fn }) => {
          listening = false
          o?.success?.({ errMsg: 'stop:ok' })
        },
      }
    },
    takePhoto: (o: { fail?: Fn }) => o.fail?.({ errMsg: 'takePhoto:fail not in this test' }),
  })
  s.wx.createVKSession = (cfg: unknown) => {
    phone.vkConfigs.push(cfg)
    return {
      start: (cb: Fn) => setTimeout(() => cb(0), 0),
      stop: () => undefined,
      destroy: () => undefined,
      on: (ev: string, fn: Fn) => void (handlers[ev] = [...(handlers[ev] ?? []), fn]),
      off: () => undefined,
      detectFace(o: { frameBuffer: ArrayBuffer; width: number; height: number; sourceType?: unknown; scoreThreshold?: unknown }) {
        const index = frameIndexOf(o.frameBuffer)
        phone.detectCalls.push({ index, width: o.width, height: o.height, sourceType: o.sourceType, scoreThreshold: o.scoreThreshold })
        const answer = answerFor(opts.frames[index], { aspect: opts.width / opts.height, ...opts.standin }, opts.noFace?.(index) ?? false, phone.detectCalls.length)
        if (answer.event === 'removeAnchors' && opts.noFaceAnswer === 'silent') return
        const reply = () => {
          emit(answer)
          if (opts.answerTwice) emit(answer)
        }
        if (opts.answerLag === 1) pending = reply
        else reply()
      },
    }
  }
  return phone
}
