/**
 * On PostgreSQL the hot reads compiled once run as named prepared statements, outside a transaction
 * and inside one: they answer what Kysely answers, each SQL text under its own name, other statements
 * stay unnamed, and a read whose `select *` changed shape under it (a column added by another
 * instance's migration) is prepared again instead of failing.
 */
import { sql, type Kysely } from 'kysely'
import { openStore } from '../../../server/db/connect'
import { preparedName, preparedReadsOf } from '../../../server/db/pg-prepared-reads'
import { compiledOnce, executeFixed } from '../../../server/repositories/compiled'
import type { Db } from '../../../server/repositories/types'
import { createTestStore, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'

describe('prepared hot reads on PostgreSQL', () => {
  let t: TestStore
  let other: TestStore
  beforeAll(async () => {
    t = await createTestStore('postgres')
    other = await createTestStore('sqlite')
    await sql`create table scratch (id text primary key, note text)`.execute(t.store.db)
    await sql`insert into scratch values ('a', 'first'), ('b', 'second')`.execute(t.store.db)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await t?.close()
    await other?.close()
  })

  // (the table is not in the store's schema type: the builders go through an instance typed for it)
  const scratch = (db: Db) => (db as unknown as Kysely<{ scratch: { id: string; note: string } }>).selectFrom('scratch')
  const scratchById = compiledOnce(1, (db, id: string) => scratch(db).selectAll().where('id', '=', id))

  it('is registered for the PostgreSQL store only, never for a transaction', async () => {
    expect(preparedReadsOf(t.store.db)).toBeDefined()
    expect(preparedReadsOf(other.store.db)).toBeUndefined()
    await t.store.db.transaction().execute(async (trx) => expect(preparedReadsOf(trx)).toBeUndefined())
    // DATABASE_PREPARED_STATEMENTS=false (a transaction-pooling PgBouncer): unnamed statements, as Kysely sends them.
    const unprepared = openStore({ databaseUrl: t.location, sqlitePath: '', poolSize: 1, preparedStatements: false })
    try {
      expect(preparedReadsOf(unprepared.db)).toBeUndefined()
      expect(await scratchById(unprepared.db, 'b')).toEqual([{ id: 'b', note: 'second' }])
    } finally {
      await unprepared.db.destroy()
    }
  })

  it('answers what the unnamed statement answers, under a name of its own per text', async () => {
    expect(await scratchById(t.store.db, 'a')).toEqual([{ id: 'a', note: 'first' }])
    expect(await scratchById(t.store.db, 'b')).toEqual([{ id: 'b', note: 'second' }])
    expect(await scratchById(t.store.db, 'none')).toEqual([])
    expect(preparedName('select 1')).toBe(preparedName('select 1'))
    expect(preparedName('select 1')).not.toBe(preparedName('select 2'))
    expect(preparedName('select 1', 1)).not.toBe(preparedName('select 1'))
  })

  it('sends a read compiled with `prepared: false` unnamed, so it is planned on every run', async () => {
    const one = openStore({ databaseUrl: t.location, sqlitePath: '', poolSize: 1 })
    const named = compiledOnce(1, (db, id: string) => scratch(db).select('note').where('id', '=', id))
    const unnamed = compiledOnce(1, (db, id: string) => scratch(db).select(['id', 'note']).where('id', '=', id), { prepared: false })
    try {
      expect(await unnamed(one.db, 'b')).toEqual([{ id: 'b', note: 'second' }])
      expect(await named(one.db, 'b')).toEqual([{ note: 'second' }])
      // One pooled connection: every statement it prepared is in its pg_prepared_statements.
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(one.db)
      expect(rows.map((r) => r.statement)).toEqual([expect.stringMatching(/^select "note" from "scratch"/)])
    } finally {
      await one.db.destroy()
    }
  })

  it('names the hot reads inside a transaction too, on its connection, and nothing else', async () => {
    const one = openStore({ databaseUrl: t.location, sqlitePath: '', poolSize: 1 })
    const byNote = compiledOnce(1, (db, note: string) => scratch(db).select('id').where('note', '=', note))
    try {
      const prepared = await one.db.transaction().execute(async (trx) => {
        expect(await byNote(trx, 'second')).toEqual([{ id: 'b' }])
        // an ordinary Kysely statement in the same transaction (a text no compiledOnce read has)
        expect(await scratch(trx).select(sql<string>`upper(note)`.as('loud')).where('id', '=', 'a').execute()).toEqual([{ loud: 'FIRST' }])
        return (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(trx)).rows
      })
      expect(prepared).toEqual([{ name: expect.stringMatching(/^hot_[0-9a-f]{24}_0$/), statement: expect.stringMatching(/^select "id" from "scratch" where "note" = \$1$/) }])
      // outside the transaction the same text runs on the same connection under the same name
      expect(await byNote(one.db, 'first')).toEqual([{ id: 'a' }])
      const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(one.db)
      expect(rows).toEqual([{ name: prepared[0].name }])
    } finally {
      await one.db.destroy()
    }
  })

  it('runs a fixed write as a named statement, inside a transaction and outside, and reports the rows it changed', async () => {
    const one = openStore({ databaseUrl: t.location, sqlitePath: '', poolSize: 1 })
    const db = one.db as unknown as Kysely<{ scratch: { id: string; note: string } }>
    const setNote = (d: typeof db, id: string, note: string) => d.updateTable('scratch').set({ note }).where('id', '=', id)
    try {
      await sql`insert into scratch (id, note) values ('w', 'before')`.execute(one.db)
      const inTrx = await one.db.transaction().execute(async (trx) => {
        const changed = await executeFixed(trx, setNote(trx as unknown as typeof db, 'w', 'during'))
        const unchanged = await executeFixed(trx, setNote(trx as unknown as typeof db, 'nobody', 'during'))
        return { changed: changed.numAffectedRows, unchanged: unchanged.numAffectedRows }
      })
      expect(inTrx).toEqual({ changed: BigInt(1), unchanged: BigInt(0) })
      expect((await executeFixed(one.db, setNote(db, 'w', 'after'))).numAffectedRows).toBe(BigInt(1))
      expect((await sql<{ note: string }>`select note from scratch where id = 'w'`.execute(one.db)).rows).toEqual([{ note: 'after' }])
      const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(one.db)
      expect(rows).toEqual([{ name: expect.stringMatching(/^hot_[0-9a-f]{24}_0$/), statement: expect.stringMatching(/^update "scratch" set "note" = \$1 where "id" = \$2$/) }])
      // DATABASE_PREPARED_STATEMENTS=false: the same write, unnamed
      const unprepared = openStore({ databaseUrl: t.location, sqlitePath: '', poolSize: 1, preparedStatements: false })
      try {
        const plain = unprepared.db as unknown as typeof db
        expect((await executeFixed(unprepared.db, setNote(plain, 'w', 'unnamed'))).numAffectedRows).toBe(BigInt(1))
        expect((await sql`select name from pg_prepared_statements`.execute(unprepared.db)).rows).toEqual([])
      } finally {
        await unprepared.db.destroy()
      }
    } finally {
      await sql`delete from scratch where id = 'w'`.execute(t.store.db)
      await one.db.destroy()
    }
  })

  it('runs a fixed write on SQLite as Kysely would', async () => {
    await sql`create table scratch (id text primary key, note text)`.execute(other.store.db)
    await sql`insert into scratch values ('a', 'first')`.execute(other.store.db)
    const db = other.store.db as unknown as Kysely<{ scratch: { id: string; note: string } }>
    expect((await executeFixed(other.store.db, db.updateTable('scratch').set({ note: 'changed' }).where('id', '=', 'a'))).numAffectedRows).toBe(BigInt(1))
    expect((await sql<{ note: string }>`select note from scratch`.execute(other.store.db)).rows).toEqual([{ note: 'changed' }])
  })

  // (this one also shows the reads are prepared: without the retry it fails with PostgreSQL's
  // "cached plan must not change result type", which an unnamed statement never meets)
  it('prepares the read again when a column is added under it', async () => {
    // Run it on every pooled connection first, so each holds the prepared statement.
    await Promise.all(Array.from({ length: 10 }, () => scratchById(t.store.db, 'a')))
    await sql`alter table scratch add column added text default 'new'`.execute(t.store.db)
    for (let i = 0; i < 10; i++) expect(await scratchById(t.store.db, 'a')).toEqual([{ id: 'a', note: 'first', added: 'new' }])
  })

  it('inside a transaction a stale plan ends that transaction, and the next one prepares the read afresh', async () => {
    const one = openStore({ databaseUrl: t.location, sqlitePath: '', poolSize: 1 })
    const all = compiledOnce(1, (db, id: string) => scratch(db).selectAll().where('id', '>=', id).orderBy('id'))
    try {
      expect(await one.db.transaction().execute((trx) => all(trx, 'b'))).toEqual([expect.objectContaining({ id: 'b', note: 'second' })])
      await sql`alter table scratch add column later text default 'x'`.execute(t.store.db)
      // the transaction cannot retry (the error has ended it): the caller sees it once...
      await expect(one.db.transaction().execute((trx) => all(trx, 'b'))).rejects.toThrow(/cached plan must not change result type/)
      // ...and its retry runs under a new name
      expect(await one.db.transaction().execute((trx) => all(trx, 'b'))).toEqual([expect.objectContaining({ id: 'b', later: 'x' })])
    } finally {
      await one.db.destroy()
    }
  })
})
