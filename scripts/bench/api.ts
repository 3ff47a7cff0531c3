/**
 * npm run bench:api [-- --seconds 6 --persons 6000 --completions 5000 --store sqlite|postgres|both
 *                      --cases status,start,complete,scale --via backend,gateway]
 *
 * At 50 connections, through the real processes (backend: server/server.ts; gateway; each its own
 * process), on SQLite and on PostgreSQL (a throw-away server started like the tests start theirs):
 *   status      a signed POST /v1/status of a bound person (gateway: /fn/getStatus)
 *   start       a signed POST /v1/certifications/start (gateway: /fn/startCertification)
 *   complete    a signed POST /v1/certifications/complete (gateway: /fn/completeCertification) of a
 *               session started beforehand, with the verdict and observation summary of a real recorded
 *               clip: the backend replays it in its worker; face matching off. One per person (a
 *               person's second summary would be refused as reused), COMPLETIONS/2 persons per via:
 *               the warm-up sends a tenth of them, the measured run the rest, however long that takes.
 *   scale       PostgreSQL only: status reads spread over three backend instances on the one database
 *               (connections split between them, rates summed) vs. one instance, alternated
 *               one, three, one; the ratio is three over the mean of the two single runs.
 * Each case runs right after a run against a bare Fastify POST route (own process) with the same
 * client (same signing, same body; through the gateway: the same bearer header), and again after it;
 * the ratio is the case's successful req/s over the mean of those two bare runs. Beside it, from /proc
 * (Linux): the CPU the serving processes (the backend; through the gateway, the gateway and the
 * backend; all their threads) used per successful request, the bare server's per request, their ratio,
 * and on PostgreSQL the database server's (postmaster and its processes) per request. On a shared
 * machine the rates move with whatever else runs; CPU per request moves far less, so a change is
 * best judged by it. Face matching is off
 * (IDENTITY_VERIFIER=manual-review). Callers rotate over PERSONS bound accounts in a fixed shuffled
 * order, so no caller reaches the per-caller rate limit (300 a minute). 503 = shed by load shedding (through the gateway: the
 * backend's SERVICE_UNAVAILABLE). Prints a markdown table.
 * On PostgreSQL the store is analysed after the accounts are bound, as autovacuum would have done in a
 * running database (without statistics the status read walks every binding).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { newNonce, signRequest } from '../../cloudfunctions/_shared/backend-client'
import { PiiCipher } from '../../server/crypto/pii'
import { openStore } from '../../server/db/connect'
import { migrateToLatest } from '../../server/db/migrate'
import { importRosterBytes } from '../../server/roster/import-file'
import { deriveTokenSecret, issueToken } from '../../servers/gateway/token'
import { startTestPostgres, stopTestPostgres } from '../support/throwaway-postgres'
import { runLoad, runLoadSpread, type LoadResult, type LoadTarget, CONNECTIONS } from './api/load'
import { startNode, type Child } from './api/processes'
import { benchPersons, rosterCsv, type BenchPerson } from './api/roster'
import { shuffled } from './support/rng'
import { argText } from './support/args'
import { say } from './support/format'
import { processCpuSeconds, processTreeCpuSeconds } from './support/proc-cpu'
import { BENCH_CHALLENGE, clientRun, movedSummary, type ClientRun } from './api/completion'

const arg = (name: string, fallback: string): string => argText(name) ?? fallback
const SECONDS = Number(arg('seconds', '6'))
const WARM_SECONDS = 2
/**
 * Bound accounts the status and start cases rotate over. Each may hold CERT_MAX_OPEN_SESSIONS (20) open
 * sessions, and the start case opens one per request through the backend and then through the gateway
 * (about 38,000 a store on a 2-core machine that starts 2,700 a second): 2,000 accounts ran out there.
 */
const PERSONS = Math.min(30_000, Number(arg('persons', '6000')))
const COMPLETIONS = Number(arg('completions', '5000'))
const CASES = arg('cases', 'status,start,complete,scale').split(',')
const VIAS = arg('via', 'backend,gateway').split(',') as Via[]
/** PostgreSQL: pg_stat_statements loaded, and after each measured run its statements by the server time they took. */
const PG_STATEMENTS = process.argv.includes('--pg-statements')
const STORES = arg('store', 'both') === 'both' ? (['sqlite', 'postgres'] as const) : ([arg('store', 'sqlite')] as ('sqlite' | 'postgres')[])

const SECRET = 'bench-api-hmac-secret-0123456789abcdef0123'
const PII_KEY = randomBytes(32)
const KEY = { keyId: 'k1', secret: SECRET }

