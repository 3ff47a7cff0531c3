/**
 * npm run bench:reminders [-- --store sqlite|postgres --persons 1000000 --accounts 300000 --import-rows 1000000 --messages 20000]
 *
 * --store sqlite (default): a temp SQLite file (same pragmas as the backend). --store postgres: a
 * throw-away PostgreSQL server started the way the tests start one (__tests__/support/postgres.ts:
 * Debian's binaries, temp dir, free port, fsync off), one fresh database per part; or with
 * --pg-url postgres://… an existing server (add --keep to keep the bench databases).
 * Measured in ONE run:
 *   1. sweep       one daily sweep (the real service: set-based INSERT … SELECT … ON CONFLICT DO NOTHING)
 *                  over PERSONS persons and ACCOUNTS linked accounts (2/3 bound 本人, 1/3 relatives),
 *                  on the heaviest kind of day (due_30 for one month + overdue_1 for the previous);
 *   2. baseline    a plain indexed range scan over the same persons rows (same ranges, rows read out),
 *                  and the ratio sweep / baseline (target ≤ 3×, sweep < 15 s). ROUNDS rounds of a
 *                  baseline then a sweep into an emptied outbox; the ratio is the fastest sweep to the
 *                  fastest baseline (one sweep against the better of two baselines, as before, moved
 *                  with the machine's load by more than the changes it was meant to show);
 *   3. re-sweep    the same day again: must add 0 rows;
 *   4. claim+ack   outbox throughput through the service (claim 200 → attempt → ack), messages/s;
 *   5. import      roster import rate over IMPORT_ROWS generated CSV rows through the REAL path
 *                  (read file → decode → parse → validate → encrypt/hash in worker threads → one
 *                  transaction), rows/s (target ≥ 50 000 rows/s), and how much of it came after the
 *                  last row (end of writing; on PostgreSQL the secondary indexes a load into an empty
 *                  persons table builds after its rows; commit); then its two halves alone on the
 *                  same rows: preparing on one thread, and writing already-prepared rows (the floor
 *                  the store's writer sets: one SQLite writer, or COPY on one PostgreSQL connection),
 *                  with the ratio import / write-alone.
 *                  --import-workers N sets the worker threads (default: one per core beyond the first).
 * Persons for 1–4 are generated with direct bulk inserts (the sweep does not read personal fields, so a
 * handful of pre-encrypted names are reused); the import in 5 encrypts every row for real.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { checkCharFor } from '../../src/core/id-number'
import { addMonths, firstDayOf } from '../../src/core/cycle'
import { addDays, cycleId, dueMonthSources, lastDayOf, sweepTargets } from '../../src/core/reminders/policy'
import { PiiCipher } from '../../server/crypto/pii'
import { migrateToLatest } from '../../server/db/migrate'
import { defaultRemindersConfig } from '../../server/reminders/config'
import { ack, attempt } from '../../server/reminders/ack'
import { claim } from '../../server/reminders/claim'
import type { RemindersDeps } from '../../server/reminders/deps'
import { sweep } from '../../server/reminders/sweep'
import { importPrepared } from '../../server/roster/import'
import { importRosterBytes } from '../../server/roster/import-file'
import { parseRosterCsv } from '../../server/roster/parse'
import { RosterPreparer } from '../../server/roster/prepare'
import type { ServiceContext } from '../../server/services/context'
import { startTestPostgres, stopTestPostgres, type TestPostgres } from '../support/throwaway-postgres'
import { arg, argText } from './support/args'
import { openPostgresBenchDb, openSqliteBenchDb, type Backend, type BenchDb, type Cell } from './support/stores'
import { rng } from './support/rng'
import { fmt, say, secs } from './support/format'

const PERSONS = arg('persons', 1_000_000)
const ACCOUNTS = arg('accounts', 300_000)
const IMPORT_ROWS = arg('import-rows', 1_000_000)
const MESSAGES = arg('messages', 20_000)
const ROUNDS = Math.max(1, arg('rounds', 3))
const IMPORT_WORKERS = process.argv.includes('--import-workers') ? arg('import-workers', 1) : undefined
const STORE_KIND = argText('store') ?? 'sqlite'
if (STORE_KIND !== 'sqlite' && STORE_KIND !== 'postgres') throw new Error(`--store sqlite|postgres, not ${STORE_KIND}`)
/** The bench day: due_30 for December (deadline 12-31) and overdue_1 for November. */
const DAY = '2026-12-01'

