/**
 * A camera plus face tracker, seen from the certification page. Two implementations:
 *  - weapp: <Camera> + CameraContext.onCameraFrame + VisionKit (src/liveness/weapp-source.ts,
 *    built on src/liveness/visionkit.ts);
 *  - h5: getUserMedia + <video> + @vladmandic/human in the browser (src/liveness/h5/).
 * Both emit face-trace/1 frames that the same LivenessEngine consumes. Frames and point arrays stay
 * in plain JS: they never go through React state or setData.
 */
import type { TrackerFrame } from '@/core/liveness/types'

export type FaceSourceFailure =
  /** The person (or the browser) refused the camera; a tap can reopen settings on weapp. */
  | 'camera_denied'
  /** No camera on this device, or it is in use elsewhere. */
  | 'camera_unavailable'
  /** The face tracker cannot run here (VisionKit unsupported, WebAssembly missing, model failed to load). */
  | 'tracker_unsupported'

export interface FaceSourceInfo {
  /** Landmark layout of the frames (selects the engine's adapter table). */
  layout: 'mediapipe-478' | 'visionkit-106'
  /** Whether the frames' x axis is mirrored like a selfie preview. */
  mirrored: boolean
  /** Width / height of the analysed frames. */
  aspect: number
}

export interface FaceSourceHandlers {
  onFrame: (frame: TrackerFrame) => void
  /** A failure after start (camera stopped, tracker crashed). */
  onFailure: (failure: FaceSourceFailure) => void
}

export interface FaceSource {
  /** Opens camera and tracker. Resolves with the stream's properties once the first frame can come. */
  start(handlers: FaceSourceHandlers): Promise<{ ok: true; info: FaceSourceInfo } | { ok: false; failure: FaceSourceFailure }>
  /** A JPEG of the current camera frame as base64 (no data: prefix), for identity evidence. */
  captureEvidence(): Promise<string | undefined>
  /**
   * A JPEG of the recently tracked frame nearest to `t` (the frames' own time axis), with that frame's
   * time. Sources keep a short ring of small copies of the frames they tracked (about 1.5 s), because
   * the engine reports an action after its peak (a blink when the eyes reopen, a turn on the way back).
   * Absent: the source cannot go back in time (the controller then sends no evidence it cannot bind).
   */
  captureEvidenceAt?(t: number): Promise<{ jpeg: string; t: number } | undefined>
  /** Stops tracking and releases the camera. Safe to call twice. */
  stop(): void
}
