/**
 * bulkRowIds: ids for rows an INSERT … SELECT writes in bulk — 32 hex digits, distinct within a
 * statement and across statements, and in insertion order (each statement's rows after the last
 * statement's), on both stores.
 */
import { sql } from 'kysely'
import { bulkRowIds } from '../../../server/repositories/bulk-row-ids'
import { DIALECTS, migratedStoreFor } from '../../support/db'

describe.each(DIALECTS)('bulkRowIds on %s', (dialect) => {
  const t = migratedStoreFor(dialect)

  it('numbers a statement’s rows after one time-ordered prefix: distinct, ordered, 32 hex digits', async () => {
    const db = t.store.db
    await sql`create table bulk_ids_test (id text primary key, n integer not null, batch integer not null)`.execute(db)
    const numbers = (from: number, to: number) => sql.raw(Array.from({ length: to - from }, (_, i) => `select ${from + i} as n`).join(' union all '))
    for (let batch = 0; batch < 3; batch++) {
      await sql`insert into bulk_ids_test (id, n, batch) select ${bulkRowIds(dialect)}, s.n, ${batch} from (${numbers(batch * 300, batch * 300 + 300)}) s where true`.execute(db)
    }
    const rows = (await sql<{ id: string; batch: number }>`select id, batch from bulk_ids_test`.execute(db)).rows
    expect(rows).toHaveLength(900)
    expect(new Set(rows.map((r) => r.id)).size).toBe(900)
    for (const r of rows) expect(r.id).toMatch(/^[0-9a-f]{32}$/)
    // Each statement has one prefix, and a later statement's prefix sorts after an earlier one's.
    const prefixes = [0, 1, 2].map((b) => new Set(rows.filter((r) => Number(r.batch) === b).map((r) => r.id.slice(0, 24))))
    expect(prefixes.map((p) => p.size)).toEqual([1, 1, 1])
    const [p0, p1, p2] = prefixes.map((p) => [...p][0])
    expect(p0 < p1 && p1 < p2).toBe(true)
    // Within a statement the row numbers run 1..300.
    const suffixes = rows.filter((r) => Number(r.batch) === 1).map((r) => parseInt(r.id.slice(24), 16)).sort((a, b) => a - b)
    expect(suffixes).toEqual(Array.from({ length: 300 }, (_, i) => i + 1))
  })
})
