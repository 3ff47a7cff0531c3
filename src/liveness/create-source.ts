/**
 * The FaceSource for the platform this build targets:
 *  - weapp → weapp-source.ts (<Camera> + VisionKit), driven by the page's CameraSignal;
 *  - h5    → src/liveness/h5 (getUserMedia + @vladmandic/human), loaded with a dynamic import.
 *
 * The h5 import sits in a top-level conditional on `process.env.TARO_ENV === 'h5'`, which the build
 * replaces with a constant, so webpack drops it from the weapp bundle. (Inside an async function the
 * transpiled generator hides the condition from webpack and the browser tracker would be bundled into
 * the mini-program — 1.6 MB.)
 */
import type { FaceSource } from './source'
import { createWeappFaceSource, type CameraSignal } from './weapp-source'

export interface CreateSourceOptions {
  facing: 'front' | 'back'
  /** H5: id of the element the <video> preview goes into. */
  containerId: string
  /** weapp: the page's <Camera> events. */
  camera: CameraSignal
}

const loadH5 = process.env.TARO_ENV === 'h5' ? () => import('./h5') : null

export function createFaceSource(opts: CreateSourceOptions): Promise<FaceSource> {
  if (loadH5) {
    return loadH5().then((h5) => h5.createH5FaceSource({ container: opts.containerId, facingMode: opts.facing === 'front' ? 'user' : 'environment' }))
  }
  return Promise.resolve(createWeappFaceSource({ facing: opts.facing, camera: opts.camera }))
}

/**
 * Starts loading the face tracker (H5: Human and its models, a few seconds on a slow phone) while
 * the person is still reading 认证须知, so the camera page gets its first frame soon after opening.
 * A no-op on weapp, where VisionKit is part of WeChat.
 */
export function preloadFaceTracker(): void {
  if (loadH5) void loadH5().then((h5) => h5.preloadH5FaceTracker()).catch(() => undefined)
}
