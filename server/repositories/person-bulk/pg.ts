/**
 * The persons bulk writer on PostgreSQL, through COPY on the import transaction's own connection.
 *
 * New persons are copied straight into persons: the import has already decided, inside the same
 * transaction, which rows are new (the roster as it stood, duplicates in the file, ID numbers held
 * under another 个人编号), so the rows and the outcome are the same as the row-by-row INSERTs'.
 * A clash with a person added concurrently by someone else fails the COPY and rolls the import back,
 * as an INSERT would.
 *
 * Changed persons are copied into a temporary table and applied with ONE UPDATE … FROM at the end,
 * instead of one UPDATE statement (and round trip) per row.
 *
 * Only one COPY can be open on a connection: the writer switches between the two as rows come.
 *
 * A first load into an empty table (PersonBulkOptions.intoEmptyTable) copies into persons with only
 * its primary key live and builds the other indexes at finish() (pg-deferred-indexes.ts).
 */
import type pg from 'pg'
import { CopyWriter, copyLine } from './pg-copy'
import { rebuildDeferredIndexes, type DeferredIndexes } from './pg-deferred-indexes'
import type { PersonBulkOptions, PersonBulkWriter } from './types'

const STAGE = 'roster_import_updates'
/** Changed rows held in memory before they are copied to the staging table. */
const STAGE_ROWS = 1000

const ident = (c: string) => `"${c}"`

export class PgPersonBulkWriter implements PersonBulkWriter {
  private persons: CopyWriter | undefined
  private staged = false
  private updates: string[] = []
  /** Appended to every new person's line: the columns that are the same for the whole import. */
  private readonly constantsText: string
  /** The same with the tab before it, encoded (insertEncoded). */
  private readonly constantsSuffix: Buffer
  private readonly updatedColumns: readonly string[]

  constructor(
    private readonly client: pg.ClientBase,
    private readonly options: PersonBulkOptions,
    /** Secondary indexes dropped for a first load into an empty table: rebuilt by finish(). */
    private deferred?: DeferredIndexes,
  ) {
    this.constantsText = copyLine(Object.values(options.constants))
    this.constantsSuffix = Buffer.from('\t' + this.constantsText, 'utf8')
    this.updatedColumns = options.updatedColumns
  }

  private open(): CopyWriter {
    if (!this.persons) {
      const columns = [...this.options.columns, ...Object.keys(this.options.constants)].map(ident).join(', ')
      this.persons = new CopyWriter(this.client, `copy persons (${columns}) from stdin`)
    }
    return this.persons
  }

  insert(person: ArrayLike<string | null>): void | Promise<void> {
    const line = copyLine(person)
    return this.open().write(line.slice(0, -1) + '\t' + this.constantsText)
  }

  insertEncoded(head: ArrayLike<string>, bytes: Uint8Array, start: number, end: number): void | Promise<void> {
    return this.open().writeEncoded(head, bytes, start, end, this.constantsSuffix)
  }

  async update(id: string, fields: Record<string, string | null | undefined>): Promise<void> {
    this.updates.push(copyLine([id, ...this.updatedColumns.map((c) => fields[c] ?? null)]))
    if (this.updates.length >= STAGE_ROWS) await this.stageUpdates()
  }

  private async endPersons(): Promise<void> {
    const open = this.persons
    this.persons = undefined
    if (open) await open.end()
  }

  private async stageUpdates(): Promise<void> {
    if (this.updates.length === 0) return
    await this.endPersons()
    if (!this.staged) {
      await this.client.query(`create temp table ${STAGE} (id text not null, ${this.updatedColumns.map((c) => `${ident(c)} text`).join(', ')}) on commit drop`)
      this.staged = true
    }
    const copy = new CopyWriter(this.client, `copy ${STAGE} (id, ${this.updatedColumns.map(ident).join(', ')}) from stdin`)
    for (const line of this.updates.splice(0)) await copy.write(line)
    await copy.end()
  }

  async abort(): Promise<void> {
    const open = this.persons
    this.persons = undefined
    await open?.abort()
  }

  async finish(): Promise<void> {
    await this.endPersons()
    await this.stageUpdates()
    if (this.deferred) await rebuildDeferredIndexes(this.client, this.deferred)
    this.deferred = undefined
    if (!this.staged) return
    const set = this.updatedColumns.map((c) => `${ident(c)} = s.${ident(c)}`).join(', ')
    await this.client.query(`update persons p set ${set} from ${STAGE} s where p.id = s.id`)
    await this.client.query(`drop table ${STAGE}`)
    this.staged = false
  }
}
