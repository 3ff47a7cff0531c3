/**
 * The one sealed-text format of the backend: AES-256-GCM under versioned keys, each key derived
 * (HKDF-SHA256) from a versioned PII master key under its own purpose label, and stored as
 * "<version>:<base64url(iv ‖ tag ‖ ciphertext)>". What a ciphertext is for, and whose it is, is bound
 * as additional data by the caller, so a ciphertext cannot be moved to another field or person.
 *
 * The roster's personal fields, face references and the agency's TOTP secrets all use it; a key
 * rotation (a new current version, the old ones kept for opening) works the same for all of them.
 */
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomFillSync, type KeyObject } from 'node:crypto'

const IV_BYTES = 12
const TAG_BYTES = 16
/**
 * IVs are taken from a pool of CSPRNG bytes refilled in one call per POOL_IVS seals (a randomBytes(12)
 * call per seal costs ~5–12 µs, more than the AES-GCM itself at roster-import rates). Every IV is
 * still fresh random output, handed out exactly once — the same approach as crypto.randomUUID's cache.
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

/** A key for one purpose, derived from a 32-byte master key. */
export function deriveKey(master: Buffer, purpose: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `yinling/${purpose}`, 32)))
}

/** Makes the caller's own error for a text that did not open, from why (e.g. "unknown key version v9"). */
export type UnsealError = (reason: string) => Error

export class SealedText {
  private readonly currentKey: KeyObject

  /**
   * `keys`: the derived key of every version that may still be opened; `current` seals.
   */
  constructor(
    private readonly keys: ReadonlyMap<string, KeyObject>,
    readonly currentVersion: string,
    private readonly fail: UnsealError,
  ) {
    const key = keys.get(currentVersion)
    if (!key) throw new Error(`key ${currentVersion} missing`)
    this.currentKey = key
  }

  /** Derives the purpose's key from every master key (each must be 32 bytes). */
  static fromMasterKeys(masterKeys: Record<string, Buffer>, purpose: string, current: string, fail: UnsealError): SealedText {
    return new SealedText(deriveKeys(masterKeys, purpose), current, fail)
  }

  seal(aad: Buffer, plaintext: string | Buffer): string {
    const iv = nextIv()
    const cipher = createCipheriv('aes-256-gcm', this.currentKey, iv)
    cipher.setAAD(aad)
    const body = typeof plaintext === 'string' ? cipher.update(plaintext, 'utf8') : cipher.update(plaintext)
    const rest = cipher.final() // always empty for GCM, kept for safety
    const parts = rest.length > 0 ? [iv, cipher.getAuthTag(), body, rest] : [iv, cipher.getAuthTag(), body]
    return `${this.currentVersion}:${Buffer.concat(parts).toString('base64url')}`
  }

  open(aad: Buffer, text: string): Buffer {
    const sep = text.indexOf(':')
    if (sep <= 0) throw this.fail('no key version')
    const key = this.keys.get(text.slice(0, sep))
    if (!key) throw this.fail(`unknown key version ${text.slice(0, sep)}`)
    const raw = Buffer.from(text.slice(sep + 1), 'base64url')
    if (raw.length < IV_BYTES + TAG_BYTES) throw this.fail('too short')
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
    decipher.setAAD(aad)
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
    } catch {
      throw this.fail('authentication failed')
    }
  }

  /** Version prefix of a stored sealed text. */
  static versionOf(text: string): string {
    return text.slice(0, Math.max(0, text.indexOf(':')))
  }
}

/** The purpose's key from every master key; `what` names them in the error for a key not 32 bytes long. */
export function deriveKeys(masterKeys: Record<string, Buffer>, purpose: string, what = 'key'): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>()
  for (const [version, master] of Object.entries(masterKeys)) {
    if (master.length !== 32) throw new Error(`${what} ${version} must be 32 bytes`)
    keys.set(version, deriveKey(master, purpose))
  }
  return keys
}
