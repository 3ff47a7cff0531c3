/**
 * Field encryption for personal data (ID numbers, names, card numbers): AES-256-GCM with versioned
 * keys. Ciphertext text form: "<version>:<base64url(iv ‖ tag ‖ ciphertext)>", e.g. "v1:…". The field
 * purpose is bound as additional data, so an ID-number ciphertext cannot be passed off as a name.
 * Lookups go through a keyed HMAC-SHA256 blind index (a separate derived key), never decryption.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto'

export type PiiField = 'id_number' | 'name' | 'card_number'

const IV_BYTES = 12
const TAG_BYTES = 16

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

export class PiiCipher {
  private readonly encKeys = new Map<string, Buffer>()
  private readonly indexKey: Buffer
  readonly currentVersion: string

  constructor(options: PiiCipherOptions) {
    for (const [version, master] of Object.entries(options.keys)) {
      if (master.length !== 32) throw new Error(`PII key ${version} must be 32 bytes`)
      this.encKeys.set(version, derive(master, 'pii-enc'))
    }
    if (!this.encKeys.has(options.current)) throw new Error(`PII key ${options.current} missing`)
    const indexMaster = options.keys[options.indexVersion]
    if (!indexMaster) throw new Error(`PII index key ${options.indexVersion} missing`)
    this.currentVersion = options.current
    this.indexKey = derive(indexMaster, 'pii-blind-index')
  }

  encrypt(field: PiiField, plaintext: string): string {
    const key = this.encKeys.get(this.currentVersion)!
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    cipher.setAAD(Buffer.from(field))
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    return `${this.currentVersion}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
  }

  decrypt(field: PiiField, text: string): string {
    const sep = text.indexOf(':')
    if (sep <= 0) throw new PiiDecryptError('no key version')
    const key = this.encKeys.get(text.slice(0, sep))
    if (!key) throw new PiiDecryptError(`unknown key version ${text.slice(0, sep)}`)
    const raw = Buffer.from(text.slice(sep + 1), 'base64url')
    if (raw.length < IV_BYTES + TAG_BYTES) throw new PiiDecryptError('too short')
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
    decipher.setAAD(Buffer.from(field))
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
