/**
 * npm run bench:agency [-- --persons 1000000 --records <persons/10> --store sqlite|postgres|both]
 *
 * The agency console's heavy reads at roster scale, on SQLite (a temp file, the backend's pragmas)
 * and on a throw-away PostgreSQL server (scripts/support/throwaway-postgres.ts, as bench:reminders):
 * PERSONS persons and RECORDS certification records are bulk-loaded (scripts/bench/agency/data.ts),
 * then, for a 管理员 of region '1101' (90% of the persons):
 *   1. overdue list, first page   the console's page (overdueList, 50 rows) — baseline: the same rows'
 *                                  columns by one plain indexed range scan with LIMIT 50;
 *   2. overdue list, every page   overduePages (keyset pages of 1,000, standing computed per row) —
 *                                  baseline: one plain indexed range scan reading every overdue row;
 *   3. overdue XLSX export        POST /exports/overdue's service until the file is stored (count,
 *                                  pages, decrypt each name, XLSX, seal, store) — baseline as in 2;
 *   4. results export             POST /exports/results's service, the first export of the region (all
 *                                  records: read, decrypt, CSV UTF-8 + GBK + XLSX, seal, store) —
 *                                  baseline: one plain indexed scan of the same records joined to persons;
 *   5. overview trend             overdueAtEach for the 概览 chart's six month starts (one statement) —
 *                                  baseline: one plain indexed range scan of the persons rows it reads.
 * Also printed: how much of 3 is writing the XLSX itself (the same cells already in memory).
 * Each baseline runs in the same run, before and after (the faster counts). Prints a markdown table.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { overdueBounds } from '../../src/core/standing'
import type { AgencyActor } from '../../server/agency/actor'
import { PiiCipher } from '../../server/crypto/pii'
import { migrateToLatest } from '../../server/db/migrate'
import { overdueAtEach, withoutJit } from '../../server/repositories/agency/overview'
import { overdueList, overduePages, prefixRange, type OverdueFilter } from '../../server/repositories/agency/standing'
import type { ServiceContext } from '../../server/services/context'
import { createResultsExport, settledExport } from '../../server/services/agency/exports'
import { createOverdueExport, OVERDUE_HEADERS } from '../../server/services/agency/overdue-export'
import { trendDaysFor } from '../../server/services/agency/overview'
import { tableXlsx } from '../../server/services/agency/xlsx'
import { shanghaiDate } from '../../server/time/clock'
import { loadPersons, loadRecords } from './agency/data'
import { postgresBackend, sqliteBackend, type Backend, type BenchDb } from './agency/stores'
import { arg, argText } from './support/args'
import { fmt, say } from './support/format'

const PERSONS = arg('persons', 1_000_000)
const RECORDS = arg('records', Math.round(PERSONS / 10))
const STORES = (argText('store') ?? 'both') === 'both' ? ['sqlite', 'postgres'] : [argText('store')!]
for (const s of STORES) if (s !== 'sqlite' && s !== 'postgres') throw new Error(`--store sqlite|postgres|both, not ${s}`)

const NOW = new Date('2026-12-01T02:00:00.000Z') // 10:00 in Beijing
const TODAY = shanghaiDate(NOW)
const PAGE = 50
const ACTOR: AgencyActor = { userId: 'bench-admin', username: 'bench', displayName: '压测管理员', role: 'admin', regionPrefix: '1101' }

const TREND_DAYS = trendDaysFor(TODAY)

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`)

interface Row {
  store: string
  operation: string
  rows: number
  ms: number
  baseMs: number
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now()
  const value = await fn()
  return { ms: performance.now() - t0, value }
}

/** The overdue rows by one plain indexed range scan: the same predicate the standing read builds, no paging, no per-row standing. */
function overdueBaseline(db: BenchDb, limit?: number): Promise<number> {
  const { lo, hi } = prefixRange(ACTOR.regionPrefix)
  const b = overdueBounds(TODAY, 'rolling12', 1)
  const sql =
    'select id, person_no, name_masked, id_number_masked, region_code, insurance_type, benefit_status, last_certified_on, enrolled_on, suspended_since, pii_enc from persons ' +
    "where region_code >= ? and region_code < ? and (benefit_status = 'suspended' or (last_certified_on is not null and last_certified_on < ?) or (last_certified_on is null and enrolled_on < ?))" +
    (limit ? ` limit ${limit}` : '')
  return db.scan(limit ? 'overdue_page' : 'overdue_all', sql, [lo, hi!, b.passBefore, b.enrolBefore])
}

