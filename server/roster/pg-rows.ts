/**
 * The roster import's writes on PostgreSQL, through COPY on the import transaction's own connection.
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
 */
import type pg from 'pg'
import { PERSON_COLUMNS, type NewRowConstants } from './batch-insert'
import { CopyWriter, copyLine } from './pg-copy'
import { PREPARED_PERSON_COLUMNS } from './prepare'

/** The columns a re-import sets on an existing person (import.ts personFields). */
export const UPDATED_COLUMNS = ['id_number_hash', 'key_version', 'updated_at', ...PREPARED_PERSON_COLUMNS] as const

const STAGE = 'roster_import_updates'
/** Changed rows held in memory before they are copied to the staging table. */
const STAGE_ROWS = 1000

const ident = (c: string) => `"${c}"`

export class PgRosterWriter {
  private persons: CopyWriter | undefined
  private staged = false
  private updates: string[] = []
  /** Appended to every new person's line: the columns that are the same for the whole import. */
  private readonly constantsText: string

  constructor(
    private readonly client: pg.ClientBase,
    constants: NewRowConstants,
  ) {
    this.constantsText = copyLine([constants.today, constants.keyVersion, constants.now, constants.now])
  }

  /** One new person: values in PERSON_COLUMNS order. */
  add(person: ArrayLike<string | null>): void | Promise<void> {
    if (!this.persons) {
      const columns = [...PERSON_COLUMNS, 'enrolled_on', 'key_version', 'created_at', 'updated_at'].map(ident).join(', ')
      this.persons = new CopyWriter(this.client, `copy persons (${columns}) from stdin`)
    }
    const line = copyLine(person)
    return this.persons.write(line.slice(0, -1) + '\t' + this.constantsText)
  }

  /** One changed person: its id and the UPDATED_COLUMNS values. */
  async update(id: string, fields: Record<string, string | null | undefined>): Promise<void> {
    this.updates.push(copyLine([id, ...UPDATED_COLUMNS.map((c) => fields[c] ?? null)]))
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
      await this.client.query(`create temp table ${STAGE} (id text not null, ${UPDATED_COLUMNS.map((c) => `${ident(c)} text`).join(', ')}) on commit drop`)
      this.staged = true
    }
    const copy = new CopyWriter(this.client, `copy ${STAGE} (id, ${UPDATED_COLUMNS.map(ident).join(', ')}) from stdin`)
    for (const line of this.updates.splice(0)) await copy.write(line)
    await copy.end()
  }

  /** Cancels an open COPY so the transaction can be rolled back (the import failed or was refused). */
  async abort(): Promise<void> {
    const open = this.persons
    this.persons = undefined
    await open?.abort()
  }

  /** Ends the open COPY and applies the staged changes. */
  async finish(): Promise<void> {
    await this.endPersons()
    await this.stageUpdates()
    if (!this.staged) return
    const set = UPDATED_COLUMNS.map((c) => `${ident(c)} = s.${ident(c)}`).join(', ')
    await this.client.query(`update persons p set ${set} from ${STAGE} s where p.id = s.id`)
    await this.client.query(`drop table ${STAGE}`)
    this.staged = false
  }
}
