jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { fireEvent, render, screen } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { CertificationResultView } from '@/core/contracts/certification'
import CertifyResultPage from '@/packages/certify/result'
import { clearResultForTests, saveResult } from '@/packages/certify/flow/result-store'
import { resultViewModel } from '@/packages/certify/flow/result-view'
import { ROUTES } from '@/services/navigation'
import { resetTaroMock } from '../support/taro-mock'
import { failedResult, passedResult } from './support'
import { extra, installTaroExtra } from './taro-extra'

function show(r: CertificationResultView) {
  clearResultForTests()
  saveResult(r)
  installTaroExtra({ r: r.recordId })
  render(<CertifyResultPage />)
}

beforeEach(() => {
  resetTaroMock()
  process.env.TARO_ENV = 'weapp'
})

describe('认证结果', () => {
  test('认证通过: 下次认证日期, 记录已保存, 次月恢复发放并补发 N 个月', () => {
    show(passedResult)
    const text = screen.getByTestId('result').textContent ?? ''
    for (const t of ['✓', '认证通过', '下次认证日期：2027年11月', '记录已保存', '2026年12月起恢复发放', '次月恢复发放', '补发 3 个月']) expect(text).toContain(t)
    expect(screen.queryByTestId('recertify')).toBeNull()
    expect(screen.queryByTestId('appeal')).toBeNull()
    fireEvent.click(screen.getByTestId('home'))
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.home })
  })

  test('认证通过 without a suspension: no reinstatement line', () => {
    show({ ...passedResult, reinstatement: undefined })
    expect(screen.getByTestId('result').textContent).not.toContain('补发')
  })

  test('认证未通过: the reason in plain words and 重新认证; no appeal before the third failure', () => {
    show(failedResult(2))
    const text = screen.getByTestId('result').textContent ?? ''
    expect(text).toContain('✕')
    expect(text).toContain('认证未通过')
    expect(text).toContain('原因：时间到了，没有完成动作，请再试一次')
    expect(screen.queryByTestId('appeal')).toBeNull()
    fireEvent.click(screen.getByTestId('recertify'))
    expect(extra.redirectTo).toHaveBeenCalledWith({ url: ROUTES.certify })
  })

  test('third failure of the day: 我要申诉 (coming soon, offline route meanwhile) and the offline ways', () => {
    show(failedResult(3, '人脸与登记照片不一致，请本人再试一次'))
    expect(screen.getByTestId('result').textContent).toContain('人脸与登记照片不一致')
    const appeal = screen.getByTestId('appeal')
    const ways = screen.getByTestId('offline-ways').textContent ?? ''
    for (const t of ['社区', '经办机构', '上门认证']) expect(ways).toContain(t)
    expect(screen.getByTestId('recertify')).toBeTruthy()
    fireEvent.click(screen.getByTestId('appeal-button'))
    expect(appeal.textContent).toContain('申诉功能即将开放')
    expect(appeal.textContent).toContain('经办机构')
  })

  test('人工审核中 is explained kindly', () => {
    show({ recordId: 'rec-p', result: 'pending_review', resultLabel: '人工审核中', failuresToday: 0 })
    const text = screen.getByTestId('result').textContent ?? ''
    expect(text).toContain('人工审核中')
    expect(text).toContain('不用重复认证')
    expect(screen.queryByTestId('recertify')).toBeNull()
  })

  test('opened without the answer in memory (e.g. the page was reloaded): points to 认证记录', () => {
    clearResultForTests()
    installTaroExtra({ r: 'unknown' })
    render(<CertifyResultPage />)
    expect(screen.getByTestId('result-missing').textContent).toContain('认证记录')
    fireEvent.click(screen.getByTestId('go-records'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.records })
  })

  test('the whole result is read aloud by 朗读 (speech text)', () => {
    const vm = resultViewModel(failedResult(3))
    expect(vm.speech).toContain('认证未通过')
    expect(vm.speech).toContain('申诉功能即将开放')
    expect(resultViewModel(passedResult).speech).toContain('下次认证日期：2027年11月')
  })
})
