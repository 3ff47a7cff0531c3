import type { Kysely, Selectable } from 'kysely'
import type { Database, PersonsTable } from '../db/schema'

/** A connection or an open transaction: every repository function accepts either. */
export type Db = Kysely<Database>

export type PersonRow = Selectable<PersonsTable>
