/**
 * WeChat camera + VisionKit face tracking, behind one small adapter so pages never call wx.* directly.
 * Pattern (WECHAT-FACTS §1.1): <camera frame-size="small"> + CameraContext.onCameraFrame -> VK session in
 * mode 2 (`track.face.mode = 2`) -> detectFace({sourceType: 0}) on every Nth frame -> updateAnchors.
 * The output is a face-trace/1 frame (src/core/liveness) with the VisionKit angle array left raw: the
 * `visionkit-106` layout says how to read it. VisionKit does not run in the DevTools simulator.
 */
import Taro from '@tarojs/taro'
import type { TrackerFace, TrackerFrame } from '@/core/liveness/types'
import { anchorToFace, type VKFaceAnchorLike } from './visionkit-anchor'

interface VKSessionLike {
  start(cb: (errno?: number) => void): void
  stop?(): void
  destroy?(): void
  on(event: 'updateAnchors' | 'removeAnchors', cb: (anchors: VKFaceAnchorLike[]) => void): void
  detectFace(opts: Record<string, unknown>): void
}

export interface CameraFrame {
  width: number
  height: number
  data: ArrayBuffer
}

export interface FaceTrackingOptions {
  /** Process every Nth camera frame (2-3 recommended on phones). */
  everyNth?: number
  /** 0 small, 1 medium, 2 large model. */
  modelMode?: 0 | 1 | 2
  scoreThreshold?: number
  onFrame: (frame: TrackerFrame, size: { width: number; height: number }) => void
  onError?: (message: string) => void
  /**
   * Called with each camera frame handed to detectFace (so at most once per frame the engine gets),
   * with the `t` its TrackerFrame will carry, before detection. The buffer is WeChat's: copy what
   * you need now. Used by the evidence ring (src/liveness/weapp/evidence-ring.ts).
   */
  onTracked?: (frame: CameraFrame, t: number) => void
}

export interface FaceTracking {
  /** The camera frame most recently handed to detectFace and its `t` (null before the first). */
  current(): { frame: CameraFrame; t: number } | null
  stop(): void
}

type WxLike = {
  createVKSession?: (cfg: unknown) => VKSessionLike
  isVKSupport?: (version: string) => boolean
}

function wxApi(): WxLike {
  return Taro as unknown as WxLike
}

export function isVisionKitSupported(): boolean {
  try {
    const api = wxApi()
    return typeof api.createVKSession === 'function' && (api.isVKSupport ? api.isVKSupport('v1') !== false : true)
  } catch {
    return false
  }
}

/** Mean luma (0-255) of a normalised box of an RGBA frame, sampled on a 16x16 grid (cheap). */
export function boxLuma(frame: CameraFrame, box: readonly number[]): number {
  const px = new Uint8Array(frame.data)
  const { width, height } = frame
  let sum = 0
  let n = 0
  for (let j = 0; j < 16; j++) {
    const y = Math.floor((box[1] + (box[3] * (j + 0.5)) / 16) * height)
    if (y < 0 || y >= height) continue
    for (let i = 0; i < 16; i++) {
      const x = Math.floor((box[0] + (box[2] * (i + 0.5)) / 16) * width)
      if (x < 0 || x >= width) continue
      const k = (y * width + x) * 4
      sum += 0.299 * px[k] + 0.587 * px[k + 1] + 0.114 * px[k + 2]
      n++
    }
  }
  return n ? Math.round(sum / n) : NaN
}

/** Camera frames to wait for VisionKit's answer to one detectFace (~0.3-0.4 s) before it counts as "no face". */
export const MAX_WAIT_FRAMES = 10

