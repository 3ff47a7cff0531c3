import * as v from 'valibot'
import { BindIdentityEventSchema, BindManualFormSchema } from '@/core/contracts'

describe('contracts', () => {
  it('normalises a manual binding form', () => {
    const out = v.parse(BindManualFormSchema, { name: ' 王秀英 ', idNumber: '11010519491231002x', cardNumber: 'a00000001', insuranceType: 'enterprise' })
    expect(out).toEqual({ name: '王秀英', idNumber: '11010519491231002X', cardNumber: 'A00000001', insuranceType: 'enterprise' })
  })

  it('reports the failing field with a stable error code as the message', () => {
    const r = v.safeParse(BindManualFormSchema, { name: 'Wang', idNumber: '1', cardNumber: '!', insuranceType: 'x' })
    expect(r.success).toBe(false)
    const byField = Object.fromEntries((r.issues ?? []).map((i) => [v.getDotPath(i), i.message]))
    expect(byField).toEqual({ name: 'NAME_INVALID', cardNumber: 'CARD_NUMBER_INVALID', insuranceType: 'INSURANCE_TYPE_INVALID' })
  })

  it('accepts the two binding methods and refuses others', () => {
    expect(v.safeParse(BindIdentityEventSchema, { method: 'ssc', authorization: 'x'.repeat(20) }).success).toBe(true)
    expect(v.safeParse(BindIdentityEventSchema, { method: 'guess' }).success).toBe(false)
  })
})
