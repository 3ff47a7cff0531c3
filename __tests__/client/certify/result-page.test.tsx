jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { CertificationResultView } from '@/core/contracts/certification'
import { SCAM_TITLE, scamNoticeSentences } from '@/components/ScamNotice'
import CertifyResultPage from '@/packages/certify/result'
import { readPageAloud } from '@/packages/certify/flow/result-reader'
import { clearResultForTests, rememberFacing, saveResult } from '@/packages/certify/flow/result-store'
import { resultViewModel } from '@/packages/certify/flow/result-view'
import { ROUTES } from '@/services/navigation'
import { resetSpeechForTests } from '@/services/speech'
import { resetTaroMock } from '../support/taro-mock'
import { failedResult, passedResult, recordSpeech } from './support'
import { extra, installTaroExtra } from './taro-extra'

const RELATIVE_ID = '6f1c7a52-6a0b-4c55-9d1e-3f5a9b0c1d2e'
const SHARE = 'abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'

function show(r: CertificationResultView, params: Record<string, string> = {}) {
  clearResultForTests()
  saveResult(r)
  installTaroExtra({ r: r.recordId, ...params })
  render(<CertifyResultPage />)
}

/** The utterances the speech layer started (interface (b)). */
const log = recordSpeech()

/** H5 with a voice that never reports its end (as in headless Chromium). */
function withVoice() {
  process.env.TARO_ENV = 'h5'
  const synth = { cancel: jest.fn(), speak: jest.fn(), getVoices: () => [] }
  Object.assign(window, { speechSynthesis: synth, SpeechSynthesisUtterance: class { constructor(readonly text: string) {} } })
  return synth
}

/** Every shown line of the result is in the spoken text, in the order shown. */
function expectSpokenInOrder(spoken: string, shown: string[]) {
  let at = -1
  for (const line of shown) {
    const bare = line.replace(/[。]$/, '')
    const i = spoken.indexOf(bare, at + 1)
    expect({ line, found: i > at }).toEqual({ line, found: true })
    at = i
  }
}

beforeEach(() => {
  resetTaroMock()
  resetSpeechForTests()
  process.env.TARO_ENV = 'weapp'
})


const passedSelf: CertificationResultView = { ...passedResult, nextDueDeadlineLabel: '2027年11月30日', maskedName: '王*英', alreadyCertified: false, recordsOf: 'self' }

