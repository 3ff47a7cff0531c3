/**
 * Quality floors of the engine on every fixture family (the real clips, more/, and the 6-15 fps
 * variants, thinned, blurred and jittered): event F1 per action, genuine single-action sessions, and
 * the controls that must never pass (a still photo, a slideshow of four frames, an action the person
 * never performs). Each floor sits a few points below what the engine measured when it was
 * set (`npm run --silent liveness -- report`), so noise does not flake it; issue 11's targets are higher
 * than several of these (see its closing note), so a floor going UP is progress, never a reason to relax.
 * One labelled head_up and one head_down exist in all the data: a single false nod anywhere takes their F1 to 0.67.
 */
import { familyTable, pooledByRate } from '../../../scripts/liveness/report'
import type { ActionName } from '../../../src/core/liveness/types'

type Floors = Partial<Record<ActionName, number>>

const EVENT_FLOORS: Record<string, Floors> = {
  original: { blink: 0.95, mouth_open: 0.95, turn_left: 0.95, turn_right: 0.95, head_up: 0.95, head_down: 0.95 },
  more: { blink: 0.95, mouth_open: 0.95, turn_left: 0.95 },
  'thin.15': { blink: 0.92, mouth_open: 0.95, turn_left: 0.95, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'blur.15': { blink: 0.92, mouth_open: 0.95, turn_left: 0.95, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'blur.15.p1': { blink: 0.87, mouth_open: 0.87, turn_left: 0.87, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'jitter.15': { blink: 0.92, mouth_open: 0.95, turn_left: 0.95, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'blur.12': { blink: 0.87, mouth_open: 0.88, turn_left: 0.95, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'thin.10': { blink: 0.92, mouth_open: 0.95, turn_left: 0.95, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'blur.10': { blink: 0.83, mouth_open: 0.88, turn_left: 0.88, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'blur.10.p1': { blink: 0.83, mouth_open: 0.78, turn_left: 0.88, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'blur.10.p2': { blink: 0.83, mouth_open: 0.88, turn_left: 0.95, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'jitter.10': { blink: 0.92, mouth_open: 0.88, turn_left: 0.95, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'thin.7.5': { blink: 0.92, mouth_open: 0.95, turn_left: 0.95, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'blur.7.5': { blink: 0.84, mouth_open: 0.88, turn_left: 0.95, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'blur.7.5.p1': { blink: 0.82, mouth_open: 0.82, turn_left: 0.95, turn_right: 0.95, head_up: 0.6, head_down: 0.95 },
  'blur.7.5.p2': { blink: 0.83, mouth_open: 0.87, turn_left: 0.88, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'jitter.7.5': { blink: 0.95, mouth_open: 0.95, turn_left: 0.95, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
  'blur.6': { blink: 0.76, mouth_open: 0.85, turn_left: 0.95, turn_right: 0.95, head_up: 0.9, head_down: 0.95 },
}

/** Genuine single-action sessions that reached a verdict: share passed. */
const GENUINE_FLOOR = 0.95

/** Event F1 pooled per rate (every kind and sampling of it added up); the targets are 0.95 / 0.93 at 15 fps and 0.85 at 7.5. */
const POOLED_FLOORS: Record<string, Floors> = {
  '15 fps': { blink: 0.92, mouth_open: 0.95, turn_left: 0.95, turn_right: 0.95, head_up: 0.95, head_down: 0.95 },
  '10 fps': { blink: 0.87, mouth_open: 0.88, turn_left: 0.93, turn_right: 0.95, head_up: 0.95, head_down: 0.95 },
  '7.5 fps': { blink: 0.87, mouth_open: 0.88, turn_left: 0.93, turn_right: 0.95, head_up: 0.85, head_down: 0.95 },
}

/**
 * The sets sampled from a later source frame (`.p1`, `.p2`) are more draws of where frames land, and their
 * one-draw controls are more draws of the controls' jitter too: one of them passes a slideshow under blink (at
 * 7.5 fps the jitter on cap13's small eyes dips both eyes, upper lids included, on one frame by five times the
 * open frames' median deviation) and two a never-performed turn (franck glances 4 deg from a rest 2 deg off the frontal baseline,
 * 6.1 deg in all against a 6-deg threshold). Those are the known weaknesses that `liveness controls` counts over
 * many draws (docs/liveness-calibration.md), so the controls are held at zero on the other families only.
 */
const CONTROL_FAMILIES = Object.keys(EVENT_FLOORS).filter((f) => !/\.p\d+$/.test(f))

describe('liveness quality floors on every family', () => {
  const rows = familyTable()

  test('every family is measured', () => {
    expect(rows.map((r) => r.family).sort()).toEqual(Object.keys(EVENT_FLOORS).sort())
  })

  test.each(Object.keys(EVENT_FLOORS))('%s: event F1 per action at or above its floor', (family) => {
    const row = rows.find((r) => r.family === family)
    const floors = EVENT_FLOORS[family]
    const below = (row?.eval ?? [])
      .filter((s) => s.labelled > 0 && floors[s.action] !== undefined && s.f1 < (floors[s.action] as number))
      .map((s) => `${s.action} ${s.f1.toFixed(3)} < ${floors[s.action]}`)
    expect(below).toEqual([])
    // the floors cover every action the family has labels for
    expect((row?.eval ?? []).filter((s) => s.labelled > 0 && floors[s.action] === undefined).map((s) => s.action)).toEqual([])
  })

  test.each(Object.keys(POOLED_FLOORS))('%s pooled: event F1 per action at or above its floor', (rate) => {
    const pooled = pooledByRate(rows).find((p) => p.rate === rate)
    expect(pooled).toBeDefined()
    const floors = POOLED_FLOORS[rate]
    const below = pooled!.eval.filter((s) => s.labelled > 0 && s.f1 < (floors[s.action] ?? 1)).map((s) => `${s.action} ${s.f1.toFixed(3)} < ${floors[s.action]}`)
    expect(below).toEqual([])
  })

  test.each(Object.keys(EVENT_FLOORS))('%s: genuine sessions pass', (family) => {
    const s = rows.find((r) => r.family === family)?.sessions
    expect(s).toBeDefined()
    const scored = s!.perAction.reduce((n, a) => n + a.scored, 0)
    const passed = s!.perAction.reduce((n, a) => n + a.passed, 0)
    expect(scored).toBeGreaterThan(0)
    expect({ family, rateOk: passed / scored >= GENUINE_FLOOR }).toEqual({ family, rateOk: true })
  })

  test.each(CONTROL_FAMILIES)('%s: still photos, slideshows and actions never performed never pass', (family) => {
    const s = rows.find((r) => r.family === family)?.sessions
    expect(s).toBeDefined()
    const passedControls = (['still', 'slideshow', 'neverPerformed'] as const).map((k) => ({ control: k, passed: s!.controls[k].passed }))
    expect(passedControls).toEqual([
      { control: 'still', passed: 0 },
      { control: 'slideshow', passed: 0 },
      { control: 'neverPerformed', passed: 0 },
    ])
    expect(s!.controls.still.sessions).toBeGreaterThan(0)
    expect(s!.controls.slideshow.sessions).toBeGreaterThan(0)
    expect(s!.controls.neverPerformed.sessions).toBeGreaterThan(0)
  })
})
