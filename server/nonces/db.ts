/** Nonces in the used_nonces table: shared by all instances on one store (the default). */
import type { Db } from '../repositories/types'
import { purgeExpiredNonces, tryUseNonce } from '../repositories/nonces'
import type { NonceStore } from './store'

const PURGE_EVERY_MS = 60_000

export class DbNonceStore implements NonceStore {
  private lastPurge = 0

  constructor(private readonly db: Db) {}

  async use(nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
    if (now.getTime() - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = now.getTime()
      await purgeExpiredNonces(this.db, now.toISOString())
    }
    return tryUseNonce(this.db, nonce, expiresAt.toISOString())
  }
}