describe('认证结果', () => {
  test('认证通过: names the person, the next deadline as a day, 记录已保存, 次月恢复发放并补发 N 个月', () => {
    show(passedSelf)
    const text = screen.getByTestId('result').textContent ?? ''
    for (const t of ['✓', '认证通过', '姓名：王*英', '下次认证：请在2027年11月30日前完成', '记录已保存', '2026年12月起恢复发放', '次月恢复发放', '补发 3 个月']) expect(text).toContain(t)
    expect(text).not.toContain('下次认证日期')
    expect(screen.queryByTestId('recertify')).toBeNull()
    expect(screen.queryByTestId('appeal')).toBeNull()
    expect(screen.getByTestId('scam-notice').textContent).toContain('认证是免费的')
    fireEvent.click(screen.getByTestId('go-records'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.records })
    fireEvent.click(screen.getByTestId('home'))
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.home })
  })

  test('认证通过 without a suspension: no reinstatement line', () => {
    show({ ...passedSelf, reinstatement: undefined })
    expect(screen.getByTestId('result').textContent).not.toContain('补发')
  })

  test('an answer stored before the deadline existed still shows the month', () => {
    show(passedResult)
    expect(screen.getByTestId('result').textContent).toContain('下次认证日期：2027年11月')
  })

  test('after 帮TA认证: the records button leads to that parent’s records, not the helper’s own', () => {
    show({ ...passedSelf, maskedName: '李*国', recordsOf: 'relative', relativeId: RELATIVE_ID }, { relative: RELATIVE_ID })
    expect(screen.getByTestId('result').textContent).toContain('姓名：李*国')
    const go = screen.getByTestId('go-records')
    expect(go.textContent).toBe('查看家人的认证记录')
    fireEvent.click(go)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `${ROUTES.records}?relative=${RELATIVE_ID}` })
  })

  test('from a share card, not bound: done, what happens next, and nothing that asks for a binding', () => {
    show({ ...passedSelf, reinstatement: undefined, maskedName: '刘*福', recordsOf: 'none' }, { share: SHARE })
    const text = screen.getByTestId('result').textContent ?? ''
    for (const t of ['认证通过', '姓名：刘*福', '养老金照常发放', '认证已经完成，记录已保存，您不用再做别的事', '请在2027年11月30日前完成']) expect(text).toContain(t)
    expect(text).not.toContain('认证记录')
    expect(screen.queryByTestId('go-records')).toBeNull()
    expect(screen.queryByTestId('subscribe-card')).toBeNull()
  })

  test('认证未通过: the reason in plain words; 重新认证 goes straight back to the camera with the same person and camera', () => {
    clearResultForTests()
    saveResult(failedResult(2))
    rememberFacing('back') // chosen on 认证须知
    installTaroExtra({ r: 'rec-f2', share: SHARE })
    render(<CertifyResultPage />)
    const text = screen.getByTestId('result').textContent ?? ''
    expect(text).toContain('✕')
    expect(text).toContain('认证未通过')
    expect(text).toContain('原因：时间到了，没有完成动作，请再试一次')
    expect(screen.queryByTestId('appeal')).toBeNull()
    fireEvent.click(screen.getByTestId('recertify'))
    expect(extra.redirectTo).toHaveBeenCalledWith({ url: `${ROUTES.certifyCamera}?facing=back&share=${encodeURIComponent(SHARE)}` })
  })

  test('重新认证 after 帮TA认证 without a remembered camera: the helper’s default (back camera), same relative', () => {
    show({ ...failedResult(1), recordsOf: 'relative', relativeId: RELATIVE_ID }, { relative: RELATIVE_ID })
    fireEvent.click(screen.getByTestId('recertify'))
    expect(extra.redirectTo).toHaveBeenCalledWith({ url: `${ROUTES.certifyCamera}?facing=back&relative=${RELATIVE_ID}` })
  })

  test('a certified person’s voluntary retry that fails is not a failed certification', () => {
    show({ ...failedResult(1), alreadyCertified: true, maskedName: '陈*梅', recordsOf: 'self', nextDueDeadlineLabel: '2027年6月30日', nextDueMonthLabel: '2027年6月', nextDueDate: '2027-06-01' })
    const text = screen.getByTestId('result').textContent ?? ''
    expect(text).toContain('本期已认证')
    expect(text).toContain('这次没有通过，但您本期已经认证过，养老金照常发放，不用再做')
    expect(text).toContain('下次认证：请在2027年6月30日前完成')
    expect(text).not.toContain('认证未通过')
    expect(screen.queryByTestId('recertify')).toBeNull()
    expect(screen.getByTestId('result').getAttribute('data-result')).toBe('failed')
  })

  test('third failure of the day: the 申诉 advice (its clip exists), 我要申诉 opens the appeal page, and the offline ways', () => {
    withVoice()
    show(failedResult(3, '人脸与登记照片不一致，请本人再试一次'))
    const text = screen.getByTestId('result').textContent ?? ''
    expect(text).toContain('人脸与登记照片不一致')
    expect(text).toContain('多次没有通过，可以申诉，也可以到社区或经办机构认证')
    const appeal = screen.getByTestId('appeal')
    const ways = screen.getByTestId('offline-ways').textContent ?? ''
    for (const t of ['社区', '经办机构', '上门认证']) expect(ways).toContain(t)
    expect(screen.getByTestId('recertify')).toBeTruthy()
    fireEvent.click(screen.getByTestId('appeal-button'))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: ROUTES.appeal })
    expect(appeal.textContent).toContain('经办机构')
  })

  test('我要申诉 after a relative’s failures opens the appeal page for that relative; from a share card it says how instead (shown and spoken)', () => {
    withVoice()
    show(failedResult(3, '人脸与登记照片不一致，请本人再试一次'), { relative: RELATIVE_ID })
    fireEvent.click(screen.getByTestId('appeal-button'))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `${ROUTES.appeal}?relative=${RELATIVE_ID}` })
    cleanup()
    show(failedResult(3, '人脸与登记照片不一致，请本人再试一次'), { share: SHARE })
    fireEvent.click(screen.getByTestId('appeal-button'))
    expect(log.at(-1)).toContain('绑定本人社保卡后点“我要申诉 / 申请上门认证”')
    expect(screen.getByTestId('appeal-soon').textContent).toContain('我要申诉 / 申请上门认证')
  })

  test('人工审核中 is explained kindly, and the spoken words agree with the screen', () => {
    withVoice()
    show({ recordId: 'rec-p', result: 'pending_review', resultLabel: '人工审核中', failuresToday: 0, maskedName: '陈*梅', recordsOf: 'self' })
    const text = screen.getByTestId('result').textContent ?? ''
    expect(text).toContain('人工审核中')
    expect(text).toContain('不用重复认证')
    expect(screen.queryByTestId('recertify')).toBeNull()
    expect(log).toHaveLength(1)
    expect(log[0]).toContain('不用重复认证')
    expect(log.join('')).not.toContain('正在核验')
  })

  test('人工审核中 from a notice, not bound: nothing points to 认证记录', () => {
    show({ recordId: 'rec-p2', result: 'pending_review', resultLabel: '人工审核中', failuresToday: 0, maskedName: '张*兰', recordsOf: 'none' }, { notice: 'ABCDEFGH2345' })
    const text = screen.getByTestId('result').textContent ?? ''
    expect(text).toContain('不用重复认证')
    expect(text).toContain('您不用再做别的事')
    expect(text).not.toContain('认证记录')
    expect(screen.queryByTestId('go-records')).toBeNull()
  })

  test('opened without the answer in memory (e.g. the page was reloaded): points to 认证记录', () => {
    clearResultForTests()
    installTaroExtra({ r: 'unknown' })
    render(<CertifyResultPage />)
    expect(screen.getByTestId('result-missing').textContent).toContain('认证记录')
    fireEvent.click(screen.getByTestId('go-records'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.records })
  })

  test.each([
    ['passed', passedSelf, {}],
    ['passed via a share card', { ...passedSelf, recordsOf: 'none' as const }, { share: SHARE }],
    ['failed ×3', failedResult(3), {}],
    ['voluntary retry failed', { ...failedResult(1), alreadyCertified: true, nextDueDeadlineLabel: '2027年6月30日' }, {}],
  ])('H5, %s: every line shown is spoken when the page opens, in order, the scam notice last — one utterance, no end event needed', (_name, r, params) => {
    const synth = withVoice()
    show(r as CertificationResultView, params)
    expect(synth.speak).toHaveBeenCalledTimes(1)
    expect(log).toHaveLength(1)
    const shown = [
      screen.getByTestId('result-title').textContent ?? '',
      ...Array.from(screen.getByTestId('result').querySelectorAll('.yl-result__line')).map((e) => e.textContent ?? ''),
      ...(screen.queryByTestId('offline-ways') ? Array.from(screen.getByTestId('offline-ways').querySelectorAll('.yl-result__ways-title, .yl-bullets__text')).map((e) => e.textContent ?? '') : []),
      SCAM_TITLE,
      ...scamNoticeSentences(),
    ]
    expect(shown.length).toBeGreaterThan(5)
    expectSpokenInOrder(log[0], shown)
    // 朗读 reads the same text
    expect(resultViewModel(r as CertificationResultView).spoken.length).toBeGreaterThan(1)
  })
})

describe('readPageAloud', () => {
  test('with a voice: the whole text at once; without one: only the recorded clips, each after the previous ends', () => {
    const said: string[] = []
    const ends: (() => void)[] = []
    const speak = (t: string, o?: { onEnd?: () => void }) => {
      said.push(t)
      if (o?.onEnd) ends.push(o.onEnd)
      return { spoken: true }
    }
    readPageAloud('全部。', ['甲', '乙'], { speak, hasVoice: () => true, hasClip: () => true })
    expect(said).toEqual(['全部。'])

    said.length = 0
    const stop = readPageAloud('全部。', ['甲', '无', '乙', '丙'], { speak, hasVoice: () => false, hasClip: (t) => t !== '无' })
    expect(said).toEqual(['甲'])
    ends.shift()!()
    expect(said).toEqual(['甲', '乙'])
    stop() // the page was left
    ends.shift()!()
    expect(said).toEqual(['甲', '乙'])
  })
})
