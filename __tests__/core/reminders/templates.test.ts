import fc from 'fast-check'
import { checkTemplateData, fieldOfErrmsg, fieldProblem, invalidFieldErrmsg, isPureChinese } from '@/core/reminders/fields'
import { addDays, cycleId, lastDayOf } from '@/core/reminders/policy'
import { certDueData, certificationResultData, chineseDate, chineseDateTime, messageName, relativeCertifiedData, TEMPLATE_FIELDS } from '@/core/reminders/templates'

const COMMON = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秀英建国桂兰德福玉梅胜淑珍'
/** Extension A (U+3400…) and astral extension B characters (e.g. 𠈌 U+2020C), as in rare names. */
const RARE = ['㐀', '㑇', '㒳', '䶵', '𠈌', '𠮷', '𡈽', '𪚥', '〇', '堃', '犇', '淼']
const hanChar = fc.oneof(fc.constantFrom(...Array.from(COMMON)), fc.constantFrom(...RARE))
const plainName = fc.array(hanChar, { minLength: 1, maxLength: 30 }).map((a) => a.join(''))
/** Minority names with the middle dot: 阿依古丽·买买提, up to several parts and very long. */
const dotName = fc.array(fc.array(hanChar, { minLength: 1, maxLength: 12 }).map((a) => a.join('')), { minLength: 2, maxLength: 5 }).map((parts) => parts.join(fc.sample(fc.constantFrom('·', '•'), 1)[0]))
const anyName = fc.oneof(plainName, dotName, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 25 }))

const isoDate = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10))
const cycle = fc.record({ year: fc.integer({ min: 2000, max: 2098 }), month: fc.integer({ min: 1, max: 12 }) }).map(cycleId)
const kind = fc.constantFrom('due_30', 'due_7', 'due_1', 'overdue_1', 'due_60', 'due_0')
const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString())

describe('template data builders obey WeChat field rules for any input', () => {
  it('认证到期提醒 (certDue)', () => {
    fc.assert(
      fc.property(anyName, kind, cycle, fc.integer({ min: -40, max: 40 }), (name, k, c, offset) => {
        const today = addDays(lastDayOf({ year: Number(c.slice(0, 4)), month: Number(c.slice(5)) }), offset)
        const data = certDueData({ personName: name, kind: k as never, cycle: c, today })
        expect(checkTemplateData(data)).toEqual([])
        expect(Object.keys(data)).toEqual(TEMPLATE_FIELDS.certDue)
      }),
      { numRuns: 2000 },
    )
  })

  it('认证结果通知 and 家人认证完成通知', () => {
    fc.assert(
      fc.property(anyName, instant, cycle, (name, at, next) => {
        for (const data of [certificationResultData({ personName: name, certifiedAt: at, nextCycle: next }), relativeCertifiedData({ personName: name, certifiedAt: at, nextCycle: next })]) {
          expect(checkTemplateData(data)).toEqual([])
        }
      }),
      { numRuns: 2000 },
    )
  })

  it('masks names as pure basic Chinese of at most 3 characters, never the full name', () => {
    fc.assert(
      fc.property(fc.oneof(plainName, dotName), (name) => {
        const m = messageName(name)
        expect(isPureChinese(m)).toBe(true)
        expect(Array.from(m).length).toBeLessThanOrEqual(3)
        expect(m).toMatch(/^[\u4e00-\u9fff]+$/)
        if (Array.from(name.replace(/[·•]/g, '')).length >= 3) expect(m).not.toBe(name)
      }),
    )
    expect(messageName('王秀英')).toBe('王某英')
    expect(messageName('李四')).toBe('李某')
    expect(messageName('阿依古丽·买买提')).toBe('阿某提')
    expect(messageName('𠈌小明')).toBe('某某明')
    expect(messageName('')).toBe('某某')
  })

  it('the next deadline is a day, and a suspended person is told how payment comes back', () => {
    const next = certificationResultData({ personName: '王秀英', certifiedAt: '2026-11-27T02:05:00.000Z', nextCycle: '2027-11' })
    expect(next.thing4.value).toBe('下次请在2027年11月30日前认证')
    expect(relativeCertifiedData({ personName: '王秀英', certifiedAt: '2026-11-27T02:05:00.000Z', nextCycle: '2028-02' }).thing4.value).toBe('下次请在2028年2月29日前认证')
    const overdue = certDueData({ personName: '张桂兰', kind: 'overdue_1', cycle: '2026-08', today: '2026-09-02' })
    expect(overdue.thing4.value).toBe('已暂停发放，认证后次月恢复并补发')
    expect(fieldProblem('thing', overdue.thing4.value)).toBeNull()
  })

  it('dates: 2026-11-30 → 2026年11月30日, instants in Beijing time', () => {
    expect(chineseDate('2026-03-01')).toBe('2026年3月1日')
    expect(chineseDateTime('2026-11-27T16:05:00.000Z')).toBe('2026年11月28日 00:05')
    fc.assert(fc.property(isoDate, (d) => expect(fieldProblem('date', chineseDate(d))).toBeNull()))
  })
})

describe('field rules', () => {
  it.each([
    ['thing', '一二三四五六七八九十一二三四五六七八九十', true],
    ['thing', '一二三四五六七八九十一二三四五六七八九十一', false],
    ['name', '欧阳某某', true],
    ['name', '王*华', false],
    ['name', '一二三四五六七八九十一', false],
    ['name', 'John Smith', true],
    ['phrase', '即将到期', true],
    ['phrase', '认证已经通过', false],
    ['phrase', '通过!', false],
    ['character_string', '2026-11', true],
    ['character_string', 'A'.repeat(33), false],
    ['character_string', '周期2026', false],
    ['date', '2026年11月30日', true],
    ['date', '2026年2月30日', false],
    ['date', '2026年11月30日 09:05', true],
    ['time', '15:01', true],
    ['time', '2019年10月1日 15:01', true],
    ['time', '2019年10月1日 15:01~2019年10月1日 16:01', true],
    ['time', '25:01', false],
    ['thing', '', false],
  ] as const)('%s %p → ok %p', (type, value, ok) => {
    expect(fieldProblem(type, value) === null).toBe(ok)
  })

  it('47003 names the field like WeChat does', () => {
    const [v] = checkTemplateData({ thing4: { value: 'x'.repeat(21) } })
    expect(v.field).toBe('thing4')
    expect(fieldOfErrmsg(invalidFieldErrmsg(v))).toBe('thing4')
    expect(fieldOfErrmsg('argument invalid! data.name1.value is emtpy')).toBe('name1')
  })
})
