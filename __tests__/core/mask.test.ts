import fc from 'fast-check'
import { maskCardNumber, maskIdNumber, maskName, maskPhone } from '@/core/mask'

describe('masking', () => {
  it.each([
    ['张三', '张*'],
    ['张小华', '张*华'],
    ['欧阳建国', '欧**国'],
    ['买买提·艾力', '买****力'],
    ['𠮷野家', '𠮷*家'],
  ])('masks the name %s as %s', (name, masked) => {
    expect(maskName(name)).toBe(masked)
  })

  it('masks an ID number as 430***********123X', () => {
    expect(maskIdNumber('43010219500101123X')).toBe('430***********123X')
  })

  it('masks a phone number as 138****5678', () => {
    expect(maskPhone('13812345678')).toBe('138****5678')
  })

  it('masks a card number keeping two characters at each end', () => {
    expect(maskCardNumber('A00000017')).toBe('A0*****17')
  })

  it('never reveals more than 7 characters of an 18-character ID', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (id) => {
        const masked = maskIdNumber(id)
        return masked.length === 18 && masked.replace(/\*/g, '').length === 7 && masked.slice(3, 14) === '*'.repeat(11)
      }),
    )
  })
})
