jest.mock('@tarojs/taro', () => require('../support/taro-mock'))
jest.mock('@tarojs/components', () => require('./support/h5-components-mock'))
jest.mock('@/services/speech', () => {
  const actual = jest.requireActual('@/services/speech')
  return { ...actual, speak: jest.fn(() => ({ spoken: true })) }
})

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { act, fireEvent, render, screen, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { BigButton } from '@/components/BigButton'
import { ChoiceGroup } from '@/components/ChoiceGroup'
import { ErrorBanner } from '@/components/ErrorBanner'
import { Field, fittedFontSize } from '@/components/Field'
import { Notice } from '@/components/Notice'
import { PageShell } from '@/components/PageShell'
import { appError } from '@/core/errors'
import * as speech from '@/services/speech'
import { STORAGE_KEYS } from '@/services/storage-keys'
import { effectiveFontScale, fontSizeChoice, setFontSizeChoice } from '@/services/system'
import { resetTaroMock, storage } from '../support/taro-mock'

const SRC = path.resolve(__dirname, '../../../src')
const scss = (rel: string) => readFileSync(path.join(SRC, rel), 'utf8')
const getAppBaseInfo = Taro.getAppBaseInfo as unknown as jest.Mock

function rootScale(container: HTMLElement, index = 0): string {
  const roots = container.querySelectorAll<HTMLElement>('.yl-page')
  return roots[index].style.getPropertyValue('--yl-scale')
}

beforeEach(() => {
  resetTaroMock()
  window.localStorage.clear()
  process.env.TARO_ENV = 'h5'
})

afterEach(() => {
  delete process.env.TARO_ENV
})

describe('BigButton: looks disabled only when it is (item 1)', () => {
  test('H5: an enabled button is a real, focusable <button> without the disabled look', () => {
    const onClick = jest.fn()
    render(<BigButton label='确认绑定' size='main' onClick={onClick} testId='submit' />)
    const btn = screen.getByRole('button', { name: '确认绑定' })
    expect(btn.tagName).toBe('BUTTON')
    expect(btn.getAttribute('type')).toBe('button')
    expect(btn.hasAttribute('disabled')).toBe(false)
    expect(btn.getAttribute('aria-disabled')).toBeNull()
    expect(btn.className).not.toContain('yl-btn--disabled')
    btn.focus()
    expect(document.activeElement).toBe(btn)
    fireEvent.click(btn)
    expect(onClick).toHaveBeenCalledTimes(1)
  })

  test('H5: disabled or busy sets the class and aria-disabled, keeps focus, ignores taps', () => {
    const onClick = jest.fn()
    const { rerender } = render(<BigButton label='查询' onClick={onClick} disabled testId='q' />)
    let btn = screen.getByTestId('q')
    expect(btn.className).toContain('yl-btn--disabled')
    expect(btn.getAttribute('aria-disabled')).toBe('true')
    btn.focus()
    expect(document.activeElement).toBe(btn)
    fireEvent.click(btn)
    expect(onClick).not.toHaveBeenCalled()

    rerender(<BigButton label='查询' onClick={onClick} busy busyLabel='正在查询…' testId='q' />)
    btn = screen.getByTestId('q')
    expect(btn.textContent).toBe('正在查询…')
    expect(btn.className).toContain('yl-btn--disabled')
    fireEvent.click(btn)
    expect(onClick).not.toHaveBeenCalled()
  })

  test('danger keeps its own class when enabled (red on white, with its words)', () => {
    render(<BigButton label='撤销这个分享' variant='danger' testId='revoke' />)
    const cls = screen.getByTestId('revoke').className
    expect(cls).toContain('yl-btn--danger')
    expect(cls).not.toContain('yl-btn--disabled')
  })

  test('weapp: Taro\'s <Button>, disabled by its prop, same class rule', () => {
    process.env.TARO_ENV = 'weapp'
    const { rerender } = render(<BigButton label='开始认证' testId='go' />)
    const el = screen.getByTestId('go')
    expect(el.tagName).toBe('TARO-BUTTON-CORE')
    expect(el.getAttribute('disabled')).toBe('false')
    expect(el.className).not.toContain('yl-btn--disabled')
    rerender(<BigButton label='开始认证' testId='go' disabled />)
    expect(screen.getByTestId('go').className).toContain('yl-btn--disabled')
  })

  test('a label given as phrases is one button named by the whole label, each phrase its own box to wrap between', () => {
    const onClick = jest.fn()
    render(<BigButton label={['返回', '家人列表']} size='main' onClick={onClick} testId='back' />)
    const btn = screen.getByRole('button', { name: '返回家人列表' })
    expect(btn.textContent).toBe('返回家人列表')
    expect(Array.from(btn.querySelectorAll('.yl-phrases__one')).map((e) => e.textContent)).toEqual(['返回', '家人列表'])
    fireEvent.click(btn)
    expect(onClick).toHaveBeenCalledTimes(1)
    // A label written with spaces wraps at its spaces only (word-break: keep-all on the class).
    render(<BigButton label='我要申诉 / 申请上门认证' testId='appeal' />)
    expect(screen.getByTestId('appeal').className).toContain('yl-btn--phrases')
    expect(screen.getByTestId('back').className).not.toContain('yl-btn--phrases')
    expect(scss('components/BigButton/index.scss')).toMatch(/&--phrases \{\s*word-break: keep-all;/)
    // A card's heading given as phrases: the same words, one box per phrase.
    render(<Notice title={['查询次数', '有限']} testId='limits' />)
    const head = screen.getByTestId('limits').querySelector('.yl-notice__title')!
    expect(head.textContent).toBe('查询次数有限')
    expect(Array.from(head.querySelectorAll('.yl-phrases__one')).map((e) => e.textContent)).toEqual(['查询次数', '有限'])
  })

  test('no style in the shared components or pages keys off the [disabled] attribute', () => {
    expect(scss('components/BigButton/index.scss')).toMatch(/&--disabled/)
    for (const rel of ['BigButton', 'ChoiceGroup', 'SpeakButton', 'FontSizeChoice', 'Field', 'ErrorBanner'].map((c) => `components/${c}/index.scss`)) {
      expect({ rel, hasAttrSelector: /\[disabled/.test(scss(rel)) }).toEqual({ rel, hasAttrSelector: false })
    }
  })
})

describe('Field: a long value stays in view (fit)', () => {
  test("'value': the box text is sized to what is typed, as wide as the screen allows, between 18 dp and the body size", () => {
    expect(fittedFontSize('')).toBeUndefined()
    // a Han character and the middle dot of a two-part name count 1 em; a digit or a Latin letter 0.6
    expect(fittedFontSize('王秀英')).toEqual({ fontSize: 'max(18px, min(calc(20px * var(--yl-scale, 1)), calc((100vw - 72px) / 3)))' })
    expect(fittedFontSize('阿依古丽·买买提明')?.fontSize).toContain('/ 9)))')
    expect(fittedFontSize('Anna 1')?.fontSize).toContain('/ 3.6)))')
    // (jsdom drops max()/min() from a style, so the box itself is checked in Chromium by the audit: 绑定 with a long name)
  })

  test('multiline: a textarea named by its label that grows with its lines; a line break typed becomes a space', () => {
    const onChange = jest.fn()
    render(<Field name='address' label='上门地址' value='' onChange={onChange} maxLength={100} multiline />)
    const box = screen.getByLabelText('上门地址') as HTMLTextAreaElement
    expect(box.tagName).toBe('TEXTAREA')
    expect(box.getAttribute('maxlength')).toBe('100')
    expect(screen.getByTestId('input-address').className).toContain('yl-field__input--multi')
    fireEvent.change(box, { target: { value: '南京市玄武区\n示例路8号' } })
    expect(onChange).toHaveBeenCalledWith('南京市玄武区 示例路8号')
    // H5: the box is as tall as an invisible copy of its text (a one-cell grid), at any text size
    expect(screen.getByTestId('input-address').getAttribute('data-value')).toBe('')
    const s = scss('components/Field/index.scss')
    expect(s).toMatch(/&__input--multi#\{&\}__input--h5 \{\s*display: grid;/)
    expect(s).toMatch(/&__input--multi#\{&\}__input--h5::after \{\s*content: attr\(data-value\) ' ';\s*visibility: hidden;/)
  })

  test("'id-number': one size for all 18 characters, from the stylesheet (no size change while typing)", () => {
    render(<Field name='idNumber' label='身份证号' value='1101' onChange={() => undefined} fit='id-number' />)
    const box = screen.getByTestId('input-idNumber') as HTMLElement
    expect(box.className).toContain('yl-field__input--fit18')
    expect(box.style.fontSize).toBe('')
    expect(scss('components/Field/index.scss')).toMatch(/&__input--fit18 \{\s*font-size: max\(18px, min\(#\{fs\(\$font-body\)\}, calc\(\(100vw - 68px\) \/ 10\.8\)\)\);/)
  })
})

describe('Field: the whole box is the input, named by its label (items 3, 11)', () => {
  test('H5: label for the inner input; error announced and attached as its description', () => {
    const onChange = jest.fn()
    const { rerender } = render(<Field name='name' label='姓名' value='' onChange={onChange} placeholder='请输入姓名' />)
    const input = screen.getByLabelText('姓名') as HTMLInputElement
    expect(input.tagName).toBe('INPUT')
    expect(input.className).toBe('weui-input')
    expect(input.getAttribute('aria-invalid')).toBe('false')
    expect(screen.getByTestId('input-name').className).toContain('yl-field__input--h5')
    fireEvent.change(input, { target: { value: '王秀英' } })
    expect(onChange).toHaveBeenCalledWith('王秀英')

    rerender(<Field name='name' label='姓名' value='' onChange={onChange} error='请填写姓名' />)
    const alert = screen.getByRole('alert')
    expect(alert.textContent).toContain('请填写姓名')
    const described = screen.getByLabelText('姓名')
    expect(described.getAttribute('aria-invalid')).toBe('true')
    expect(described.getAttribute('aria-describedby')).toBe(alert.id)
  })

  test('H5 style: the real input is the box (border, padding, >= 60 px and growing with the text); the wrapper adds nothing', () => {
    const s = scss('components/Field/index.scss')
    // A rule's body runs to its closing brace at two spaces (#{…} inside it has braces of its own).
    const inner = /\n  &__input--h5 \.weui-input \{([\s\S]*?)\n  \}/.exec(s)?.[1] ?? ''
    expect(inner).toMatch(/min-height: \$target-min;/)
    expect(inner).toMatch(/height: calc\(40px \+ #\{fs\(\$font-body\)\}\);/)
    expect(inner).toMatch(/padding: 0 14px;/)
    expect(inner).toMatch(/border: 2px solid \$border;/)
    const host = /&__input--h5 \{([^}]*)\}/.exec(s)?.[1] ?? ''
    for (const rule of ['padding: 0;', 'border: 0;', 'height: auto;']) expect(host).toContain(rule)
  })
})

describe('ChoiceGroup: a named radiogroup; the marks never cover the words (items 10, 11)', () => {
  test('H5: radios named by their words, checked state exposed, tap chooses', () => {
    const onChange = jest.fn()
    render(
      <ChoiceGroup
        name='insurance'
        label='险种'
        choices={[
          { value: 'a', label: '企业职工基本养老保险' },
          { value: 'b', label: '城乡居民基本养老保险' },
        ]}
        value='b'
        onChange={onChange}
      />,
    )
    const group = screen.getByRole('radiogroup', { name: '险种' })
    const radios = within(group).getAllByRole('radio')
    expect(radios.map((r) => r.tagName)).toEqual(['BUTTON', 'BUTTON'])
    expect(radios.map((r) => r.getAttribute('aria-checked'))).toEqual(['false', 'true'])
    expect(within(group).getByRole('radio', { name: '城乡居民基本养老保险' })).toBe(radios[1])
    fireEvent.click(radios[0])
    expect(onChange).toHaveBeenCalledWith('a')
  })

  test('H5: arrow keys move the choice and the focus, as native radio buttons do', () => {
    const onChange = jest.fn()
    const choices = [
      { value: 'a', label: '一' },
      { value: 'b', label: '二' },
      { value: 'c', label: '三' },
    ] as const
    render(<ChoiceGroup name='x' label='选一个' choices={choices} value='c' onChange={onChange} />)
    const radios = screen.getAllByRole('radio')
    fireEvent.keyDown(radios[2], { key: 'ArrowDown' })
    expect(onChange).toHaveBeenLastCalledWith('a')
    expect(document.activeElement).toBe(radios[0])
    fireEvent.keyDown(radios[2], { key: 'ArrowLeft' })
    expect(onChange).toHaveBeenLastCalledWith('b')
    expect(document.activeElement).toBe(radios[1])
    fireEvent.keyDown(radios[2], { key: 'Tab' })
    expect(onChange).toHaveBeenCalledTimes(2)
  })

  test('the mark\'s room is in em of its own size (a fixed px width let ● cover the first character at 特大)', () => {
    const mark = /&__mark \{([^}]*)\}/.exec(scss('components/ChoiceGroup/index.scss'))?.[1] ?? ''
    expect(mark).toMatch(/font-size: fs\(/)
    expect(mark).not.toMatch(/\bwidth: \d+px/)
    expect(mark).toMatch(/min-width: [\d.]+em/)
    expect(mark).toMatch(/margin-right: [\d.]+em/)
  })

  test('the card picture has no fixed text size: every size follows the scale and is at least 18 px', () => {
    const s = scss('components/CardPicture/index.scss')
    const sizes = Array.from(s.matchAll(/font-size: ([^;]+);/g)).map((m) => m[1])
    expect(sizes.length).toBeGreaterThan(5)
    for (const size of sizes) {
      const m = /^fs\((\$font-small|\$font-body|(\d+)px)\)$/.exec(size)
      expect({ size, ok: Boolean(m) && (m?.[2] === undefined || Number(m[2]) >= 18) }).toEqual({ size, ok: true })
    }
  })
})

describe('字号 choice (item 10)', () => {
  test('tapping 特大 scales every open page at once and is remembered', () => {
    const { container } = render(
      <>
        <PageShell title='首页' speech='s' fontSizeChoice>
          <span />
        </PageShell>
        <PageShell title='另一页' speech='s'>
          <span />
        </PageShell>
      </>,
    )
    expect(rootScale(container, 0)).toBe('1')
    const group = screen.getByRole('radiogroup', { name: '字号' })
    expect(within(group).getByRole('radio', { name: '标准' }).getAttribute('aria-checked')).toBe('true')

    fireEvent.click(screen.getByTestId('font-size-xlarge'))
    expect(rootScale(container, 0)).toBe('2')
    expect(rootScale(container, 1)).toBe('2')
    expect(storage.get(STORAGE_KEYS.fontSize)).toBe('xlarge')
    expect(screen.getByTestId('font-size-xlarge').getAttribute('aria-checked')).toBe('true')
    expect(screen.getByTestId('font-size-xlarge').textContent).toContain('✓')

    fireEvent.click(screen.getByTestId('font-size-large'))
    expect(rootScale(container, 1)).toBe('1.5')
    fireEvent.keyDown(screen.getByTestId('font-size-large'), { key: 'ArrowRight' })
    expect(rootScale(container, 1)).toBe('2')
    expect(document.activeElement).toBe(screen.getByTestId('font-size-xlarge'))
  })

  test('a page opened later starts at the remembered size', () => {
    storage.set(STORAGE_KEYS.fontSize, 'large')
    const { container } = render(
      <PageShell title='t' speech='s'>
        <span />
      </PageShell>,
    )
    expect(rootScale(container)).toBe('1.5')
  })

  test('H5: a plain value put straight into localStorage is honoured; an unknown one means 标准', () => {
    window.localStorage.setItem(STORAGE_KEYS.fontSize, 'xlarge')
    expect(fontSizeChoice()).toBe('xlarge')
    expect(effectiveFontScale()).toBe(2)
    window.localStorage.setItem(STORAGE_KEYS.fontSize, 'huge')
    expect(fontSizeChoice()).toBe('standard')
    expect(effectiveFontScale()).toBe(1)
  })

  test('weapp: the larger of WeChat\'s font setting and the choice', () => {
    process.env.TARO_ENV = 'weapp'
    getAppBaseInfo.mockReturnValue({ fontSizeScaleFactor: 1.3 })
    expect(effectiveFontScale()).toBe(1.3)
    setFontSizeChoice('large')
    expect(effectiveFontScale()).toBe(1.5)
    getAppBaseInfo.mockReturnValue({ fontSizeScaleFactor: 1.8 })
    expect(effectiveFontScale()).toBe(1.8)
    setFontSizeChoice('xlarge')
    expect(effectiveFontScale()).toBe(2)
  })

  test('a choice made elsewhere (the shared store) reaches a page that is already open', () => {
    const { container } = render(
      <PageShell title='t' speech='s'>
        <span />
      </PageShell>,
    )
    act(() => setFontSizeChoice('xlarge'))
    expect(rootScale(container)).toBe('2')
  })
})

describe('SpeakButton and ErrorBanner (item 11, spoken errors)', () => {
  test('the page is the main landmark with its title as the level-1 heading', () => {
    render(
      <PageShell title='绑定社保卡' speech='s'>
        <span />
      </PageShell>,
    )
    expect(screen.getByRole('main')).toBeTruthy()
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('绑定社保卡')
  })

  test('朗读 is a real button named 朗读', () => {
    render(
      <PageShell title='t' speech='页面内容'>
        <span />
      </PageShell>,
    )
    const btn = screen.getByRole('button', { name: '朗读' })
    expect(btn.tagName).toBe('BUTTON')
  })

  test('a Notice\'s round icon is hidden from screen readers; its title says it in words', () => {
    render(<Notice title='您还没有绑定社保卡'>正文</Notice>)
    const icon = document.querySelector('.yl-notice__icon')!
    expect(icon.getAttribute('aria-hidden')).toBe('true')
    expect(screen.getByText('您还没有绑定社保卡').getAttribute('aria-hidden')).toBeNull()
  })

  test('the error is an alert and is spoken once, again only when it changes; 重试 is a button', () => {
    const say = speech.speak as jest.Mock
    say.mockClear()
    const onRetry = jest.fn()
    const err = appError('PERSON_NOT_FOUND')
    const { rerender } = render(<ErrorBanner error={err} onRetry={onRetry} />)
    expect(screen.getByRole('alert').textContent).toContain(err.message)
    expect(say.mock.calls).toEqual([[err.message]])

    rerender(<ErrorBanner error={{ ...err }} onRetry={onRetry} />)
    expect(say).toHaveBeenCalledTimes(1)

    const next = appError('DETAILS_MISMATCH')
    rerender(<ErrorBanner error={next} onRetry={onRetry} />)
    expect(say.mock.calls).toEqual([[err.message], [next.message]])

    fireEvent.click(screen.getByRole('button', { name: '重试' }))
    expect(onRetry).toHaveBeenCalledTimes(1)
  })
})
