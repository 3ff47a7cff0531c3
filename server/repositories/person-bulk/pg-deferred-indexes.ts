/**
 * A first load into an EMPTY persons table on PostgreSQL builds the secondary indexes after the rows
 * are in, as pg_restore does: a million rows copied into persons with its eight secondary indexes
 * live cost the server about 22 s of CPU (two of them are keyed by random blind indexes, so every row
 * lands on a random page of each), the same rows with only the primary key and then one sorted build
 * per index about 10 s (docs/bench-reminders.md, 2026-12-06).
 *
 * Everything happens inside the import's transaction: the indexes and unique constraints are dropped
 * and rebuilt from their own definitions as the catalog gives them (pg_get_indexdef /
 * pg_get_constraintdef: same names, same columns, same uniqueness), so a rollback — a refused import, a
 * failure — leaves them exactly as they were, and the unique constraints are checked over every row
 * again when they are rebuilt. The primary key stays (other tables' foreign keys rely on it; ids are
 * time-ordered, so its upkeep is cheap), and so does any index another table's foreign key uses or
 * that lives in a tablespace of its own (the definitions the catalog gives do not name it).
 *
 * The price: the table is locked (ACCESS EXCLUSIVE) until the import commits, so readers of persons
 * wait for a first load instead of seeing an empty roster. Taken only when the caller saw the table
 * empty before its transaction began (so the lock is this transaction's first on persons: no lock
 * upgrade, no deadlock between two first loads) and the table is still empty under the lock. Should
 * the connection's role not be allowed to drop the indexes (not the table's owner), the load keeps
 * them live, as before.
 */
import type pg from 'pg'

/** The secondary indexes of persons, as the catalog rebuilds them. */
export interface DeferredIndexes {
  /** Statements that rebuild what was dropped, in catalog order. */
  rebuild: string[]
}

interface IndexDef {
  index: string
  indexdef: string
  conname: string | null
  condef: string | null
}

const SAVEPOINT = 'roster_deferred_indexes'

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`

/**
 * Drops the secondary indexes of an empty persons table inside the open transaction of `client`;
 * undefined (nothing dropped, nothing locked beyond what was asked) when the table has rows or the role
 * may not. Must run before anything else in the transaction touches persons.
 */
export async function deferIndexesOfEmptyPersons(client: pg.ClientBase): Promise<DeferredIndexes | undefined> {
  await client.query(`savepoint ${SAVEPOINT}`)
  try {
    await client.query('lock table persons in access exclusive mode')
    const rows = (await client.query<{ present: boolean }>('select exists (select 1 from persons) as present')).rows
    if (rows[0]?.present) {
      await client.query(`release savepoint ${SAVEPOINT}`)
      return undefined
    }
    const defs = (
      await client.query<IndexDef>(
        `select i.indexrelid::regclass::text as index, pg_get_indexdef(i.indexrelid) as indexdef, c.conname, pg_get_constraintdef(c.oid) as condef
           from pg_index i
           join pg_class ic on ic.oid = i.indexrelid
           left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid
          where i.indrelid = 'persons'::regclass and not i.indisprimary and ic.reltablespace = 0
            and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = i.indexrelid)
          order by i.indexrelid`,
      )
    ).rows
    const rebuild: string[] = []
    for (const d of defs) {
      if (d.conname && d.condef) {
        await client.query(`alter table persons drop constraint ${ident(d.conname)}`)
        rebuild.push(`alter table persons add constraint ${ident(d.conname)} ${d.condef}`)
      } else {
        await client.query(`drop index ${d.index}`)
        rebuild.push(d.indexdef)
      }
    }
    await client.query(`release savepoint ${SAVEPOINT}`)
    return { rebuild }
  } catch {
    // Not the owner (or another reason the catalog refuses): load with the indexes live.
    await client.query(`rollback to savepoint ${SAVEPOINT}`)
    await client.query(`release savepoint ${SAVEPOINT}`)
    return undefined
  }
}

/** Builds the dropped indexes again over the loaded rows (a duplicate fails here, rolling the load back). */
export async function rebuildDeferredIndexes(client: pg.ClientBase, deferred: DeferredIndexes): Promise<void> {
  // The server's own maintenance_work_mem and parallel workers: 64 MB and 256 MB built a million rows'
  // indexes in the same time (2026-12-06), so the import leaves them as the operator set them.
  for (const statement of deferred.rebuild) await client.query(statement)
}
