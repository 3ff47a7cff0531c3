/**
 * The H5 face source: getUserMedia → <video> preview → @vladmandic/human (face mesh + iris) →
 * face-trace/1 frames for the LivenessEngine. See src/liveness/source.ts for the contract and
 * docs/h5-face-tracker.md for the measurements and the served files.
 *
 * - The preview is mirrored with CSS for the front camera; the frames analysed are the camera's own
 *   (unmirrored), so `info.mirrored` is false.
 * - Frames are throttled to targetFps (default 12), driven by requestVideoFrameCallback (else
 *   requestAnimationFrame); a detection never overlaps the previous one.
 * - `t` is milliseconds since the camera stream opened (the frame's capture time when the browser
 *   tells it), strictly increasing.
 * - Evidence: once the session first asks for a frame (the neutral one, when positioning ends), every
 *   tracked frame is also drawn, small (EVIDENCE_RING_PX on its longest side), into a ring of reused
 *   canvases with its `t` (the last EVIDENCE_RING_MS, at most EVIDENCE_RING_SIZE), so
 *   captureEvidenceAt(t) can return the frame of an action's peak after the engine reported it. Cost:
 *   one downscaling drawImage per tracked frame and a fixed ~4 MB; a JPEG is only encoded on capture.
 *   A session that wants no frames pays nothing.
 */
import type { TrackerFrame } from '@/core/liveness/types'
import type { FaceSource, FaceSourceFailure, FaceSourceHandlers, FaceSourceInfo } from '../source'
import { meanLuma, toTrackerFaces } from './frame'
import { getTracker, type BackendPreference, type LoadedTracker } from './tracker'

export interface H5FaceSourceOptions {
  /** Element (or its id) that receives the <video> preview; the video fills it. */
  container: HTMLElement | string
  facingMode: 'user' | 'environment'
  /** Detections per second at most (default 12). */
  targetFps?: number
  /** Diagnostics and tests only: force a tfjs backend (default 'auto'). */
  backend?: BackendPreference
}

/** What the source knows about itself (diagnostics, the browser test, the docs' numbers). */
export interface H5FaceSourceStats {
  backend: 'webgl' | 'wasm' | null
  /** ms from start() to the first emitted frame. */
  firstFrameMs: number | null
  /** ms the (page-wide, cached) tracker took to import Human and load backend + models. */
  trackerLoadMs: number | null
  frames: number
  /** Mean detection time per frame, ms. */
  meanDetectMs: number
  videoWidth: number
  videoHeight: number
}

export interface H5FaceSource extends FaceSource {
  stats(): H5FaceSourceStats
}

export const DEFAULT_TARGET_FPS = 12

/**
 * Starts loading the face tracker (Human's chunk, backend, models, warm-up: ~2-3 s here) without
 * touching the camera, e.g. while the person reads 认证须知. start() then finds it ready.
 * Never rejects; resolves false when the tracker cannot run in this browser.
 */
export function preloadH5FaceTracker(): Promise<boolean> {
  return getTracker('auto').then(
    () => true,
    () => false,
  )
}
const LUMA_SIZE = 16
const EVIDENCE_MAX_PX = 640
/** The ring of recent small frames for evidence at an action's peak (see the file comment). */
export const EVIDENCE_RING_PX = 320
export const EVIDENCE_RING_MS = 1600
export const EVIDENCE_RING_SIZE = 20
const EVIDENCE_QUALITY = 0.8
const FIRST_FRAME_TIMEOUT_MS = 10_000
/** Consecutive failed detections before the tracker is declared broken. */
const MAX_DETECT_ERRORS = 5


/** Draw the video's current frame into `c`, at most `maxPx` on its longest side; false without a 2D context. */
function drawScaled(c: HTMLCanvasElement, v: HTMLVideoElement, maxPx: number): boolean {
  const scale = Math.min(1, maxPx / Math.max(v.videoWidth, v.videoHeight))
  const w = Math.round(v.videoWidth * scale)
  const h = Math.round(v.videoHeight * scale)
  if (c.width !== w) c.width = w
  if (c.height !== h) c.height = h
  const ctx = c.getContext('2d')
  if (!ctx) return false
  ctx.drawImage(v, 0, 0, w, h)
  return true
}

