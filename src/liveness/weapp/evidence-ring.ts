/**
 * The weapp evidence ring: small copies of the camera frames the face tracker used, each with its
 * time on the session's axis (the `t` of the TrackerFrame made from it), so that captureEvidenceAt(t)
 * can return the frame of an action's peak after the engine reported the action (a blink when the
 * eyes reopen, a turn on the way back). The H5 twin is the canvas ring in src/liveness/h5/index.ts.
 *
 * Cost, per kept frame: one nearest-neighbour downscale of the RGBA frame into a reused slot
 * (RING_PX on the longest side, one 32-bit read and write per kept pixel through precomputed row and
 * column tables: ≈ 84 k pixels for onCameraFrame's 288×352 "small" frames). Nothing is allocated per
 * frame once the ring is full: slots, index tables and the JPEG encoder are reused; the only object
 * made per frame is a typed-array view over a new camera buffer. Memory: RING_SIZE slots of
 * RING_PX × (RING_PX × aspect) × 4 bytes — 20 × 262 × 320 × 4 ≈ 6.7 MB for 288×352 frames, allocated
 * slot by slot as the ring first fills and released on clear(). A JPEG is only encoded for a frame
 * picked as evidence; the picked slot is pinned meanwhile so later frames cannot overwrite it.
 */
import { EVIDENCE_FRAME_MAX_CHARS } from '@/core/contracts/certification'
import { createJpegEncoder, type JpegEncoder } from './jpeg'

/** What CameraContext.onCameraFrame delivers: RGBA, 4 bytes a pixel, rows of `width`. */
export interface CameraFrameLike {
  width: number
  height: number
  data: ArrayBuffer
}

/** Longest side of a kept frame, the window and the slot count (the same as the H5 ring). */
export const RING_PX = 320
export const RING_MS = 1600
export const RING_SIZE = 20
/** IJG quality of the evidence JPEG (≈ the H5 ring's toDataURL quality 0.8). */
export const RING_JPEG_QUALITY = 80

interface Slot {
  px: Uint32Array
  w: number
  h: number
  t: number
  pinned: boolean
}

export interface EvidenceRingOptions {
  size?: number
  maxPx?: number
  windowMs?: number
  quality?: number
  /** Runs an encode after the current frame's work (default setTimeout 0). */
  defer?: (fn: () => void) => void
}

export class EvidenceRing {
  private readonly size: number
  private readonly maxPx: number
  private readonly windowMs: number
  private readonly quality: number
  private readonly defer: (fn: () => void) => void
  private slots: Slot[] = []
  private next = 0
  private newest = -Infinity
  // Downscale tables for the current source size.
  private srcW = 0
  private srcH = 0
  private dstW = 0
  private dstH = 0
  private colIdx = new Int32Array(0)
  private rowOff = new Int32Array(0)
  private lastBuf: ArrayBuffer | null = null
  private lastView: Uint32Array | null = null
  private encoder: JpegEncoder | null = null
  /** Frames copied (diagnostics and tests). */
  kept = 0

  constructor(opts: EvidenceRingOptions = {}) {
    this.size = Math.max(1, opts.size ?? RING_SIZE)
    this.maxPx = Math.max(8, opts.maxPx ?? RING_PX)
    this.windowMs = opts.windowMs ?? RING_MS
    this.quality = opts.quality ?? RING_JPEG_QUALITY
    this.defer = opts.defer ?? ((fn) => void setTimeout(fn, 0))
  }

  /** Bytes held by the slots now. */
  get bytes(): number {
    let n = 0
    for (const s of this.slots) n += s.px.byteLength
    return n
  }