interface Account {
  caller: { platform: 'local'; openid: string }
  token: string
}


function backendEnv(dataDir: string, store: { sqlitePath?: string; databaseUrl?: string }): Record<string, string> {
  return {
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : { SQLITE_PATH: store.sqlitePath! }),
    PII_KEYS: JSON.stringify({ v1: PII_KEY.toString('base64') }),
    PII_KEY_CURRENT: 'v1',
    BACKEND_HMAC_KEY_ID: 'k1',
    BACKEND_HMAC_SECRET: SECRET,
    DEMO_SEED: 'false',
    LOG_LEVEL: 'warn',
    IDENTITY_VERIFIER: 'manual-review',
    CERT_MAX_OPEN_SESSIONS: '20',
    CERT_TEST_CHALLENGE: BENCH_CHALLENGE,
  }
}

async function seedRoster(store: { sqlitePath?: string; databaseUrl?: string }, persons: readonly BenchPerson[]): Promise<void> {
  const opened = openStore({ sqlitePath: store.sqlitePath ?? ':memory:', databaseUrl: store.databaseUrl })
  try {
    await migrateToLatest(opened)
    const pii = new PiiCipher({ keys: { v1: PII_KEY }, current: 'v1', indexVersion: 'v1' })
    const file = await importRosterBytes(opened.db, rosterCsv(persons), { pii, today: new Date().toISOString().slice(0, 10), now: new Date().toISOString(), cyclePolicy: 'rolling12', actor: 'bench', workers: 1 })
    if (!file.summary?.committed) throw new Error(`roster import refused: ${JSON.stringify([...file.fatal, ...(file.summary?.errors ?? [])].slice(0, 3))}`)
  } finally {
    await opened.db.destroy()
  }
}

/** Signed as the gateway's backend client signs (cloudfunctions/_shared/backend-client.ts). */
function signed(path: string, payload: unknown): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(payload)
  return { body, headers: signRequest(KEY, 'POST', path, body, Date.now(), newNonce()) }
}

