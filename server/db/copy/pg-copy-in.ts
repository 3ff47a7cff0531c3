/**
 * COPY … FROM STDIN over node-postgres without another dependency: pg hands any object with a
 * submit() method the protocol messages of its query (the same hook pg-copy-streams uses). One
 * instance sends one prepared payload, so the caller bounds memory by the size of its batches and
 * gets backpressure by awaiting them.
 */
import type pg from 'pg'

interface CopyConnection {
  query(text: string): void
  sendCopyFromChunk(chunk: Buffer): void
  endCopyFrom(): void
}

/** Large enough to keep the socket busy, small enough not to build one huge protocol message. */
const CHUNK_BYTES = 1 << 20

class CopyIn {
  callback?: (err: Error | null) => void
  private settled = false

  constructor(
    readonly text: string,
    private readonly payload: Buffer,
    private readonly done: (err: Error | null) => void,
  ) {}

  submit(connection: CopyConnection): void {
    connection.query(this.text)
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (let at = 0; at < this.payload.length; at += CHUNK_BYTES) connection.sendCopyFromChunk(this.payload.subarray(at, at + CHUNK_BYTES))
    connection.endCopyFrom()
  }

  handleCopyData(): void {}
  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}

  handleReadyForQuery(): void {
    this.finish(null)
  }

  handleError(err: Error): void {
    this.finish(err)
  }

  private finish(err: Error | null): void {
    if (this.settled) return
    this.settled = true
    this.done(err)
  }
}

/** Runs `copy <table> (…) from stdin` with `payload` (COPY text format, complete lines). */
export function copyIn(client: pg.ClientBase, text: string, payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const q = new CopyIn(text, payload, (err) => (err ? reject(err) : resolve()))
    // pg accepts a submittable in place of a query config; its typings only know Query objects.
    ;(client as unknown as { query(q: unknown): unknown }).query(q)
  })
}
