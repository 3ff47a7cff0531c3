jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))
// Records what the pages ask to be read aloud (the real speech layer is tested on its own).
jest.mock('@/services/speech', () => ({ ...jest.requireActual('@/services/speech'), speak: jest.fn(() => ({ spoken: true })) }))

import { act, fireEvent, render, screen } from '@testing-library/react'
import { typeInto } from '../support/interact'
import Taro from '@tarojs/taro'
import { checkCharFor } from '@/core/id-number'
import BindPage from '@/packages/bind/index'
import SscLocalPage from '@/packages/bind/ssc-local'
import { validateBindForm, validateField, EMPTY_FORM } from '@/hooks/useIdentityForm/rules'
import { ROUTES } from '@/services/navigation'
import * as speech from '@/services/speech'
import { resetCloudForTests } from '@/services/transport/cloud'
import { err, ok, useFakeCloud } from '../support/fake-cloud'
import { statusCertified, statusUnbound } from '../support/fixtures'
import { resetTaroMock } from '../support/taro-mock'

const withCheck = (first17: string) => first17 + checkCharFor(first17)
const VALID_ID = withCheck('11010119450307002')
const BAD_CHECK = VALID_ID.slice(0, 17) + (VALID_ID[17] === '0' ? '1' : '0')
const TODAY = '2026-06-01'

const binding = { bound: true, person: statusCertified.bound ? statusCertified.person : undefined, boundAt: '2026-06-01T00:00:00Z' }

beforeEach(() => {
  resetTaroMock()
  resetCloudForTests()
})

const type = typeInto

const flush = () => act(() => new Promise<void>((r) => setTimeout(r, 0)))

const errorText = (name: string) => screen.queryByTestId(`error-${name}`)?.textContent ?? ''

async function openForm() {
  const bind = jest.fn(() => ok(binding))
  const calls = useFakeCloud({ getStatus: () => ok(statusUnbound), bindIdentity: bind })
  render(<BindPage />)
  await screen.findByTestId('bind-forms')
  return { bind, calls }
}

