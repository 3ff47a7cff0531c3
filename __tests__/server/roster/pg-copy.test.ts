/**
 * The PostgreSQL import writes through COPY (new persons straight into persons, changed persons via a
 * temporary table and one UPDATE … FROM). The same files imported in the same order must leave the
 * same roster and the same summaries as the SQLite path, and a refused import must roll back cleanly
 * even though a COPY was open when the refusal came.
 */
import { sql } from 'kysely'
import pg from 'pg'
import { checkCharFor } from '../../../src/core/id-number'
import { PiiCipher } from '../../../server/crypto/pii'
import { migrateToLatest } from '../../../server/db/migrate'
import { decodeRoster } from '../../../server/roster/decode'
import { importRoster, type ImportOptions, type ImportSummary } from '../../../server/roster/import'
import { parseRosterCsv } from '../../../server/roster/parse'
import { copyLine, rawPgClient } from '../../../server/repositories/person-bulk/pg-copy'
import { deferIndexesOfEmptyPersons } from '../../../server/repositories/person-bulk/pg-deferred-indexes'
import { openStore } from '../../../server/db/connect'
import { createTestStore, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'
import { TEST_KEY_V1 } from '../helpers/config'

// Imports of thousands of rows into both stores: 2–3 s each on an idle 2-core machine, more than
// jest's default 5 s when the machine is busy (a timeout, not a speed check).
jest.setTimeout(60_000)

const HEADER = '个人编号,姓名,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划'
const pii = new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' })
const opts = (extra: Partial<ImportOptions> = {}): ImportOptions => ({ pii, today: '2026-11-27', now: '2026-11-27T02:00:00.000Z', cyclePolicy: 'rolling12', actor: 'test', ...extra })

function idNumber(i: number): string {
  const first17 = `320102${1940 + (i % 20)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`
  return first17 + checkCharFor(first17)
}

const line = (i: number, over: { name?: string; status?: string; last?: string; employer?: string; no?: string; id?: string } = {}) =>
  `${over.no ?? `K${i}`},${over.name ?? '李秀英'},${over.id ?? idNumber(i)},C${String(i).padStart(9, '0')},${over.employer ?? `单位${i % 3}`},企业职工基本养老保险,${over.status ?? '正常'},${over.last ?? `2026-0${1 + (i % 9)}-15`},320102`

const rowsOf = (lines: string[]) => parseRosterCsv(decodeRoster(Buffer.from([HEADER, ...lines].join('\n'))).text).rows

/** 2 500 rows: enough for more than one staging batch of changed rows (1 000). */
const N = 2500
const first = Array.from({ length: N }, (_, i) => line(i))
/**
 * Re-import: 300 new rows first (a COPY into persons is open when the changes come), then every 2nd row
 * renamed and every 11th suspended (both: one update) — more changes than one staging batch — the rest
 * unchanged.
 */
const second = [
  ...Array.from({ length: 300 }, (_, i) => line(N + i, { employer: '新单位\\分部' })),
  ...Array.from({ length: N }, (_, i) => line(i, { name: i % 2 === 0 ? '李秀芳' : undefined, status: i % 11 === 0 ? '暂停发放' : undefined })),
]
/** Refused as a whole: many good rows (an open COPY), then a duplicate 个人编号, a bad row and an ID number held by another 个人编号. */
const refused = [
  ...Array.from({ length: 1500 }, (_, i) => line(5000 + i)),
  line(6600, { no: 'K5000' }),
  'BAD1,X,1,2,,?,?,?,?',
  line(6601, { id: idNumber(3) }),
]
/** The same with skipInvalid: the good rows are kept, the bad ones reported. */
const skipping = refused

type PersonView = Record<string, unknown>

async function roster(t: TestStore): Promise<PersonView[]> {
  const rows = await t.store.db.selectFrom('persons').selectAll().orderBy('person_no').execute()
  // ids are made per import and ciphertexts carry a random nonce: compare what they stand for.
  return rows.map(({ id: _id, pii_enc, ...rest }) => ({ ...rest, pii: pii.openPerson(pii_enc) }))
}

async function run(t: TestStore): Promise<{ summaries: ImportSummary[]; persons: PersonView[]; audits: number }> {
  const summaries = [
    await importRoster(t.store.db, rowsOf(first), opts()),
    await importRoster(t.store.db, rowsOf(second), opts({ now: '2026-11-28T02:00:00.000Z', today: '2026-11-28' })),
    await importRoster(t.store.db, rowsOf(refused), opts()),
    await importRoster(t.store.db, rowsOf(skipping), opts({ skipInvalid: true })),
  ]
  const audits = Number((await t.store.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('action', '=', 'roster.imported').executeTakeFirstOrThrow()).n)
  return { summaries, persons: await roster(t), audits }
}

describe('roster import through COPY on PostgreSQL', () => {
  let sqlite: TestStore
  let postgres: TestStore
  beforeAll(async () => {
    ;[sqlite, postgres] = await Promise.all([createTestStore('sqlite'), createTestStore('postgres')])
    await migrateToLatest(sqlite.store)
    await migrateToLatest(postgres.store)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await sqlite?.close()
    await postgres?.close()
  })

  it('finds the pg client of a transaction (so the import takes the COPY path there), none on SQLite', async () => {
    await postgres.store.db.transaction().execute(async (trx) => {
      const client = await rawPgClient(trx)
      expect(client).toBeDefined()
      // The client is the transaction's own: it sees the transaction's uncommitted state.
      await client!.query('create temp table copy_probe (x int) on commit drop')
      expect((await trx.selectFrom('copy_probe' as never).selectAll().execute()).length).toBe(0)
    })
    await sqlite.store.db.transaction().execute(async (trx) => expect(await rawPgClient(trx)).toBeUndefined())
  })

  it('two transactions looking for their client at once each get their own, and pg is left as it was', async () => {
    const query = pg.Client.prototype.query
    const pids = await Promise.all(
      [0, 1].map(() =>
        postgres.store.db.transaction().execute(async (trx) => {
          const client = await rawPgClient(trx)
          const direct = (await client!.query('select pg_backend_pid() as pid')).rows[0].pid
          const viaTrx = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0].pid
          expect(direct).toBe(viaTrx)
          return direct
        }),
      ),
    )
    expect(pids[0]).not.toBe(pids[1])
    expect(pg.Client.prototype.query).toBe(query)
  })

  it('leaves the same roster and the same summaries as the SQLite path: inserts, updates, unchanged, duplicates, bad rows', async () => {
    const [a, b] = await Promise.all([run(sqlite), run(postgres)])
    expect(b.summaries).toEqual(a.summaries)
    expect(b.persons).toEqual(a.persons)
    expect(b.audits).toBe(a.audits)

    // And the outcome is the intended one, not merely the same on both.
    const [s1, s2, s3, s4] = b.summaries
    expect(s1).toMatchObject({ committed: true, inserted: N, updated: 0, unchanged: 0, rejected: 0 })
    const changed = Array.from({ length: N }, (_, i) => i % 2 === 0 || i % 11 === 0).filter(Boolean).length
    expect(changed).toBeGreaterThan(1000)
    expect(s2).toMatchObject({ committed: true, inserted: 300, updated: changed, unchanged: N - changed, rejected: 0 })
    expect(s3).toMatchObject({ committed: false, inserted: 0, updated: 0, unchanged: 0, rejected: 3 })
    expect(s3.errors.map((e) => [e.line, e.column])).toEqual(expect.arrayContaining([[1502, '个人编号'], [1503, '姓名'], [1504, '身份证号']]))
    expect(s4).toMatchObject({ committed: true, inserted: 1500, rejected: 3 })
    expect(b.persons).toHaveLength(N + 300 + 1500)
    const k0 = b.persons.find((p) => p.person_no === 'K0')!
    expect(k0).toMatchObject({ benefit_status: 'suspended', suspended_since: '2026-11-28', updated_at: '2026-11-28T02:00:00.000Z', pii: { name: '李秀芳', idNumber: idNumber(0), cardNumber: 'C000000000' } })
    expect(b.persons.find((p) => p.person_no === `K${N}`)).toMatchObject({ employer: '新单位\\分部', enrolled_on: '2026-11-28' })
  })

  it('after a refused import the connection and the store are usable, and nothing of it was kept', async () => {
    const before = await roster(postgres)
    const s = await importRoster(postgres.store.db, rowsOf([...Array.from({ length: 1200 }, (_, i) => line(9000 + i)), 'BAD2,X,1,2,,?,?,?,?']), opts())
    expect(s.committed).toBe(false)
    expect(await roster(postgres)).toEqual(before)
    const ok = await importRoster(postgres.store.db, rowsOf([line(9900)]), opts())
    expect(ok).toMatchObject({ committed: true, inserted: 1 })
  })
})

