jest.mock('@tarojs/taro', () => require('./taro-with-hooks'))
jest.mock('@tarojs/components', () => require('../support/components-mock'))
jest.mock('@/services/speech', () => ({ ...jest.requireActual('@/services/speech'), speak: jest.fn(() => ({ spoken: true })) }))

import { fireEvent, render, screen } from '@testing-library/react'
import { tapAndSettle, typeInto } from '../support/interact'
import Taro from '@tarojs/taro'
import AddRelativePage from '@/packages/family/add'
import { ROUTES } from '@/services/navigation'
import * as speech from '@/services/speech'
import { err, ok, useFakeCloud } from '../support/fake-cloud'
import { father, flush, REL_FATHER, setup } from './support'

beforeEach(() => setup())

const type = typeInto

const submit = () => tapAndSettle('submit')

describe('添加家人', () => {
  test('the four relations as big choices; nothing sent until 姓名, 身份证号 and 关系 are right', async () => {
    const add = jest.fn(() => ok(father))
    useFakeCloud({ addRelative: add })
    render(<AddRelativePage />)
    for (const [v, label] of [['father', '父亲'], ['mother', '母亲'], ['spouse', '配偶'], ['other', '其他亲属']]) {
      expect(screen.getByTestId(`choice-relation-${v}`).textContent).toContain(label)
    }
    await submit()
    expect(add).not.toHaveBeenCalled()
    expect(screen.getByTestId('error-name').textContent).toContain('请填写姓名')
    expect(screen.getByTestId('error-relation').textContent).toContain('请选择这位家人与您的关系')
    expect(screen.getByTestId('error-idNumber')).toBeTruthy()
    // Every message shown is read aloud, the missing relation with them, as one utterance.
    expect(speech.speak).toHaveBeenLastCalledWith('请填写姓名。请填写身份证号。请选择这位家人与您的关系')
  })

  test('the same inline ID checks as 绑定社保卡 (reason in words, shown when leaving the field)', () => {
    useFakeCloud({})
    render(<AddRelativePage />)
    type('idNumber', '430102194808050316')
    expect(screen.getByTestId('error-idNumber').textContent).toContain('身份证号校验位错误，请核对最后一位')
    type('idNumber', '4301021948')
    expect(screen.getByTestId('error-idNumber').textContent).toContain('身份证号长度不对，应为 18 位')
    type('idNumber', '430102194808050315')
    expect(screen.queryByTestId('error-idNumber')).toBeNull()
  })

  test('a right form → addRelative {name, idNumber (normalised), relation} → the masked entry, no ID shown', async () => {
    const add = jest.fn(() => ok(father))
    useFakeCloud({ addRelative: add })
    render(<AddRelativePage />)
    type('name', '李建国')
    type('idNumber', '430102194808050315')
    fireEvent.click(screen.getByTestId('choice-relation-father'))
    expect(screen.getByTestId('choice-relation-father').getAttribute('data-selected')).toBe('true')
    await submit()
    expect(add).toHaveBeenCalledWith({ name: '李建国', idNumber: '430102194808050315', relation: 'father' })
    const added = screen.getByTestId('added')
    expect(added.textContent).toContain('已添加：李*国（父亲）')
    expect(added.textContent).toContain('2026年11月')
    expect(added.textContent).not.toContain('430102194808050315')
    fireEvent.click(screen.getByTestId('certify-for'))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `${ROUTES.certify}?relative=${REL_FATHER}` })
    fireEvent.click(screen.getByTestId('back-to-list'))
    expect(Taro.navigateBack).toHaveBeenCalled()
  })

  test.each([
    ['RELATIVES_LIMIT', '最多可以添加 8 位家人', '移除'],
    ['PERSON_NOT_FOUND', '未找到参保信息', '核对身份证号'],
    ['DETAILS_MISMATCH', '不一致', '核对姓名和身份证号'],
    ['RATE_LIMITED', '操作太频繁', '一天里添加家人太多时，请明天再试'],
    ['RELATIVE_IS_SELF', '这是您本人的参保信息', undefined],
  ] as const)('%s → the message in words (and what to do), the form kept', async (code, words, help) => {
    useFakeCloud({ addRelative: () => ({ ok: false, error: { code, message: require('@/core/errors').ERROR_MESSAGES[code] } }) })
    render(<AddRelativePage />)
    type('name', '李建国')
    type('idNumber', '430102194808050315')
    fireEvent.click(screen.getByTestId('choice-relation-mother'))
    await submit()
    const box = screen.getByTestId('add-error')
    expect(box.getAttribute('data-code')).toBe(code)
    expect(box.textContent).toContain(words)
    // what to do, in the same box as the message
    if (help) expect(box.contains(screen.getByTestId('error-help')) && screen.getByTestId('error-help').textContent).toContain(help)
    expect((screen.getByTestId('input-name') as HTMLInputElement).value).toBe('李建国')
    expect(screen.queryByTestId('added')).toBeNull()
  })

  test('a server error naming idNumber is shown under the field too', async () => {
    useFakeCloud({ addRelative: () => err('ID_CHECKSUM', 'idNumber') })
    render(<AddRelativePage />)
    type('name', '李建国')
    type('idNumber', '430102194808050315')
    fireEvent.click(screen.getByTestId('choice-relation-father'))
    await submit()
    expect(screen.getByTestId('error-idNumber')).toBeTruthy()
  })
})