describe('绑定社保卡: inline validation under each field', () => {
  test.each([
    ['1101011945', '身份证号长度不对，应为 18 位'],
    ['11010119450307002Y', '身份证号含有非法字符'],
    [withCheck('11010119451307002'), '身份证号中的出生日期无效'],
    [BAD_CHECK, '身份证号校验位错误，请核对最后一位'],
    ['110101450307002', '15 位旧号码请使用 18 位新号码'],
  ])('ID %s → %s', async (id, message) => {
    const spoken = speech.speak as jest.Mock
    spoken.mockClear()
    await openForm()
    type('idNumber', id)
    expect(errorText('idNumber')).toContain(message)
    expect(errorText('idNumber')).toContain('✕')
    // Read aloud as it appears, once: leaving the same wrong field again says nothing new.
    expect(spoken).toHaveBeenCalledTimes(1)
    expect(spoken).toHaveBeenLastCalledWith(message)
    fireEvent.blur(screen.getByTestId('input-idNumber'))
    expect(spoken).toHaveBeenCalledTimes(1)
  })

  test('the ID field opens the idcard keyboard and takes at most 18 characters', async () => {
    await openForm()
    const input = screen.getByTestId('input-idNumber')
    expect(input.getAttribute('data-type')).toBe('idcard')
    expect(input.getAttribute('maxlength')).toBe('18')
  })

  test('a message disappears once the field is corrected', async () => {
    await openForm()
    type('idNumber', BAD_CHECK)
    expect(errorText('idNumber')).not.toBe('')
    fireEvent.change(screen.getByTestId('input-idNumber'), { target: { value: VALID_ID } })
    expect(screen.queryByTestId('error-idNumber')).toBeNull()
  })

  test('name and card number messages', async () => {
    await openForm()
    type('name', 'abc')
    expect(errorText('name')).toContain('请填写正确的姓名')
    type('cardNumber', '12')
    expect(errorText('cardNumber')).toContain('社会保障卡号格式不对')
  })

  test('no message before the person has touched a field', async () => {
    await openForm()
    fireEvent.change(screen.getByTestId('input-idNumber'), { target: { value: '1' } })
    expect(screen.queryByTestId('error-idNumber')).toBeNull()
  })

  test('pressing 确认绑定 with nothing filled: 请填写… under every field, all of them read aloud in page order, nothing sent', async () => {
    const spoken = speech.speak as jest.Mock
    spoken.mockClear()
    const { bind } = await openForm()
    fireEvent.click(screen.getByTestId('submit'))
    expect(errorText('name')).toContain('请填写姓名')
    expect(errorText('name')).not.toContain('正确')
    expect(errorText('idNumber')).toContain('请填写身份证号')
    expect(errorText('cardNumber')).toContain('请填写社会保障卡号')
    expect(errorText('insuranceType')).toContain('请选择险种')
    expect(bind).not.toHaveBeenCalled()
    expect(spoken).toHaveBeenLastCalledWith('请填写姓名。请填写身份证号。请填写社会保障卡号。请选择险种')
  })

  test('after a refused send, a new message that appears while typing is read aloud on leaving the field', async () => {
    const spoken = speech.speak as jest.Mock
    await openForm()
    fireEvent.click(screen.getByTestId('submit'))
    spoken.mockClear()
    type('idNumber', BAD_CHECK)
    expect(errorText('idNumber')).toContain('身份证号校验位错误')
    expect(spoken).toHaveBeenCalledTimes(1)
    expect(spoken).toHaveBeenLastCalledWith('身份证号校验位错误，请核对最后一位')
  })

  test('tabbing past an empty field turns nothing red; leaving a field one typed in does check it', async () => {
    await openForm()
    fireEvent.focus(screen.getByTestId('input-name'))
    fireEvent.blur(screen.getByTestId('input-name'))
    fireEvent.blur(screen.getByTestId('input-idNumber'))
    fireEvent.blur(screen.getByTestId('input-cardNumber'))
    expect(screen.queryByTestId('error-name')).toBeNull()
    expect(screen.queryByTestId('error-idNumber')).toBeNull()
    expect(screen.queryByTestId('error-cardNumber')).toBeNull()
    type('idNumber', '1101')
    expect(errorText('idNumber')).toContain('身份证号长度不对')
  })

  test('险种 are three large choices, the chosen one marked in words', async () => {
    await openForm()
    const choices = ['enterprise', 'institution', 'resident'].map((t) => screen.getByTestId(`choice-insuranceType-${t}`))
    expect(choices.map((c) => c.textContent)).toEqual([
      expect.stringContaining('企业职工基本养老保险'),
      expect.stringContaining('机关事业单位养老保险'),
      expect.stringContaining('城乡居民基本养老保险'),
    ])
    fireEvent.click(choices[2])
    expect(choices[2].textContent).toContain('已选')
    expect(choices[0].textContent).not.toContain('已选')
  })

  test('the card picture shows where the card number is printed', async () => {
    await openForm()
    expect(screen.getByTestId('card-number-area').textContent).toContain('社会保障卡号在这里')
  })
})

describe('绑定社保卡: sending', () => {
  async function fillValid() {
    type('name', ' 王小华 ')
    type('idNumber', VALID_ID.toLowerCase())
    type('cardNumber', 'a01234567')
    fireEvent.click(screen.getByTestId('choice-insuranceType-enterprise'))
  }

  test('a valid form is sent normalised, then 首页 is reopened', async () => {
    const { bind } = await openForm()
    await fillValid()
    fireEvent.click(screen.getByTestId('submit'))
    await flush()
    expect(bind).toHaveBeenCalledWith({ method: 'manual', name: '王小华', idNumber: VALID_ID, cardNumber: 'A01234567', insuranceType: 'enterprise' })
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.home })
  })

  test.each([
    ['PERSON_NOT_FOUND', '未找到参保信息，请核对后重试或联系当地社保经办机构'],
    ['DETAILS_MISMATCH', '填写的信息与参保登记信息不一致，请核对后重试'],
    // the buttons the app really has
    ['PERSON_BOUND_ELSEWHERE', '请回到首页点“家人认证”，再点“帮TA认证”'],
    ['RATE_LIMITED', '操作太频繁，请稍后再试'],
  ])('server error %s → a clear banner; nothing navigates', async (code, text) => {
    useFakeCloud({ getStatus: () => ok(statusUnbound), bindIdentity: () => err(code) })
    render(<BindPage />)
    await screen.findByTestId('bind-forms')
    await fillValid()
    fireEvent.click(screen.getByTestId('submit'))
    const banner = await screen.findByTestId('error-banner')
    expect(banner.getAttribute('data-code')).toBe(code)
    expect(banner.textContent).toContain(text)
    expect(Taro.reLaunch).not.toHaveBeenCalled()
  })

  test('a server error naming a field is also shown under that field', async () => {
    useFakeCloud({ getStatus: () => ok(statusUnbound), bindIdentity: () => err('CARD_NUMBER_INVALID', 'cardNumber') })
    render(<BindPage />)
    await screen.findByTestId('bind-forms')
    await fillValid()
    fireEvent.click(screen.getByTestId('submit'))
    await screen.findByTestId('error-banner')
    expect(errorText('cardNumber')).toContain('社会保障卡号格式不对')
  })

  test('电子社保卡授权 opens the local stand-in page', async () => {
    await openForm()
    fireEvent.click(screen.getByTestId('ssc'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.sscLocal })
  })
})

