/**
 * TOTP secrets at rest: AES-256-GCM with a key derived (HKDF) from the versioned PII master keys
 * under its own purpose label, the user id bound as additional data (a secret cannot be moved to
 * another account). Text form: "<version>:<base64url(iv ‖ tag ‖ ciphertext)>".
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const IV_BYTES = 12
const TAG_BYTES = 16

export class SecretCipher {
  private readonly keys = new Map<string, Buffer>()

  constructor(
    masterKeys: Record<string, Buffer>,
    readonly currentVersion: string,
  ) {
    for (const [version, master] of Object.entries(masterKeys)) {
      if (master.length !== 32) throw new Error(`key ${version} must be 32 bytes`)
      this.keys.set(version, Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'yinling/agency-totp-secret', 32)))
    }
    if (!this.keys.has(currentVersion)) throw new Error(`current key ${currentVersion} missing`)
  }

  seal(userId: string, secret: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentVersion)!, iv)
    cipher.setAAD(Buffer.from(`agency_totp\u0000${userId}`))
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
    return `${this.currentVersion}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
  }

  open(userId: string, text: string): string {
    const sep = text.indexOf(':')
    const key = sep > 0 ? this.keys.get(text.slice(0, sep)) : undefined
    if (!key) throw new Error('TOTP secret: unknown key version')
    const raw = Buffer.from(text.slice(sep + 1), 'base64url')
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('TOTP secret: too short')
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
    decipher.setAAD(Buffer.from(`agency_totp\u0000${userId}`))
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
  }
}