  /** Copies `frame` (taken at `t`), downscaled, into the next free slot. */
  keep(frame: CameraFrameLike, t: number): void {
    const { width: w, height: h, data } = frame
    if (!(w > 0 && h > 0) || !data || data.byteLength < w * h * 4 || !Number.isFinite(t)) return
    if (w !== this.srcW || h !== this.srcH) this.resize(w, h)
    const slot = this.freeSlot()
    if (!slot) return
    let src = this.lastView
    if (data !== this.lastBuf || !src) {
      src = new Uint32Array(data, 0, w * h)
      this.lastBuf = data
      this.lastView = src
    }
    const dw = this.dstW
    const dh = this.dstH
    const dst = slot.px
    const cols = this.colIdx
    const rows = this.rowOff
    let o = 0
    for (let y = 0; y < dh; y++) {
      const r = rows[y]
      for (let x = 0; x < dw; x++) dst[o++] = src[r + cols[x]]
    }
    slot.w = dw
    slot.h = dh
    slot.t = t
    if (t > this.newest) this.newest = t
    this.kept++
  }

  /** The kept frame nearest to `t` within the window (its time), without encoding it. */
  nearest(t: number): number | undefined {
    const s = this.pick(t)
    return s ? s.t : undefined
  }

  /**
   * A JPEG (base64) of the kept frame nearest to `t`, with that frame's time; undefined when the
   * ring holds no frame in its window or the JPEG would be over EVIDENCE_FRAME_MAX_CHARS.
   * The frame is chosen now (synchronously); the encode runs after the current frame's work.
   */
  capture(t: number): Promise<{ jpeg: string; t: number } | undefined> {
    const slot = this.pick(t)
    if (!slot) return Promise.resolve(undefined)
    slot.pinned = true
    return new Promise((resolve) => {
      this.defer(() => {
        try {
          const jpeg = this.encode(slot)
          resolve(jpeg.length <= EVIDENCE_FRAME_MAX_CHARS ? { jpeg, t: slot.t } : undefined)
        } catch {
          resolve(undefined)
        } finally {
          slot.pinned = false
        }
      })
    })
  }

  /** Drops every kept frame and its memory. */
  clear(): void {
    this.slots = []
    this.next = 0
    this.newest = -Infinity
    this.lastBuf = null
    this.lastView = null
    this.encoder = null
  }

  private pick(t: number): Slot | undefined {
    let best: Slot | undefined
    for (const s of this.slots) {
      if (!Number.isFinite(s.t) || this.newest - s.t > this.windowMs) continue
      if (!best || Math.abs(s.t - t) < Math.abs(best.t - t)) best = s
    }
    return best
  }

  private freeSlot(): Slot | undefined {
    const need = this.dstW * this.dstH
    for (let tries = 0; tries < this.size; tries++) {
      const i = this.next
      this.next = (this.next + 1) % this.size
      let s = this.slots[i]
      if (s?.pinned) continue
      if (!s || s.px.length < need) {
        s = { px: new Uint32Array(need), w: 0, h: 0, t: -Infinity, pinned: false }
        this.slots[i] = s
      }
      return s
    }
    return undefined
  }

  private resize(w: number, h: number): void {
    const scale = Math.min(1, this.maxPx / Math.max(w, h))
    const dw = Math.max(1, Math.round(w * scale))
    const dh = Math.max(1, Math.round(h * scale))
    const cols = new Int32Array(dw)
    const rows = new Int32Array(dh)
    // Sample the source pixel under each kept pixel's centre.
    for (let x = 0; x < dw; x++) cols[x] = Math.min(w - 1, Math.floor(((x + 0.5) * w) / dw))
    for (let y = 0; y < dh; y++) rows[y] = Math.min(h - 1, Math.floor(((y + 0.5) * h) / dh)) * w
    this.srcW = w
    this.srcH = h
    this.dstW = dw
    this.dstH = dh
    this.colIdx = cols
    this.rowOff = rows
    this.lastBuf = null
    this.lastView = null
    // Frames of another size are not comparable moments of the same stream: start afresh.
    for (const s of this.slots) if (!s.pinned) s.t = -Infinity
  }

  private encode(slot: Slot): string {
    if (!this.encoder) this.encoder = createJpegEncoder(this.quality)
    // The slot's 32-bit pixels are the camera's RGBA bytes in memory order (read in place: pinned).
    return this.encoder.encodeBase64(new Uint8Array(slot.px.buffer, 0, slot.w * slot.h * 4), slot.w, slot.h)
  }
}
