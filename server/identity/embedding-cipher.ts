/**
 * Face embeddings are biometric data: encrypted at rest with AES-256-GCM. The key is derived (HKDF)
 * from the same versioned PII master keys as the personal fields, with its own purpose label, and
 * the person id is bound as additional data so a reference cannot be moved to another person.
 * Text form: "<version>:<base64url(iv ‖ tag ‖ ciphertext)>", the plaintext being float32 LE values.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const IV_BYTES = 12
const TAG_BYTES = 16

export class EmbeddingDecryptError extends Error {
  constructor(reason: string) {
    super(`face reference decryption failed: ${reason}`)
    this.name = 'EmbeddingDecryptError'
  }
}

export class EmbeddingCipher {
  private readonly keys = new Map<string, Buffer>()

  constructor(
    masterKeys: Record<string, Buffer>,
    readonly currentVersion: string,
  ) {
    for (const [version, master] of Object.entries(masterKeys)) {
      if (master.length !== 32) throw new Error(`key ${version} must be 32 bytes`)
      this.keys.set(version, Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'yinling/face-embedding-enc', 32)))
    }
    if (!this.keys.has(currentVersion)) throw new Error(`current key ${currentVersion} missing`)
  }

  encrypt(personId: string, embedding: ArrayLike<number>): string {
    const plain = Buffer.alloc(embedding.length * 4)
    for (let i = 0; i < embedding.length; i++) plain.writeFloatLE(embedding[i], i * 4)
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentVersion)!, iv)
    cipher.setAAD(Buffer.from(`face_reference\u0000${personId}`))
    const body = Buffer.concat([cipher.update(plain), cipher.final()])
    return `${this.currentVersion}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
  }

  decrypt(personId: string, text: string): number[] {
    const sep = text.indexOf(':')
    if (sep <= 0) throw new EmbeddingDecryptError('no key version')
    const key = this.keys.get(text.slice(0, sep))
    if (!key) throw new EmbeddingDecryptError(`unknown key version ${text.slice(0, sep)}`)
    const raw = Buffer.from(text.slice(sep + 1), 'base64url')
    if (raw.length < IV_BYTES + TAG_BYTES) throw new EmbeddingDecryptError('too short')
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
    decipher.setAAD(Buffer.from(`face_reference\u0000${personId}`))
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    let plain: Buffer
    try {
      plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
    } catch {
      throw new EmbeddingDecryptError('authentication failed')
    }
    if (plain.length % 4 !== 0) throw new EmbeddingDecryptError('bad length')
    const out = new Array<number>(plain.length / 4)
    for (let i = 0; i < out.length; i++) out[i] = plain.readFloatLE(i * 4)
    return out
  }
}
