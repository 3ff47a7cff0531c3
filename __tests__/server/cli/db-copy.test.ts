/**
 * npm run db:copy: a SQLite store the backend wrote (demo roster, bindings, certifications, audit
 * rows, awkward values) copied into PostgreSQL databases of the jest PostgreSQL server, through the
 * CLI's main() as a shell would run it.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { buildApp } from '../../../server/app'
import { main } from '../../../server/cli/db-copy'
import { openStore } from '../../../server/db/connect'
import { migrateTo, migrateToLatest } from '../../../server/db/migrate'
import { MIGRATIONS } from '../../../server/db/migrations'
import { canonicalRow, copyField } from '../../../server/db/copy/values'
import { createTestStore, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'
import { testConfig } from '../helpers/config'
import { DEMO } from '../helpers/demo'
import { newCaller, type Harness, TEST_PROTECTION } from '../helpers/harness'
import { signedHeaders } from '../helpers/signing'
import { certify, familyHarness, type Caller } from '../routes/relatives-support'

jest.setTimeout(120_000)

interface Run {
  code: number
  stdout: string
  stderr: string
}

async function run(args: string[]): Promise<Run> {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
  })
  return { code, stdout, stderr }
}

/** Every row of every table, values as plain JSON (float4 compared at its 7 significant digits), sorted. */
async function contents(client: { query(text: string): Promise<{ rows: Record<string, unknown>[] }> }, tables: readonly string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {}
  for (const t of tables) {
    const { rows } = await client.query(`select * from "${t}"`)
    out[t] = rows
      .map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, typeof r[k] === 'number' ? Number((r[k] as number).toPrecision(7)) : r[k]])))
      .sort()
  }
  return out
}

function sqliteClient(file: string) {
  const store = openStore({ sqlitePath: file })
  return {
    query: async (text: string) => ({ rows: (await sql.raw(text).execute(store.db)).rows as Record<string, unknown>[] }),
    close: () => store.db.destroy(),
  }
}

async function pgClient(url: string) {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  return c
}

