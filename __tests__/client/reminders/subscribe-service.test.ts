jest.mock('@tarojs/taro', () => require('../support/taro-mock'))

import Taro from '@tarojs/taro'
import {
  getReminderSubscriptions,
  LOCAL_STANDIN_NOTE,
  mapAnswers,
  reminderTemplateIds,
  requestReminderSubscriptions,
  subscribeErrorMessage,
} from '@/services/subscribe'
import { resetCloudForTests } from '@/services/transport/cloud'
import { ok, useFakeCloud } from '../support/fake-cloud'
import { cloud, resetTaroMock } from '../support/taro-mock'
import { installRequestSubscribe, removeRequestSubscribe, setTemplateEnv, subs, TEMPLATE_ENV } from './support'

const request = Taro.request as unknown as jest.Mock

beforeEach(() => {
  resetTaroMock()
  resetCloudForTests()
  removeRequestSubscribe()
  setTemplateEnv(true)
  delete process.env.YL_API_BASE
})
afterAll(() => setTemplateEnv(false))

describe('template ids', () => {
  test('from the TARO_APP_REMINDER_TEMPLATE_* build constants', () => {
    expect(reminderTemplateIds()).toEqual({
      certDue: TEMPLATE_ENV.TARO_APP_REMINDER_TEMPLATE_CERT_DUE,
      certificationResult: TEMPLATE_ENV.TARO_APP_REMINDER_TEMPLATE_RESULT,
      relativeCertified: TEMPLATE_ENV.TARO_APP_REMINDER_TEMPLATE_RELATIVE,
    })
  })
  test('default placeholders = the local backend ids', () => {
    setTemplateEnv(false)
    expect(reminderTemplateIds()).toEqual({ certDue: 'local-cert-due', certificationResult: 'local-cert-result', relativeCertified: 'local-relative-certified' })
  })
})

describe('mapAnswers', () => {
  const ids = { certDue: 'a', certificationResult: 'b', relativeCertified: 'c' }
  test('accept → accepted; reject and ban → refused; filter and missing → not recorded', () => {
    expect(mapAnswers({ a: 'accept', b: 'reject', c: 'ban', errMsg: 'requestSubscribeMessage:ok' }, ids)).toEqual({
      answers: { certDue: 'accept', certificationResult: 'reject', relativeCertified: 'ban' },
      templates: [
        { kind: 'certDue', accepted: true },
        { kind: 'certificationResult', accepted: false },
        { kind: 'relativeCertified', accepted: false },
      ],
      accepted: ['certDue'],
      refused: ['certificationResult', 'relativeCertified'],
    })
    const m = mapAnswers({ a: 'filter', c: 'accept' }, ids)
    expect(m.answers).toEqual({ certDue: 'filter', certificationResult: 'missing', relativeCertified: 'accept' })
    expect(m.templates).toEqual([{ kind: 'relativeCertified', accepted: true }])
  })
})

