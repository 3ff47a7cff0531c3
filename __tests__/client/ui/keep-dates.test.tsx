jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { render } from '@testing-library/react'
import { KeepDates } from '@/components/KeepDates'

/** The pieces a line may not break inside, in order, and the whole text. */
function kept(text: string): { whole: string | null; pieces: (string | null)[] } {
  const { container } = render(<KeepDates text={text} />)
  return { whole: container.textContent, pieces: Array.from(container.querySelectorAll('.yl-keep')).map((e) => e.textContent) }
}

describe('KeepDates', () => {
  test('dates stay whole, the text is unchanged', () => {
    expect(kept('请在2026年12月31日前完成认证')).toEqual({ whole: '请在2026年12月31日前完成认证', pieces: ['2026年12月31日'] })
    expect(kept('2026年10月起暂停发放')).toEqual({ whole: '2026年10月起暂停发放', pieces: ['2026年10月', '暂停发放'] })
  })

  test('so do the words about her money: 暂停发放, 养老保险 (基本 with it), 已逾期', () => {
    expect(kept('城乡居民基本养老保险').pieces).toEqual(['基本养老保险'])
    expect(kept('机关事业单位养老保险').pieces).toEqual(['养老保险'])
    expect(kept('✕ 已逾期，暂停发放').pieces).toEqual(['已逾期', '暂停发放'])
  })

  test('text with nothing to keep is given back as it is', () => {
    expect(kept('张*兰')).toEqual({ whole: '张*兰', pieces: [] })
  })
})
