jest.mock('@tarojs/components', () => require('../support/components-mock'))

import { render, screen } from '@testing-library/react'
import { ScamNotice, SCAM_SHORT, scamNoticeSentences } from '@/components/ScamNotice'

describe('ScamNotice', () => {
  test('says certification is free and what 社保 never asks for', () => {
    render(<ScamNotice />)
    const text = screen.getByTestId('scam-notice').textContent ?? ''
    expect(text).toContain('谨防诈骗')
    expect(text).toContain('认证是免费的')
    expect(text).toContain('社保部门的工作人员不会向您要银行卡号、密码或短信验证码')
    expect(screen.queryByTestId('scam-notice-agency')).toBeNull()
  })

  test('with an agency it names it and its hotline, and the spoken sentences match the shown ones', () => {
    const agency = { name: '长沙市社会保险服务中心', hotline: '12333' }
    render(<ScamNotice agency={agency} />)
    expect(screen.getByTestId('scam-notice-agency').textContent).toBe('这份通知来自长沙市社会保险服务中心。有疑问请打12333问清楚。')
    const shown = screen.getByTestId('scam-notice').textContent ?? ''
    for (const s of scamNoticeSentences(agency)) expect(shown).toContain(s)
    expect(scamNoticeSentences(agency)).toHaveLength(scamNoticeSentences().length + 1)
  })

  test('the short line for share cards keeps the three secrets', () => {
    for (const w of ['免费', '银行卡号', '密码', '验证码']) expect(SCAM_SHORT).toContain(w)
  })
})
