jest.mock('@tarojs/taro', () => require('../family/taro-with-hooks'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))
jest.mock('@/services/speech', () => ({ ...jest.requireActual('@/services/speech'), speak: jest.fn(() => ({ spoken: true })) }))

/**
 * 我要申诉 / 申请上门认证 page: the choices as big radio cards; nothing sent until kind, reason, phone
 * (and for 上门 the address) are right, each message shown and spoken; the confirm screen (written and
 * spoken, the phone masked); fileAppeal gets exactly the form; 已提交 then; an open appeal is shown
 * instead of the form; a relative's appeal carries the relativeId; 首页's line shows the state.
 */
import { act, fireEvent, render, screen } from '@testing-library/react'
import { tapAndSettle, typeInto } from '../support/interact'
import type { AppealView } from '@/core/contracts/appeals'
import AppealPage from '@/packages/appeal/index'
import FamilyPage from '@/packages/family'
import Taro from '@tarojs/taro'
import { ROUTES } from '@/services/navigation'
import { AppealLine } from '@/components/AppealLine'
import * as speech from '@/services/speech'
import { err, ok, useFakeCloud } from '../support/fake-cloud'
import { father, flush, list, mother, REL_FATHER, REL_MOTHER, setup } from '../family/support'

const view = (patch: Partial<AppealView> = {}): AppealView => ({
  appealId: 'a1b2c3d4-0000-4000-8000-000000000001',
  kind: 'home_visit',
  kindLabel: '申请上门认证',
  reason: 'bedridden',
  reasonLabel: '长期卧床或行动不便',
  state: 'submitted',
  stateLabel: '已提交',
  phoneMasked: '138****5678',
  filedAt: '2026-11-27T02:00:00.000Z',
  updatedAt: '2026-11-27T02:00:00.000Z',
  sentence: '您的申请上门认证已提交，社保经办机构会打电话联系您。',
  ...patch,
})

const type = typeInto

const tap = tapAndSettle

async function open(params: Record<string, string> = {}, handlers: Parameters<typeof useFakeCloud>[0] = {}) {
  setup(params)
  const calls = useFakeCloud({ getAppeal: () => ok({}), ...handlers })
  await act(async () => {
    render(<AppealPage />)
    await flush()
  })
  return calls
}

beforeEach(() => (speech.speak as jest.Mock).mockClear())