async function bindAll(backendUrl: string, persons: readonly BenchPerson[]): Promise<Account[]> {
  const tokenSecret = deriveTokenSecret(SECRET)
  const accounts: Account[] = persons.map(() => {
    const openid = `local_${randomBytes(16).toString('base64url')}`
    return { caller: { platform: 'local', openid }, token: issueToken(tokenSecret, openid, Date.now()).token }
  })
  let next = 0
  const worker = async () => {
    while (next < persons.length) {
      const i = next++
      const p = persons[i]
      const { body, headers } = signed('/v1/bindings/manual', { caller: accounts[i].caller, name: p.name, idNumber: p.idNumber, cardNumber: p.cardNumber, insuranceType: 'enterprise' })
      const res = await fetch(`${backendUrl}/v1/bindings/manual`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
      if (res.status !== 200) throw new Error(`bind ${i}: ${res.status} ${await res.text()}`)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  return accounts
}

type Via = 'backend' | 'gateway'
type CaseName = 'status' | 'start' | 'complete'

const ROUTES: Record<Exclude<CaseName, 'complete'>, { backend: string; gateway: string; extra: Record<string, unknown> }> = {
  status: { backend: '/v1/status', gateway: '/fn/getStatus', extra: {} },
  start: { backend: '/v1/certifications/start', gateway: '/fn/startCertification', extra: { channel: 'h5' } },
}

/**
 * Callers in a fixed shuffled order, over and over. The accounts were bound in roster order, so the
 * plain order walked persons (ids time-ordered by the import) and their rows in index order: every
 * index a read touches, or its audit row writes, was hit page after page. Real callers arrive in no
 * such order.
 */
function rotating(inBindingOrder: readonly Account[]): () => Account {
  const accounts = shuffled(inBindingOrder, 11)
  let i = 0
  return () => accounts[i++ % accounts.length]
}

/** The case's target and its bare twin: same client work per request, same body shape. */
function targets(name: Exclude<CaseName, 'complete'>, via: Via, urls: { backend: string; gateway: string; bare: string }, accounts: readonly Account[]): { real: LoadTarget; bare: LoadTarget } {
  const route = ROUTES[name]
  const pick = rotating(accounts)
  if (via === 'backend') {
    const build = (path: string) => () => signed(path, { caller: pick().caller, ...route.extra })
    return {
      real: { url: urls.backend, path: route.backend, next: build(route.backend), ok: (s) => s === 200 },
      bare: { url: urls.bare, path: '/bare', next: build('/bare'), ok: (s) => s === 200 },
    }
  }
  const build = () => () => ({ body: '{}', headers: { authorization: `Bearer ${pick().token}` } })
  return {
    real: { url: urls.gateway, path: route.gateway, next: build(), ok: (s, b) => s === 200 && b.startsWith('{"ok":true') },
    bare: { url: urls.bare, path: '/bare', next: build(), ok: (s) => s === 200 },
  }
}

interface OpenSession {
  account: Account
  sessionId: string
  nonce: string
  /** Which moved copy of the summary this session completes with (unique across the run). */
  variant: number
}

let variants = 0

/**
 * What autovacuum does within a minute or so of a bulk change: the bench binds its accounts seconds
 * before it measures, and without statistics PostgreSQL walks every active binding per status read
 * (1,400 instead of 6,600 reads/s here). A running database has them.
 */
async function analyze(databaseUrl: string): Promise<void> {
  await pgQuery(databaseUrl, 'analyze')
}

/** One statement on a connection of its own (the bench's housekeeping, not the load). */
async function pgQuery(databaseUrl: string, text: string): Promise<Record<string, string>[]> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return (await client.query(text)).rows as Record<string, string>[]
  } finally {
    await client.end()
  }
}

/** One session per account, started through the backend, to be completed later. */
async function startSessions(backendUrl: string, accounts: readonly Account[]): Promise<OpenSession[]> {
  const out: OpenSession[] = []
  let next = 0
  const worker = async () => {
    while (next < accounts.length) {
      const account = accounts[next++]
      const { body, headers } = signed('/v1/certifications/start', { caller: account.caller, channel: 'h5' })
      const res = await fetch(`${backendUrl}/v1/certifications/start`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
      if (res.status !== 200) throw new Error(`start for completion: ${res.status} ${await res.text()}`)
      const view = (await res.json()) as { sessionId: string; nonce: string }
      out.push({ account, sessionId: view.sessionId, nonce: view.nonce, variant: ++variants })
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  return out
}

/**
 * Each request completes the next open session; the runs send exactly as many as there are (a send
 * beyond them would repeat the last one and be refused, counted as a failure).
 */
function completionTargets(via: Via, urls: { backend: string; gateway: string; bare: string }, sessions: OpenSession[], run: ClientRun): { real: LoadTarget; bare: LoadTarget } {
  let i = 0
  const event = (s: OpenSession) => ({ sessionId: s.sessionId, nonce: s.nonce, verdict: run.verdict, summary: movedSummary(run, s.variant) })
  const take = () => sessions[Math.min(i++, sessions.length - 1)]
  const sample = sessions[0]
  if (via === 'backend') {
    return {
      real: { url: urls.backend, path: '/v1/certifications/complete', next: () => { const s = take(); return signed('/v1/certifications/complete', { caller: s.account.caller, ...event(s) }) }, ok: (st) => st === 200 },
      bare: { url: urls.bare, path: '/bare', next: () => signed('/bare', { caller: sample.account.caller, ...event(sample) }), ok: (st) => st === 200 },
    }
  }
  const bearer = (s: OpenSession) => ({ authorization: `Bearer ${s.account.token}` })
  return {
    real: { url: urls.gateway, path: '/fn/completeCertification', next: () => { const s = take(); return { body: JSON.stringify(event(s)), headers: bearer(s) } }, ok: (st, b) => st === 200 && b.startsWith('{"ok":true') },
    bare: { url: urls.bare, path: '/bare', next: () => ({ body: JSON.stringify(event(sample)), headers: bearer(sample) }), ok: (st) => st === 200 },
  }
}

interface ScaleRow {
  one: LoadResult[]
  three: LoadResult
}

interface Row {
  name: CaseName
  store: string
  via: Via
  bare: number
  /** The bare runs' p99 (the worse of the two): what the client and the machine alone add to a request's latency. */
  bareP99: number
  result: LoadResult
  /** CPU µs per successful request: the serving processes, the bare server (mean of its two runs), PostgreSQL (NaN on SQLite). */
  cpu: { server: number; bare: number; db: number }
}

/** CPU µs a successful request cost `processes` (NaN without /proc). */
interface Metered {
  result: LoadResult
  cpuUs: number
  dbCpuUs: number
}

async function metered(run: () => Promise<LoadResult>, processes: readonly number[], dbRoot?: number): Promise<Metered> {
  const cpu = () => processes.reduce((a, pid) => a + processCpuSeconds(pid), 0)
  const db = () => (dbRoot === undefined ? NaN : processTreeCpuSeconds(dbRoot))
  const before = cpu()
  const dbBefore = db()
  const result = await run()
  const perRequest = (seconds: number) => (result.ok > 0 ? (seconds * 1e6) / result.ok : NaN)
  return { result, cpuUs: perRequest(cpu() - before), dbCpuUs: perRequest(db() - dbBefore) }
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })

function table(rows: readonly Row[]): string {
  const out = [
    `| case | store | via | req/s | bare req/s | ratio to bare | p50 ms | p99 ms | bare p99 ms | 503 | other failures | CPU µs/req | bare CPU µs/req | CPU ratio | PostgreSQL CPU µs/req |`,
    `|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
  ]
  const us = (n: number) => (Number.isFinite(n) ? fmt(n) : '–')
  for (const r of rows) {
    const cpuRatio = Number.isFinite(r.cpu.bare / r.cpu.server) ? `${fmt((100 * r.cpu.bare) / r.cpu.server, 1)} %` : '–'
    out.push(
      `| ${r.name} | ${r.store} | ${r.via} | ${fmt(r.result.rps)} | ${fmt(r.bare)} | ${fmt((100 * r.result.rps) / r.bare, 1)} % | ${r.result.p50} | ${r.result.p99} | ${r.bareP99} | ${r.result.shed} | ${r.result.failed} | ${us(r.cpu.server)} | ${us(r.cpu.bare)} | ${cpuRatio} | ${us(r.cpu.db)} |`,
    )
  }
  return out.join('\n')
}

function scaleTable(r: ScaleRow): string {
  const one = (r.one[0].rps + r.one[1].rps) / 2
  return [
    `| status read on PostgreSQL | req/s | p50 ms | p99 ms | 503 | other failures |`,
    `|---|---:|---:|---:|---:|---:|`,
    ...r.one.map((o, i) => `| one instance (run ${i + 1}) | ${fmt(o.rps)} | ${o.p50} | ${o.p99} | ${o.shed} | ${o.failed} |`),
    `| three instances | ${fmt(r.three.rps)} | ${r.three.p50} | ${r.three.p99} | ${r.three.shed} | ${r.three.failed} |`,
    `| three / one | ${fmt(r.three.rps / one, 2)}× | | | | |`,
  ].join('\n')
}

async function benchStore(kind: 'sqlite' | 'postgres', dir: string, bare: Child, rows: Row[], scale: ScaleRow[]): Promise<void> {
  let pgServer: Awaited<ReturnType<typeof startTestPostgres>> | undefined
  const children: Child[] = []
  try {
    let store: { sqlitePath?: string; databaseUrl?: string }
    if (kind === 'postgres') {
      pgServer = await startTestPostgres(PG_STATEMENTS ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track_planning': 'on' } : {})
      const admin = new pg.Client({ connectionString: pgServer.url })
      await admin.connect()
      await admin.query('CREATE DATABASE bench_api')
      await admin.end()
      store = { databaseUrl: pgServer.url.replace(/\/postgres$/, '/bench_api') }
    } else {
      store = { sqlitePath: join(dir, 'bench-api.sqlite') }
    }
    const persons = benchPersons(PERSONS + COMPLETIONS)
    await seedRoster(store, persons)
    const backend = await startNode('server/server.ts', backendEnv(dir, store))
    children.push(backend)
    const gateway = await startNode('scripts/bench/api/gateway.ts', { BACKEND_URL: backend.url, BACKEND_HMAC_SECRET: SECRET })
    children.push(gateway)
    const bound = await bindAll(backend.url, persons)
    const accounts = bound.slice(0, PERSONS)
    say(`${kind}: ${persons.length} persons bound; backend ${backend.url}, gateway ${gateway.url}`)
    const urls = { backend: backend.url, gateway: gateway.url, bare: bare.url }

    if (store.databaseUrl) await analyze(store.databaseUrl)

    /** `sends`: the case can be sent only so many times (completions): the warm-up takes a tenth, the run the rest. */
    const statements = PG_STATEMENTS && store.databaseUrl ? await statementStats(store.databaseUrl) : undefined
    const dbRoot = pgServer ? postmasterPid(join(pgServer.dir, 'data')) : undefined
    const measure = async (name: CaseName, via: Via, t: { real: LoadTarget; bare: LoadTarget }, sends?: number) => {
      const warm = sends === undefined ? undefined : Math.max(CONNECTIONS, Math.floor(sends / 10))
      await runLoad(t.real, WARM_SECONDS, CONNECTIONS, warm)
      const serving = (via === 'backend' ? [backend] : [gateway, backend]).map((c) => c.proc.pid!)
      const before = await metered(() => runLoad(t.bare, SECONDS), [bare.proc.pid!])
      if (statements) await statements.reset()
      const real = await metered(() => runLoad(t.real, SECONDS, CONNECTIONS, sends === undefined ? undefined : sends - warm!), serving, dbRoot)
      const top = statements ? await statements.top(real.result.ok) : []
      const after = await metered(() => runLoad(t.bare, SECONDS), [bare.proc.pid!])
      const result = real.result
      const row: Row = {
        name,
        store: kind,
        via,
        bare: (before.result.rps + after.result.rps) / 2,
        bareP99: Math.max(before.result.p99, after.result.p99),
        result,
        cpu: { server: real.cpuUs, bare: (before.cpuUs + after.cpuUs) / 2, db: real.dbCpuUs },
      }
      rows.push(row)
      say(table([row]).split('\n')[2] + (result.firstFailure ? `   first failure: ${result.firstFailure}` : ''))
      for (const line of top) say(line)
    }

    for (const via of VIAS) {
      for (const name of ['status', 'start'] as const) if (CASES.includes(name)) await measure(name, via, targets(name, via, urls, accounts))
    }

    if (kind === 'postgres' && CASES.includes('scale')) {
      const more = [await startNode('server/server.ts', backendEnv(dir, store)), await startNode('server/server.ts', backendEnv(dir, store))]
      children.push(...more)
      const instance = (url: string) => targets('status', 'backend', { ...urls, backend: url }, accounts).real
      await runLoadSpread([backend, ...more].map((b) => instance(b.url)), WARM_SECONDS)
      const first = await runLoad(instance(backend.url), SECONDS)
      const three = await runLoadSpread([backend, ...more].map((b) => instance(b.url)), SECONDS)
      const second = await runLoad(instance(backend.url), SECONDS)
      scale.push({ one: [first, second], three })
      say(scaleTable(scale[scale.length - 1]))
    }

    if (COMPLETIONS > 0 && CASES.includes('complete')) {
      const run = clientRun()
      const half = Math.floor(COMPLETIONS / 2)
      // In no particular order, as the status and start callers (rotating): not in roster order.
      const completing = shuffled(bound.slice(PERSONS, PERSONS + 2 * half), 13)
      const sessions = {
        backend: await startSessions(backend.url, completing.slice(0, half)),
        gateway: await startSessions(backend.url, completing.slice(half)),
      }
      // The backend refuses a summary longer than the session's age: wait out the clip's span.
      await new Promise((r) => setTimeout(r, run.spanMs + 1500))
      for (const via of VIAS) await measure('complete', via, completionTargets(via, urls, sessions[via], run), sessions[via].length)
    }
  } finally {
    for (const c of children.reverse()) await c.stop()
    if (pgServer) stopTestPostgres(pgServer)
  }
}

/**
 * pg_stat_statements of the bench database: reset before a measured run, then its statements by
 * planning + execution time, per successful request of the run (the server's side only: not the
 * protocol, the commit's WAL, or background work, which PostgreSQL CPU µs/req includes).
 */
async function statementStats(databaseUrl: string): Promise<{ reset(): Promise<void>; top(requests: number): Promise<string[]> }> {
  const query = (text: string) => pgQuery(databaseUrl, text)
  await query('create extension if not exists pg_stat_statements')
  return {
    reset: async () => void (await query('select pg_stat_statements_reset()')),
    top: async (requests) => {
      const rows = await query(`select calls, total_plan_time as plan, total_exec_time as exec, query from pg_stat_statements
        where query not like '%pg_stat_statements%' order by total_plan_time + total_exec_time desc limit 12`)
      const per = (ms: string) => fmt((Number(ms) * 1000) / requests, 1)
      return [
        `    PostgreSQL statements per request (µs planning + µs executing, calls per request):`,
        ...rows.map((r) => `    ${per(r.plan).padStart(7)} + ${per(r.exec).padStart(7)}  ×${fmt(Number(r.calls) / requests, 2)}  ${r.query.replace(/\s+/g, ' ').slice(0, 150)}`),
      ]
    },
  }
}

/** The postmaster's pid, first line of postmaster.pid in the data directory (undefined if unreadable). */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'yl-bench-api-'))
  say(`bench:api — ${CONNECTIONS} connections, ${SECONDS} s per run (bare before and after each case), stores: ${STORES.join(', ')}`)
  const rows: Row[] = []
  const scale: ScaleRow[] = []
  const bare = await startNode('scripts/bench/api/bare.ts', {})
  try {
    for (const kind of STORES) await benchStore(kind, dir, bare, rows, scale)
  } finally {
    await bare.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  say('')
  say(table(rows))
  for (const r of scale) say(`\n${scaleTable(r)}`)
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack ?? err.message : String(err))
  process.exit(1)
})
