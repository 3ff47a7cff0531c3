/**
 * Robustness on the real clips: slow motion and low frame rates still pass the challenges the labels
 * support; a still photo never passes; two faces fail; the right actions in the wrong order fail.
 */
import { runSession, sourceFromHeader } from '../../../src/core/liveness/engine'
import { ACTION_NAMES, type ActionName, type TrackerFrame } from '../../../src/core/liveness/types'
import { CLIP_CONFIG, CLIPS, confirmedActions, supportedChallenges, loadTrace, stillPhoto, stretch, stretchKeepFps, thin, withSecondFace, type Clip } from './helpers'

function run(clip: Clip, frames: TrackerFrame[], challenge: ActionName[], config: object = CLIP_CONFIG) {
  return runSession(sourceFromHeader(loadTrace(clip).header), frames, challenge, config)
}

const VARIANTS: [string, (f: TrackerFrame[]) => TrackerFrame[]][] = [
  ['original', (f) => f],
  ['half speed (12.5 fps)', (f) => stretch(f, 2)],
  ['half speed at 25 fps', (f) => stretchKeepFps(f)],
  ['thinned to 15 fps', (f) => thin(f, 15)],
  ['thinned to 10 fps', (f) => thin(f, 10)],
  ['half speed thinned to 10 fps', (f) => thin(stretch(f, 2), 10)],
]

describe.each(CLIPS)('challenges supported by the labels of %s', (clip) => {
  test('there are challenges to check', () => {
    expect(supportedChallenges(clip).length).toBeGreaterThan(clip === 'franck' ? 0 : 10)
  })

  test.each(VARIANTS)('%s', (_name, transform) => {
    const frames = transform(loadTrace(clip).frames)
    for (const challenge of supportedChallenges(clip)) {
      const { verdict } = run(clip, frames, challenge)
      expect({ challenge, passed: verdict.passed, reason: verdict.reason }).toEqual({ challenge, passed: true, reason: null })
    }
  })
})

describe('still photo', () => {
  test.each(CLIPS)('a still frame of %s (with jitter) never passes any single action and fails with no_liveness', (clip) => {
    const frames = loadTrace(clip).frames
    for (let k = 0; k < 3; k++) {
      const frame = frames[Math.floor((frames.length * (k + 1)) / 4)]
      for (const fps of [10, 25]) {
        const photo = stillPhoto(frame, 40000, fps, 1000 * k + fps)
        for (const action of ACTION_NAMES) {
          const { verdict } = run(clip, photo, [action], {})
          expect(verdict.passed).toBe(false)
          expect(verdict.reason).toBe('no_liveness')
        }
      }
    }
  })
})

describe('two faces', () => {
  test.each(CLIPS)('%s with a second face throughout fails with multiple_faces', (clip) => {
    const frames = withSecondFace(loadTrace(clip).frames)
    const { verdict } = run(clip, frames, confirmedActions(clip))
    expect(verdict.passed).toBe(false)
    expect(verdict.reason).toBe('multiple_faces')
  })

  test('a second face appearing in the middle of the actions fails with multiple_faces', () => {
    const frames = withSecondFace(loadTrace('cap13_edit2').frames, 18000)
    const { verdict } = run('cap13_edit2', frames, ['blink', 'turn_left', 'turn_right'])
    expect(verdict.passed).toBe(false)
    expect(verdict.reason).toBe('multiple_faces')
  })

  test("franck's spurious low-score second face (score 0.3) is ignored", () => {
    const { verdict } = run('franck', loadTrace('franck').frames, ['blink'])
    expect(verdict.passed).toBe(true)
  })
})

describe('wrong order', () => {
  // cap13: blink 17.0 s, turn_left 20.1 s, turn_right 21.2 s, turn_left 22.4 s.
  // cap12: mouth_open 4.2 s, turn_right 19.6 s, turn_left 20.8 s, head_down 22.4 s, head_up 24.1 s, blink 25.6 s.
  test('a later challenged action done first fails with out_of_order', () => {
    expect(run('cap12_edit', loadTrace('cap12_edit').frames, ['turn_left', 'turn_right']).verdict.reason).toBe('out_of_order')
    expect(run('cap12_edit', loadTrace('cap12_edit').frames, ['head_up', 'head_down']).verdict.reason).toBe('out_of_order')
    expect(run('cap13_edit2', loadTrace('cap13_edit2').frames, ['turn_right', 'turn_left', 'blink']).verdict.reason).toBe('out_of_order')
  })

  test('an early blink is not out of order (people blink on their own): the session times out instead', () => {
    const { verdict } = run('cap13_edit2', loadTrace('cap13_edit2').frames, ['turn_left', 'blink'], { actionTimeoutMs: 8000, actionRetries: 0 })
    expect(verdict.passed).toBe(false)
    expect(verdict.reason).toBe('timeout')
  })

  test('with default (elderly) limits and the clip ending first, the session is incomplete, never passed', () => {
    const { verdict } = run('cap13_edit2', loadTrace('cap13_edit2').frames, ['turn_left', 'blink'], {})
    expect(verdict.passed).toBe(false)
    expect(['incomplete', 'timeout']).toContain(verdict.reason)
  })
})

describe('face lost', () => {
  test('no face for longer than faceLostMs during the actions fails with face_lost', () => {
    const frames = loadTrace('cap13_edit2').frames.map((f) => (f.t > 5000 && f.t < 10000 ? { ...f, faces: [] } : f))
    const { verdict } = run('cap13_edit2', frames, ['turn_left'])
    expect(verdict.reason).toBe('face_lost')
  })
})
