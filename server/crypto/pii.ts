/**
 * Encryption of personal data, in the backend's sealed-text format (`sealed-text.ts`: AES-256-GCM under
 * versioned keys, "<version>:<base64url(iv ‖ tag ‖ ciphertext)>", e.g. "v1:…"). What a ciphertext is
 * for is bound as additional data, so an ID-number ciphertext cannot be passed off as a name.
 *
 * A roster person's name, ID number and card number are sealed together, in one ciphertext
 * (persons.pii_enc, sealPerson / openPerson): they are always written together, and one AES-GCM
 * operation instead of three is what lets a provincial roster import keep up (each costs ~5 µs, mostly
 * per-call overhead). Single fields (encrypt / decrypt) remain for data outside the roster.
 *
 * Lookups go through a keyed HMAC-SHA256 blind index (a separate derived key), never decryption.
 */
import { createHmac, type KeyObject } from 'node:crypto'
import { deriveKey, deriveKeys, SealedText } from './sealed-text'

export type PiiField = 'id_number' | 'name' | 'card_number' | 'phone' | 'address'

/** Additional data per field, built once. */
const AAD: Record<PiiField, Buffer> = { id_number: Buffer.from('id_number'), name: Buffer.from('name'), card_number: Buffer.from('card_number'), phone: Buffer.from('phone'), address: Buffer.from('address') }
const aadOf = (field: PiiField): Buffer => AAD[field] ?? Buffer.from(field)
const PERSON_AAD = Buffer.from('person')

/** The identity fields of a roster person, sealed together in persons.pii_enc. */
export interface PersonPii {
  name: string
  idNumber: string
  cardNumber: string
}

/** Between the sealed fields; checked cells never contain control characters. */
const FIELD_SEPARATOR = '\u001f'
/**
 * persons.pii_enc of a person stored before the fields were sealed together (migration 007): their
 * three field ciphertexts as they were, separated by spaces. Key versions look like "v1", never
 * like this prefix.
 */
export const SEPARATE_FIELDS_PREFIX = 'fields:'

export class PiiDecryptError extends Error {
  constructor(reason: string) {
    super(`PII decryption failed: ${reason}`)
    this.name = 'PiiDecryptError'
  }
}

export interface PiiCipherOptions {
  keys: Record<string, Buffer>
  current: string
  indexVersion: string
}

/**
 * The derived keys of a cipher, for a worker thread of this process (the roster import's pool):
 * KeyObjects survive structured cloning into workerData, so no raw key bytes are passed around.
 */
export interface PiiDerivedKeys {
  encKeys: Map<string, KeyObject>
  indexKey: KeyObject
  current: string
}

export class PiiCipher {
  private readonly encKeys: Map<string, KeyObject>
  private readonly indexKey: KeyObject
  private readonly sealed: SealedText
  readonly currentVersion: string

  constructor(options: PiiCipherOptions | { derived: PiiDerivedKeys }) {
    if ('derived' in options) {
      this.encKeys = new Map(options.derived.encKeys)
      this.indexKey = options.derived.indexKey
      this.currentVersion = options.derived.current
    } else {
      this.encKeys = deriveKeys(options.keys, 'pii-enc', 'PII key')
      const indexMaster = options.keys[options.indexVersion]
      if (!indexMaster) throw new Error(`PII index key ${options.indexVersion} missing`)
      this.currentVersion = options.current
      this.indexKey = deriveKey(indexMaster, 'pii-blind-index')
    }
    if (!this.encKeys.has(this.currentVersion)) throw new Error(`PII key ${this.currentVersion} missing`)
    this.sealed = new SealedText(this.encKeys, this.currentVersion, (reason) => new PiiDecryptError(reason))
  }

  /** For a worker thread of this process only; see PiiDerivedKeys. */
  derivedKeys(): PiiDerivedKeys {
    return { encKeys: new Map(this.encKeys), indexKey: this.indexKey, current: this.currentVersion }
  }

  encrypt(field: PiiField, plaintext: string): string {
    return this.seal(aadOf(field), plaintext)
  }

  decrypt(field: PiiField, text: string): string {
    return this.open(aadOf(field), text)
  }

  /** A roster person's name, ID number and card number as one ciphertext (persons.pii_enc). */
  sealPerson(p: PersonPii): string {
    if (p.name.includes(FIELD_SEPARATOR) || p.idNumber.includes(FIELD_SEPARATOR) || p.cardNumber.includes(FIELD_SEPARATOR)) {
      throw new Error('a PII field contains a control character')
    }
    return this.seal(PERSON_AAD, `${p.name}${FIELD_SEPARATOR}${p.idNumber}${FIELD_SEPARATOR}${p.cardNumber}`)
  }

  /** The fields of persons.pii_enc, sealed together or (stored before migration 007) separately. */
  openPerson(text: string): PersonPii {
    if (text.startsWith(SEPARATE_FIELDS_PREFIX)) {
      const [name, idNumber, cardNumber, extra] = text.slice(SEPARATE_FIELDS_PREFIX.length).split(' ')
      if (cardNumber === undefined || extra !== undefined) throw new PiiDecryptError('malformed separate fields')
      return { name: this.decrypt('name', name), idNumber: this.decrypt('id_number', idNumber), cardNumber: this.decrypt('card_number', cardNumber) }
    }
    const fields = this.open(PERSON_AAD, text).split(FIELD_SEPARATOR)
    if (fields.length !== 3) throw new PiiDecryptError('malformed person fields')
    return { name: fields[0], idNumber: fields[1], cardNumber: fields[2] }
  }

  private seal(aad: Buffer, plaintext: string): string {
    return this.sealed.seal(aad, plaintext)
  }

  private open(aad: Buffer, text: string): string {
    return this.sealed.open(aad, text).toString('utf8')
  }

  /** Version prefix of a stored ciphertext. */
  static versionOf(text: string): string {
    return SealedText.versionOf(text)
  }

  /** Keyed hash for equality lookups; the input is normalised by the caller. */
  blindIndex(field: PiiField, normalised: string): string {
    return createHmac('sha256', this.indexKey).update(`${field}\u0000${normalised}`).digest('hex')
  }
}
