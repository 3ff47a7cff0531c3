/** The observation summary a client would record while seeing a stretch of a real clip. */
import { emptyObservation, layoutOf, normaliseFrame, quantiseObservation, sourceFromHeader } from '../../../src/core/liveness'
import { SummaryRecorder, type ObservationSummary } from '../../../src/core/liveness/summary'
import { loadTrace, type Clip } from '../../core/liveness/helpers'

/** Frames with fromMs <= t < toMs, their times moved so the stream starts at t0 (t0 = fromMs keeps them). */
export function windowSummary(clip: Clip, fromMs: number, toMs: number, t0 = 0): ObservationSummary {
  const tr = loadTrace(clip)
  const src = sourceFromHeader(tr.header)
  const norm = { layout: layoutOf(src), aspect: src.aspect, mirrored: src.mirrored, minFaceScore: 0.5 }
  const rec = new SummaryRecorder(tr.header.layout)
  const o = emptyObservation()
  for (const f of tr.frames) {
    if (f.t < fromMs || f.t >= toMs) continue
    quantiseObservation(normaliseFrame({ ...f, t: f.t - fromMs + t0 }, norm, o), o)
    rec.add(o)
  }
  return rec.summary
}
