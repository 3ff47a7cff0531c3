/**
 * Face embeddings are biometric data: encrypted at rest in the backend's sealed-text format
 * (`server/crypto/sealed-text.ts`), under a key derived from the same versioned PII master keys as the
 * personal fields with its own purpose label; the person id is bound as additional data so a reference
 * cannot be moved to another person. The plaintext is the float32 LE values.
 */
import { SealedText } from '../crypto/sealed-text'

export class EmbeddingDecryptError extends Error {
  constructor(reason: string) {
    super(`face reference decryption failed: ${reason}`)
    this.name = 'EmbeddingDecryptError'
  }
}

export class EmbeddingCipher {
  private readonly sealed: SealedText

  constructor(masterKeys: Record<string, Buffer>, currentVersion: string) {
    this.sealed = SealedText.fromMasterKeys(masterKeys, 'face-embedding-enc', currentVersion, (reason) => new EmbeddingDecryptError(reason))
  }

  get currentVersion(): string {
    return this.sealed.currentVersion
  }

  encrypt(personId: string, embedding: ArrayLike<number>): string {
    const plain = Buffer.alloc(embedding.length * 4)
    for (let i = 0; i < embedding.length; i++) plain.writeFloatLE(embedding[i], i * 4)
    return this.sealed.seal(aadOf(personId), plain)
  }

  decrypt(personId: string, text: string): number[] {
    const plain = this.sealed.open(aadOf(personId), text)
    if (plain.length % 4 !== 0) throw new EmbeddingDecryptError('bad length')
    const out = new Array<number>(plain.length / 4)
    for (let i = 0; i < out.length; i++) out[i] = plain.readFloatLE(i * 4)
    return out
  }
}

const aadOf = (personId: string): Buffer => Buffer.from(`face_reference\u0000${personId}`)