/** Baseline queries: the same SQL on both stores but for the placeholders. */
const BASE_BY_LAST = 'select id, benefit_status from persons where last_certified_on >= ? and last_certified_on <= ?'
const BASE_BY_ENROL = 'select id, benefit_status from persons where last_certified_on is null and enrolled_on >= ? and enrolled_on <= ?'

function sqliteBackend(dir: string): Backend {
  return {
    label: `SQLite in ${dir}`,
    async open(name) {
      const path = join(dir, `${name}.sqlite`)
      return openSqliteBenchDb(path, path)
    },
    async close() {},
  }
}

/**
 * A throw-away server, or with --pg-url an existing one (databases bench_<pid>_<part>, dropped at the
 * end unless --keep is given, e.g. to look at the sweep's plans afterwards).
 */
async function postgresBackend(): Promise<Backend> {
  const given = argText('pg-url')
  const server: TestPostgres | undefined = given ? undefined : await startTestPostgres()
  const serverUrl = given ?? server!.url
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  const created: string[] = []
  return {
    label: server ? `PostgreSQL (throw-away server on ${new URL(serverUrl).host}, fsync off as in the tests)` : `PostgreSQL on ${new URL(serverUrl).host}`,
    async open(part) {
      const name = server ? part : `bench_${process.pid}_${part}`
      await admin.query(`create database ${name}`)
      created.push(name)
      const url = new URL(serverUrl)
      url.pathname = `/${name}`
      return openPostgresBenchDb(url.toString())
    },
    async close() {
      if (!server && process.argv.includes('--keep')) say(`  kept databases: ${created.join(', ')}`)
      else if (!server) for (const name of created) await admin.query(`drop database if exists ${name} with (force)`)
      await admin.end()
      if (server) stopTestPostgres(server)
    },
  }
}

function pii(): PiiCipher {
  return new PiiCipher({ keys: { v1: Buffer.alloc(32, 7) }, current: 'v1', indexVersion: 'v1' })
}

/** Deterministic pseudo-random numbers (bench runs are comparable). */