/** persons' indexes and constraints as the catalog describes them (names, columns, uniqueness). */
async function personsIndexes(t: TestStore): Promise<string[]> {
  const indexes = await sql<{ d: string }>`select indexname || ': ' || indexdef as d from pg_indexes where tablename = 'persons' order by indexname`.execute(t.store.db)
  const constraints = await sql<{ d: string }>`select conname || ': ' || pg_get_constraintdef(oid) as d from pg_constraint where conrelid = 'persons'::regclass order by conname`.execute(t.store.db)
  return [...indexes.rows, ...constraints.rows].map((r) => r.d)
}

/** The catalog ids of persons' indexes: an index dropped and built again gets a new one. */
async function indexOids(t: TestStore): Promise<string[]> {
  const rows = await sql<{ oid: string }>`select indexrelid::int8::text as oid from pg_index where indrelid = 'persons'::regclass order by indexrelid`.execute(t.store.db)
  return rows.rows.map((r) => r.oid)
}

describe('a first load into an empty persons table on PostgreSQL (secondary indexes built after the rows)', () => {
  let postgres: TestStore
  let indexes: string[]
  beforeAll(async () => {
    postgres = await createTestStore('postgres')
    await migrateToLatest(postgres.store)
    indexes = await personsIndexes(postgres)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await postgres?.close()
  })

  it('drops them inside the transaction only (a rollback brings them back)', async () => {
    expect(indexes.length).toBeGreaterThan(8)
    await expect(
      postgres.store.db.transaction().execute(async (trx) => {
        const deferred = await deferIndexesOfEmptyPersons((await rawPgClient(trx))!)
        expect(deferred?.rebuild.length).toBeGreaterThanOrEqual(8)
        const left = await sql<{ indexname: string }>`select indexname from pg_indexes where tablename = 'persons'`.execute(trx)
        expect(left.rows.map((r) => r.indexname)).toEqual(['persons_pkey'])
        throw new Error('refused')
      }),
    ).rejects.toThrow('refused')
    expect(await personsIndexes(postgres)).toEqual(indexes)
  })

  it('a refused first load leaves the indexes as they were; a committed one rebuilds the same indexes, which hold', async () => {
    const oids = await indexOids(postgres)
    const refused = await importRoster(postgres.store.db, rowsOf([...Array.from({ length: 1200 }, (_, i) => line(i)), 'BAD3,X,1,2,,?,?,?,?']), opts())
    expect(refused.committed).toBe(false)
    expect(await personsIndexes(postgres)).toEqual(indexes)
    expect(await indexOids(postgres)).toEqual(oids)

    const first = await importRoster(postgres.store.db, rowsOf(Array.from({ length: 1200 }, (_, i) => line(i))), opts())
    expect(first).toMatchObject({ committed: true, inserted: 1200 })
    expect(await personsIndexes(postgres)).toEqual(indexes)
    // Built again (new catalog ids) but for the primary key, which stayed.
    const rebuilt = await indexOids(postgres)
    expect(rebuilt.filter((o) => oids.includes(o))).toHaveLength(1)

    // The rebuilt unique constraints hold: the same 个人编号 or ID number again is refused by the store.
    const k0 = await postgres.store.db.selectFrom('persons').selectAll().where('person_no', '=', 'K0').executeTakeFirstOrThrow()
    await expect(postgres.store.db.insertInto('persons').values({ ...k0, id: 'dup-1', id_number_hash: 'other' }).execute()).rejects.toThrow(/persons_person_no_key/)
    await expect(postgres.store.db.insertInto('persons').values({ ...k0, id: 'dup-2', person_no: 'OTHER' }).execute()).rejects.toThrow(/persons_id_number_hash_key/)

    // A later import finds rows: the indexes stay live (the same catalog ids).
    const second = await importRoster(postgres.store.db, rowsOf(Array.from({ length: 1000 }, (_, i) => line(5000 + i))), opts())
    expect(second).toMatchObject({ committed: true, inserted: 1000 })
    expect(await indexOids(postgres)).toEqual(rebuilt)
    expect(await personsIndexes(postgres)).toEqual(indexes)
  })

  it('a role that may not drop the indexes loads with them live', async () => {
    const fresh = await createTestStore('postgres')
    try {
      await migrateToLatest(fresh.store)
      const role = `importer_${process.pid}`
      await sql.raw(`do $$ begin if not exists (select 1 from pg_roles where rolname = '${role}') then create role ${role} login; end if; end $$`).execute(fresh.store.db)
      await sql.raw(`grant select, insert, update on all tables in schema public to ${role}`).execute(fresh.store.db)
      const url = new URL(fresh.location)
      url.username = role
      const asImporter = openStore({ databaseUrl: url.toString(), sqlitePath: '', poolSize: 2 })
      try {
        const [before, oids] = [await personsIndexes(fresh), await indexOids(fresh)]
        const s = await importRoster(asImporter.db, rowsOf(Array.from({ length: 1000 }, (_, i) => line(i))), opts())
        expect(s).toMatchObject({ committed: true, inserted: 1000 })
        expect(await personsIndexes(fresh)).toEqual(before)
        expect(await indexOids(fresh)).toEqual(oids)
      } finally {
        await asImporter.db.destroy()
      }
    } finally {
      await fresh.close()
      await sql.raw(`drop role if exists importer_${process.pid}`).execute(postgres.store.db)
    }
  })

  it('a small first load (the demo roster, a few rows) keeps the indexes live', async () => {
    const fresh = await createTestStore('postgres')
    try {
      await migrateToLatest(fresh.store)
      const oids = await indexOids(fresh)
      expect(await importRoster(fresh.store.db, rowsOf(Array.from({ length: 999 }, (_, i) => line(i))), opts())).toMatchObject({ committed: true, inserted: 999 })
      expect(await indexOids(fresh)).toEqual(oids)
    } finally {
      await fresh.close()
    }
  })

  it('an import that writes 1,000 rows or more leaves planner statistics for persons; a smaller one leaves them to autovacuum', async () => {
    const fresh = await createTestStore('postgres')
    // pg_statistic is the planner's table (transactional, no stats-collector delay); autovacuum's first look is a minute away.
    const analysed = async () => Number((await sql<{ n: string }>`select count(*) as n from pg_stats where schemaname = 'public' and tablename = 'persons'`.execute(fresh.store.db)).rows[0].n)
    try {
      await migrateToLatest(fresh.store)
      expect(await importRoster(fresh.store.db, rowsOf(Array.from({ length: 999 }, (_, i) => line(i))), opts())).toMatchObject({ committed: true, inserted: 999 })
      expect(await analysed()).toBe(0)
      expect(await importRoster(fresh.store.db, rowsOf(Array.from({ length: 1000 }, (_, i) => line(3000 + i))), opts())).toMatchObject({ committed: true, inserted: 1000 })
      expect(await analysed()).toBeGreaterThan(5)
      const est = await sql<{ n: number }>`select reltuples::int as n from pg_class where relname = 'persons'`.execute(fresh.store.db)
      expect(est.rows[0].n).toBe(1999)
    } finally {
      await fresh.close()
    }
  })

  it('two first loads at once: one waits for the other, then reads its rows and loads with the indexes live', async () => {
    const fresh = await createTestStore('postgres')
    try {
      await migrateToLatest(fresh.store)
      const before = await personsIndexes(fresh)
      const [a, b] = await Promise.all([
        importRoster(fresh.store.db, rowsOf(Array.from({ length: 1500 }, (_, i) => line(i))), opts()),
        importRoster(fresh.store.db, rowsOf(Array.from({ length: 1500 }, (_, i) => line(2000 + i))), opts()),
      ])
      expect([a, b]).toEqual([expect.objectContaining({ committed: true, inserted: 1500 }), expect.objectContaining({ committed: true, inserted: 1500 })])
      expect(Number((await fresh.store.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(3000)
      expect(await personsIndexes(fresh)).toEqual(before)
    } finally {
      await fresh.close()
    }
  })
})

describe('copyLine', () => {
  it("writes COPY's text format: tabs between cells, \\N for NULL, special characters escaped", () => {
    expect(copyLine(['a', null, 'b\\c', 'd\te', 'f\ng\rh', ''])).toBe('a\t\\N\tb\\\\c\td\\te\tf\\ng\\rh\t\n')
  })
})
