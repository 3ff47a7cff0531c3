/**
 * weapp FaceSource: the page's <Camera frameSize="small" devicePosition=…> + CameraContext.onCameraFrame
 * + VisionKit face (mode 2, detectFace sourceType 0, every 2nd frame), through src/liveness/visionkit.ts.
 *
 * The page renders the <Camera> and forwards its events to a CameraSignal (ready on bindinitdone,
 * denied on binderror, stopped on bindstop); start() waits for it so onCameraFrame is only asked of
 * a camera that exists. Frames stay in this module (never in setData).
 *
 * Evidence: CameraContext.takePhoto({quality: 'low'}) read back as base64 JPEG. It is only used when the
 * backend asks for evidence frames (on weapp it does not unless the deployment turns uploading on).
 */
import Taro from '@tarojs/taro'
import type { FaceSource, FaceSourceFailure, FaceSourceHandlers, FaceSourceInfo } from './source'
import { isVisionKitSupported, startFaceTracking, type FaceTracking } from './visionkit'

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

    stop() {
      if (stopped) return
      stopped = true
      tracking?.stop()
      tracking = null
    },
  }
}
