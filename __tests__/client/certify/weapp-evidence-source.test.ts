/**
 * weapp FaceSource evidence at the engine's moments: a fake <Camera> (CameraContext.onCameraFrame
 * delivering RGBA frames of known colour) and a fake VisionKit (mode 2, updateAnchors once per
 * detectFace), with a controlled clock. Checks that the frames returned by captureEvidenceAt are the
 * frames the tracker saw at those times (decoded again with jpeg-js), and that nothing is kept when
 * the session does not ask for frames.
 */
jest.mock('@tarojs/taro', () => require('../support/taro-mock'))

import Taro from '@tarojs/taro'
import jpeg from 'jpeg-js'
import type { TrackerFrame } from '@/core/liveness/types'
import { createCameraSignal, createWeappFaceSource, type WeappSourceOptions } from '@/liveness/weapp-source'

type CameraFrame = { width: number; height: number; data: ArrayBuffer }
type RGB = [number, number, number]

const W = 288
const H = 352
const CAMERA_MS = 33

/** A distinct colour per camera frame number. */
const colourOf = (k: number): RGB => [40 + ((k * 53) % 180), 40 + ((k * 97) % 180), 40 + ((k * 29) % 180)]

function solidFrame(rgb: RGB): CameraFrame {
  const px = new Uint8Array(W * H * 4)
  for (let i = 0; i < px.length; i += 4) {
    px[i] = rgb[0]
    px[i + 1] = rgb[1]
    px[i + 2] = rgb[2]
    px[i + 3] = 255
  }
  return { width: W, height: H, data: px.buffer }
}

