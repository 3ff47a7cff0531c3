/**
 * @jest-environment ./__tests__/client/weapp/support/jsdom-node-env.js
 *
 * The compiled weapp camera page (certify-flow.ts) asked for 眨眼 then 张嘴: the eye (52-63) and inner-lip
 * (96-103) indices of the `visionkit-106` table read through the weapp adapter, where the turn suite only
 * reads angles. Clip: cap13_edit2 from its start (labelled blink at 3.76 s, mouth opening at 15.6 s).
 */
import { CAP13, cameraSuite, firstShown, PEOPLE } from './certify-flow'

const suite = cameraSuite(['blink', 'mouth_open'])

describe('weapp camera page: blink and mouth on recorded VisionKit-shaped frames', () => {
  test.each([
    ['every 2nd camera frame', PEOPLE.wang, 0, [0, 2, 4]],
    ['every 3rd camera frame (VisionKit a frame late)', PEOPLE.chen, 1, [0, 3, 6]],
  ] as const)('%s: 请眨眨眼, then 请张开嘴, 认证通过', async (_name, person, answerLag, firstCalls) => {
    const run = await suite.certify(person, { frames: CAP13.frames, answerLag })
    expect(run.phone.detectCalls.slice(0, 3).map((c) => c.index)).toEqual(firstCalls)
    expect(firstShown(run, '请眨眨眼')).toBeGreaterThanOrEqual(0)
    expect(firstShown(run, '请张开嘴')).toBeGreaterThan(firstShown(run, '请眨眨眼'))
    expect(run.completion.verdict).toMatchObject({ passed: true })
    expect(run.result.text()).toContain('认证通过')
  })

  test('mirrored camera frames (the eyes swap sides): still 认证通过, a blink and a mouth opening have no side', async () => {
    const run = await suite.certify(PEOPLE.sun, { frames: CAP13.frames, standin: { mirrored: true } })
    expect(run.completion.verdict).toMatchObject({ passed: true })
    expect(run.result.text()).toContain('认证通过')
  })
})
