/**
 * face-trace/1 JSON Lines: line 1 is the header, every later line one frame (see
 * __tests__/fixtures/liveness/PROVENANCE.md and ../shared/liveness/README.md). Pure parse/serialise of
 * single lines and of whole texts; file and gzip I/O live in scripts/liveness/trace-io.ts.
 */
import { LivenessInputError } from '../errors'
import type { TrackerFace, TrackerFrame } from '../types'

export const TRACE_FORMAT = 'face-trace/1'

export interface TraceHeader {
  format: typeof TRACE_FORMAT
  layout: string
  source?: string
  width: number
  height: number
  fps?: number
  mirrored: boolean
  extractor?: string
  [extra: string]: unknown
}

export interface Trace {
  header: TraceHeader
  frames: TrackerFrame[]
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

function parseJson(line: string, lineNo: number): unknown {
  try {
    return JSON.parse(line)
  } catch {
    throw new LivenessInputError('TRACE_BAD_JSON', `第 ${lineNo} 行`)
  }
}

export function parseTraceHeader(line: string): TraceHeader {
  const h = parseJson(line, 1) as Record<string, unknown> | null
  if (
    !h ||
    typeof h !== 'object' ||
    h.format !== TRACE_FORMAT ||
    typeof h.layout !== 'string' ||
    !isNum(h.width) ||
    !isNum(h.height) ||
    h.width <= 0 ||
    h.height <= 0
  ) {
    throw new LivenessInputError('TRACE_BAD_HEADER')
  }
  return { ...h, mirrored: h.mirrored === true } as TraceHeader
}

function validFace(f: unknown): f is TrackerFace {
  if (!f || typeof f !== 'object') return false
  const o = f as Record<string, unknown>
  const box = o.box
  if (!Array.isArray(box) || box.length !== 4 || !isNum(box[0]) || !isNum(box[1]) || !isNum(box[2]) || !isNum(box[3])) return false
  if (!isNum(o.score)) return false
  const pts = o.points
  if (!Array.isArray(pts) || pts.length % 2 !== 0) return false
  for (let i = 0; i < pts.length; i++) if (typeof pts[i] !== 'number') return false
  const a = o.angle
  if (a != null) {
    if (Array.isArray(a)) {
      if (a.length < 3) return false
    } else if (typeof a !== 'object') return false
  }
  return true
}

/** Parse one frame line (lineNo is 1-based, for messages). */
export function parseTraceFrame(line: string, lineNo: number): TrackerFrame {
  const fr = parseJson(line, lineNo) as Record<string, unknown> | null
  if (!fr || typeof fr !== 'object' || !isNum(fr.t) || !Array.isArray(fr.faces)) {
    throw new LivenessInputError('TRACE_BAD_FRAME', `第 ${lineNo} 行`)
  }
  const faces = fr.faces as unknown[]
  for (let i = 0; i < faces.length; i++) {
    if (!validFace(faces[i])) throw new LivenessInputError('TRACE_BAD_FRAME', `第 ${lineNo} 行`)
  }
  if (fr.luma !== undefined && !isNum(fr.luma)) throw new LivenessInputError('TRACE_BAD_FRAME', `第 ${lineNo} 行`)
  return fr as unknown as TrackerFrame
}

/** Parse a whole face-trace/1 text. Blank lines are skipped; frame times must not go backwards. */
export function parseTrace(text: string): Trace {
  const lines = text.split('\n')
  let i = 0
  while (i < lines.length && lines[i].trim() === '') i++
  if (i >= lines.length) throw new LivenessInputError('TRACE_EMPTY')
  const header = parseTraceHeader(lines[i])
  const frames: TrackerFrame[] = []
  let lastT = -Infinity
  for (let k = i + 1; k < lines.length; k++) {
    const line = lines[k]
    if (line.trim() === '') continue
    const fr = parseTraceFrame(line, k + 1)
    if (fr.t < lastT) throw new LivenessInputError('TRACE_TIME_ORDER', `第 ${k + 1} 行`)
    lastT = fr.t
    frames.push(fr)
  }
  return { header, frames }
}

export function serialiseTraceHeader(h: TraceHeader): string {
  return JSON.stringify(h)
}

export function serialiseTraceFrame(f: TrackerFrame): string {
  const out: Record<string, unknown> = { t: f.t, faces: f.faces }
  if (f.luma !== undefined) out.luma = f.luma
  return JSON.stringify(out)
}

/** The whole trace as JSON Lines text, ending with a newline. */
export function serialiseTrace(trace: Trace): string {
  const parts = [serialiseTraceHeader(trace.header)]
  for (const f of trace.frames) parts.push(serialiseTraceFrame(f))
  return parts.join('\n') + '\n'
}
