jest.mock('@tarojs/taro', () => require('../support/taro-mock'))

import Taro from '@tarojs/taro'
import type { TrackerFrame } from '@/core/liveness/types'
import { createCameraSignal, createWeappFaceSource } from '@/liveness/weapp-source'

type FrameCb = (f: { width: number; height: number; data: ArrayBuffer }) => void

function installVisionKit(opts: { supported?: boolean; startErrno?: number } = {}) {
  const anchorsCbs: Record<string, (a: unknown[]) => void> = {}
  let frameCb: FrameCb | null = null
  const session = {
    start: jest.fn((cb: (errno?: number) => void) => cb(opts.startErrno)),
    stop: jest.fn(),
    destroy: jest.fn(),
    on: jest.fn((ev: string, cb: (a: unknown[]) => void) => (anchorsCbs[ev] = cb)),
    detectFace: jest.fn((_opts: Record<string, unknown>) => {
      anchorsCbs.updateAnchors?.([{ origin: { x: 0.3, y: 0.2 }, size: { width: 0.4, height: 0.5 }, points: [{ x: 0.5, y: 0.5 }], angle: [0, 0, 0], confidence: [0.9] }])
    }),
  }
  const listener = { start: jest.fn(), stop: jest.fn() }
  const takePhoto = jest.fn((o: { success(r: { tempImagePath: string }): void }) => o.success({ tempImagePath: 'wxfile://tmp/a.jpg' }))
  Object.assign(Taro as unknown as Record<string, unknown>, {
    createVKSession: opts.supported === false ? undefined : jest.fn(() => session),
    isVKSupport: jest.fn(() => opts.supported !== false),
    createCameraContext: jest.fn(() => ({
      onCameraFrame: (cb: FrameCb) => {
        frameCb = cb
        return listener
      },
      takePhoto,
    })),
    getFileSystemManager: () => ({ readFile: (o: { success(r: { data: string }): void }) => o.success({ data: '/9j/abc' }) }),
  })
  const frame = () => frameCb?.({ width: 288, height: 352, data: new Uint8Array(288 * 352 * 4).fill(128).buffer })
  return { session, listener, frame, takePhoto }
}

describe('weapp FaceSource (Camera + VisionKit)', () => {
  test('VisionKit missing → tracker_unsupported, before touching the camera', async () => {
    installVisionKit({ supported: false })
    const src = createWeappFaceSource({ facing: 'front', camera: createCameraSignal() })
    expect(await src.start({ onFrame: jest.fn(), onFailure: jest.fn() })).toEqual({ ok: false, failure: 'tracker_unsupported' })
  })

  test('<Camera> binderror (not allowed) → camera_denied', async () => {
    installVisionKit()
    const cam = createCameraSignal()
    const src = createWeappFaceSource({ facing: 'front', camera: cam })
    const p = src.start({ onFrame: jest.fn(), onFailure: jest.fn() })
    cam.denied()
    expect(await p).toEqual({ ok: false, failure: 'camera_denied' })
  })

  test('VK session fails to start → tracker_unsupported', async () => {
    installVisionKit({ startErrno: 2000004 })
    const cam = createCameraSignal()
    cam.ready()
    const src = createWeappFaceSource({ facing: 'front', camera: cam })
    expect(await src.start({ onFrame: jest.fn(), onFailure: jest.fn() })).toEqual({ ok: false, failure: 'tracker_unsupported' })
  })

  test('camera ready → every 2nd frame to detectFace → visionkit-106 frames; later camera errors reported; stop releases', async () => {
    const vk = installVisionKit()
    const cam = createCameraSignal()
    const frames: TrackerFrame[] = []
    const onFailure = jest.fn()
    const src = createWeappFaceSource({ facing: 'front', camera: cam })
    const p = src.start({ onFrame: (f) => frames.push(f), onFailure })
    cam.ready()
    await new Promise((r) => setTimeout(r, 0))
    expect(vk.listener.start).toHaveBeenCalled()
    for (let i = 0; i < 6; i++) vk.frame()
    const res = await p
    expect(res).toEqual({ ok: true, info: { layout: 'visionkit-106', mirrored: false, aspect: 288 / 352 } })
    expect(vk.session.detectFace).toHaveBeenCalledTimes(3)
    expect(vk.session.detectFace.mock.calls[0][0]).toMatchObject({ sourceType: 0, width: 288, height: 352 })
    expect(frames).toHaveLength(3)
    expect(frames[0].faces[0].box).toEqual([0.3, 0.2, 0.4, 0.5])
    expect(frames[0].luma).toBe(128)
    expect(await src.captureEvidence()).toBe('/9j/abc')
    cam.denied()
    expect(onFailure).toHaveBeenCalledWith('camera_denied')
    src.stop()
    src.stop()
    expect(vk.listener.stop).toHaveBeenCalledTimes(1)
    expect(vk.session.destroy).toHaveBeenCalledTimes(1)
  })
})
