/**
 * The reads every status request runs (and the binding lookups) find their rows through an index on
 * SQLite with a plan that does not depend on the values, and bind no value SQLite would re-plan for.
 *
 * SQLite re-compiles a prepared statement on every run whose bound values could change its plan: a
 * value compared with a column that a partial index's condition names (the indexes on bindings are
 * partial: relation = 'self' and unbound_at is null; certification_records has partial indexes on
 * result and decided_at), and a bound LIMIT. `relation = ?` with 'self' bound cost 40 µs a run against
 * 11 µs for the literal, a bound LIMIT 17 µs against 4 µs (better-sqlite3 on the bench's store), and
 * compiled without its values the account read scanned the whole bindings table. So each statement is
 * checked twice: its plan with no values bound (EXPLAIN QUERY PLAN) reads no table whole, and its text
 * binds nothing against such a column, nor a LIMIT.
 * (SQLite only: PostgreSQL plans each unnamed statement with its values, and on a test-sized table its
 * planner may choose a sequential scan whatever the query; the results on both stores are in
 * accounts.test.ts, records.test.ts and the route suites.)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely'
import { newId } from '../../../server/db/ids'
import { migrateToLatest } from '../../../server/db/migrate'
import type { Database } from '../../../server/db/schema'
import { accountWithSelfPerson, ensureAccount } from '../../../server/repositories/accounts'
import { activeSelfBindingOfAccount, activeSelfBindingOfPerson, insertSelfBinding } from '../../../server/repositories/bindings'
import { findPersonById, insertPerson } from '../../../server/repositories/persons'
import { insertRecord, latestPassOfPerson, latestRecordAndPassOfPerson } from '../../../server/repositories/records'
import { countFailedFaceRecordsSince, countOpenSessions } from '../../../server/repositories/sessions'
import { accountSelfStatus } from '../../../server/repositories/status-read'
import type { PersonRow } from '../../../server/repositories/types'

const NOW = '2026-11-27T02:00:00.000Z'

describe('hot reads on SQLite use indexes', () => {
  let dir: string
  let file: SQLite.Database
  let db: Kysely<Database>
  let sent: CompiledQuery[] = []
  const caller = { platform: 'local' as const, openid: 'local_plan_test' }
  let person: PersonRow
  let accountId: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yl-plans-'))
    file = new SQLite(join(dir, 'plans.sqlite'))
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }), log: (e) => void sent.push(e.query) })
    await migrateToLatest({ db, dialect: 'sqlite', describe: 'plans' })
    // A few persons, bindings and records, so there is something to scan.
    for (let i = 0; i < 20; i++) {
      const id = newId()
      await insertPerson(db, {
        id, person_no: `P${i}`, pii_enc: 'v1:x', name_masked: '王*英', id_number_hash: `hash-${i}`, id_number_masked: '1101**********0127', insurance_type: 'enterprise',
        employer: '示例单位', benefit_status: 'normal', suspended_since: null, last_certified_on: null, region_code: '110101', enrolled_on: '2020-01-01', key_version: 'v1', created_at: NOW, updated_at: NOW,
      })
      const account = await ensureAccount(db, { platform: 'local', openid: i === 0 ? caller.openid : `local_other_${i}` }, NOW)
      await insertSelfBinding(db, account, id, 'manual', NOW)
      await insertRecord(db, {
        id: newId(), person_id: id, certified_at: `2026-0${1 + (i % 9)}-01T03:00:00.000Z`, result: i % 2 ? 'passed' : 'failed', method: 'face', channel: 'weapp', performed_by: 'self',
        performer_account_id: null, created_at: NOW, performer_relation: null, via: null,
      })
    }
    file.exec('ANALYZE')
    const found = await accountWithSelfPerson(db, caller)
    accountId = found!.id
    person = found!.person!
  })
  afterAll(async () => {
    await db?.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  interface Checked {
    sql: string
    /** The plan's lines, compiled with no values bound. */
    plan: string[]
  }

  /** The plan of a statement with every parameter NULL: what it does when its values are not looked at. */
  const planWithoutValues = (sqlText: string, parameters: number) =>
    (file.prepare(`EXPLAIN QUERY PLAN ${sqlText}`).all(...Array.from({ length: parameters }, () => null)) as { detail: string }[]).map((r) => r.detail)

  /** Runs `read`; then each statement it sent with its plan compiled without values. */
  async function statementsOf(read: () => Promise<unknown>): Promise<Checked[]> {
    sent = []
    await read()
    expect(sent.length).toBeGreaterThan(0)
    return sent.map((q) => ({ sql: q.sql, plan: planWithoutValues(q.sql, q.parameters.length) }))
  }

  /** Columns named in the conditions of the store's partial indexes, by table. */
  function partialIndexColumns(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>()
    const rows = file.prepare(`select tbl_name, sql from sqlite_master where type = 'index' and sql like '% where %'`).all() as { tbl_name: string; sql: string }[]
    for (const { tbl_name, sql } of rows) {
      const where = sql.slice(sql.toLowerCase().lastIndexOf(' where ') + 7)
      const columns = (file.prepare(`select name from pragma_table_info(?)`).all(tbl_name) as { name: string }[]).map((c) => c.name).filter((c) => new RegExp(`\\b${c}\\b`).test(where))
      out.set(tbl_name, new Set([...(out.get(tbl_name) ?? []), ...columns]))
    }
    return out
  }

  /** What in one statement's text makes SQLite re-plan it on every run, if anything. */
  function replannedFor(sqlText: string): string[] {
    const found: string[] = []
    if (/\blimit \?/i.test(sqlText)) found.push('bound LIMIT')
    for (const [table, columns] of partialIndexColumns()) {
      if (!new RegExp(`"${table}"`).test(sqlText)) continue
      for (const c of columns) if (new RegExp(`"${c}" (=|<>|!=|in) \\(?\\?`, 'i').test(sqlText)) found.push(`${table}.${c} bound`)
    }
    return found
  }

  // "SCAN latest" / "SCAN pass" read a subquery's own rows; a SCAN of a stored table reads all of it.
  const tableScans = (statements: Checked[]) => statements.flatMap((s) => s.plan).filter((d) => /^SCAN (accounts|bindings|persons|certification_records)\b/.test(d))
  const replanned = (statements: Checked[]) => statements.flatMap((s) => replannedFor(s.sql))

  it('the checks find what they look for', () => {
    expect(replannedFor(`select * from "bindings" where "account_id" = ? and "relation" = ? and "unbound_at" is null`)).toEqual(['bindings.relation bound'])
    expect(replannedFor(`select * from "certification_records" where "person_id" = ? and "result" in (?, ?) limit ?`)).toEqual(['bound LIMIT', 'certification_records.result bound'])
    expect(replannedFor(`select * from "bindings" where "account_id" = ? and "relation" = 'self' and "unbound_at" is null limit 1`)).toEqual([])
    const plan = planWithoutValues(`select * from "bindings" where "account_id" = ? and "relation" = ? and "unbound_at" is null`, 2)
    expect(tableScans([{ sql: '', plan }])).toEqual(['SCAN bindings'])
  })

  it('the account with its bound 本人 (every status, records and start request)', async () => {
    const statements = await statementsOf(async () => expect((await accountWithSelfPerson(db, caller))?.person?.id).toBe(person.id))
    expect(tableScans(statements)).toEqual([])
    expect(replanned(statements)).toEqual([])
    expect(statements.flatMap((s) => s.plan)).toContainEqual(expect.stringMatching(/bindings USING INDEX bindings_active_self_account/))
  })

  it('the account, its 本人 and the latest records in one statement (every status read)', async () => {
    const statements = await statementsOf(async () => expect((await accountSelfStatus(db, caller))?.self?.records.latest).toBeDefined())
    expect(statements).toHaveLength(1)
    expect(tableScans(statements)).toEqual([])
    expect(replanned(statements)).toEqual([])
    const plan = statements[0].plan
    expect(plan).toContainEqual(expect.stringMatching(/bindings USING INDEX bindings_active_self_account/))
    expect(plan.filter((d) => /^SEARCH r USING INDEX certification_records_person/.test(d))).toHaveLength(2)
  })

  it('the latest record and the latest pass of the person (personStatusView: 家人, share cards, notices)', async () => {
    for (const read of [async () => expect((await latestRecordAndPassOfPerson(db, person)).latest).toBeDefined(), () => latestPassOfPerson(db, person.id)]) {
      const statements = await statementsOf(read)
      expect(tableScans(statements)).toEqual([])
      expect(replanned(statements)).toEqual([])
    }
  })

  it('the failed face tries of the person today (every completion)', async () => {
    const statements = await statementsOf(() => countFailedFaceRecordsSince(db, person.id, '2026-01-01T00:00:00.000Z'))
    expect(tableScans(statements)).toEqual([])
    expect(replanned(statements)).toEqual([])
  })

  it('the person by id and the open sessions of an account (every start and completion)', async () => {
    for (const read of [async () => expect((await findPersonById(db, person.id))?.id).toBe(person.id), async () => expect(await countOpenSessions(db, accountId, NOW)).toBe(0)]) {
      const statements = await statementsOf(read)
      const plan = statements.flatMap((s) => s.plan)
      expect(plan.filter((d) => /^SCAN (persons|certification_sessions)\b/.test(d))).toEqual([])
      expect(plan).toContainEqual(expect.stringMatching(/^SEARCH (persons|certification_sessions) USING/))
      expect(replanned(statements)).toEqual([])
    }
  })

  it('the active 本人 binding of an account and of a person', async () => {
    for (const read of [async () => expect((await activeSelfBindingOfAccount(db, accountId))?.person_id).toBe(person.id), async () => expect((await activeSelfBindingOfPerson(db, person.id))?.account_id).toBe(accountId)]) {
      const statements = await statementsOf(read)
      expect(tableScans(statements)).toEqual([])
      expect(replanned(statements)).toEqual([])
    }
  })
})
