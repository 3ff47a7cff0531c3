/** 申诉进度通知: the template data obeys WeChat's field rules for any name, state, date and clerk's reason. */
import fc from 'fast-check'
import { checkTemplateData } from '@/core/reminders/fields'
import { appealUpdateData, TEMPLATE_FIELDS } from '@/core/reminders/templates'

const state = fc.constantFrom('submitted', 'processing', 'visit_scheduled', 'completed', 'rejected' as const)
const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString())
const day = instant.map((i) => i.slice(0, 10))

describe('appealUpdateData', () => {
  it('obeys the field rules for any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), state, instant, fc.option(day), fc.option(fc.constantFrom('上门', '窗口')), fc.option(fc.string({ unit: 'binary', maxLength: 120 })), (name, s, at, visitDate, how, reason) => {
        const data = appealUpdateData({ personName: name, state: s, at, visitDate, certifiedHow: how, rejectReason: reason })
        expect(checkTemplateData(data)).toEqual([])
        expect(Object.keys(data)).toEqual(TEMPLATE_FIELDS.appealUpdate)
      }),
      { numRuns: 2000 },
    )
  })

  it('says each state in words: 已安排上门 with the day, 已完成 with how, 未通过 with the reason', () => {
    const base = { personName: '赵德胜', at: '2026-12-03T02:00:00.000Z' }
    expect(appealUpdateData({ ...base, state: 'visit_scheduled', visitDate: '2026-12-20' })).toMatchObject({ name1: { value: '赵某胜' }, phrase2: { value: '已安排上门' }, thing4: { value: '上门日期2026年12月20日' } })
    expect(appealUpdateData({ ...base, state: 'completed', certifiedHow: '上门' }).thing4.value).toBe('已上门认证通过')
    expect(appealUpdateData({ ...base, state: 'rejected', rejectReason: '电话无人接听，请到社保窗口办理业务谢谢' }).thing4.value).toBe('原因：电话无人接听，请到社保窗口办理业…')
  })
})
