/**
 * Encryption of personal data: AES-256-GCM with versioned keys. Ciphertext text form:
 * "<version>:<base64url(iv ‖ tag ‖ ciphertext)>", e.g. "v1:…". What a ciphertext is for is bound as
 * additional data, so an ID-number ciphertext cannot be passed off as a name.
 *
 * A roster person's name, ID number and card number are sealed together, in one ciphertext
 * (persons.pii_enc, sealPerson / openPerson): they are always written together, and one AES-GCM
 * operation instead of three is what lets a provincial roster import keep up (each costs ~5 µs, mostly
 * per-call overhead). Single fields (encrypt / decrypt) remain for data outside the roster.
 *
 * Lookups go through a keyed HMAC-SHA256 blind index (a separate derived key), never decryption.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, hkdfSync, randomFillSync, type KeyObject } from 'node:crypto'

export type PiiField = 'id_number' | 'name' | 'card_number' | 'phone' | 'address'

const IV_BYTES = 12
const TAG_BYTES = 16
/**
 * IVs are taken from a pool of CSPRNG bytes refilled in one call per POOL_IVS encryptions (a
 * randomBytes(12) call per field costs ~5–12 µs, more than the AES-GCM itself). Every IV is still
 * fresh random output, handed out exactly once — the same approach as crypto.randomUUID's cache.
 */
const POOL_IVS = 4096
const ivPool = Buffer.allocUnsafe(IV_BYTES * POOL_IVS)
let ivOffset = ivPool.length

function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool)
    ivOffset = 0
  }
  // A copy: the pool is overwritten on refill.
  const iv = Buffer.allocUnsafe(IV_BYTES)
  ivPool.copy(iv, 0, ivOffset, ivOffset + IV_BYTES)
  ivOffset += IV_BYTES
  return iv
}

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

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `yinling/${info}`, 32))
}

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
  private readonly currentKey: KeyObject
  readonly currentVersion: string

  constructor(options: PiiCipherOptions | { derived: PiiDerivedKeys }) {
    if ('derived' in options) {
      this.encKeys = new Map(options.derived.encKeys)
      this.indexKey = options.derived.indexKey
      this.currentVersion = options.derived.current
    } else {
      this.encKeys = new Map()
      for (const [version, master] of Object.entries(options.keys)) {
        if (master.length !== 32) throw new Error(`PII key ${version} must be 32 bytes`)
        this.encKeys.set(version, createSecretKey(derive(master, 'pii-enc')))
      }
      const indexMaster = options.keys[options.indexVersion]
      if (!indexMaster) throw new Error(`PII index key ${options.indexVersion} missing`)
      this.currentVersion = options.current
      this.indexKey = createSecretKey(derive(indexMaster, 'pii-blind-index'))
    }
    const current = this.encKeys.get(this.currentVersion)
    if (!current) throw new Error(`PII key ${this.currentVersion} missing`)
    this.currentKey = current
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
    const iv = nextIv()
    const cipher = createCipheriv('aes-256-gcm', this.currentKey, iv)
    cipher.setAAD(aad)
    const body = cipher.update(plaintext, 'utf8')
    const rest = cipher.final() // always empty for GCM, kept for safety
    const parts = rest.length > 0 ? [iv, cipher.getAuthTag(), body, rest] : [iv, cipher.getAuthTag(), body]
    return `${this.currentVersion}:${Buffer.concat(parts).toString('base64url')}`
  }

  private open(aad: Buffer, text: string): string {
    const sep = text.indexOf(':')
    if (sep <= 0) throw new PiiDecryptError('no key version')
    const key = this.encKeys.get(text.slice(0, sep))
    if (!key) throw new PiiDecryptError(`unknown key version ${text.slice(0, sep)}`)
    const raw = Buffer.from(text.slice(sep + 1), 'base64url')
    if (raw.length < IV_BYTES + TAG_BYTES) throw new PiiDecryptError('too short')
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
    decipher.setAAD(aad)
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
    } catch {
      throw new PiiDecryptError('authentication failed')
    }
  }

  /** Version prefix of a stored ciphertext. */
  static versionOf(text: string): string {
    return text.slice(0, Math.max(0, text.indexOf(':')))
  }

  /** Keyed hash for equality lookups; the input is normalised by the caller. */
  blindIndex(field: PiiField, normalised: string): string {
    return createHmac('sha256', this.indexKey).update(`${field}\u0000${normalised}`).digest('hex')
  }
}
