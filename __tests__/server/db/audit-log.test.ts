import { sql } from 'kysely'
import { migrateToLatest } from '../../../server/db/migrate'
import { appendAudit, appendReadAudit, AuditBuffer } from '../../../server/repositories/audit'
import { DIALECTS, migratedStoreFor } from '../../support/db'

/**
 * The message of a rejected database call. better-sqlite3 creates its errors in the realm that first
 * loaded the native addon, so in later jest test files they fail `instanceof Error` and
 * `rejects.toThrow()` cannot see them: check the message instead.
 */
async function dbError(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    return String((err as { message?: unknown })?.message ?? err)
  }
  return 'did not fail'
}

describe.each(DIALECTS)('schema on %s', (dialect) => {
  const t = migratedStoreFor(dialect)

  it('migrates idempotently', async () => {
    expect(await migrateToLatest(t.store)).toEqual([])
  })

  it('refuses UPDATE and DELETE on audit_log (append-only)', async () => {
    const db = t.store.db
    await appendAudit(db, { at: '2026-11-27T02:00:00.000Z', actorType: 'system', actorRef: 'test', action: 'test.entry', detail: { n: 1 } })
    expect(await dbError(db.updateTable('audit_log').set({ action: 'changed' }).execute())).toMatch(/append-only/)
    expect(await dbError(db.deleteFrom('audit_log').execute())).toMatch(/append-only/)
    expect(await dbError(sql`delete from audit_log`.execute(db))).toMatch(/append-only/)
    if (dialect === 'postgres') expect(await dbError(sql`truncate audit_log`.execute(db))).toMatch(/append-only/)
    const rows = await db.selectFrom('audit_log').selectAll().execute()
    expect(rows).toHaveLength(1)
    expect(rows[0].action).toBe('test.entry')
  })

  it('refuses UPDATE and DELETE on read_audit_log too (append-only)', async () => {
    const db = t.store.db
    await appendReadAudit({ db }, { at: '2026-11-27T02:00:00.000Z', actorType: 'account', actorRef: 'acc-1', action: 'test.read', detail: {} })
    expect(await dbError(db.updateTable('read_audit_log').set({ action: 'changed' }).execute())).toMatch(/append-only/)
    expect(await dbError(db.deleteFrom('read_audit_log').execute())).toMatch(/append-only/)
    expect(await dbError(sql`delete from read_audit_log`.execute(db))).toMatch(/append-only/)
    if (dialect === 'postgres') expect(await dbError(sql`truncate read_audit_log`.execute(db))).toMatch(/append-only/)
    const rows = await db.selectFrom('read_audit_log').selectAll().where('action', '=', 'test.read').execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ actor_type: 'account', actor_ref: 'acc-1', subject_person_id: null, detail: '{}' })
  })

  it('gives audit rows time-ordered ids, written one by one or in a batch (new rows go to the end of the id index)', async () => {
    const db = t.store.db
    const buffer = new AuditBuffer(db)
    for (let i = 0; i < 5; i++) await appendAudit(db, { at: '2026-11-27T02:00:00.000Z', actorType: 'system', actorRef: 'order-test', action: `single.${i}`, detail: {} })
    for (let i = 0; i < 5; i++) await appendReadAudit({ db }, { at: '2026-11-27T02:00:00.000Z', actorType: 'system', actorRef: 'order-test', action: `read.${i}`, detail: {} })
    for (let i = 0; i < 5; i++) buffer.append({ at: '2026-11-27T02:00:00.000Z', actorType: 'system', actorRef: 'order-test', action: `batched.${i}`, detail: {} })
    await buffer.close()
    const byId = async (table: 'audit_log' | 'read_audit_log') => {
      const rows = await db.selectFrom(table).select(['id', 'action']).where('actor_ref', '=', 'order-test').execute()
      return [...rows].sort((a, b) => (a.id < b.id ? -1 : 1)).map((r) => r.action)
    }
    expect(await byId('audit_log')).toEqual([0, 1, 2, 3, 4].map((i) => `single.${i}`))
    expect(await byId('read_audit_log')).toEqual([...[0, 1, 2, 3, 4].map((i) => `read.${i}`), ...[0, 1, 2, 3, 4].map((i) => `batched.${i}`)])
  })

  it('indexes read_audit_log by its time-ordered key alone (reads append to one index; audit_log keeps its lookups)', async () => {
    const db = t.store.db
    const indexed = async (table: string): Promise<string[][]> => {
      if (dialect === 'sqlite') {
        const list = await sql<{ name: string }>`select name from pragma_index_list(${table})`.execute(db)
        const out: string[][] = []
        for (const { name } of list.rows) out.push((await sql<{ name: string }>`select name from pragma_index_info(${name}) order by seqno`.execute(db)).rows.map((r) => r.name))
        return out.sort()
      }
      const r = await sql<{ cols: string }>`
        select string_agg(a.attname, ',' order by k.n) as cols
        from pg_index i cross join lateral unnest(i.indkey) with ordinality k(attnum, n)
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = ${table}::regclass group by i.indexrelid`.execute(db)
      return r.rows.map((row) => row.cols.split(',')).sort()
    }
    expect(await indexed('read_audit_log')).toEqual([['id']])
    expect(await indexed('audit_log')).toEqual([['actor_ref', 'action', 'at'], ['id'], ['subject_person_id', 'at']])
  })

  it('allows at most one active self-binding per person and per account', async () => {
    const db = t.store.db
    const now = '2026-11-27T02:00:00.000Z'
    const person = (id: string) => ({
      id, person_no: id, pii_enc: 'x', name_masked: 'x', id_number_hash: `h-${id}`, id_number_masked: 'x',
      insurance_type: 'enterprise' as const, employer: '', benefit_status: 'normal' as const, suspended_since: null, last_certified_on: null, region_code: '110101',
      enrolled_on: '2026-11-27', key_version: 'v1', created_at: now, updated_at: now,
    })
    await db.insertInto('persons').values([person('p1'), person('p2')]).execute()
    await db.insertInto('accounts').values([{ id: 'a1', platform: 'local', openid: 'o1xxxx', created_at: now, last_seen_at: now }, { id: 'a2', platform: 'local', openid: 'o2xxxx', created_at: now, last_seen_at: now }]).execute()
    const b = (id: string, account: string, p: string, unbound: string | null = null) => ({ id, account_id: account, person_id: p, relation: 'self' as const, method: 'manual' as const, bound_at: now, unbound_at: unbound, created_at: now })
    await db.insertInto('bindings').values(b('b1', 'a1', 'p1')).execute()
    expect(await dbError(db.insertInto('bindings').values(b('b2', 'a2', 'p1')).execute())).toMatch(/unique|duplicate/i)
    expect(await dbError(db.insertInto('bindings').values(b('b3', 'a1', 'p2')).execute())).toMatch(/unique|duplicate/i)
    // unbound history does not count
    await db.insertInto('bindings').values(b('b4', 'a2', 'p1', now)).execute()
    await db.updateTable('bindings').set({ unbound_at: now }).where('id', '=', 'b1').execute()
    await db.insertInto('bindings').values(b('b5', 'a2', 'p1')).execute()
  })
})
