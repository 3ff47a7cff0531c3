import fc from 'fast-check'
import { checkCharFor, validateIdNumber } from '@/core/id-number'

const TODAY = '2026-11-27'

/** Builds a valid 18-character ID from a region code, birth date and sequence number. */
function makeId(region: string, birth: string, seq: number): string {
  const first17 = region + birth.replace(/-/g, '') + String(seq).padStart(3, '0')
  return first17 + checkCharFor(first17)
}

const birthDates = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-11-27T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))
const validIds = fc
  .tuple(fc.integer({ min: 110000, max: 659999 }), birthDates, fc.integer({ min: 0, max: 999 }))
  .map(([region, birth, seq]) => makeId(String(region), birth, seq))

describe('validateIdNumber', () => {
  it('accepts a known-good number and reads birth date and sex', () => {
    // 11010519491231002X is the worked example of GB 11643-1999.
    expect(validateIdNumber('11010519491231002X', TODAY)).toEqual({
      valid: true,
      idNumber: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'female',
    })
  })

  it('accepts a lower-case x and surrounding spaces', () => {
    expect(validateIdNumber(' 11010519491231002x ', TODAY)).toMatchObject({ valid: true, idNumber: '11010519491231002X' })
  })

  it.each([
    ['', 'ID_LENGTH'],
    ['1101051949123100', 'ID_LENGTH'],
    ['11010519491231002X1', 'ID_LENGTH'],
    ['110105194912310', 'ID_LEGACY_15'],
    ['11010519491231002Y', 'ID_ILLEGAL_CHARS'],
    ['1101051949123X002X', 'ID_ILLEGAL_CHARS'],
    ['110105194902300020', 'ID_BIRTH_DATE'], // 30 February
    ['110105189912310020', 'ID_BIRTH_DATE'], // before 1900
    ['110105203001010020', 'ID_BIRTH_DATE'], // in the future
    ['110105194912310021', 'ID_CHECKSUM'],
  ])('refuses %j with %s', (raw, reason) => {
    expect(validateIdNumber(raw, TODAY)).toEqual({ valid: false, reason })
  })

  it('accepts 29 February only in leap years', () => {
    expect(validateIdNumber(makeId('110105', '2000-02-29', 1), TODAY).valid).toBe(true)
    const in1900 = '110105' + '19000229' + '001'
    expect(validateIdNumber(in1900 + checkCharFor(in1900), TODAY)).toEqual({ valid: false, reason: 'ID_BIRTH_DATE' })
  })

  it('accepts every generated valid number', () => {
    fc.assert(fc.property(validIds, (id) => validateIdNumber(id, TODAY).valid === true))
  })

  it('catches every single-digit change in the first 17 digits', () => {
    fc.assert(
      fc.property(validIds, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (id, pos, delta) => {
        const digit = (Number(id[pos]) + delta) % 10
        const changed = id.slice(0, pos) + digit + id.slice(pos + 1)
        const result = validateIdNumber(changed, TODAY)
        // The change is refused; when it leaves the birth date real it is the checksum that catches it.
        return result.valid === false && (result.reason === 'ID_CHECKSUM' || result.reason === 'ID_BIRTH_DATE')
      }),
    )
  })

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (s) => typeof validateIdNumber(s, TODAY).valid === 'boolean'))
  })
})
