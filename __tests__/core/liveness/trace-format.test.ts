/** face-trace/1 parse and serialise (pure), and the session's coaching hints. */
import { LivenessInputError } from '../../../src/core/liveness/errors'
import { parseTrace, serialiseTrace } from '../../../src/core/liveness/trace/format'
import { runSession } from '../../../src/core/liveness/engine'
import { HINTS } from '../../../src/core/liveness/session/texts'
import type { TrackerFrame } from '../../../src/core/liveness/types'
import { loadTrace } from './helpers'

const header = '{"format":"face-trace/1","layout":"mediapipe-478","source":"x.mp4","width":400,"height":300,"fps":25,"mirrored":false}'

describe('face-trace/1', () => {
  test('serialise then parse gives the same trace', () => {
    const tr = loadTrace('cap13_edit2')
    const small = { header: tr.header, frames: tr.frames.slice(0, 20).concat([{ t: 9999, faces: [], luma: 120 }]) }
    expect(parseTrace(serialiseTrace(small))).toEqual(small)
  })

  test.each([
    ['', 'TRACE_EMPTY'],
    ['{"format":"face-trace/2","layout":"x","width":1,"height":1}', 'TRACE_BAD_HEADER'],
    [header + '\n{"t":0,"faces":[}', 'TRACE_BAD_JSON'],
    [header + '\n{"t":"0","faces":[]}', 'TRACE_BAD_FRAME'],
    [header + '\n{"t":0,"faces":[{"box":[0,0,1],"score":1,"points":[]}]}', 'TRACE_BAD_FRAME'],
    [header + '\n{"t":40,"faces":[]}\n{"t":0,"faces":[]}', 'TRACE_TIME_ORDER'],
  ])('bad input %#: %s', (text, code) => {
    try {
      parseTrace(text)
      throw new Error('should have thrown')
    } catch (e) {
      expect(e).toBeInstanceOf(LivenessInputError)
      expect((e as LivenessInputError).code).toBe(code)
      expect((e as LivenessInputError).message).toMatch(/[\u4e00-\u9fff]/)
    }
  })
})

describe('coaching hints', () => {
  const src = { layout: 'mediapipe-478', aspect: 4 / 3, mirrored: false }
  const base = loadTrace('cap13_edit2').frames.slice(0, 50)
  const hintsOf = (frames: TrackerFrame[]) =>
    runSession(src, frames, ['blink'])
      .events.filter((e) => e.type === 'hint')
      .map((e) => (e.type === 'hint' ? e.code : null))

  test('dark and bright light', () => {
    expect(hintsOf(base.map((f) => ({ ...f, luma: 20 })))).toContain('too_dark')
    expect(hintsOf(base.map((f) => ({ ...f, luma: 250 })))).toContain('too_bright')
  })

  test('too small, too big, two people, no face', () => {
    const scale = (k: number) => (f: TrackerFrame) => ({ ...f, faces: f.faces.map((x) => ({ ...x, box: [0.5 - (x.box[2] * k) / 2, 0.5 - (x.box[3] * k) / 2, x.box[2] * k, x.box[3] * k] })) })
    expect(hintsOf(base.map(scale(0.3)))).toContain('move_closer')
    expect(hintsOf(base.map(scale(2.3)))).toContain('move_back')
    expect(hintsOf(base.map((f) => ({ ...f, faces: [f.faces[0], { ...f.faces[0], score: 0.9 }] })))).toContain('others_leave')
    expect(hintsOf(base.map((f) => ({ ...f, faces: [] })))).toContain('into_frame')
  })

  test('turned away, then moving', () => {
    const turned = base.map((f) => ({ ...f, faces: f.faces.map((x) => ({ ...x, angle: { pitch: 0, yaw: 0.5, roll: 0 } })) }))
    expect(hintsOf(turned)).toContain('face_screen')
    const moving = base.map((f, i) => ({ ...f, faces: f.faces.map((x) => ({ ...x, box: [x.box[0] + (i % 2) * 0.1, x.box[1], x.box[2], x.box[3]] })) }))
    expect(hintsOf(moving)).toContain('hold_still')
  })

  test('every hint has Chinese text', () => {
    for (const text of Object.values(HINTS)) expect(text).toMatch(/^[\u4e00-\u9fff，]+$/)
  })
})