/** The persons rows the trend reads (region range, enrolled before the latest day), the columns its tests use. */
function trendBaseline(db: BenchDb): Promise<number> {
  const { lo, hi } = prefixRange(ACTOR.regionPrefix)
  const sql =
    'select id, enrolled_on, benefit_status, suspended_since, last_certified_on, roster_certified_on from persons ' +
    'where region_code >= ? and region_code < ? and enrolled_on < ?'
  return db.scan('trend_all', sql, [lo, hi!, TREND_DAYS.at(-1)!])
}

/** The results export's records by one plain indexed scan (created_at range, joined to persons, region range). */
function resultsBaseline(db: BenchDb): Promise<number> {
  const { lo, hi } = prefixRange(ACTOR.regionPrefix)
  const sql =
    'select r.id, r.certified_at, r.result, r.method, r.channel, r.performed_by, r.created_at, p.person_no, p.pii_enc from certification_records r join persons p on p.id = r.person_id ' +
    'where r.created_at > ? and r.created_at <= ? and p.region_code >= ? and p.region_code < ?'
  return db.scan('results_all', sql, ['', NOW.toISOString(), lo, hi!])
}

async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < n; i++) times.push((await timed(fn)).ms)
  times.sort((a, b) => a - b)
  return times[Math.floor(n / 2)]
}

