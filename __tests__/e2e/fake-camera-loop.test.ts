/**
 * The action loop the browser certification tests use as their camera (support/fake-camera.ts,
 * `actionLoop: true`): proof that it is the real clip, cut, not changed, and that the real liveness
 * engine passes it whatever the tracker's pace, down to the rate a starved browser reaches.
 *
 *  1. The Y4M file: every frame is byte for byte the source frame ACTION_LOOP names (compared with the
 *     whole clip's conversion), at the clip's 25 fps.
 *  2. The same cut of the clip's trace (Human on every frame, __tests__/fixtures/liveness/traces): the
 *     detectors find the two left turns, the three blinks and the one mouth opening of each loop.
 *  3. A tracker sampling the looping camera at 12 down to 4.5 fps with irregular gaps (±30 %), from
 *     every start point of the loop (every 200 ms): `turn_left,blink` passes every time, within the
 *     allowance. The whole clip under the same trackers (logged, not asserted; from every 200 ms of it,
 *     28 of 765 runs failed and the slowest pass came 54.6 s after the actions began; the test logs a
 *     coarser sweep to save time): each action comes round once in
 *     30.6 s, and a slow tracker that missed it waited a whole loop. That is how the browser tests
 *     flaked on a busy machine.
 * Below ~4.5 fps the gaps between frames start to exceed the detectors' maxGapMs (300 ms), which aborts
 * an action in progress whatever the camera shows: that floor is the engine's, not the clip's.
 */
import { closeSync, openSync, readSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { DEFAULT_SESSION_CONFIG, detectActions, parseTrace, runSession, sourceFromHeader, type TrackerFrame } from '@/core/liveness'
import { ACTION_LOOP, CLIP_FPS, actionLoopFrames, fakeCameraFile } from './support/fake-camera'
import { ROOT } from './support/system'

jest.setTimeout(120_000)

const FRAME_MS = 1000 / CLIP_FPS
const trace = parseTrace(gunzipSync(readFileSync(join(ROOT, '__tests__/fixtures/liveness/traces/cap13_edit2.jsonl.gz'))).toString('utf8'))
const src = sourceFromHeader(trace.header)

/** The loop's frames as the trace saw them (source frame i is trace frame i: one per clip frame). */
function loopTrace(): TrackerFrame[] {
  expect(trace.frames).toHaveLength(765)
  return actionLoopFrames().flatMap((p) => trace.frames.slice(p.start, p.end))
}

/** Reads a Y4M file's frames (yuv420p) as buffers, with its header line. */
function y4mFrames(file: string): { header: string; frames: Buffer[] } {
  const buf = Buffer.alloc(statSync(file).size)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, buf, 0, buf.length, 0)
  } finally {
    closeSync(fd)
  }
  const eol = buf.indexOf(0x0a)
  const header = buf.subarray(0, eol).toString('latin1')
  const w = Number(/ W(\d+)/.exec(header)?.[1])
  const h = Number(/ H(\d+)/.exec(header)?.[1])
  const size = (w * h * 3) / 2
  const frames: Buffer[] = []
  for (let at = eol + 1; at < buf.length; ) {
    const nl = buf.indexOf(0x0a, at)
    expect(buf.subarray(at, at + 5).toString('latin1')).toBe('FRAME')
    frames.push(buf.subarray(nl + 1, nl + 1 + size))
    at = nl + 1 + size
  }
  return { header, frames }
}

/** Deterministic uniform numbers in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}

/** A tracker taking the latest camera frame every ~1000/fps ms (±30 %), starting `phaseMs` into the loop. */
function sampled(loop: TrackerFrame[], fps: number, phaseMs: number, rnd: () => number): TrackerFrame[] {
  const loopMs = loop.length * FRAME_MS
  const out: TrackerFrame[] = []
  for (let t = 0; t < DEFAULT_SESSION_CONFIG.totalTimeoutMs; t += (1000 / fps) * (0.7 + 0.6 * rnd())) {
    out.push({ ...loop[Math.floor(((t + phaseMs) % loopMs) / FRAME_MS)], t })
  }
  return out
}

