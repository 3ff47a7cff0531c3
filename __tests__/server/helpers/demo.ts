/** The demo roster's fictional people (server/demo/roster.csv), as tests use them. */
export const DEMO = {
  wang: { name: '王秀英', idNumber: '110101195203140127', cardNumber: 'A00000001', insuranceType: 'enterprise' },
  li: { name: '李建国', idNumber: '430102194808050315', cardNumber: 'A00000002', insuranceType: 'institution' },
  zhang: { name: '张桂兰', idNumber: '320102194106220468', cardNumber: 'A00000003', insuranceType: 'resident' },
  liu: { name: '刘德福', idNumber: '110101193809170532', cardNumber: 'A00000004', insuranceType: 'enterprise' },
  chen: { name: '陈玉梅', idNumber: '430102196001280688', cardNumber: 'A00000005', insuranceType: 'resident' },
  zhao: { name: '赵德胜', idNumber: '320102196211030753', cardNumber: 'A00000006', insuranceType: 'institution' },
  sun: { name: '孙淑珍', idNumber: '110101195504100823', cardNumber: 'A00000007', insuranceType: 'enterprise' },
} as const

export type DemoKey = keyof typeof DEMO

import { checkCharFor } from '../../../src/core/id-number'

/** A valid ID number (right checksum) that is on no roster. */
export const NOT_ON_ROSTER_ID = (() => {
  const first17 = '11010119520314099'
  return first17 + checkCharFor(first17)
})()