function meanOf(b64: string): { rgb: RGB; width: number; height: number } {
  const img = jpeg.decode(Buffer.from(b64, 'base64'), { useTArray: true })
  const sum = [0, 0, 0]
  for (let i = 0; i < img.data.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += img.data[i + c]
  const n = img.data.length / 4
  return { rgb: sum.map((v) => v / n) as RGB, width: img.width, height: img.height }
}

function expectColour(b64: string, rgb: RGB) {
  const m = meanOf(b64)
  expect([m.width, m.height]).toEqual([262, 320])
  for (let c = 0; c < 3; c++) expect(Math.abs(m.rgb[c] - rgb[c])).toBeLessThanOrEqual(3)
}

/** Fake WeChat: VisionKit session, camera context and a clock the test advances per camera frame. */
function installWeChat() {
  let now = 1_000_000
  jest.spyOn(Date, 'now').mockImplementation(() => now)
  const cbs: Record<string, (a: unknown[]) => void> = {}
  let frameCb: ((f: CameraFrame) => void) | null = null
  const session = {
    start: jest.fn((cb: (errno?: number) => void) => cb(0)),
    stop: jest.fn(),
    destroy: jest.fn(),
    on: jest.fn((ev: string, cb: (a: unknown[]) => void) => (cbs[ev] = cb)),
    detectFace: jest.fn((_o: { frameBuffer: ArrayBuffer; width: number; height: number }) => {
      cbs.updateAnchors?.([{ origin: { x: 0.3, y: 0.2 }, size: { width: 0.4, height: 0.5 }, points: [{ x: 0.5, y: 0.5 }], angle: [0, 0, 0], confidence: [0.9] }])
    }),
  }
  const listener = { start: jest.fn(), stop: jest.fn() }
  Object.assign(Taro as unknown as Record<string, unknown>, {
    createVKSession: jest.fn(() => session),
    isVKSupport: jest.fn(() => true),
    createCameraContext: jest.fn(() => ({
      onCameraFrame: (cb: (f: CameraFrame) => void) => {
        frameCb = cb
        return listener
      },
      takePhoto: jest.fn(),
    })),
  })
  let k = 0
  /** Delivers camera frame k (colour colourOf(k)), CAMERA_MS after the previous one. */
  const cameraFrame = () => {
    now += CAMERA_MS
    frameCb?.(solidFrame(colourOf(k)))
    return k++
  }
  return { session, listener, cameraFrame }
}

async function started(opts: Partial<WeappSourceOptions> = {}, onFrame: (f: TrackerFrame) => void = () => undefined) {
  const wx = installWeChat()
  const cam = createCameraSignal()
  cam.ready()
  const src = createWeappFaceSource({ facing: 'front', camera: cam, ...opts })
  const frames: TrackerFrame[] = []
  const p = src.start({
    onFrame: (f) => {
      frames.push(f)
      onFrame(f)
    },
    onFailure: jest.fn(),
  })
  await new Promise((r) => setTimeout(r, 0))
  wx.cameraFrame()
  const res = await p
  expect(res.ok).toBe(true)
  return { ...wx, src, frames }
}

afterEach(() => jest.restoreAllMocks())

describe('weapp FaceSource evidence ring', () => {
  test('evidenceFrames: true — the frame the tracker saw at an earlier peak, on the TrackerFrames’ time axis', async () => {
    const { src, frames, cameraFrame } = await started({ evidenceFrames: true })
    // Camera frame k → detectFace on every 2nd: tracked camera frames 0, 2, 4, …
    const trackedCamera: number[] = [0]
    for (let i = 0; i < 40; i++) {
      const k = cameraFrame()
      if (k % 2 === 0) trackedCamera.push(k)
    }
    expect(frames).toHaveLength(trackedCamera.length)
    // The engine reports a peak ~600 ms back: the frame tracked then, exactly.
    const peak = frames[frames.length - 10]
    const got = await src.captureEvidenceAt!(peak.t)
    expect(got?.t).toBe(peak.t)
    expectColour(got!.jpeg, colourOf(trackedCamera[frames.length - 10]))
    // A moment between two tracked frames → the nearer tracked frame, never an untracked one.
    const between = await src.captureEvidenceAt!(peak.t + CAMERA_MS + 10)
    expect(frames.map((f) => f.t)).toContain(between?.t)
    expect(between?.t).toBe(frames[frames.length - 9].t)
    src.stop()
    expect(await src.captureEvidenceAt!(peak.t)).toBeUndefined()
  })

  test('evidenceFrames: false — nothing is kept, nothing is returned', async () => {
    const { src, cameraFrame, frames } = await started({ evidenceFrames: false })
    for (let i = 0; i < 20; i++) cameraFrame()
    expect(await src.captureEvidenceAt!(frames[frames.length - 1].t)).toBeUndefined()
  })

  test('not told: nothing kept until the first request (the neutral frame, asked inside onFrame as the controller does), then every tracked frame', async () => {
    let neutral: Promise<{ jpeg: string; t: number } | undefined> | null = null
    let neutralT = NaN
    let askAt = Infinity
    const { src, cameraFrame, frames } = await started({}, (f) => {
      // The controller asks for the neutral frame synchronously on the prompt that ends positioning.
      if (!neutral && f.t >= askAt) {
        neutralT = f.t
        neutral = src.captureEvidenceAt!(f.t)
      }
    })
    for (let i = 0; i < 20; i++) cameraFrame()
    const early = frames[3]
    askAt = frames[frames.length - 1].t + 1
    const neutralCamera = [cameraFrame(), cameraFrame()].find((k) => k % 2 === 0) as number
    expect(neutral).not.toBeNull()
    const n = await neutral!
    expect(n?.t).toBe(neutralT)
    expectColour(n!.jpeg, colourOf(neutralCamera))
    // Frames before the first request were not kept: asking for one gives the oldest kept (the neutral).
    expect((await src.captureEvidenceAt!(early.t))?.t).toBe(neutralT)
    // From then on every tracked frame is kept: an action's peak 300 ms after the neutral frame.
    const after: { t: number; k: number }[] = []
    for (let i = 0; i < 30; i++) {
      const k = cameraFrame()
      if (k % 2 === 0) after.push({ t: frames[frames.length - 1].t, k })
    }
    const peak = after[5]
    const got = await src.captureEvidenceAt!(peak.t)
    expect(got?.t).toBe(peak.t)
    expectColour(got!.jpeg, colourOf(peak.k))
  })

  test('only frames handed to detectFace are copied (at most one per engine frame)', async () => {
    const { src, cameraFrame, session, frames } = await started({ evidenceFrames: true, ring: { size: 4 } })
    for (let i = 0; i < 9; i++) cameraFrame()
    expect(session.detectFace).toHaveBeenCalledTimes(frames.length)
    // Ring of 4: the 4 newest tracked frames, each exactly a TrackerFrame's t.
    const ts = frames.map((f) => f.t)
    for (const f of frames.slice(-4)) expect((await src.captureEvidenceAt!(f.t))?.t).toBe(f.t)
    expect((await src.captureEvidenceAt!(ts[0]))?.t).toBe(ts[ts.length - 4])
  })
})