async function benchStore(backend: Backend): Promise<Row[]> {
  const bench = await backend.open('agency')
  const { store } = bench
  await migrateToLatest(store)
  const cipher = new PiiCipher({ keys: { v1: Buffer.alloc(32, 7) }, current: 'v1', indexVersion: 'v1' })
  const l0 = performance.now()
  await loadPersons(bench, cipher, PERSONS, TODAY)
  await loadRecords(bench, PERSONS, RECORDS, NOW.toISOString())
  await bench.analyze()
  say(`  ${backend.label}: loaded ${fmt(PERSONS)} persons and ${fmt(RECORDS)} records in ${ms(performance.now() - l0)}`)
  const ctx = { db: store.db, dialect: store.dialect, pii: cipher, clock: () => NOW, cyclePolicy: 'rolling12' } as unknown as ServiceContext
  const filter: OverdueFilter = { regionPrefix: ACTOR.regionPrefix }
  const rows: Row[] = []

  // 1. First page (median of 21 each, after a warm-up read of the whole range).
  await overdueBaseline(bench)
  const pageBase = await median(21, () => overdueBaseline(bench, PAGE))
  const page = await median(21, () => overdueList(store.db, filter, TODAY, 'rolling12', { limit: PAGE }))
  const pageBase2 = await median(21, () => overdueBaseline(bench, PAGE))
  rows.push({ store: backend.label, operation: `overdue list, first page (${PAGE} rows)`, rows: PAGE, ms: page, baseMs: Math.min(pageBase, pageBase2) })

  // 2. Every page.
  const allBase = await timed(() => overdueBaseline(bench))
  const all = await timed(async () => {
    let n = 0
    for await (const p of overduePages(store.db, filter, TODAY, 'rolling12')) n += p.length
    return n
  })
  const allBase2 = await timed(() => overdueBaseline(bench))
  if (all.value !== allBase.value) throw new Error(`overdue pages read ${all.value} rows, the plain scan ${allBase.value}`)
  const overdueBaseMs = Math.min(allBase.ms, allBase2.ms)
  rows.push({ store: backend.label, operation: 'overdue list, every page (1,000 a page)', rows: all.value, ms: all.ms, baseMs: overdueBaseMs })

  // 3. Overdue XLSX export, until the file is stored.
  const xlsx = await timed(async () => {
    const view = await createOverdueExport(ctx, ACTOR, {})
    await settledExport(view.exportId)
    return store.db.selectFrom('agency_exports').selectAll().where('id', '=', view.exportId).executeTakeFirstOrThrow()
  })
  if (xlsx.value.status !== 'ready' || Number(xlsx.value.row_count) !== all.value) throw new Error(`overdue export: ${xlsx.value.status}, ${xlsx.value.row_count} rows`)
  rows.push({ store: backend.label, operation: 'overdue XLSX export (read, decrypt, XLSX, seal, store)', rows: all.value, ms: xlsx.ms, baseMs: overdueBaseMs })

  // 3b. Of which: writing the XLSX alone, the same cells already in memory (no database, no decryption).
  const cells: string[][] = []
  for await (const p of overduePages(store.db, filter, TODAY, 'rolling12')) for (const r of p) cells.push([r.personNo, '测试甲子', r.idNumberMasked, r.insuranceType, r.regionCode, r.benefitStatus, r.dueMonth, r.suspendedSince, String(r.monthsOverdue)])
  const xlsxAlone = await timed(() => tableXlsx({ sheet: '逾期名单', headers: OVERDUE_HEADERS, rows: cells }, NOW))
  rows.push({ store: backend.label, operation: '— of which XLSX writing alone (same cells in memory)', rows: cells.length, ms: xlsxAlone.ms, baseMs: overdueBaseMs })

  // 4. Results export, the region's first: every record.
  const resBase = await timed(() => resultsBaseline(bench))
  const results = await timed(() => createResultsExport(ctx, ACTOR, { settleMs: 0 }))
  const resBase2 = await timed(() => resultsBaseline(bench))
  if (results.value.rowCount !== resBase.value) throw new Error(`results export: ${results.value.rowCount} rows, the plain scan ${resBase.value}`)
  rows.push({ store: backend.label, operation: 'results export (read, decrypt, CSV ×2 + XLSX, seal, store)', rows: resBase.value, ms: results.ms, baseMs: Math.min(resBase.ms, resBase2.ms) })

  // 5. The overview's trend, its cold read (the service caches it for 10 minutes), JIT off as the service runs it.
  let trendRows = 0
  const trendBase = await median(5, async () => (trendRows = await trendBaseline(bench)))
  const trend = await median(5, () => withoutJit(store.db, store.dialect, (db) => overdueAtEach(db, ACTOR.regionPrefix, TREND_DAYS, 'rolling12')))
  const trendBase2 = await median(5, () => trendBaseline(bench))
  rows.push({ store: backend.label, operation: `overview trend (overdue at ${TREND_DAYS.length} month starts)`, rows: trendRows, ms: trend, baseMs: Math.min(trendBase, trendBase2) })

  await bench.close()
  return rows
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'yl-bench-agency-'))
  const all: Row[] = []
  try {
    say(`bench:agency — ${fmt(PERSONS)} persons, ${fmt(RECORDS)} records, region '1101' (90% of them), today ${TODAY}`)
    for (const kind of STORES) {
      const backend = kind === 'postgres' ? await postgresBackend() : sqliteBackend(dir)
      try {
        all.push(...(await benchStore(backend)))
      } finally {
        await backend.close()
      }
    }
    say('')
    say('| store | operation | rows | time | baseline: plain indexed scan of the same rows | ratio |')
    say('|---|---|---:|---:|---:|---:|')
    for (const r of all) say(`| ${r.store} | ${r.operation} | ${fmt(r.rows)} | ${ms(r.ms)} | ${ms(r.baseMs)} | ${(r.ms / r.baseMs).toFixed(1)}× |`)
    say('')
    say(`load: ${loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min load average at the end; ${availableParallelism()} cores); heap used ${fmt(Math.round(process.memoryUsage().heapUsed / 1e6))} MB`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
