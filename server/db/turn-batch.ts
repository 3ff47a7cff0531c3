/**
 * Reads of single keys asked during one turn of the event loop, answered together by one statement.
 * On PostgreSQL every statement costs the server far more than the row it reads: for a status read,
 * about 30 µs executing against 80 µs of protocol, snapshot and implicit transaction around it
 * (bench:api --pg-statements). Under load many status reads arrive in the same turn; one statement
 * for all of them pays that cost once. A lone read waits only for the end of its turn (setImmediate),
 * as it would have waited for the pool anyway.
 *
 * A failed statement fails every read of its batch (each caller answers its own error); nothing is
 * cached between turns, so a read always sees what was committed before its statement ran.
 */
export class TurnBatch<K, R> {
  private pending: { key: K; resolve: (r: R | undefined) => void; reject: (err: unknown) => void }[] = []
  private scheduled = false

  /**
   * @param run reads the rows of these distinct keys, answered by key id (keyId of the key)
   * @param keyId one string per distinct key
   * @param max the most keys one statement reads; a larger batch runs as several
   */
  constructor(
    private readonly run: (keys: K[]) => Promise<Map<string, R>>,
    private readonly keyId: (key: K) => string,
    private readonly max = 200,
  ) {}

  get(key: K): Promise<R | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({ key, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush(): void {
    this.scheduled = false
    const waiting = this.pending
    this.pending = []
    for (let i = 0; i < waiting.length; i += this.max) void this.answer(waiting.slice(i, i + this.max))
  }

  private async answer(waiting: typeof this.pending): Promise<void> {
    const keys = new Map<string, K>()
    for (const w of waiting) keys.set(this.keyId(w.key), w.key)
    try {
      const rows = await this.run([...keys.values()])
      for (const w of waiting) w.resolve(rows.get(this.keyId(w.key)))
    } catch (err) {
      for (const w of waiting) w.reject(err)
    }
  }
}