/** The canvas as base64 JPEG (no data: prefix), or undefined when the browser cannot encode it. */
function jpegOf(c: HTMLCanvasElement): string | undefined {
  const url = c.toDataURL('image/jpeg', EVIDENCE_QUALITY)
  const comma = url.indexOf(',')
  if (!url.startsWith('data:image/jpeg') || comma < 0) return undefined
  return url.slice(comma + 1)
}

function cameraFailure(e: unknown): FaceSourceFailure {
  const name = (e as { name?: string } | null)?.name
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'camera_denied'
  return 'camera_unavailable'
}

function resolveContainer(c: HTMLElement | string): HTMLElement | null {
  return typeof c === 'string' ? document.getElementById(c) : c
}

export function createH5FaceSource(opts: H5FaceSourceOptions): H5FaceSource {
  const fps = opts.targetFps && opts.targetFps > 0 ? Math.min(opts.targetFps, 60) : DEFAULT_TARGET_FPS
  const interval = 1000 / fps

  let started = false
  let stopped = false
  let stream: MediaStream | null = null
  let video: HTMLVideoElement | null = null
  let tracker: LoadedTracker | null = null
  let handlers: FaceSourceHandlers | null = null
  let failed = false

  let startedAt = 0
  let t0 = 0
  let lastT = -Infinity
  let nextDue = 0
  let rafHandle = 0
  let rvfcHandle = 0
  let consecutiveErrors = 0
  let detectMsTotal = 0
  const stat: H5FaceSourceStats = {
    backend: null,
    firstFrameMs: null,
    trackerLoadMs: null,
    frames: 0,
    meanDetectMs: 0,
    videoWidth: 0,
    videoHeight: 0,
  }

  // Reused for every frame: one 16×16 canvas for luma, one for evidence.
  let lumaCtx: CanvasRenderingContext2D | null = null
  let evidenceCanvas: HTMLCanvasElement | null = null
  // The evidence ring: canvases reused round-robin, each with the time of the frame drawn into it.
  const ring: { canvas: HTMLCanvasElement; t: number }[] = []
  let ringNext = 0
  /** Frames are kept only once the session has asked for evidence. */
  let ringOn = false

  function keepInRing(v: HTMLVideoElement, t: number) {
    let slot = ring[ringNext]
    if (!slot) {
      slot = { canvas: document.createElement('canvas'), t: -Infinity }
      ring[ringNext] = slot
    }
    ringNext = (ringNext + 1) % EVIDENCE_RING_SIZE
    if (drawScaled(slot.canvas, v, EVIDENCE_RING_PX)) slot.t = t
  }

  function release() {
    if (rvfcHandle && video && typeof video.cancelVideoFrameCallback === 'function') video.cancelVideoFrameCallback(rvfcHandle)
    if (rafHandle) cancelAnimationFrame(rafHandle)
    rvfcHandle = 0
    rafHandle = 0
    if (stream) for (const track of stream.getTracks()) track.stop()
    stream = null
    if (video) {
      video.pause()
      video.srcObject = null
      video.remove()
    }
    video = null
  }

  function fail(failure: FaceSourceFailure) {
    if (stopped || failed) return
    failed = true
    release()
    handlers?.onFailure(failure)
  }

  function frameTime(now: number, captureTime?: number): number {
    // captureTime (same clock as performance.now) is when the camera took the frame; trust it only
    // when it is recent.
    const ts = captureTime !== undefined && Number.isFinite(captureTime) && captureTime <= now && now - captureTime < 1000 ? captureTime : now
    let t = Math.max(0, Math.round((ts - t0) * 10) / 10)
    if (t <= lastT) t = lastT + 1
    lastT = t
    return t
  }

  function faceLuma(v: HTMLVideoElement, box: readonly number[], w: number, h: number): number | undefined {
    if (!lumaCtx) {
      const c = document.createElement('canvas')
      c.width = LUMA_SIZE
      c.height = LUMA_SIZE
      lumaCtx = c.getContext('2d', { willReadFrequently: true })
      if (!lumaCtx) return undefined
    }
    const x0 = Math.max(0, box[0] * w)
    const y0 = Math.max(0, box[1] * h)
    const x1 = Math.min(w, (box[0] + box[2]) * w)
    const y1 = Math.min(h, (box[1] + box[3]) * h)
    if (!(x1 - x0 >= 1 && y1 - y0 >= 1)) return undefined
    lumaCtx.drawImage(v, x0, y0, x1 - x0, y1 - y0, 0, 0, LUMA_SIZE, LUMA_SIZE)
    const luma = meanLuma(lumaCtx.getImageData(0, 0, LUMA_SIZE, LUMA_SIZE).data)
    return Number.isFinite(luma) ? luma : undefined
  }

  async function processFrame(now: number, captureTime?: number) {
    const v = video
    const tr = tracker
    if (!v || !tr) return
    const w = v.videoWidth
    const h = v.videoHeight
    if (!w || !h) return
    const t = frameTime(now, captureTime)
    // The frame the tracker is about to read, kept small for evidence (before detect: the video moves on).
    if (ringOn) keepInRing(v, t)
    const d0 = performance.now()
    let result: Awaited<ReturnType<typeof tr.human.detect>>
    try {
      result = await tr.human.detect(v)
    } catch {
      if (++consecutiveErrors >= MAX_DETECT_ERRORS) fail('tracker_unsupported')
      return
    }
    if (stopped || failed || video !== v) return
    if (result.error) {
      if (++consecutiveErrors >= MAX_DETECT_ERRORS) fail('tracker_unsupported')
      return
    }
    consecutiveErrors = 0
    detectMsTotal += performance.now() - d0
    const faces = toTrackerFaces(result.face, w, h)
    const frame: TrackerFrame = { t, faces }
    if (faces.length) {
      let best = 0
      for (let i = 1; i < faces.length; i++) if (faces[i].score > faces[best].score) best = i
      const luma = faceLuma(v, faces[best].box, w, h)
      if (luma !== undefined) frame.luma = luma
    }
    stat.frames++
    stat.meanDetectMs = detectMsTotal / stat.frames
    if (stat.firstFrameMs === null) stat.firstFrameMs = performance.now() - startedAt
    handlers?.onFrame(frame)
  }

  /** Throttle: run when the next slot is due (half a 60 Hz frame early is on time). */
  function due(now: number): boolean {
    if (now < nextDue - 8) return false
    nextDue += interval
    // After a stall (hidden tab, slow detection) start afresh instead of bursting to catch up.
    if (nextDue < now - interval) nextDue = now
    return true
  }

  function schedule() {
    if (stopped || failed || !video) return
    const v = video
    if (typeof v.requestVideoFrameCallback === 'function') {
      rvfcHandle = v.requestVideoFrameCallback((now, meta) => {
        rvfcHandle = 0
        tick(now, meta.captureTime)
      })
    } else {
      rafHandle = requestAnimationFrame((now) => {
        rafHandle = 0
        tick(now)
      })
    }
  }

  function tick(now: number, captureTime?: number) {
    if (stopped || failed) return
    if (!due(now)) return schedule()
    // The next callback is requested only after this detection finished: never two at once.
    processFrame(now, captureTime).then(schedule, () => schedule())
  }

  async function openCamera(): Promise<MediaStream | FaceSourceFailure> {
    const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined
    // No mediaDevices: an insecure page (http other than localhost) or a browser without a camera API.
    if (!md || typeof md.getUserMedia !== 'function') return 'camera_unavailable'
    try {
      return await md.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: opts.facingMode }, width: { ideal: 640 }, height: { ideal: 480 } },
      })
    } catch (e) {
      return cameraFailure(e)
    }
  }

  function waitForFirstVideoFrame(v: HTMLVideoElement): Promise<boolean> {
    return new Promise((resolve) => {
      if (v.readyState >= 2 && v.videoWidth > 0) return resolve(true)
      const done = (ok: boolean) => {
        clearTimeout(timer)
        v.removeEventListener('loadeddata', onData)
        resolve(ok)
      }
      const onData = () => done(v.videoWidth > 0)
      const timer = setTimeout(() => done(v.readyState >= 2 && v.videoWidth > 0), FIRST_FRAME_TIMEOUT_MS)
      v.addEventListener('loadeddata', onData)
    })
  }

  async function start(h: FaceSourceHandlers): Promise<{ ok: true; info: FaceSourceInfo } | { ok: false; failure: FaceSourceFailure }> {
    if (started) return { ok: false, failure: 'camera_unavailable' }
    started = true
    handlers = h
    startedAt = performance.now()
    const container = resolveContainer(opts.container)
    if (!container) throw new Error('createH5FaceSource: container not found')

    // Model loading runs while the camera opens.
    const trackerP = getTracker(opts.backend ?? 'auto').then(
      (t) => t,
      () => null,
    )
    const cam = await openCamera()
    if (typeof cam === 'string') return { ok: false, failure: cam }
    if (stopped) {
      for (const track of cam.getTracks()) track.stop()
      return { ok: false, failure: 'camera_unavailable' }
    }
    stream = cam
    t0 = performance.now()

    const settings = cam.getVideoTracks()[0]?.getSettings?.() ?? {}
    // Mirror the preview like a mirror for the front camera (a laptop webcam reports no facingMode).
    const mirrorPreview = settings.facingMode ? settings.facingMode === 'user' : opts.facingMode === 'user'

    const v = document.createElement('video')
    v.setAttribute('playsinline', '')
    v.setAttribute('webkit-playsinline', '')
    v.setAttribute('muted', '')
    v.setAttribute('autoplay', '')
    v.muted = true
    v.playsInline = true
    v.autoplay = true
    v.style.cssText = `display:block;width:100%;height:100%;object-fit:cover;${mirrorPreview ? 'transform:scaleX(-1);' : ''}`
    v.srcObject = cam
    video = v
    container.appendChild(v)
    for (const track of cam.getVideoTracks()) track.addEventListener('ended', () => fail('camera_unavailable'), { once: true })
    v.play().catch(() => undefined)

    const [hasFrame, loaded] = await Promise.all([waitForFirstVideoFrame(v), trackerP])
    if (stopped) return { ok: false, failure: 'camera_unavailable' }
    if (!hasFrame) {
      release()
      return { ok: false, failure: 'camera_unavailable' }
    }
    if (!loaded) {
      release()
      return { ok: false, failure: 'tracker_unsupported' }
    }
    tracker = loaded
    stat.backend = loaded.backend
    stat.trackerLoadMs = loaded.loadMs
    stat.videoWidth = v.videoWidth
    stat.videoHeight = v.videoHeight
    nextDue = 0
    schedule()
    return { ok: true, info: { layout: 'mediapipe-478', mirrored: false, aspect: v.videoWidth / v.videoHeight } }
  }

  async function captureEvidence(): Promise<string | undefined> {
    const v = video
    if (!v || stopped || !v.videoWidth || !v.videoHeight) return undefined
    if (!evidenceCanvas) evidenceCanvas = document.createElement('canvas')
    return drawScaled(evidenceCanvas, v, EVIDENCE_MAX_PX) ? jpegOf(evidenceCanvas) : undefined
  }

  async function captureEvidenceAt(t: number): Promise<{ jpeg: string; t: number } | undefined> {
    if (stopped) return undefined
    if (!ringOn) {
      // the first request (the neutral frame): keep from now on, starting with the frame just tracked
      ringOn = true
      if (video && video.videoWidth && video.videoHeight) keepInRing(video, lastT)
    }
    let best: { canvas: HTMLCanvasElement; t: number } | undefined
    for (const slot of ring) {
      if (lastT - slot.t > EVIDENCE_RING_MS) continue
      if (!best || Math.abs(slot.t - t) < Math.abs(best.t - t)) best = slot
    }
    if (!best) return undefined
    // Encoded now, synchronously: the slot is overwritten by a later frame.
    const jpeg = jpegOf(best.canvas)
    return jpeg === undefined ? undefined : { jpeg, t: best.t }
  }

  function stop() {
    if (stopped) return
    stopped = true
    release()
    handlers = null
    for (const slot of ring) slot.canvas.width = slot.canvas.height = 0
    ring.length = 0
  }

  return { start, captureEvidence, captureEvidenceAt, stop, stats: () => ({ ...stat }) }
}

export type { FaceSource, FaceSourceFailure, FaceSourceHandlers, FaceSourceInfo } from '../source'
