/** Pure helpers of the calibration page: the trace being recorded and the readout text. */
import { resolveLayout } from '@/core/liveness/adapters/layouts'
import { normaliseFrame } from '@/core/liveness/adapters/normalise'
import { serialiseTraceFrame, serialiseTraceHeader, TRACE_FORMAT } from '@/core/liveness/trace/format'
import { emptyObservation, type TrackerFrame } from '@/core/liveness/types'

const LAYOUT = resolveLayout('visionkit-106')!

export class TraceRecorder {
  private lines: string[] = []
  private width = 0
  private height = 0

  get frames(): number {
    return this.lines.length
  }

  add(frame: TrackerFrame, size: { width: number; height: number }): void {
    if (size.width) this.width = size.width
    if (size.height) this.height = size.height
    this.lines.push(serialiseTraceFrame(frame))
  }

  /** face-trace/1 text; the camera frames of onCameraFrame are recorded as delivered (mirrored: false, to verify). */
  text(source: string): string {
    const header = serialiseTraceHeader({
      format: TRACE_FORMAT,
      layout: LAYOUT.name,
      source,
      width: this.width || 1,
      height: this.height || 1,
      mirrored: false,
      extractor: 'WeChat VisionKit detectFace (mode 2, sourceType 0)',
    })
    return [header, ...this.lines].join('\n') + '\n'
  }

  clear(): void {
    this.lines = []
  }
}

const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-')

/** One-line readout: raw angle array, then what the visionkit-106 layout makes of it. */
export function readout(frame: TrackerFrame, size: { width: number; height: number }): string {
  const face = frame.faces[0]
  if (!face) return '没有人脸'
  const raw = Array.isArray(face.angle) ? face.angle.map((v) => fmt(v, 3)).join(', ') : JSON.stringify(face.angle)
  const o = normaliseFrame(frame, { layout: LAYOUT, aspect: size.width && size.height ? size.width / size.height : 1, mirrored: false, minFaceScore: 0 }, emptyObservation())
  return `点数 ${face.points.length / 2} 原始角度 [${raw}] → yaw ${fmt(o.yaw)} pitch ${fmt(o.pitch)} roll ${fmt(o.roll)} 眼 ${fmt(o.earLeft, 2)}/${fmt(o.earRight, 2)} 嘴 ${fmt(o.mouth, 2)} 亮度 ${fmt(o.luma, 0)}`
}
