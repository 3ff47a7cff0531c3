/**
 * TOTP secrets at rest, in the backend's sealed-text format (`server/crypto/sealed-text.ts`) under
 * their own purpose key, the user id bound as additional data (a secret cannot be moved to another
 * account).
 */
import { SealedText } from '../crypto/sealed-text'

export class SecretCipher {
  private readonly sealed: SealedText

  constructor(masterKeys: Record<string, Buffer>, currentVersion: string) {
    this.sealed = SealedText.fromMasterKeys(masterKeys, 'agency-totp-secret', currentVersion, (reason) => new Error(`TOTP secret: ${reason}`))
  }

  get currentVersion(): string {
    return this.sealed.currentVersion
  }

  seal(userId: string, secret: string): string {
    return this.sealed.seal(aadOf(userId), secret)
  }

  open(userId: string, text: string): string {
    return this.sealed.open(aadOf(userId), text).toString('utf8')
  }
}

const aadOf = (userId: string): Buffer => Buffer.from(`agency_totp\u0000${userId}`)
