import { INSURANCE_LABELS, INSURANCE_TYPES, parseInsuranceType } from '@/core/insurance'
import { appError, ERROR_MESSAGES, isErrorCode } from '@/core/errors'

describe('insurance types', () => {
  it('has the three basic pension schemes', () => {
    expect(INSURANCE_TYPES.map((t) => INSURANCE_LABELS[t])).toEqual(['企业职工基本养老保险', '机关事业单位养老保险', '城乡居民基本养老保险'])
  })

  it('parses codes and full Chinese names, and nothing else', () => {
    expect(parseInsuranceType('城乡居民基本养老保险')).toBe('resident')
    expect(parseInsuranceType(' enterprise ')).toBe('enterprise')
    expect(parseInsuranceType('医疗保险')).toBeUndefined()
  })
})

describe('error codes', () => {
  it('gives every code a Chinese message for people', () => {
    for (const [code, message] of Object.entries(ERROR_MESSAGES)) {
      expect(isErrorCode(code)).toBe(true)
      expect(message).toMatch(/[\u4e00-\u9fa5]/)
    }
  })

  it('names the field an error is about', () => {
    expect(appError('ID_CHECKSUM', 'idNumber')).toEqual({ code: 'ID_CHECKSUM', message: ERROR_MESSAGES.ID_CHECKSUM, field: 'idNumber' })
    expect(isErrorCode('toString')).toBe(false)
  })
})
