import { SecretCipher } from '../../../server/agency/secret-cipher'
import { PiiCipher, PiiDecryptError } from '../../../server/crypto/pii'
import { SealedText } from '../../../server/crypto/sealed-text'
import { EmbeddingCipher, EmbeddingDecryptError } from '../../../server/identity/embedding-cipher'

const keys = { v1: Buffer.alloc(32, 1), v2: Buffer.alloc(32, 2) }

/**
 * Sealed by the three ciphers before they shared one implementation (each had its own copy of the
 * format), with the keys above: stored data of every kind must still open.
 */
const STORED = {
  idNumber: 'v2:ucm5LXi5j46MIDx423alfHdmpiTtESlo8O1zKbU71_NP2NIk6Yzt2hPjAiPx8g',
  person: 'v2:czhzENDSmQSO9kxssWmIBdkRNma9VhvjDNOjtRI8oiHegsd_mSxcPtMf1OK2nqTE3ceOeFdreB6AGB1zL40G0X05',
  index: '28a9af3d2940d2e93ae92442551c4fd3c259fcd0ba0578a9595efc95078be380',
  totp: 'v2:RmHN84qDYY0STBj9ZFZcPs4wbrwb-DELANfRbeIoAJYKOjmp4dppp-o-Ptc',
  face: 'v2:uG6p_0Bzn3YddMVtQaWBXxyzz5kp-3wDrTY1MJyVBcLAO-Ruq9azxw',
}

describe('one sealed-text format for personal data, face references and TOTP secrets', () => {
  const pii = new PiiCipher({ keys, current: 'v2', indexVersion: 'v1' })
  const totp = new SecretCipher(keys, 'v2')
  const face = new EmbeddingCipher(keys, 'v2')

  test('texts sealed before the ciphers shared the format still open, and the blind index is unchanged', () => {
    expect(pii.decrypt('id_number', STORED.idNumber)).toBe('110101195203140127')
    expect(pii.openPerson(STORED.person)).toEqual({ name: '王秀英', idNumber: '110101195203140127', cardNumber: 'A00000001' })
    expect(pii.blindIndex('id_number', '110101195203140127')).toBe(STORED.index)
    expect(totp.open('user-1', STORED.totp)).toBe('JBSWY3DPEHPK3PXP')
    expect(face.decrypt('person-1', STORED.face)).toEqual([0.5, -0.25, 1])
  })

  test('each purpose has its own key: a text of one kind does not open as another', () => {
    // the same AAD bytes would not help: the purpose keys differ
    const sealedTotp = totp.seal('user-1', 'JBSWY3DPEHPK3PXP')
    expect(() => face.decrypt('user-1', sealedTotp)).toThrow(EmbeddingDecryptError)
    expect(() => pii.decrypt('name', sealedTotp)).toThrow(PiiDecryptError)
    expect(() => totp.open('user-1', STORED.face)).toThrow('TOTP secret: authentication failed')
  })

  test('bound to its owner; every refusal is the cipher own error with a reason', () => {
    const sealed = totp.seal('user-1', 'JBSWY3DPEHPK3PXP')
    expect(sealed).toMatch(/^v2:[A-Za-z0-9_-]+$/)
    expect(totp.open('user-1', sealed)).toBe('JBSWY3DPEHPK3PXP')
    expect(() => totp.open('user-2', sealed)).toThrow('TOTP secret: authentication failed')
    expect(() => totp.open('user-1', 'nocolon')).toThrow('TOTP secret: no key version')
    expect(() => totp.open('user-1', `v9:${sealed.slice(3)}`)).toThrow('TOTP secret: unknown key version')
    expect(() => totp.open('user-1', 'v2:AAAA')).toThrow('TOTP secret: too short')
    expect(() => face.decrypt('person-2', STORED.face)).toThrow(EmbeddingDecryptError)
    expect(() => face.decrypt('person-1', `v9:${STORED.face.slice(3)}`)).toThrow(/unknown key version v9/)
  })

  test('a key rotation: new texts under the current version, old ones still open', () => {
    const old = new SecretCipher({ v1: keys.v1 }, 'v1').seal('user-1', 'OLDSECRET')
    const rotated = new SecretCipher(keys, 'v2')
    expect(rotated.open('user-1', old)).toBe('OLDSECRET')
    expect(SealedText.versionOf(rotated.seal('user-1', 'NEW'))).toBe('v2')
    expect(rotated.currentVersion).toBe('v2')
    expect(() => new SecretCipher({ v1: keys.v1 }, 'v2')).toThrow('key v2 missing')
    expect(() => new EmbeddingCipher({ v1: Buffer.alloc(16) }, 'v1')).toThrow('key v1 must be 32 bytes')
  })

  test('fresh IVs: the same plaintext never seals to the same text', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 5000; i++) seen.add(pii.encrypt('name', '王秀英').slice(3, 19))
    expect(seen.size).toBe(5000)
  })
})
