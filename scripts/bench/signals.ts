/**
 * npm run bench:signals [-- --rows 1000000 --store sqlite|postgres]
 *
 * The 静默认证 signals import rate, with the roster import of the same row count as the baseline, in
 * ONE run on the same store:
 *   1. roster     ROWS generated roster rows through the real roster import (importRosterBytes: read,
 *                 decode, check, encrypt in worker threads, one transaction) — the baseline;
 *   2. signals    ROWS generated signal rows for those persons (two per person: 医保结算 and 交通出行,
 *                 half named by 个人编号 and half by 身份证号, matched through the blind index; one person
 *                 in 1,000 with a 死亡 signal instead) through the real signals import (importSignalsBytes:
 *                 decode, check, match, insert with ON CONFLICT DO NOTHING, the policy per person with a
 *                 new signal: a pass through applyPass, or suspend + flag), one transaction;
 *   3. again      the same signals file again: must insert 0 rows and certify nobody.
 * Rates are rows/s of the whole call. The persons are due (last passed in 2025) so about ROWS/2 of them
 * pass: the policy's per-person writes (record, pass, audit) are part of what is timed.
 * --store postgres: a throw-away server (scripts/support/throwaway-postgres.ts), or --pg-url.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkCharFor } from '../../src/core/id-number'
import { DEFAULT_SILENT_POLICY } from '../../src/core/silent-certification'
import { PiiCipher } from '../../server/crypto/pii'
import { openStore, type Store } from '../../server/db/connect'
import { migrateToLatest } from '../../server/db/migrate'
import { importRosterBytes } from '../../server/roster/import-file'
import { importSignalsBytes } from '../../server/signals/import'
import { startTestPostgres, stopTestPostgres, type TestPostgres } from '../support/throwaway-postgres'
import { argText } from './support/args'
import { fmt, say, secs } from './support/format'

const ROWS = Math.max(2, Math.floor(Number(argText('rows') ?? 1_000_000)))
const STORE_KIND = argText('store') ?? 'sqlite'
if (STORE_KIND !== 'sqlite' && STORE_KIND !== 'postgres') throw new Error(`--store sqlite|postgres, not ${STORE_KIND}`)
const TODAY = '2026-11-27'

const rate = (rows: number, ms: number) => fmt(Math.round(rows / (ms / 1000)))

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}

function idNumberOf(i: number, rand: () => number): string {
  const y = 1935 + Math.floor(rand() * 30)
  const m = 1 + Math.floor(rand() * 12)
  const d = 1 + Math.floor(rand() * 28)
  const seq = String(i % 1000).padStart(3, '0')
  const area = String(110000 + (Math.floor(i / 1000) % 900000)).padStart(6, '0')
  const first17 = `${area}${y}${String(m).padStart(2, '0')}${String(d).padStart(2, '0')}${seq}`
  return first17 + checkCharFor(first17)
}

/** The roster (ROWS persons, all due or overdue on TODAY) and the ID numbers it used. */
function rosterCsv(n: number): { csv: Buffer; ids: string[] } {
  const rand = rng(16)
  const ids: string[] = new Array(n)
  const parts: string[] = ['个人编号,姓名,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划']
  const surnames = '王李张刘陈杨赵黄周吴'
  const given = '秀英建国桂兰德福玉梅淑珍'
  for (let i = 0; i < n; i++) {
    ids[i] = idNumberOf(i, rand)
    const name = surnames[i % 10] + given[(i >> 3) % 12] + given[(i >> 7) % 12]
    const last = `2025-${String(1 + (i % 11)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
    parts.push(`S${i},${name},${ids[i]},C${String(i).padStart(9, '0')},示例单位,企业职工基本养老保险,正常,${last},110101`)
  }
  return { csv: Buffer.from(parts.join('\n') + '\n'), ids }
}

/** ROWS signal rows: two per person (persons 0 … ROWS/2-1). */
function signalsCsv(rows: number, ids: string[]): Buffer {
  const parts: string[] = ['个人编号,身份证号,来源,发生日期']
  const persons = Math.ceil(rows / 2)
  let written = 0
  for (let i = 0; i < persons && written < rows; i++) {
    const who = i % 2 === 0 ? `S${i},` : `,${ids[i]}`
    const day = `2026-${String(9 + (i % 3)).padStart(2, '0')}-${String(1 + (i % 26)).padStart(2, '0')}`
    if (i % 1000 === 999) parts.push(`${who},死亡,${day}`)
    else parts.push(`${who},医保结算,${day}`)
    written++
    if (written < rows) {
      parts.push(`${who},交通出行,2026-11-${String(1 + (i % 26)).padStart(2, '0')}`)
      written++
    }
  }
  return Buffer.from(parts.join('\n') + '\n')
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'yl-bench-signals-'))
  let server: TestPostgres | undefined
  let store: Store | undefined
  try {
    if (STORE_KIND === 'postgres') {
      const given = argText('pg-url')
      server = given ? undefined : await startTestPostgres()
      store = openStore({ databaseUrl: given ?? server!.url, sqlitePath: '' })
    } else store = openStore({ sqlitePath: join(dir, 'bench.sqlite') })
    say(`bench:signals — ${store.describe}, ${fmt(ROWS)} rows, ${availableParallelism()} cores`)
    await migrateToLatest(store)
    const pii = new PiiCipher({ keys: { v1: Buffer.alloc(32, 7) }, current: 'v1', indexVersion: 'v1' })

    const g0 = performance.now()
    const roster = rosterCsv(ROWS)
    const signals = signalsCsv(ROWS, roster.ids)
    say(`  generated:  roster ${fmt(roster.csv.length)} bytes, signals ${fmt(signals.length)} bytes in ${secs(performance.now() - g0)}`)

    const r0 = performance.now()
    const file = await importRosterBytes(store.db, roster.csv, { pii, today: TODAY, now: new Date().toISOString(), cyclePolicy: 'rolling12', actor: 'bench' })
    const rosterMs = performance.now() - r0
    if (!file.summary?.committed) throw new Error(`roster refused: ${[...file.fatal, ...(file.summary?.errors ?? [])].slice(0, 3).map((e) => `${e.line} ${e.reason}`).join('; ')}`)
    say(`  roster:     ${fmt(file.summary.inserted)} rows in ${secs(rosterMs)} → ${rate(ROWS, rosterMs)} rows/s (baseline: real roster import, worker threads)`)

    const phases: Record<string, number> = {}
    const s0 = performance.now()
    const result = await importSignalsBytes(store.db, signals, {
      pii,
      today: TODAY,
      now: new Date().toISOString(),
      cyclePolicy: 'rolling12',
      policy: DEFAULT_SILENT_POLICY,
      filename: 'bench.csv',
      actor: 'bench',
      onProgress: (phase) => {
        if (phases[phase] === undefined) phases[phase] = performance.now()
      },
    })
    const signalsMs = performance.now() - s0
    if (!result.applied) throw new Error(`signals refused: ${[...result.fatal, ...result.errors].slice(0, 3).map((e) => `${e.line} ${e.column} ${e.reason}`).join('; ')}`)
    const a = result.applied
    say(`  signals:    ${fmt(result.total)} rows in ${secs(signalsMs)} → ${rate(ROWS, signalsMs)} rows/s; inserted ${fmt(a.inserted)}, certified ${fmt(a.certified)} persons, flagged ${fmt(a.flagged)} (suspended ${fmt(a.suspended)})`)
    if (phases.write !== undefined) say(`              check (decode, parse, match by 个人编号 / blind index) ${secs(phases.write - s0)}; write + policy ${secs(s0 + signalsMs - phases.write)}`)
    say(`  ratio:      signals / roster = ${(signalsMs / rosterMs).toFixed(2)}× the time for the same row count`)

    const again0 = performance.now()
    const again = await importSignalsBytes(store.db, signals, { pii, today: TODAY, now: new Date().toISOString(), cyclePolicy: 'rolling12', policy: DEFAULT_SILENT_POLICY, filename: 'bench.csv', actor: 'bench' })
    const againMs = performance.now() - again0
    say(`  again:      same file in ${secs(againMs)} → ${rate(ROWS, againMs)} rows/s; inserted ${fmt(again.applied?.inserted ?? -1)}, certified ${fmt(again.applied?.certified ?? -1)} (must be 0 and 0)`)
    say(`  load:       ${loadavg().map((l) => l.toFixed(2)).join(', ')} (1, 5, 15 min load average at the end)`)
  } finally {
    await store?.db.destroy()
    if (server) stopTestPostgres(server)
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
