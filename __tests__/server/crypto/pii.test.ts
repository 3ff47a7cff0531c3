import fc from 'fast-check'
import { PiiCipher, PiiDecryptError } from '../../../server/crypto/pii'
import { TEST_KEY_V1, TEST_KEY_V2 } from '../helpers/config'

const v1 = () => new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' })
const rotated = () => new PiiCipher({ keys: { v1: TEST_KEY_V1, v2: TEST_KEY_V2 }, current: 'v2', indexVersion: 'v1' })

describe('PII encryption', () => {
  it('round-trips any text, with a version prefix and a fresh IV each time', () => {
    const c = v1()
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const a = c.encrypt('name', s)
        expect(a.startsWith('v1:')).toBe(true)
        expect(c.decrypt('name', a)).toBe(s)
      }),
    )
    expect(c.encrypt('id_number', '110101195203140127')).not.toBe(c.encrypt('id_number', '110101195203140127'))
  })

  it('a cipher made from derivedKeys() (as a worker thread gets them) reads, writes and indexes like the original', () => {
    const c = rotated()
    const copy = new PiiCipher({ derived: structuredClone(c.derivedKeys()) })
    expect(copy.currentVersion).toBe('v2')
    expect(copy.decrypt('name', c.encrypt('name', '王秀英'))).toBe('王秀英')
    expect(c.decrypt('name', copy.encrypt('name', '王秀英'))).toBe('王秀英')
    expect(copy.decrypt('id_number', v1().encrypt('id_number', '110101195203140127'))).toBe('110101195203140127')
    expect(copy.blindIndex('id_number', '110101195203140127')).toBe(c.blindIndex('id_number', '110101195203140127'))
    expect(() => new PiiCipher({ derived: { ...c.derivedKeys(), current: 'v9' } })).toThrow('PII key v9 missing')
  })

  it('keeps old ciphertexts readable after rotation; new writes use the current key', () => {
    const old = v1().encrypt('id_number', '110101195203140127')
    const c = rotated()
    expect(c.decrypt('id_number', old)).toBe('110101195203140127')
    const fresh = c.encrypt('id_number', '110101195203140127')
    expect(PiiCipher.versionOf(fresh)).toBe('v2')
    expect(() => v1().decrypt('id_number', fresh)).toThrow(PiiDecryptError)
  })

  it('keeps the blind index stable across rotation (index key version is fixed)', () => {
    expect(rotated().blindIndex('id_number', '110101195203140127')).toBe(v1().blindIndex('id_number', '110101195203140127'))
    expect(v1().blindIndex('id_number', '110101195203140127')).not.toBe(v1().blindIndex('card_number', '110101195203140127'))
    expect(v1().blindIndex('id_number', '110101195203140127')).toMatch(/^[0-9a-f]{64}$/)
  })

  it('refuses tampered ciphertexts, another field, and unknown versions, without echoing plaintext', () => {
    const c = v1()
    const ct = c.encrypt('id_number', '110101195203140127')
    const raw = Buffer.from(ct.slice(3), 'base64url')
    raw[raw.length - 1] ^= 1
    expect(() => c.decrypt('id_number', `v1:${raw.toString('base64url')}`)).toThrow(PiiDecryptError)
    expect(() => c.decrypt('name', ct)).toThrow(PiiDecryptError)
    expect(() => c.decrypt('id_number', `v9:${ct.slice(3)}`)).toThrow(/unknown key version/)
    try {
      c.decrypt('name', ct)
    } catch (err) {
      expect(String(err)).not.toContain('110101')
    }
  })
})

describe('a roster person sealed together (persons.pii_enc)', () => {
  const person = { name: '王秀英', idNumber: '110101195203140127', cardNumber: 'A00000001' }
  const textWithoutControls = fc.string({ unit: 'grapheme', minLength: 0, maxLength: 30 }).filter((s) => !/[\u0000-\u001f]/.test(s))

  it('round-trips any name, ID number and card number in one ciphertext, with a fresh IV each time', () => {
    const c = v1()
    fc.assert(
      fc.property(textWithoutControls, textWithoutControls, textWithoutControls, (name, idNumber, cardNumber) => {
        const sealed = c.sealPerson({ name, idNumber, cardNumber })
        expect(sealed.startsWith('v1:')).toBe(true)
        expect(c.openPerson(sealed)).toEqual({ name, idNumber, cardNumber })
      }),
    )
    const sealed = c.sealPerson(person)
    expect(sealed).not.toBe(c.sealPerson(person))
    for (const plain of ['王秀英', '110101', 'A00000001']) expect(sealed).not.toContain(plain)
  })

  it('is readable after key rotation, and by a worker thread’s copy of the cipher', () => {
    const old = v1().sealPerson(person)
    expect(rotated().openPerson(old)).toEqual(person)
    const copy = new PiiCipher({ derived: structuredClone(rotated().derivedKeys()) })
    expect(copy.sealPerson(person).startsWith('v2:')).toBe(true)
    expect(rotated().openPerson(copy.sealPerson(person))).toEqual(person)
  })

  it('cannot be passed off as a single field, nor a single field as a person', () => {
    const c = v1()
    expect(() => c.decrypt('name', c.sealPerson(person))).toThrow(PiiDecryptError)
    expect(() => c.openPerson(c.encrypt('name', `王秀英\u001f110101195203140127\u001fA00000001`))).toThrow(PiiDecryptError)
  })

  it('refuses a tampered ciphertext and fields holding the separator', () => {
    const c = v1()
    const sealed = c.sealPerson(person)
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'AB' : 'AA')
    expect(() => c.openPerson(tampered)).toThrow(PiiDecryptError)
    expect(() => c.sealPerson({ ...person, name: '王\u001f秀英' })).toThrow('control character')
  })

  it('reads a person stored before sealing (migration 007): the three field ciphertexts as they were', () => {
    const c = rotated()
    const old = v1()
    const fields = `fields:${old.encrypt('name', person.name)} ${old.encrypt('id_number', person.idNumber)} ${old.encrypt('card_number', person.cardNumber)}`
    expect(c.openPerson(fields)).toEqual(person)
    // Each ciphertext still answers for its own field only.
    const swapped = `fields:${old.encrypt('id_number', person.idNumber)} ${old.encrypt('name', person.name)} ${old.encrypt('card_number', person.cardNumber)}`
    expect(() => c.openPerson(swapped)).toThrow(PiiDecryptError)
    expect(() => c.openPerson('fields:v1:abc')).toThrow(PiiDecryptError)
  })
})
