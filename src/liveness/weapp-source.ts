/**
 * weapp FaceSource: the page's <Camera frameSize="small" devicePosition=…> + CameraContext.onCameraFrame
 * + VisionKit face (mode 2, detectFace sourceType 0, every 2nd frame), through src/liveness/visionkit.ts.
 *
 * The page renders the <Camera> and forwards its events to a CameraSignal (ready on bindinitdone,
 * denied on binderror, stopped on bindstop); start() waits for it so onCameraFrame is only asked of
 * a camera that exists. Frames stay in this module (never in setData).
 *
 * Evidence (only when the session asks for frames — on weapp only when the deployment sets
 * IDENTITY_WEAPP_FRAME_UPLOAD): captureEvidenceAt(t) returns the tracked frame nearest to t from a ring
 * of small copies of the frames handed to VisionKit (src/liveness/weapp/evidence-ring.ts: 20 slots,
 * 320 px, ~1.6 s; a JPEG is encoded only for a picked frame), on the same time axis as the
 * TrackerFrames. The ring exists only when frames are wanted:
 *  - `evidenceFrames: true` (the session asked): kept from the first tracked frame;
 *  - `evidenceFrames: false`: nothing is ever kept and captureEvidenceAt answers undefined;
 *  - not given (today's callers, which create the source before they can say): nothing is kept until
 *    the first captureEvidenceAt — which the certify controller makes only when the session asks for
 *    frames, for the neutral frame when positioning ends — and that call is answered from the frame
 *    being tracked at that moment. Action peaks come later, so the ring holds them.
 * captureEvidence() (CameraContext.takePhoto, low quality) remains for callers without a moment.
 */
import Taro from '@tarojs/taro'
import type { FaceSource, FaceSourceFailure, FaceSourceHandlers, FaceSourceInfo } from './source'
import { isVisionKitSupported, startFaceTracking, type FaceTracking } from './visionkit'
import { EvidenceRing, type EvidenceRingOptions } from './weapp/evidence-ring'

export type CameraEvent = 'ready' | 'denied' | 'stopped'

/** The page's <Camera> events, handed to the source. */
export interface CameraSignal {
  ready(): void
  denied(): void
  stopped(): void
  /** Resolves with the first of ready / denied. */
  readonly settled: Promise<'ready' | 'denied'>
  onAfterStart(fn: (e: 'denied' | 'stopped') => void): void
}

export function createCameraSignal(): CameraSignal {
  let resolve: (v: 'ready' | 'denied') => void = () => undefined
  let done = false
  let after: ((e: 'denied' | 'stopped') => void) | null = null
  const settled = new Promise<'ready' | 'denied'>((r) => {
    resolve = r
  })
  const settle = (v: 'ready' | 'denied') => {
    if (done) return false
    done = true
    resolve(v)
    return true
  }
  return {
    settled,
    ready: () => void settle('ready'),
    denied: () => {
      if (!settle('denied')) after?.('denied')
    },
    stopped: () => {
      if (done) after?.('stopped')
    },
    onAfterStart: (fn) => {
      after = fn
    },
  }
}

export interface WeappSourceOptions {
  facing: 'front' | 'back'
  camera: CameraSignal
  /** How long to wait for the camera and then the first tracked frame (ms). */
  openTimeoutMs?: number
  everyNth?: number
  /** Whether the session asks for evidence frames (see the file comment; absent: on first request). */
  evidenceFrames?: boolean
  /** Overrides for the evidence ring (tests). */
  ring?: EvidenceRingOptions
}

const EVIDENCE_MAX_CHARS = 400_000

function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms)
    void p.then((v) => {
      clearTimeout(timer)
      resolve(v)
    })
  })
}

function readBase64(path: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    try {
      Taro.getFileSystemManager().readFile({
        filePath: path,
        encoding: 'base64',
        success: (r) => resolve(typeof r.data === 'string' ? r.data : undefined),
        fail: () => resolve(undefined),
      })
    } catch {
      resolve(undefined)
    }
  })
}

export function createWeappFaceSource(opts: WeappSourceOptions): FaceSource {
  let tracking: FaceTracking | null = null
  let stopped = false
  const timeout = opts.openTimeoutMs ?? 10000
  /** The evidence ring; null while no frame is wanted (and always with evidenceFrames: false). */
  let ring: EvidenceRing | null = opts.evidenceFrames === true ? new EvidenceRing(opts.ring) : null

  return {
    async start(handlers: FaceSourceHandlers) {
      if (!isVisionKitSupported()) return { ok: false, failure: 'tracker_unsupported' as FaceSourceFailure }
      const cam = await withTimeout(opts.camera.settled, timeout, 'timeout' as const)
      if (stopped) return { ok: false, failure: 'camera_unavailable' as FaceSourceFailure }
      if (cam === 'denied') return { ok: false, failure: 'camera_denied' as FaceSourceFailure }
      if (cam === 'timeout') return { ok: false, failure: 'camera_unavailable' as FaceSourceFailure }

      return new Promise((resolve) => {
        let opened = false
        let failedEarly: FaceSourceFailure | null = null
        const timer = setTimeout(() => {
          if (opened) return
          failedEarly = 'tracker_unsupported'
          tracking?.stop()
          resolve({ ok: false, failure: 'tracker_unsupported' })
        }, timeout)
        opts.camera.onAfterStart((e) => {
          if (stopped) return
          handlers.onFailure(e === 'denied' ? 'camera_denied' : 'camera_unavailable')
        })
        tracking = startFaceTracking({
          everyNth: opts.everyNth ?? 2,
          modelMode: 1,
          onTracked: (frame, t) => {
            if (ring && !stopped) ring.keep(frame, t)
          },
          onFrame: (frame, size) => {
            if (stopped || failedEarly) return
            if (!opened) {
              opened = true
              clearTimeout(timer)
              const info: FaceSourceInfo = {
                layout: 'visionkit-106',
                // onCameraFrame delivers the sensor image as is (to verify on devices: calibrate page).
                mirrored: false,
                aspect: size.width > 0 && size.height > 0 ? size.width / size.height : 3 / 4,
              }
              resolve({ ok: true, info })
            }
            handlers.onFrame(frame)
          },
          onError: () => {
            if (opened) {
              if (!stopped) handlers.onFailure('tracker_unsupported')
              return
            }
            if (failedEarly) return
            failedEarly = 'tracker_unsupported'
            clearTimeout(timer)
            resolve({ ok: false, failure: 'tracker_unsupported' })
          },
        })
      })
    },

    captureEvidence(): Promise<string | undefined> {
      if (stopped) return Promise.resolve(undefined)
      return new Promise((resolve) => {
        try {
          Taro.createCameraContext().takePhoto({
            quality: 'low',
            success: (r) => {
              void readBase64(r.tempImagePath).then((b64) => resolve(b64 && b64.length <= EVIDENCE_MAX_CHARS ? b64 : undefined))
            },
            fail: () => resolve(undefined),
          })
        } catch {
          resolve(undefined)
        }
      })
    },

    captureEvidenceAt(t: number): Promise<{ jpeg: string; t: number } | undefined> {
      if (stopped || opts.evidenceFrames === false) return Promise.resolve(undefined)
      if (!ring) {
        // First request (the session wants frames): start keeping, from the frame being tracked now.
        ring = new EvidenceRing(opts.ring)
        const cur = tracking?.current()
        if (cur) ring.keep(cur.frame, cur.t)
      }
      return ring.capture(t)
    },

    stop() {
      if (stopped) return
      stopped = true
      tracking?.stop()
      tracking = null
      ring?.clear()
      ring = null
    },
  }
}
