/**
 * npm run bench:db-copy [-- --persons 1000000 --accounts 300000]
 *
 * `npm run db:copy` at provincial scale, measured in ONE run:
 *   source     a SQLite store migrated by the project (same pragmas as the backend) holding PERSONS
 *              roster persons and ACCOUNTS accounts, 2/3 bound 本人 and 1/3 relatives, one
 *              certification record and one audit row per account (ciphertexts of realistic size:
 *              personal fields are sealed as the roster import seals them, a few reused);
 *   baseline   reading every row of every table of that file once (what any copy must at least do);
 *   copy       copySqliteToPostgres (the command's own code: migrate the target, COPY table by table,
 *              indexes after, row counts and checksums of both sides, ANALYZE, commit) into an empty
 *              database of a throw-away PostgreSQL server (Debian's binaries, fsync off as in the
 *              tests), or of --pg-url;
 * and prints rows, seconds, rows/s and the ratio copy / baseline.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { PiiCipher } from '../../server/crypto/pii'
import { copySqliteToPostgres } from '../../server/db/copy/copy'
import { sourceTables } from '../../server/db/copy/inspect'
import { migrateToLatest } from '../../server/db/migrate'
import { startTestPostgres, stopTestPostgres } from '../support/throwaway-postgres'
import { arg, argText } from './support/args'
import { openSqliteBenchDb, type BenchDb, type Cell } from './support/stores'
import { fmt, say, secs } from './support/format'

const PERSONS = arg('persons', 1_000_000)
const ACCOUNTS = arg('accounts', 300_000)

async function generate(db: BenchDb): Promise<number> {
  const cipher = new PiiCipher({ keys: { v1: Buffer.alloc(32, 7) }, current: 'v1', indexVersion: 'v1' })
  const sealed = Array.from({ length: 64 }, (_, i) =>
    cipher.sealPerson({ name: `测试${'甲乙丙丁戊己庚辛'[i % 8]}${'子丑寅卯辰巳午未'[(i >> 3) % 8]}`, idNumber: `11010119${40 + (i % 30)}0101${String(100 + i).slice(-3)}X`, cardNumber: `C${String(i).padStart(9, '0')}` }),
  )
  const now = '2026-12-01T02:00:00.000Z'
  function* persons(): Generator<Cell[]> {
    for (let i = 0; i < PERSONS; i++) {
      const day = `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
      yield [`p${i}`, `N${i}`, sealed[i % 64], '测*甲', `ih${i}`, '110***********123X', 'enterprise', `单位${i % 500}`, 'normal', null, day, '110101', '2025-01-01', 'v1', now, now]
    }
  }
  await db.insertRows(
    'persons',
    ['id', 'person_no', 'pii_enc', 'name_masked', 'id_number_hash', 'id_number_masked', 'insurance_type', 'employer', 'benefit_status', 'suspended_since', 'last_certified_on', 'region_code', 'enrolled_on', 'key_version', 'created_at', 'updated_at'],
    persons(),
  )
  const selfCount = Math.round((ACCOUNTS * 2) / 3)
  const stride = Math.max(1, Math.floor(PERSONS / Math.max(1, selfCount)))
  const personOf = (a: number) => `p${(a * stride) % PERSONS}`
  const rows = (f: (a: number) => Cell[] | null) =>
    (function* () {
      for (let a = 0; a < ACCOUNTS; a++) {
        const r = f(a)
        if (r) yield r
      }
    })()
  await db.insertRows('accounts', ['id', 'platform', 'openid', 'created_at', 'last_seen_at'], rows((a) => [`a${a}`, 'wechat', `o${String(a).padStart(27, '0')}`, now, now]))
  await db.insertRows('bindings', ['id', 'account_id', 'person_id', 'relation', 'method', 'bound_at', 'unbound_at', 'created_at'], rows((a) => (a < selfCount ? [`b${a}`, `a${a}`, personOf(a), 'self', 'manual', now, null, now] : null)))
  await db.insertRows('relatives', ['id', 'account_id', 'person_id', 'relation', 'created_at', 'removed_at'], rows((a) => (a >= selfCount ? [`r${a}`, `a${a}`, personOf(a), 'father', now, null] : null)))
  await db.insertRows(
    'certification_records',
    ['id', 'person_id', 'certified_at', 'result', 'method', 'channel', 'performed_by', 'performer_account_id', 'created_at'],
    rows((a) => [`c${a}`, personOf(a), now, 'passed', 'face', 'weapp', a < selfCount ? 'self' : 'relative', `a${a}`, now]),
  )
  await db.insertRows(
    'audit_log',
    ['id', 'at', 'actor_type', 'actor_ref', 'action', 'subject_person_id', 'detail'],
    rows((a) => [`l${a}`, now, 'account', `a${a}`, 'certification.completed', personOf(a), JSON.stringify({ recordId: `c${a}`, result: 'passed', method: 'face' })]),
  )
  return PERSONS + ACCOUNTS * 4
}

/** Every row of every table the copy takes (sourceTables), read once: the floor of any copy. */
function readAll(file: string): { rows: number; ms: number } {
  const t0 = performance.now()
  const db = new SQLite(file, { readonly: true })
  let rows = 0
  try {
    for (const name of sourceTables(db).keys()) for (const _ of db.prepare(`select * from "${name}"`).raw().iterate()) rows++
  } finally {
    db.close()
  }
  return { rows, ms: performance.now() - t0 }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-db-copy-'))
  const file = join(dir, 'source.sqlite')
  const given = argText('pg-url')
  const server = given ? undefined : await startTestPostgres()
  const serverUrl = given ?? server!.url
  const dbName = `bench_copy_${process.pid}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    say(`bench:db-copy — SQLite in ${dir} → ${server ? 'a throw-away PostgreSQL server (fsync off as in the tests)' : `PostgreSQL on ${new URL(serverUrl).host}`}`)
    const source = openSqliteBenchDb(file, file)
    await migrateToLatest(source.store)
    let t0 = performance.now()
    const generated = await generate(source)
    await source.close()
    say(`  generated ${fmt(PERSONS)} persons, ${fmt(ACCOUNTS)} accounts with their bindings or relatives, records and audit rows (${fmt(generated)} rows) in ${secs(performance.now() - t0)}`)

    const base = readAll(file)
    say(`  baseline:   every row of the file read once: ${fmt(base.rows)} rows in ${secs(base.ms)}`)

    await admin.query(`create database ${dbName}`)
    const url = new URL(serverUrl)
    url.pathname = `/${dbName}`
    t0 = performance.now()
    const report = await copySqliteToPostgres({ from: file, to: url.toString() })
    const ms = performance.now() - t0
    const rows = report.tables.reduce((n, t) => n + t.rows, 0)
    say(`  copy:       ${fmt(rows)} rows in ${report.tables.length} tables in ${secs(ms)} → ${fmt(Math.round(rows / (ms / 1000)))} rows/s (migrate, COPY, indexes, counts and checksums of both sides, ANALYZE, commit)`)
    say(`  ratio:      copy / baseline = ${(ms / base.ms).toFixed(1)}×`)
    say(`  load:       ${loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min load average at the end)`)
  } finally {
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined)
    await admin.end()
    if (server) stopTestPostgres(server)
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
