/** Detection quality on the real labelled clips, and the scoring rules themselves. */
import { detectActions, sourceFromHeader } from '../../../src/core/liveness/engine'
import { addCounts, countMatches, emptyCounts, scores, type LabelSegment } from '../../../src/core/liveness/eval'
import { CLIPS, loadLabels, loadTrace } from './helpers'

describe('eval on the fixtures', () => {
  test('F1 >= 0.9 for every action that has confirmed labelled segments', () => {
    const total = emptyCounts()
    for (const clip of CLIPS) {
      const trace = loadTrace(clip)
      const events = detectActions(sourceFromHeader(trace.header), trace.frames)
      addCounts(total, countMatches(events, loadLabels(clip).segments, 200))
    }
    const table = scores(total)
    for (const row of table) {
      if (row.labelled === 0) continue
      expect({ action: row.action, f1: row.f1 >= 0.9 }).toEqual({ action: row.action, f1: true })
    }
    expect(table.reduce((n, r) => n + r.labelled, 0)).toBe(20)
  })
})

describe('scoring rules', () => {
  const seg = (action: LabelSegment['action'], startMs: number, endMs: number, uncertain = false): LabelSegment => ({ action, startMs, endMs, uncertain })

  test('overlap with 200 ms slack is a hit; a second detection of the same segment is a false positive', () => {
    const c = countMatches(
      [
        { action: 'blink', startMs: 1250, endMs: 1300 },
        { action: 'blink', startMs: 1000, endMs: 1020 },
        { action: 'blink', startMs: 5000, endMs: 5100 },
      ],
      [seg('blink', 1000, 1100)],
    )
    expect(c.blink).toEqual({ tp: 1, fp: 2, fn: 0, labelled: 1 })
  })

  test('uncertain segments are do-not-care: neither hits, false positives nor misses', () => {
    const c = countMatches([{ action: 'mouth_open', startMs: 100, endMs: 200 }], [seg('mouth_open', 0, 300, true), seg('mouth_open', 5000, 6000, true)])
    expect(c.mouth_open).toEqual({ tp: 0, fp: 0, fn: 0, labelled: 0 })
  })

  test('the action must match and misses are counted', () => {
    const c = countMatches([{ action: 'turn_left', startMs: 0, endMs: 500 }], [seg('turn_right', 0, 500)])
    expect(c.turn_left.fp).toBe(1)
    expect(c.turn_right.fn).toBe(1)
    const s = scores(c)
    expect(s.find((r) => r.action === 'turn_right')?.f1).toBe(0)
    expect(s.find((r) => r.action === 'head_up')?.f1).toBe(1)
  })
})
