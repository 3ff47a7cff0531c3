/** Remembers request nonces until their signature window closes, so a request cannot be replayed. */
export interface NonceStore {
  /** Atomically records the nonce; resolves false if it was already recorded (a replay). */
  use(nonce: string, expiresAt: Date, now: Date): Promise<boolean>
  /** Stops background work and waits for recordings in flight (called when the app closes). */
  close?(): Promise<void>
}
