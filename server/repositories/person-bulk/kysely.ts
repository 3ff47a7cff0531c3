/**
 * The persons bulk writer through the query builder, for a store without a faster path (another
 * SQLite driver, another PostgreSQL client): multi-row INSERTs, kept under both stores'
 * bound-parameter limits (SQLite 32 766, PostgreSQL 65 535).
 */
import type { Insertable } from 'kysely'
import type { PersonsTable } from '../../db/schema'
import { updatePerson } from '../persons'
import type { Db } from '../types'
import { pickUpdated, type PersonBulkOptions, type PersonBulkWriter } from './types'

const MAX_PARAMS = 30_000
const MAX_ROWS = 1000

export class KyselyPersonBulkWriter implements PersonBulkWriter {
  private readonly pending: Insertable<PersonsTable>[] = []

  constructor(
    private readonly trx: Db,
    private readonly options: PersonBulkOptions,
  ) {}

  private get rowsPerStatement(): number {
    const columns = this.options.columns.length + Object.keys(this.options.constants).length
    return Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / columns)))
  }

  insert(values: ArrayLike<string | null>): void | Promise<void> {
    const row: Record<string, string | null> = { ...this.options.constants }
    this.options.columns.forEach((c, i) => (row[c] = values[i]))
    this.pending.push(row as unknown as Insertable<PersonsTable>)
    if (this.pending.length >= this.rowsPerStatement) return this.flush()
  }

  private async flush(): Promise<void> {
    const rows = this.pending.splice(0)
    if (rows.length > 0) await this.trx.insertInto('persons').values(rows).execute()
  }

  async update(id: string, fields: Record<string, string | null | undefined>): Promise<void> {
    await updatePerson(this.trx, id, pickUpdated(this.options.updatedColumns, fields) as Parameters<typeof updatePerson>[2])
  }

  finish(): Promise<void> {
    return this.flush()
  }

  async abort(): Promise<void> {
    this.pending.length = 0
  }
}
