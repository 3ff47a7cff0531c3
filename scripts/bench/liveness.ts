/**
 * npm run bench:liveness — cost of the liveness engine per frame on a 478-point trace (cap12, 1337 frames).
 * Measured in the same run, each repeated and reported as the median over rounds (µs per frame):
 *   parse+normalise  JSON.parse of the frame line + normaliseFrame (the baseline)
 *   engine           normalise + quantise + six detectors + session, on already-parsed frames
 *   full             parse + engine (what the backend pays per frame of a raw trace)
 *   examination      what the backend's worker does with a completion's summary of the whole clip:
 *                    parse its content text, fingerprint it, replay it through the engine
 * The ratio column is each row over the parse+normalise baseline. Target: engine <= 20 µs/frame.
 */
import { join } from 'node:path'
import { normaliseFrame } from '../../src/core/liveness/adapters/normalise'
import { MEDIAPIPE_478 } from '../../src/core/liveness/adapters/layouts'
import { LivenessEngine } from '../../src/core/liveness/engine'
import { parseTraceFrame, parseTraceHeader } from '../../src/core/liveness/trace/format'
import { emptyObservation, type TrackerFrame } from '../../src/core/liveness/types'
import { readTextFile } from '../liveness/trace-io'
import { summaryContent } from '../../server/services/certification-checks'
import { examineSummaryTask } from '../../server/services/summary-examination'
import { DEFAULT_LIVENESS_TIMING } from '../../src/core/contracts/certification'

const TRACE = join(__dirname, '..', '..', '__tests__', 'fixtures', 'liveness', 'traces', 'cap12_edit.jsonl.gz')
const ROUNDS = 15
const CHALLENGE = ['mouth_open', 'turn_right', 'turn_left', 'head_down', 'head_up', 'blink'] as const
const CONFIG = { actionTimeoutMs: 60000 }

const lines = readTextFile(TRACE).trim().split('\n')
const header = parseTraceHeader(lines[0])
const frameLines = lines.slice(1)
const frames: TrackerFrame[] = frameLines.map((l, i) => parseTraceFrame(l, i + 2))
const src = { layout: header.layout, aspect: header.width / header.height, mirrored: header.mirrored }
const norm = { layout: MEDIAPIPE_478, aspect: src.aspect, mirrored: false, minFaceScore: 0.5 }

let sink = 0
function parseAndNormalise(): void {
  const o = emptyObservation()
  for (let i = 0; i < frameLines.length; i++) sink += normaliseFrame(parseTraceFrame(frameLines[i], i + 2), norm, o).yaw
}
function engineOnly(): void {
  const e = new LivenessEngine(src, CHALLENGE, CONFIG)
  // keep running after the verdict: a fresh engine per pass over the whole clip
  for (let i = 0; i < frames.length; i++) {
    const ev = e.pushFrame(frames[i])
    sink += ev.length
  }
  sink += e.finish().frames
}
function detectorsWholeClip(): void {
  // the session stops consuming frames once decided, so also time a challenge that is never decided
  const e = new LivenessEngine(src, ['head_up', 'head_up', 'head_up', 'head_up'], { actionTimeoutMs: 600000, totalTimeoutMs: 600000 })
  for (let i = 0; i < frames.length; i++) sink += e.pushFrame(frames[i]).length
}
function full(): void {
  const e = new LivenessEngine(src, ['head_up', 'head_up', 'head_up', 'head_up'], { actionTimeoutMs: 600000, totalTimeoutMs: 600000 })
  for (let i = 0; i < frameLines.length; i++) sink += e.pushFrame(parseTraceFrame(frameLines[i], i + 2)).length
}

// The summary a session over the whole clip records (a challenge it never completes), as the backend
// receives it: content text, as certification.ts hands it to the worker.
const wholeClip = new LivenessEngine(src, ['head_up', 'head_up', 'head_up', 'head_up'], { actionTimeoutMs: 600000, totalTimeoutMs: 600000 })
for (const f of frames) wholeClip.pushFrame(f)
const clipSummary = summaryContent(wholeClip.finish().summary)
function examination(): void {
  const exam = examineSummaryTask({ summaryContent: clipSummary, challenge: ['blink', 'turn_left'], timing: DEFAULT_LIVENESS_TIMING, earlier: [], at: [] })
  sink += exam.endMs
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

function measure(fn: () => void): number {
  for (let i = 0; i < 3; i++) fn() // warm-up (JIT)
  const per: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint()
    fn()
    per.push(Number(process.hrtime.bigint() - t0) / 1000 / frames.length)
  }
  return median(per)
}

const base = measure(parseAndNormalise)
const rows: [string, number][] = [
  ['parse+normalise (baseline)', base],
  ['engine, whole clip (normalise+detect+session)', measure(detectorsWholeClip)],
  ['engine, 6-action challenge (stops at verdict)', measure(engineOnly)],
  ['full: parse + engine', measure(full)],
  ['backend examination of its summary', measure(examination)],
]
console.log(`liveness engine on ${frames.length} frames of ${header.layout} (${header.source ?? TRACE}), median of ${ROUNDS} rounds`)
console.log('step'.padEnd(48) + 'µs/frame'.padStart(10) + 'ratio'.padStart(8))
for (const [name, us] of rows) console.log(name.padEnd(48) + us.toFixed(2).padStart(10) + (us / base).toFixed(2).padStart(8))
const engineUs = rows[1][1]
console.log(`target: engine <= 20 µs/frame -> ${engineUs <= 20 ? 'OK' : 'OVER'} (${engineUs.toFixed(2)} µs)`)
if (sink === 42.4242) console.log('')