async function sqliteTables(file: string): Promise<string[]> {
  const c = sqliteClient(file)
  try {
    const { rows } = await c.query(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'schema_migrations%' order by name`)
    return rows.map((r) => String(r.name))
  } finally {
    await c.close()
  }
}

async function rowCounts(url: string, tables: readonly string[]): Promise<Record<string, number>> {
  const c = await pgClient(url)
  try {
    const out: Record<string, number> = {}
    for (const t of tables) out[t] = Number((await c.query(`select count(*) as n from "${t}"`)).rows[0].n)
    return out
  } finally {
    await c.end()
  }
}

/** Every index and constraint with its definition: the copy drops some while a table fills and builds them again. */
async function schemaShape(url: string): Promise<string[]> {
  const c = await pgClient(url)
  try {
    const ix = await c.query(`select indexname || ' ' || indexdef as d from pg_indexes where schemaname = current_schema()`)
    const cons = await c.query(`select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) as d from pg_constraint where connamespace = current_schema()::regnamespace`)
    return [...ix.rows, ...cons.rows].map((r) => String(r.d)).sort()
  } finally {
    await c.end()
  }
}

describe('db:copy values', () => {
  it('escapes what COPY text format would read as structure, and writes NULL as \\N', () => {
    expect(copyField('a\tb\nc\\d\re', 'text')).toBe('a\\tb\\nc\\\\d\\re')
    expect(copyField('\\N', 'text')).toBe('\\\\N')
    expect(copyField(null, 'text')).toBe('\\N')
    expect(copyField(1, 'bool')).toBe('t')
    expect(copyField(Buffer.from([0xde, 0xad]), 'bytea')).toBe('\\\\xdead')
    expect(copyField(12n, 'int4')).toBe('12')
  })

  it('reads each side by the PostgreSQL type: equal stored values match, NULL is not empty text', () => {
    // SQLite returns a double and a BigInt; PostgreSQL prints float4 and int4 as text.
    expect(canonicalRow([0.8734567, 2026n, 'x'], ['float4', 'int4', 'text'])).toBe(canonicalRow(['0.8734567', '2026', 'x'], ['float4', 'int4', 'text']))
    expect(canonicalRow([null], ['text'])).not.toBe(canonicalRow([''], ['text']))
    expect(canonicalRow(['a', 'b;1:c'], ['text', 'text'])).not.toBe(canonicalRow(['a;1:b', 'c'], ['text', 'text']))
    expect(canonicalRow([0.5], ['float4'])).not.toBe(canonicalRow(['0.50001'], ['float4']))
  })
})

describe('db:copy from SQLite to PostgreSQL', () => {
  let h: Harness
  let file: string
  let tables: string[]
  const targets: TestStore[] = []
  const callers: Record<'li' | 'liu', Caller> = { li: newCaller('copy'), liu: newCaller('copy') }

  async function emptyTarget(): Promise<TestStore> {
    const t = await createTestStore('postgres')
    targets.push(t)
    return t
  }

  /** Indexes and constraints of a database the migrations alone built. */
  let fresh: string[] | undefined
  async function migratedShape(): Promise<string[]> {
    if (!fresh) {
      const t = await emptyTarget()
      await migrateToLatest(t.store)
      fresh = await schemaShape(t.location)
    }
    return fresh
  }

  beforeAll(async () => {
    ;({ h } = await familyHarness('sqlite'))
    file = h.test.location
    for (const key of ['li', 'liu'] as const) {
      const res = await h.post('/v1/bindings/manual', { caller: callers[key], ...DEMO[key] })
      if (res.statusCode !== 200) throw new Error(`bind ${key}: ${res.body}`)
      const { status, result } = await certify(h, callers[key], {})
      if (status !== 200) throw new Error(`certify ${key}: ${JSON.stringify(result)}`)
    }
    // A read, so read_audit_log has a row to copy (reads are audited in a batch just after the answer).
    expect((await h.post('/v1/status', { caller: callers.li })).statusCode).toBe(200)
    await h.app.services.readAudit?.flush()
    const db = h.test.store.db
    const personId = (await db.selectFrom('persons').select('id').where('person_no', '=', 'DEMO0002').executeTakeFirstOrThrow()).id
    const now = h.now.toISOString()
    // Values COPY's text format has to escape, a double that only fits PostgreSQL's real at 7 digits, NULLs.
    await db
      .insertInto('audit_log')
      .values({ id: randomUUID(), at: now, actor_type: 'system', actor_ref: 'copy-test', action: 'copy.test', subject_person_id: null, detail: JSON.stringify({ note: 'tab\there\nline\\back 认证 "q"' }) })
      .execute()
    await db
      .insertInto('face_references')
      .values({ id: randomUUID(), person_id: personId, embedding_enc: 'v1:AAAA', embedding_dims: 1024, model: 'test', face_score: 0.8734567891, source: 'cli', source_sha256: 'ab'.repeat(32), enrolled_by: 'test', key_version: 'v1', enrolled_at: now, updated_at: now })
      .execute()
    await db.insertInto('notice_codes').values({ code: 'N0001', person_id: personId, cycle: 2026, region_code: '430102', created_at: now }).execute()
    tables = await sqliteTables(file)
  }, STORE_SETUP_TIMEOUT_MS)

  afterAll(async () => {
    for (const t of targets) await t.close()
    await h?.close()
  })

  it('copies every table into an empty database, verifies it, and the backend reads the copy', async () => {
    const target = await emptyTarget()
    const res = await run(['--from', file, '--to', target.location])
    expect({ code: res.code, stderr: res.code === 0 ? '' : res.stderr }).toEqual({ code: 0, stderr: '' })
    expect(res.stdout).toContain('复制完成，已核对')
    expect(res.stderr).toContain('复制 persons：7 / 7 行')
    // The target is named by host, port and database only, never with the user or password of the URL.
    const u = new URL(target.location)
    expect(res.stderr).toContain(`到 ${u.hostname}:${u.port}${u.pathname} …`)
    expect(res.stderr + res.stdout).not.toContain(target.location)

    const counts = await rowCounts(target.location, tables)
    for (const t of ['persons', 'accounts', 'bindings', 'certification_records', 'certification_sessions', 'audit_log', 'read_audit_log', 'face_references', 'notice_codes']) {
      expect([t, counts[t] > 0]).toEqual([t, true])
    }
    const src = sqliteClient(file)
    const dst = await pgClient(target.location)
    try {
      expect(await contents(dst, tables)).toEqual(await contents(src, tables))
    } finally {
      await src.close()
      await dst.end()
    }
    expect(await schemaShape(target.location)).toEqual(await migratedShape())
    // Migrated like the backend would have done it: the same migrations recorded.
    const m = await pgClient(target.location)
    try {
      expect((await m.query('select name from schema_migrations order by name')).rows.map((r) => r.name)).toEqual(MIGRATIONS.map(([n]) => n))
    } finally {
      await m.end()
    }

    // --verify compares again (before the backend below writes to the copy); a row changed afterwards is named.
    expect((await run(['--verify', '--from', file, '--to', target.location])).code).toBe(0)
    const c = await pgClient(target.location)
    try {
      await c.query(`update accounts set last_seen_at = '2030-01-01T00:00:00.000Z' where id = (select min(id) from accounts)`)
    } finally {
      await c.end()
    }
    const changed = await run(['--verify', '--from', file, '--to', target.location])
    expect(changed.code).toBe(4)
    expect(changed.stderr).toContain('[DB_COPY_VERIFY_FAILED]')
    expect(changed.stderr).toContain('accounts（行数相同，内容校验和不同）')

    // The same keys open the copied ciphertexts: 李建国, certified before the copy, is certified on PostgreSQL.
    const app = await buildApp({ protection: TEST_PROTECTION, config: testConfig({ demoSeed: false }), store: target.store, clock: () => h.now, logger: false })
    try {
      const payload = JSON.stringify({ caller: callers.li })
      const status = await app.inject({ method: 'POST', url: '/v1/status', payload, headers: { 'content-type': 'application/json', ...signedHeaders('POST', '/v1/status', payload, { timestamp: h.now.getTime() }) } })
      expect(status.statusCode).toBe(200)
      expect(status.json()).toMatchObject({ bound: true, status: 'certified' })
    } finally {
      await app.close()
    }
  })

  it('refuses a target that holds data, and leaves it as it was', async () => {
    const target = await emptyTarget()
    expect((await run(['--from', file, '--to', target.location])).code).toBe(0)
    const before = await rowCounts(target.location, tables)
    const again = await run(['--from', file, '--to', target.location])
    expect(again.code).toBe(3)
    expect(again.stderr).toContain('[DB_COPY_TARGET_NOT_EMPTY] 目标数据库不是空的')
    expect(await rowCounts(target.location, tables)).toEqual(before)

    // Some other application's table with one row: refused before any migration touches the database.
    const other = await emptyTarget()
    const c = await pgClient(other.location)
    try {
      await c.query(`create table invoices (id int primary key); insert into invoices values (1)`)
      const res = await run(['--from', file, '--to', other.location])
      expect(res.code).toBe(3)
      expect(res.stderr).toContain('表 invoices 里已经有数据')
      expect((await c.query(`select to_regclass('schema_migrations') is null as none`)).rows[0].none).toBe(true)
    } finally {
      await c.end()
    }
  })

  it('a copy that fails half-way leaves an empty, migrated target the same command then fills', async () => {
    const target = await emptyTarget()
    // PostgreSQL text cannot hold U+0000; SQLite can. The row sits in bindings, copied after the roster,
    // while the indexes of bindings are dropped for the fill.
    const id = randomUUID()
    const db = h.test.store.db
    const account = (await db.selectFrom('accounts').select('id').executeTakeFirstOrThrow()).id
    const person = (await db.selectFrom('persons').select('id').where('person_no', '=', 'DEMO0007').executeTakeFirstOrThrow()).id
    const at = h.now.toISOString()
    await db.insertInto('bindings').values({ id, account_id: account, person_id: person, relation: 'self', method: 'man\u0000ual' as 'manual', bound_at: at, unbound_at: at, created_at: at }).execute()
    try {
      const failed = await run(['--from', file, '--to', target.location])
      expect(failed.code).toBe(1)
      expect(failed.stderr).toContain('[DB_COPY_FAILED] 复制失败，目标数据库里没有留下任何复制的数据')
      // Rows had gone in before the bad one (the roster comes first): they were rolled back with it.
      expect(failed.stderr).toContain('复制 persons：7 / 7 行')
      const counts = await rowCounts(target.location, tables)
      expect(Object.values(counts).every((n) => n === 0)).toBe(true)
      // The indexes dropped for the fill came back with the rollback.
      expect(await schemaShape(target.location)).toEqual(await migratedShape())
    } finally {
      await db.deleteFrom('bindings').where('id', '=', id).execute()
    }
    const retry = await run(['--from', file, '--to', target.location])
    expect({ code: retry.code, stderr: retry.code === 0 ? '' : retry.stderr }).toEqual({ code: 0, stderr: '' })
    expect((await rowCounts(target.location, ['persons'])).persons).toBe(7)
  })

  it('copies a store from an older release as it is, then migrates PostgreSQL to this release', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yl-copy-old-'))
    const oldFile = join(dir, 'old.sqlite')
    const old = openStore({ sqlitePath: oldFile })
    try {
      await migrateTo(old, '006-roster-certified-on')
      const now = '2026-01-01T00:00:00.000Z'
      // Before migration 007 a person's three ciphertexts were separate columns.
      await sql`insert into persons (id, person_no, name_enc, name_masked, id_number_enc, id_number_hash, id_number_masked, card_number_enc, card_number_hash,
        insurance_type, employer, benefit_status, region_code, enrolled_on, key_version, created_at, updated_at)
        values ('p1', 'OLD1', 'v1:NAME', '王*', 'v1:ID', 'h1', '1101**********0127', 'v1:CARD', 'c1', 'enterprise', '', 'normal', '110101', '2010-01-01', 'v1', ${now}, ${now})`.execute(old.db)
    } finally {
      await old.db.destroy()
    }
    try {
      const target = await emptyTarget()
      const res = await run(['--from', oldFile, '--to', target.location])
      expect({ code: res.code, stderr: res.code === 0 ? '' : res.stderr }).toEqual({ code: 0, stderr: '' })
      expect(res.stdout).toContain('SQLite 文件来自旧版本')
      const c = await pgClient(target.location)
      try {
        expect((await c.query(`select pii_enc from persons where person_no = 'OLD1'`)).rows[0].pii_enc).toBe('fields:v1:NAME v1:ID v1:CARD')
      } finally {
        await c.end()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('answers bad input with a code and a plain message', async () => {
    const noTo = await run(['--from', file])
    expect(noTo.code).toBe(2)
    expect(noTo.stderr).toContain('[DB_COPY_USAGE] 缺少 --to')
    const missing = await run(['--from', join(tmpdir(), `none-${randomUUID()}.sqlite`), '--to', 'postgres://127.0.0.1:1/x'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('[DB_COPY_SOURCE_MISSING] 找不到 SQLite 数据库文件')
    const unknown = await run(['--to', 'postgres://127.0.0.1:1/x', '--force'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('不认识的参数：--force')
  })
})
