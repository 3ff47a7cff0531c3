/** The persons bulk writer's contract, the same on every store (index.ts picks the implementation). */

export interface PersonBulkOptions {
  /** The persons columns each new person gives, in the order insert() takes its values. */
  columns: readonly string[]
  /** Columns with the same value for every new person of this batch (e.g. created_at). */
  constants: Readonly<Record<string, string>>
  /** The persons columns update() sets; a column left out keeps its stored value. */
  updatedColumns: readonly string[]
  /**
   * The caller saw persons empty before its transaction began (personsLookEmpty) and touches no persons
   * row before opening the writer: on PostgreSQL the writer may then build the secondary indexes after
   * the load (pg-deferred-indexes.ts; checked again under a lock).
   */
  intoEmptyTable?: boolean
}

/**
 * Writes many persons inside ONE open transaction. insert() may return a promise only when the
 * writer wants the caller to wait (a buffer is full); the values array may be reused afterwards.
 * Nothing is guaranteed written before finish(); after a failure, abort() before rolling back.
 */
export interface PersonBulkWriter {
  insert(values: ArrayLike<string | null>): void | Promise<void>
  /**
   * Only on a writer whose store has an encoding (personBulkEncoding): a new person whose first
   * `head.length` columns are given as values and the rest already encoded, as UTF-8 bytes
   * `bytes[start, end)` (copy-text.ts CopyRows, filled by a worker thread). The bytes are copied.
   */
  insertEncoded?(head: ArrayLike<string>, bytes: Uint8Array, start: number, end: number): void | Promise<void>
  update(id: string, fields: Record<string, string | null | undefined>): Promise<void>
  finish(): Promise<void>
  abort(): Promise<void>
}

/** The updatedColumns of `fields` (a missing one set to NULL, as COPY into the staging table does). */
export function pickUpdated(updatedColumns: readonly string[], fields: Record<string, string | null | undefined>): Record<string, string | null> {
  const picked: Record<string, string | null> = {}
  for (const c of updatedColumns) picked[c] = fields[c] ?? null
  return picked
}