describe('我要申诉 / 申请上门认证', () => {
  test('big radio cards; nothing sent until kind, reason and a valid phone are given; each message shown and spoken', async () => {
    const file = jest.fn(() => ok(view()))
    await open({}, { fileAppeal: file })
    for (const [v, label] of [['bedridden', '长期卧床或行动不便'], ['face_failed', '多次刷脸不通过'], ['no_smartphone', '没有智能手机'], ['other', '其他']]) {
      expect(screen.getByTestId(`choice-reason-${v}`).textContent).toContain(label)
    }
    await tap('next')
    expect(screen.getByTestId('error-phone').textContent).toContain('联系电话格式不对')
    expect(screen.getByTestId('error-kind')).toBeTruthy()
    expect(screen.getByTestId('error-reason').textContent).toContain('请选择申诉的原因')
    expect((speech.speak as jest.Mock).mock.calls.at(-1)?.[0]).toContain('联系电话格式不对')
    fireEvent.click(screen.getByTestId('choice-kind-home_visit'))
    fireEvent.click(screen.getByTestId('choice-reason-bedridden'))
    type('phone', '1380013567')
    await tap('next')
    expect(screen.getByTestId('error-phone')).toBeTruthy()
    // 上门 needs the address.
    expect(screen.getByTestId('error-address').textContent).toContain('详细住址')
    expect(file).not.toHaveBeenCalled()
  })

  test('confirm screen (phone masked, written and spoken) → fileAppeal with the form → 已提交', async () => {
    const file = jest.fn(() => ok(view()))
    await open({}, { fileAppeal: file })
    fireEvent.click(screen.getByTestId('choice-kind-home_visit'))
    fireEvent.click(screen.getByTestId('choice-reason-bedridden'))
    type('phone', '138 0013 5678')
    type('address', '南京市玄武区示例路 8 号')
    await tap('next')
    const confirm = screen.getByTestId('appeal-confirm').textContent ?? ''
    expect(confirm).toContain('联系电话：138****5678')
    expect(confirm).toContain('上门地址：南京市玄武区示例路 8 号')
    expect(confirm).toContain('原因：长期卧床或行动不便')
    expect(confirm).not.toContain('13800135678')
    const said = (speech.speak as jest.Mock).mock.calls.at(-1)?.[0] as string
    expect(said).toContain('联系电话：138****5678')
    expect(said).toContain('请点击确认提交')
    await tap('submit')
    expect(file).toHaveBeenCalledWith({ kind: 'home_visit', reason: 'bedridden', phone: '138 0013 5678', address: '南京市玄武区示例路 8 号' })
    expect(screen.getByTestId('appeal-done').textContent).toContain('已提交')
    expect((speech.speak as jest.Mock).mock.calls.at(-1)?.[0]).toContain('申请上门认证已提交')
  })

  test('for a 家人: the relativeId goes with it; a refusal comes back to the form with its message', async () => {
    const file = jest.fn(() => err('APPEAL_ALREADY_OPEN'))
    const calls = await open({ relative: REL_FATHER }, { fileAppeal: file })
    expect(calls.mock.calls[0][0]).toEqual({ name: 'getAppeal', data: { relativeId: REL_FATHER } })
    fireEvent.click(screen.getByTestId('choice-kind-appeal'))
    fireEvent.click(screen.getByTestId('choice-reason-no_smartphone'))
    type('phone', '025-84561234')
    await tap('next')
    expect(screen.getByTestId('appeal-confirm').textContent).toContain('为谁办理：我的家人')
    await tap('submit')
    expect(file).toHaveBeenCalledWith({ relativeId: REL_FATHER, kind: 'appeal', reason: 'no_smartphone', phone: '025-84561234' })
    expect(screen.getByTestId('appeal-error').getAttribute('data-code')).toBe('APPEAL_ALREADY_OPEN')
  })

  test('an open appeal is shown instead of the form (已安排上门 with the day)', async () => {
    const sentence = '已安排上门认证，日期：2026年12月20日。请在家等候。'
    await open({}, { getAppeal: () => ok({ appeal: view({ state: 'visit_scheduled', stateLabel: '已安排上门', visitDate: '2026-12-20', sentence }) }) })
    expect(screen.queryByTestId('appeal-form')).toBeNull()
    const shown = screen.getByTestId('appeal-state')
    expect(shown.getAttribute('data-state')).toBe('visit_scheduled')
    expect(shown.textContent).toContain(sentence)
    expect(shown.querySelector('.yl-notice--info')).not.toBeNull()
  })

  test('首页 line: the state in words with the way in; no appeal → only 我要申诉 / 申请上门认证', async () => {
    setup()
    useFakeCloud({ getAppeal: () => ok({ appeal: view({ state: 'rejected', stateLabel: '未通过', rejectReason: '电话无人接听', sentence: '您的申请上门认证未通过。原因：电话无人接听。' }) }) })
    const said = jest.fn()
    await act(async () => {
      render(<AppealLine onSentence={said} />)
      await flush()
    })
    expect(screen.getByTestId('appeal-state-label').textContent).toContain('申请上门认证：未通过')
    // a refusal is marked for attention with the ! sign, not only by colour
    expect(screen.getByTestId('appeal-state-label').className).toContain('yl-notice--warning')
    expect(screen.getByTestId('appeal-state-label').textContent).toContain('!')
    expect(screen.getByTestId('appeal-line').textContent).toContain('原因：电话无人接听')
    expect(screen.getByTestId('go-appeal').textContent).toContain('我要申诉 / 申请上门认证')
    expect(said).toHaveBeenCalledWith('您的申请上门认证未通过。原因：电话无人接听。')
  })

  test('家人 list: each relative shows its own appeal state and the way in with its relativeId', async () => {
    setup()
    const scheduled = view({ state: 'visit_scheduled', stateLabel: '已安排上门', visitDate: '2026-12-20', sentence: '已安排上门认证，日期：2026年12月20日。请在家等候。' })
    const calls = useFakeCloud({
      listRelatives: () => ok(list([father, mother])),
      getAppeal: (data: Record<string, unknown>) => ok(data.relativeId === REL_FATHER ? { appeal: scheduled } : {}),
    })
    await act(async () => {
      render(<FamilyPage />)
      await flush()
      await flush()
    })
    const fatherLine = screen.getByTestId(`appeal-line-${REL_FATHER}`)
    expect(fatherLine.getAttribute('data-state')).toBe('visit_scheduled')
    expect(fatherLine.textContent).toContain('申请上门认证：已安排上门（2026-12-20）')
    expect(screen.getByTestId(`go-appeal-${REL_FATHER}`).textContent).toContain('查看申诉进度')
    expect(screen.getByTestId(`appeal-line-${REL_MOTHER}`).getAttribute('data-state')).toBe('none')
    expect(calls.mock.calls.filter((c) => c[0].name === 'getAppeal').map((c) => c[0].data.relativeId).sort()).toEqual([REL_FATHER, REL_MOTHER].sort())
    fireEvent.click(screen.getByTestId(`go-appeal-${REL_MOTHER}`))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `${ROUTES.appeal}?relative=${REL_MOTHER}` })
  })
})