async function generate(db: BenchDb, cipher: PiiCipher): Promise<void> {
  const t0 = Date.now()
  const names = Array.from({ length: 64 }, (_, i) => cipher.sealPerson({ name: `测试${'甲乙丙丁戊己庚辛'[i % 8]}${'子丑寅卯辰巳午未'[Math.floor(i / 8) % 8]}`, idNumber: 'x', cardNumber: 'x' }))
  const now = new Date().toISOString()
  const rand = rng(42)
  // Last pass dates spread over the 13 months before the bench day; 3% never certified (enrolled over the year).
  const start = addMonths({ year: 2026, month: 12 }, -13)
  const startDay = firstDayOf(start)
  function* persons(): Generator<Cell[]> {
    for (let i = 0; i < PERSONS; i++) {
      const never = rand() < 0.03
      const day = addDays(startDay, Math.floor(rand() * 395))
      const status = rand() < 0.02 ? 'suspended' : 'normal'
      yield [`p${i}`, `N${i}`, names[i % 64], '测*甲', `ih${i}`, 'x', 'enterprise', '', status, null, never ? null : day, '110101', never ? day : '2025-01-01', 'v1', now, now]
    }
  }
  await db.insertRows(
    'persons',
    ['id', 'person_no', 'pii_enc', 'name_masked', 'id_number_hash', 'id_number_masked', 'insurance_type', 'employer', 'benefit_status', 'suspended_since', 'last_certified_on', 'region_code', 'enrolled_on', 'key_version', 'created_at', 'updated_at'],
    persons(),
  )
  const accounts: Cell[][] = []
  const bindings: Cell[][] = []
  const relatives: Cell[][] = []
  const subs: Cell[][] = []
  const selfCount = Math.round((ACCOUNTS * 2) / 3)
  const stride = Math.max(1, Math.floor(PERSONS / Math.max(1, selfCount)))
  for (let a = 0; a < ACCOUNTS; a++) {
    const id = `a${a}`
    accounts.push([id, 'wechat', `o${String(a).padStart(27, '0')}`, now, now])
    if (a < selfCount) bindings.push([`b${a}`, id, `p${(a * stride) % PERSONS}`, 'self', 'manual', now, null, now])
    else relatives.push([`r${a}`, id, `p${Math.floor(rand() * PERSONS)}`, 'father', now, null])
    subs.push([id, 'certDue', 4, 0, 4, now])
    if (a % 3 === 0) subs.push([id, 'certificationResult', 4, 0, 4, now])
  }
  await db.insertRows('accounts', ['id', 'platform', 'openid', 'created_at', 'last_seen_at'], accounts)
  await db.insertRows('bindings', ['id', 'account_id', 'person_id', 'relation', 'method', 'bound_at', 'unbound_at', 'created_at'], bindings)
  await db.insertRows('relatives', ['id', 'account_id', 'person_id', 'relation', 'created_at', 'removed_at'], relatives)
  await db.insertRows('reminder_subscriptions', ['account_id', 'template', 'credits', 'long_term', 'accepted_total', 'updated_at'], subs)
  await db.analyze()
  say(`  generated ${fmt(PERSONS)} persons, ${fmt(ACCOUNTS)} accounts (${fmt(selfCount)} bound 本人, ${fmt(ACCOUNTS - selfCount)} relatives) in ${secs(Date.now() - t0)}`)
}

/** The plain indexed range scan over the same rows the sweep reads. */
async function baselineScan(db: BenchDb): Promise<{ ms: number; rows: number }> {
  const t0 = performance.now()
  let rows = 0
  for (const t of sweepTargets(DAY, defaultRemindersConfig().policy)) {
    const s = dueMonthSources(t.dueMonth, 'rolling12')
    if (s.lastPassBetween) rows += await db.scan('base_by_last', BASE_BY_LAST, s.lastPassBetween)
    rows += await db.scan('base_by_enrol', BASE_BY_ENROL, s.enrolledBetween)
  }
  return { ms: performance.now() - t0, rows }
}

/** Back to the state the first sweep found: no outbox rows (TRUNCATE on PostgreSQL: no dead rows left for the next one to step over). */
async function emptyOutbox(db: BenchDb): Promise<void> {
  const { store } = db
  if (store.dialect === 'postgres') await sql`truncate reminder_outbox`.execute(store.db)
  else await store.db.deleteFrom('reminder_outbox').execute()
}