describe('weapp: wx.requestSubscribeMessage → recordSubscription', () => {
  test('asks for the three ids from the tap (synchronously) and records accept/reject per kind', async () => {
    const fn = useFakeCloud({ recordSubscription: () => ok(subs(1, 0, 1)) })
    const ask = installRequestSubscribe(async () => ({
      errMsg: 'requestSubscribeMessage:ok',
      'tmpl-due-AAA': 'accept',
      'tmpl-result-BBB': 'reject',
      'tmpl-relative-CCC': 'accept',
    }))
    const pending = requestReminderSubscriptions()
    // Tap-only rule: the dialog is requested before anything is awaited.
    expect(ask).toHaveBeenCalledTimes(1)
    expect(ask.mock.calls[0][0].tmplIds).toEqual(['tmpl-due-AAA', 'tmpl-result-BBB', 'tmpl-relative-CCC'])
    const r = await pending
    expect(fn).toHaveBeenCalledWith({
      name: 'recordSubscription',
      data: {
        templates: [
          { kind: 'certDue', accepted: true },
          { kind: 'certificationResult', accepted: false },
          { kind: 'relativeCertified', accepted: true },
        ],
      },
    })
    expect(r).toEqual({
      ok: true,
      data: {
        mode: 'weapp',
        answers: { certDue: 'accept', certificationResult: 'reject', relativeCertified: 'accept' },
        accepted: ['certDue', 'relativeCertified'],
        refused: ['certificationResult'],
        subscriptions: subs(1, 0, 1).subscriptions,
      },
    })
    expect(request).not.toHaveBeenCalled()
  })

  test('all refused → every kind recorded as not accepted', async () => {
    const fn = useFakeCloud({ recordSubscription: () => ok(subs(0)) })
    installRequestSubscribe(async () => ({ 'tmpl-due-AAA': 'reject', 'tmpl-result-BBB': 'reject', 'tmpl-relative-CCC': 'reject' }))
    const r = await requestReminderSubscriptions()
    expect(r.ok && r.data.accepted).toEqual([])
    expect((fn.mock.calls[0][0] as { data: { templates: { accepted: boolean }[] } }).data.templates.every((t) => !t.accepted)).toBe(true)
  })

  test('main switch off (20004) → plain Chinese, nothing recorded', async () => {
    const fn = useFakeCloud({ recordSubscription: () => ok(subs(0)) })
    installRequestSubscribe(async () => {
      throw { errCode: 20004, errMsg: 'requestSubscribeMessage:fail main switch is off' }
    })
    const r = await requestReminderSubscriptions()
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toContain('订阅消息')
    expect(fn).not.toHaveBeenCalled()
  })

  test('error codes are all explained in Chinese', () => {
    for (const c of [10001, 10002, 10003, 10004, 10005, 20001, 20002, 20003, 20004, 20005, undefined]) {
      expect(subscribeErrorMessage(c)).toMatch(/[\u4e00-\u9fff]/)
    }
  })

  test('placeholder ids on weapp → 提醒功能暂未开通, no dialog', async () => {
    setTemplateEnv(false)
    useFakeCloud({})
    const ask = installRequestSubscribe(async () => ({}))
    const r = await requestReminderSubscriptions()
    expect(ask).not.toHaveBeenCalled()
    expect(r.ok ? '' : r.error.message).toBe('提醒功能暂未开通，请稍后再试')
  })

  test('old WeChat without the API → 升级微信', async () => {
    useFakeCloud({})
    const r = await requestReminderSubscriptions()
    expect(r.ok ? '' : r.error.message).toContain('升级微信')
  })

  test('recording fails → the answer says the setting was not saved', async () => {
    useFakeCloud({
      recordSubscription: () => {
        throw new Error('network')
      },
    })
    installRequestSubscribe(async () => ({ 'tmpl-due-AAA': 'accept' }))
    const r = await requestReminderSubscriptions()
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toMatch(/[\u4e00-\u9fff]/)
  })

  test('current state: recordSubscription with an empty templates list', async () => {
    const fn = useFakeCloud({ recordSubscription: () => ok(subs(2)) })
    const r = await getReminderSubscriptions()
    expect(fn).toHaveBeenCalledWith({ name: 'recordSubscription', data: { templates: [] } })
    expect(r.ok && r.data.subscriptions[0].credits).toBe(2)
  })
})

describe('H5 / local stand-in', () => {
  test('records acceptance for all three kinds and says it was simulated', async () => {
    process.env.TARO_ENV = 'h5'
    const ask = installRequestSubscribe(async () => ({}))
    request.mockImplementation(async (opts: { url: string; data: unknown }) => {
      if (opts.url === '/auth/local-login') return { statusCode: 200, data: { token: 't1' } }
      if (opts.url === '/fn/recordSubscription') return { statusCode: 200, data: { ok: true, data: subs(1, 1, 1) } }
      throw new Error(`unexpected ${opts.url}`)
    })
    const r = await requestReminderSubscriptions()
    expect(ask).not.toHaveBeenCalled()
    expect(cloud.callFunction).not.toHaveBeenCalled()
    const body = request.mock.calls.find(([o]) => (o as { url: string }).url === '/fn/recordSubscription')?.[0] as { data: unknown }
    expect(body.data).toEqual({
      templates: [
        { kind: 'certDue', accepted: true },
        { kind: 'certificationResult', accepted: true },
        { kind: 'relativeCertified', accepted: true },
      ],
    })
    expect(r.ok && r.data.mode).toBe('local')
    expect(r.ok && r.data.note).toBe(LOCAL_STANDIN_NOTE)
    expect(LOCAL_STANDIN_NOTE).toBe('本机演示：已模拟同意')
  })
})
