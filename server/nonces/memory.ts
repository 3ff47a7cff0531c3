/** In-memory LRU with expiry: enough for one instance. Several instances need DbNonceStore. */
import type { NonceStore } from './store'

export class MemoryNonceStore implements NonceStore {
  private readonly seen = new Map<string, number>()

  constructor(private readonly maxEntries = 100_000) {}

  async use(nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
    const t = now.getTime()
    const until = this.seen.get(nonce)
    if (until !== undefined && until > t) return false
    this.seen.delete(nonce)
    this.seen.set(nonce, expiresAt.getTime())
    this.evict(t)
    return true
  }

  private evict(now: number): void {
    // Map keeps insertion order: the oldest entries come first.
    for (const [nonce, until] of this.seen) {
      if (this.seen.size <= this.maxEntries && until > now) break
      this.seen.delete(nonce)
    }
  }
}