test('the Y4M action loop is the clip’s own frames, cut where ACTION_LOOP says, at 25 fps', async () => {
  const [whole, loop] = await Promise.all([fakeCameraFile('cap13_edit2'), fakeCameraFile('cap13_edit2', { actionLoop: true })])
  const w = y4mFrames(whole)
  const l = y4mFrames(loop)
  expect(l.header).toMatch(/ W400 H300 F25:1 /)
  expect(w.frames).toHaveLength(765)
  const expected = actionLoopFrames().flatMap((p) => Array.from({ length: p.end - p.start }, (_, i) => p.start + i))
  expect(l.frames).toHaveLength(expected.length)
  const mismatched = expected.filter((srcFrame, i) => !l.frames[i].equals(w.frames[srcFrame]))
  expect(mismatched).toEqual([])
})

test('each loop shows two left turns, three blinks and one (unchallenged) mouth opening', () => {
  const loop = loopTrace()
  // Two loops back to back, on one time axis: the second shows what a camera that came round sees.
  const twice = [...loop, ...loop].map((f, i) => ({ ...f, t: i * FRAME_MS }))
  const events = detectActions(src, twice)
  const loopMs = loop.length * FRAME_MS
  const second = events.filter((e) => e.startMs >= loopMs).map((e) => e.action)
  expect(second.filter((a) => a === 'turn_left')).toHaveLength(2)
  expect(second.filter((a) => a === 'blink')).toHaveLength(3)
  // The only other action is the mouth opening at the end of the wait (not challenged: ignored).
  expect(second.filter((a) => a !== 'turn_left' && a !== 'blink')).toEqual(['mouth_open'])
  expect(ACTION_LOOP.reduce((s, p) => s + (p.to - p.from), 0)).toBeCloseTo(loopMs / 1000, 1)
})

/** Every start point (stepMs apart) at each rate: the runs that failed, and the slowest pass (ms after the actions began). */
function sweep(loop: TrackerFrame[], rates: number[], stepMs: number): { runs: number; failed: string[]; slowest: number } {
  const loopMs = loop.length * FRAME_MS
  const failed: string[] = []
  let runs = 0
  let slowest = 0
  for (const fps of rates) {
    const rnd = lcg(fps * 1000)
    for (let phase = 0; phase < loopMs; phase += stepMs) {
      const { verdict, events } = runSession(src, sampled(loop, fps, phase, rnd), ['turn_left', 'blink'])
      runs++
      const actionsFrom = events.find((e) => e.type === 'prompt' && e.phase === 'action')?.t ?? NaN
      if (!verdict.passed) failed.push(`${fps} fps from ${phase} ms: ${verdict.reason} (${verdict.missedAction})`)
      else slowest = Math.max(slowest, verdict.endMs - actionsFrom)
    }
  }
  return { runs, failed, slowest }
}

test('turn_left,blink passes the engine from every start point of the loop at 12 down to 4.5 fps', () => {
  const rates = [12, 8, 6, 5, 4.5]
  const loop = sweep(loopTrace(), rates, 200)
  // The whole clip under the same trackers, for the record (not asserted: it is what flaked).
  const whole = sweep(trace.frames, rates, 1000)
  process.stdout.write(
    `[fake-camera-loop] action loop: ${loop.runs} runs, ${loop.failed.length} failed, slowest pass ${(loop.slowest / 1000).toFixed(1)} s after the actions began; ` +
      `whole clip: ${whole.runs} runs, ${whole.failed.length} failed, slowest pass ${(whole.slowest / 1000).toFixed(1)} s\n`,
  )
  expect(loop.failed).toEqual([])
  expect(loop.runs).toBeGreaterThan(250)
})
