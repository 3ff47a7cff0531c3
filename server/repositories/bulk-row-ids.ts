/**
 * Ids for rows an INSERT … SELECT writes in bulk (the reminder outbox): the statement's own
 * time-ordered prefix — the first 24 hex digits of a newSortableId: its millisecond, counter and 30
 * random bits — followed by the row's number in the statement as 8 hex digits. 32 hex digits, the
 * shape of the random ids they replace.
 *
 * Why not a random id per row (`gen_random_uuid()` / `randomblob(16)`): each row then went to a random
 * page of the primary key's index, and the database drew strong random bytes for every row the select
 * produced — also for the rows ON CONFLICT DO NOTHING then skips, which on a repeated sweep is all of
 * them (reminder sweep at 1 M persons on PostgreSQL: about a tenth of its time; docs/bench-reminders.md).
 * Ids made here follow each other in insertion order, so a sweep's rows append to the end of that
 * index. They are never shown outside the backend (a sender acknowledges rows by id AND its claim
 * token). Two statements never share a prefix in one process (newSortableId increases); across
 * instances they differ unless the millisecond, the 12-bit counter and 30 random bits all coincide.
 */
import { sql, type RawBuilder } from 'kysely'
import { newSortableId } from '../db/ids'
import type { Dialect } from '../db/schema'

export function bulkRowIds(dialect: Dialect): RawBuilder<string> {
  const prefix = newSortableId().replace(/-/g, '').slice(0, 24)
  return dialect === 'postgres'
    ? sql<string>`${prefix} || lpad(to_hex(row_number() over ()), 8, '0')`
    : sql<string>`${prefix} || printf('%08x', row_number() over ())`
}