/** Start tracking faces on the page's <camera>. Call stop() on page unload. */
export function startFaceTracking(opts: FaceTrackingOptions): FaceTracking {
  const api = wxApi()
  if (typeof api.createVKSession !== 'function') {
    opts.onError?.('当前微信版本不支持人脸检测，请升级微信')
    return { current: () => null, stop: () => undefined }
  }
  const everyNth = Math.max(1, opts.everyNth ?? 2)
  const session = api.createVKSession({ track: { face: { mode: 2 } }, version: 'v1' })
  const t0 = Date.now()
  let last: CameraFrame | null = null
  let lastT = 0
  let count = 0
  let running = true
  /** A detectFace is waiting for its answer (one answer per detectFace). */
  let busy = false
  /** Camera frames that arrived while detectFace had not answered yet. */
  let waited = 0

  const emit = (anchors: VKFaceAnchorLike[]) => {
    // A second answer to the same detectFace (or a late one) would repeat its frame's time, which the
    // backend refuses in a summary (timestamps must increase): keep the first.
    if (!busy) return
    busy = false
    if (!running) return
    const faces = anchors.map(anchorToFace)
    const frame: TrackerFrame = { t: lastT, faces }
    if (last && faces.length) {
      const best = faces.reduce((a, b) => (a.score >= b.score ? a : b))
      const luma = boxLuma(last, best.box)
      if (Number.isFinite(luma)) frame.luma = luma
    }
    opts.onFrame(frame, { width: last?.width ?? 0, height: last?.height ?? 0 })
  }
  session.on('updateAnchors', (anchors) => emit(anchors ?? []))
  session.on('removeAnchors', () => emit([]))

  const camera = Taro.createCameraContext()
  const listener = camera.onCameraFrame((frame: CameraFrame) => {
    if (!running) return
    if (busy) {
      // WeChat does not say whether detectFace answers when it finds no face: if it stays silent,
      // waiting forever would stop tracking for good. After MAX_WAIT_FRAMES, that frame had no face.
      if (++waited < MAX_WAIT_FRAMES) return
      emit([])
    }
    if (count++ % everyNth !== 0) return
    waited = 0
    last = frame
    lastT = Date.now() - t0
    busy = true
    if (opts.onTracked) {
      try {
        opts.onTracked(frame, lastT)
      } catch {
        /* evidence is optional: never let it stop tracking */
      }
    }
    try {
      session.detectFace({
        frameBuffer: frame.data,
        width: frame.width,
        height: frame.height,
        scoreThreshold: opts.scoreThreshold ?? 0.8,
        sourceType: 0,
        modelMode: opts.modelMode ?? 1,
        modelModel: opts.modelMode ?? 1, // the API table spells it this way; pass both
      })
    } catch {
      busy = false
    }
  })

  session.start((errno) => {
    if (errno) {
      opts.onError?.(`人脸检测启动失败（${errno}），请在真机上使用`)
      return
    }
    listener.start({})
  })

  return {
    current: () => (last ? { frame: last, t: lastT } : null),
    stop() {
      running = false
      try {
        listener.stop({})
      } catch {
        /* already stopped */
      }
      try {
        session.stop?.()
        session.destroy?.()
      } catch {
        /* already destroyed */
      }
    },
  }
}

/** Write a text file under the mini-program's user data folder; resolves to its path. */
export function saveUserFile(fileName: string, text: string): Promise<string> {
  const path = `${Taro.env.USER_DATA_PATH}/${fileName}`
  return new Promise((resolve, reject) => {
    Taro.getFileSystemManager().writeFile({
      filePath: path,
      data: text,
      encoding: 'utf8',
      success: () => resolve(path),
      fail: (e) => reject(new Error(e.errMsg)),
    })
  })
}

/** A 2D canvas context for an overlay <Canvas type="2d" id=...>, sized in device pixels. */
export function getOverlayCanvas(selector: string): Promise<{ ctx: CanvasRenderingContext2D; width: number; height: number } | null> {
  return new Promise((resolve) => {
    Taro.createSelectorQuery()
      .select(selector)
      .fields({ node: true, size: true })
      .exec((res: { node?: { getContext(t: string): CanvasRenderingContext2D; width: number; height: number }; width: number; height: number }[]) => {
        const r = res?.[0]
        if (!r?.node) return resolve(null)
        const dpr = Taro.getSystemInfoSync().pixelRatio || 1
        r.node.width = r.width * dpr
        r.node.height = r.height * dpr
        const ctx = r.node.getContext('2d')
        ctx.scale(dpr, dpr)
        resolve({ ctx, width: r.width, height: r.height })
      })
  })
}

/** Draw a face's points (and optionally their indices) over the preview. `mirror` for a selfie preview. */
export function drawFace(c: { ctx: CanvasRenderingContext2D; width: number; height: number }, face: TrackerFace | undefined, labels: boolean, mirror: boolean): void {
  const { ctx, width, height } = c
  ctx.clearRect(0, 0, width, height)
  if (!face) return
  const px = (x: number) => (mirror ? 1 - x : x) * width
  ctx.strokeStyle = '#00E676'
  ctx.lineWidth = 1
  const b = face.box
  ctx.strokeRect(mirror ? (1 - b[0] - b[2]) * width : b[0] * width, b[1] * height, b[2] * width, b[3] * height)
  ctx.fillStyle = '#FFEB3B'
  ctx.font = '8px sans-serif'
  const p = face.points
  for (let i = 0; i < p.length / 2; i++) {
    const x = px(p[2 * i])
    const y = p[2 * i + 1] * height
    ctx.fillRect(x - 1, y - 1, 2, 2)
    if (labels) ctx.fillText(String(i), x + 2, y - 2)
  }
}