describe('解除绑定', () => {
  test('asks first; "不解除" changes nothing; "确定解除绑定" unbinds and reopens 首页', async () => {
    const unbind = jest.fn(() => ok({ unbound: true }))
    useFakeCloud({ getStatus: () => ok(statusCertified), unbindIdentity: unbind })
    render(<BindPage />)
    await screen.findByTestId('bound-panel')
    fireEvent.click(screen.getByTestId('unbind'))
    expect(screen.getByTestId('unbind-confirm').textContent).toContain('确定要解除绑定吗？')
    fireEvent.click(screen.getByTestId('unbind-no'))
    expect(screen.queryByTestId('unbind-confirm')).toBeNull()
    expect(unbind).not.toHaveBeenCalled()
    fireEvent.click(screen.getByTestId('unbind'))
    fireEvent.click(screen.getByTestId('unbind-yes'))
    await flush()
    expect(unbind).toHaveBeenCalledTimes(1)
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.home })
  })
})

describe('local 电子社保卡 stand-in', () => {
  test('authorises then binds with method ssc', async () => {
    const bind = jest.fn(() => ok(binding))
    const auth = jest.fn(() => ok({ authorization: 'signed-local-authorisation-token' }))
    useFakeCloud({ localSscAuthorize: auth, bindIdentity: bind })
    render(<SscLocalPage />)
    type('name', '王小华')
    type('idNumber', VALID_ID)
    fireEvent.click(screen.getByTestId('ssc-submit'))
    await flush()
    expect(auth).toHaveBeenCalledWith({ name: '王小华', idNumber: VALID_ID })
    expect(bind).toHaveBeenCalledWith({ method: 'ssc', authorization: 'signed-local-authorisation-token' })
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.home })
  })

  test('invalid input is refused inline before anything is sent', async () => {
    const auth = jest.fn()
    useFakeCloud({ localSscAuthorize: auth })
    render(<SscLocalPage />)
    type('idNumber', BAD_CHECK)
    fireEvent.click(screen.getByTestId('ssc-submit'))
    expect(errorText('idNumber')).toContain('校验位错误')
    expect(errorText('name')).toContain('请填写姓名')
    expect(auth).not.toHaveBeenCalled()
  })
})

describe('form rules (plain functions)', () => {
  test('validateField uses the ID reasons', () => {
    expect(validateField('idNumber', { ...EMPTY_FORM, idNumber: BAD_CHECK }, TODAY)).toBe('ID_CHECKSUM')
    expect(validateField('idNumber', { ...EMPTY_FORM, idNumber: VALID_ID }, TODAY)).toBeUndefined()
  })
  test('an empty field is asked for (请填写…), a wrong one is called wrong', () => {
    expect(validateField('name', EMPTY_FORM, TODAY)).toBe('NAME_REQUIRED')
    expect(validateField('name', { ...EMPTY_FORM, name: '   ' }, TODAY)).toBe('NAME_REQUIRED')
    expect(validateField('name', { ...EMPTY_FORM, name: 'Wang' }, TODAY)).toBe('NAME_INVALID')
    expect(validateField('idNumber', EMPTY_FORM, TODAY)).toBe('ID_REQUIRED')
    expect(validateField('cardNumber', EMPTY_FORM, TODAY)).toBe('CARD_NUMBER_REQUIRED')
  })
  test('validateBindForm normalises', () => {
    const r = validateBindForm({ name: '王小华', idNumber: VALID_ID.toLowerCase(), cardNumber: 'a01234567', insuranceType: 'resident' }, TODAY)
    expect(r).toEqual({ ok: true, form: { name: '王小华', idNumber: VALID_ID, cardNumber: 'A01234567', insuranceType: 'resident' } })
  })
})
