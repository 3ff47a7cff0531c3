/** `liveness controls`: the attack controls widened (scripts/liveness/controls-stress.ts). */
import { join } from 'node:path'
import { stressControls } from '../../../scripts/liveness/controls-stress'
import { loadClips } from '../../../scripts/liveness/dataset'
import { SLIDESHOW_DWELL_MS, SLIDESHOW_MS, slideshowRuns, STILL_MS, stillRuns } from '../../../scripts/liveness/sessions'
import { ACTION_NAMES } from '../../../src/core/liveness/types'
import { cli, FIX, LABELS, TRACES } from './support'

const originals = () => loadClips(TRACES, [LABELS])

describe('stressControls', () => {
  test("narrowed to the report's own draw (seed 1, one still frame, 4 photos x 1000 ms for 10 s) it runs exactly the report's controls", () => {
    const clips = originals()
    const r = stressControls(clips, { seeds: 1, stillFrames: 1, stillMs: STILL_MS, photoCounts: [4], dwellsMs: [SLIDESHOW_DWELL_MS], slideshowMs: SLIDESHOW_MS })
    const still = clips.flatMap((c) => stillRuns(c, 1))
    const slides = clips.flatMap((c) => slideshowRuns(c, 1))
    expect(r.still.sessions).toBe(still.length)
    expect(r.slideshow.sessions).toBe(slides.length)
    expect(r.still.passed).toBe(still.filter((x) => x.passed).length)
    expect(r.slideshow.passed).toBe(slides.filter((x) => x.passed).length)
    expect(r.passes).toHaveLength(r.still.passed + r.slideshow.passed)
  })

  test('every combination of seed, frame, photo count and dwell is tried under every action', () => {
    const [clip] = originals()
    const r = stressControls([clip], { seeds: 2, stillFrames: 2, stillMs: 3000, photoCounts: [2, 3], dwellsMs: [300, 700, 1100], slideshowMs: 3000 })
    expect(r.still.sessions).toBe(2 * 2 * ACTION_NAMES.length)
    expect(r.slideshow.sessions).toBe(2 * 2 * 3 * ACTION_NAMES.length)
    const byAction = (t: typeof r.still) => Object.values(t.byAction).reduce((a, b) => a + (b ?? 0), 0)
    expect(byAction(r.still)).toBe(r.still.passed)
    expect(byAction(r.slideshow)).toBe(r.slideshow.passed)
  })
})

describe('liveness controls (CLI)', () => {
  test('a seed count of 0 is refused with a Chinese message and the USAGE code, no stack trace', () => {
    const out = cli('controls', FIX, '--seed', '0')
    expect(out.status).toBe(2)
    expect(out.stderr).toContain('错误 USAGE')
    expect(out.stderr).toContain('--seed 至少是 1')
    expect(out.stderr).not.toMatch(/at .*\.ts:\d+/)
  })

  test('an unknown flag is refused', () => {
    const out = cli('controls', join(FIX), '--lead', '10')
    expect(out.status).toBe(2)
    expect(out.stderr).toContain('错误 USAGE')
  })
})