function csvRows(n: number): string {
  const rand = rng(7)
  const parts: string[] = ['个人编号,姓名,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划']
  const surnames = '王李张刘陈杨赵黄周吴'
  const given = '秀英建国桂兰德福玉梅淑珍'
  for (let i = 0; i < n; i++) {
    const y = 1935 + Math.floor(rand() * 30)
    const m = 1 + Math.floor(rand() * 12)
    const d = 1 + Math.floor(rand() * 28)
    const seq = String(i % 1000).padStart(3, '0')
    const area = String(110000 + Math.floor(i / 1000) % 900000).padStart(6, '0')
    const first17 = `${area}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}`
    const id = first17 + checkCharFor(first17)
    const name = surnames[i % 10] + given[(i >> 3) % 12] + given[(i >> 7) % 12]
    const last = rand() < 0.05 ? '' : `2026-${String(1 + Math.floor(rand() * 10)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`
    parts.push(`R${i},${name},${id},C${String(i).padStart(9, '0')},示例单位,企业职工基本养老保险,正常,${last},110101`)
  }
  return parts.join('\n') + '\n'
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'yl-bench-reminders-'))
  let backend: Backend | undefined
  try {
    backend = STORE_KIND === 'postgres' ? await postgresBackend() : sqliteBackend(dir)
    say(`bench:reminders — ${backend.label}`)
    // ── sweep, baseline, re-sweep, claim+ack ──
    const bench = await backend.open('sweep')
    const { store } = bench
    await migrateToLatest(store)
    const cipher = pii()
    await generate(bench, cipher)
    const config = defaultRemindersConfig(false)
    const clockAt = { now: new Date(`${DAY}T10:00:00+08:00`) }
    const ctx = { db: store.db, dialect: store.dialect, pii: cipher, clock: () => clockAt.now, cyclePolicy: 'rolling12' } as unknown as ServiceContext
    const deps: RemindersDeps = { ctx, config, log: { error: () => {}, warn: () => {}, info: () => {} } }

    await baselineScan(bench) // warm the page cache the same way for both
    const bases: { ms: number; rows: number }[] = []
    const sweeps: Awaited<ReturnType<typeof sweep>>[] = []
    for (let r = 0; r < ROUNDS; r++) {
      if (r > 0) await emptyOutbox(bench)
      bases.push(await baselineScan(bench))
      const s = await sweep(deps, DAY, true)
      if (r > 0 && s.inserted !== sweeps[0].inserted) throw new Error(`sweep round ${r + 1} inserted ${s.inserted} rows, the first ${sweeps[0].inserted}`)
      sweeps.push(s)
    }
    const s1 = sweeps.reduce((a, b) => (b.ms < a.ms ? b : a))
    const base = bases.reduce((a, b) => (b.ms < a.ms ? b : a))
    const baseMs = base.ms
    const s2 = await sweep(deps, DAY, true)
    const targets = sweepTargets(DAY, config.policy).map((t) => `${t.kind}@${cycleId(t.dueMonth)} (deadline ${lastDayOf(t.dueMonth)})`)
    const each = (xs: { ms: number }[]) => xs.map((x) => secs(x.ms)).join(' / ')
    say(`  day ${DAY}: ${targets.join(', ')}`)
    say(`  sweep:      ${secs(s1.ms)} — ${fmt(s1.inserted)} outbox rows ${JSON.stringify(s1.byKind)} (fastest of ${ROUNDS}: ${each(sweeps)})`)
    say(`  baseline:   ${secs(baseMs)} — plain indexed range scan of the same ${fmt(base.rows)} persons rows (fastest of ${ROUNDS}: ${each(bases)})`)
    say(`  ratio:      ${(s1.ms / baseMs).toFixed(2)}× (target ≤ 3×; sweep < 15 s: ${s1.ms < 15_000 ? 'yes' : 'NO'})`)
    say(`  re-sweep:   ${secs(s2.ms)} — ${fmt(s2.inserted)} new rows (must be 0)`)

    const target = Math.min(MESSAGES, s1.inserted)
    let done = 0
    const t0 = performance.now()
    while (done < target) {
      const c = await claim(deps, 200, 60_000)
      if (c.messages.length === 0 && c.skipped.stale + c.skipped.late + c.skipped.noCredit === 0) break
      const ids = c.messages.map((m) => m.id)
      if (ids.length === 0) continue
      const a = await attempt(deps, c.claimToken, ids)
      await ack(deps, c.claimToken, a.attempted.map((id) => ({ id, errcode: 0, errmsg: 'ok' })))
      done += a.attempted.length
    }
    const claimMs = performance.now() - t0
    say(`  claim+ack:  ${fmt(done)} messages in ${secs(claimMs)} → ${fmt(Math.round(done / (claimMs / 1000)))} messages/s (batches of 200, stale re-check, credit reservation, template data)`)
    await bench.close()

    // ── roster import, real path ──
    if (IMPORT_ROWS > 0) {
      const csvPath = join(dir, 'roster.csv')
      const g0 = Date.now()
      writeFileSync(csvPath, csvRows(IMPORT_ROWS))
      say(`  import: generated ${fmt(IMPORT_ROWS)} CSV rows in ${secs(Date.now() - g0)}`)
      const imp = await backend.open('import')
      await migrateToLatest(imp.store)
      let lastRowAt = 0
      const i0 = performance.now()
      const file = await importRosterBytes(imp.store.db, readFileSync(csvPath), { pii: cipher, today: '2026-11-27', now: new Date().toISOString(), cyclePolicy: 'rolling12', actor: 'bench', workers: IMPORT_WORKERS, onProgress: () => (lastRowAt = performance.now()) })
      const i1 = performance.now()
      const summary = file.summary
      if (!summary?.committed) throw new Error(`import refused rows: ${[...file.fatal, ...(summary?.errors ?? [])].slice(0, 3).map((e) => `${e.line} ${e.column} ${e.reason}`).join('; ')}`)
      const importMs = i1 - i0
      say(`  import:     ${fmt(summary.inserted)} rows in ${secs(importMs)} (read, decode, parse, check, encrypt, write, commit; ${IMPORT_WORKERS ?? 'default'} workers) → ${fmt(Math.round(summary.inserted / (importMs / 1000)))} rows/s (target ≥ 50,000)`)
      // After the last row was handed to the writer: the end of the COPY, on PostgreSQL the index builds of a first load, the commit.
      say(`              of which after the last row: ${secs(i1 - lastRowAt)} (end of writing, indexes built after a first load, commit)`)
      await imp.close()

      // The two halves alone, same rows: preparing on one thread (no database), then writing those
      // prepared rows into an empty store (no parsing, no crypto). The write half is the floor the
      // store's writer sets for this import on this machine (one SQLite writer; COPY on PostgreSQL).
      const rows = parseRosterCsv(readFileSync(csvPath, 'utf8')).rows
      // As the real import prepares for this store (PostgreSQL: rows also formatted for COPY).
      const preparer = new RosterPreparer({ pii: cipher, today: '2026-11-27', cyclePolicy: 'rolling12', encoding: STORE_KIND === 'postgres' ? 'copy-text' : undefined })
      const p0 = performance.now()
      const chunks = []
      for (let i = 0; i < rows.length; i += 1000) chunks.push(preparer.prepare(rows.slice(i, i + 1000)))
      const prepareMs = performance.now() - p0
      const base = await backend.open('write_only')
      await migrateToLatest(base.store)
      const w0 = performance.now()
      const written = await importPrepared(base.store.db, chunks, rows.length, { pii: cipher, today: '2026-11-27', now: new Date().toISOString(), cyclePolicy: 'rolling12', actor: 'bench' })
      const writeMs = performance.now() - w0
      await base.close()
      if (written.inserted !== summary.inserted) throw new Error('write-only baseline wrote a different number of rows')
      say(`  halves:     prepare alone (one thread) ${secs(prepareMs)} = ${fmt(Math.round(rows.length / (prepareMs / 1000)))} rows/s; write alone ${secs(writeMs)} = ${fmt(Math.round(rows.length / (writeMs / 1000)))} rows/s`)
      say(`  ratio:      import / write-alone = ${(importMs / writeMs).toFixed(2)}× (1.00× would mean preparing costs nothing)`)
      say(`  load:       ${loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min load average at the end; ${availableParallelism()} cores)`)
    }
  } finally {
    await backend?.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
