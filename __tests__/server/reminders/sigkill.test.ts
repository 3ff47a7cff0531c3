/**
 * Reliability: SIGKILL the sender in the middle of a batch and start it again. A real child process
 * (backend on a SQLite file + the sendReminders loop + a slow fake WeChat with a durable log) is
 * killed with kill -9 right after a message was delivered and before its ack; a second process
 * drains the rest. No key is delivered twice, and every key is sent or accounted for (attempted but
 * unacknowledged rows are reported by /v1/reminders/stats and never sent again).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { PiiCipher } from '../../../server/crypto/pii'
import { openStore } from '../../../server/db/connect'
import { migrateToLatest } from '../../../server/db/migrate'
import { beijingDateOf, cycleId, DEFAULT_REMINDER_POLICY, kindFor } from '../../../src/core/reminders/policy'
import { TEST_KEY_V1 } from '../helpers/config'

const ROOT = resolve(__dirname, '..', '..', '..')
// One process (tsx as a loader, not its CLI, which would run the script in a grandchild that kill -9 misses).
const CHILD = join(__dirname, 'support', 'sender-child.ts')
const N = 60

function startChild(db: string, log: string, drainSeconds: number): { proc: ChildProcess; exited: Promise<number | null>; out: () => string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, db, log, '40', String(drainSeconds)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  proc.stdout?.on('data', (d) => (out += String(d)))
  proc.stderr?.on('data', (d) => (out += String(d)))
  return { proc, exited: new Promise((r) => proc.on('exit', (code) => r(code))), out: () => out }
}

const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [])

describe('SIGKILL in the middle of a batch', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'yl-sigkill-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('no key is sent twice; every key is sent or reported as attempted-unacknowledged', async () => {
    const dbPath = join(dir, 'outbox.sqlite')
    const logPath = join(dir, 'sent.log')
    const store = openStore({ sqlitePath: dbPath })
    await migrateToLatest(store)
    const pii = new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' })
    const now = new Date()
    const nowIso = now.toISOString()
    const today = beijingDateOf(now)
    // Never certified, enrolled today → due this month; the kind whose window holds today.
    const dueMonth = { year: Number(today.slice(0, 4)), month: Number(today.slice(5, 7)) }
    const kind = kindFor(dueMonth, today, DEFAULT_REMINDER_POLICY)!
    expect(kind).toBeDefined()
    for (let i = 0; i < N; i++) {
      const id = `p${i}`
      await store.db.insertInto('persons').values({
        id, person_no: `K${i}`, pii_enc: pii.sealPerson({ name: '王秀英', idNumber: 'x', cardNumber: 'x' }), name_masked: '王*英', id_number_hash: `h${i}`, id_number_masked: 'x',
        insurance_type: 'enterprise', employer: '', benefit_status: 'normal', suspended_since: null,
        last_certified_on: null, region_code: '110101', enrolled_on: today, key_version: 'v1', created_at: nowIso, updated_at: nowIso,
      }).execute()
      await store.db.insertInto('accounts').values({ id: `a${i}`, platform: 'local', openid: `openid_kill_${String(i).padStart(3, '0')}`, created_at: nowIso, last_seen_at: nowIso }).execute()
      await store.db.insertInto('reminder_subscriptions').values({ account_id: `a${i}`, template: 'certDue', credits: 1, long_term: 0, accepted_total: 1, updated_at: nowIso }).execute()
      await store.db.insertInto('reminder_outbox').values({
        id: `o${i}`, person_id: id, cycle: cycleId(dueMonth), kind, recipient_account_id: `a${i}`, template: 'certDue', relation: 'self',
        status: 'pending', attempts: 0, next_attempt_at: nowIso, credit_held: 0, created_at: nowIso, updated_at: nowIso,
      }).execute()
    }
    await store.db.destroy()

    // Run 1: kill -9 as soon as the 15th message was delivered (the child then sleeps before its ack).
    const first = startChild(dbPath, logPath, 60)
    const killAt = Date.now() + 60_000
    while (lines(logPath).length < 15 && Date.now() < killAt) await new Promise((r) => setTimeout(r, 5))
    first.proc.kill('SIGKILL')
    expect(await first.exited).toBeNull()
    const afterKill = lines(logPath).length
    expect(afterKill).toBeGreaterThanOrEqual(15)
    expect(afterKill).toBeLessThan(N)

    // Run 2: a fresh process drains the rest (claimed-but-unattempted rows come back after their lease).
    const second = startChild(dbPath, logPath, 20)
    expect(await second.exited).toBe(0)

    const sent = lines(logPath)
    const store2 = openStore({ sqlitePath: dbPath })
    try {
      const rows = await store2.db.selectFrom('reminder_outbox').innerJoin('accounts', 'accounts.id', 'reminder_outbox.recipient_account_id').select(['reminder_outbox.status', 'accounts.openid']).execute()
      // 1. No key delivered twice.
      expect(new Set(sent).size).toBe(sent.length)
      // 2. Every key is sent or accounted for: acknowledged 'sent', or 'attempted' (unacked, reported).
      const byStatus: Record<string, number> = {}
      for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1
      expect(Object.keys(byStatus).sort()).toEqual(Object.keys(byStatus).filter((s) => s === 'sent' || s === 'attempted').sort())
      expect((byStatus.sent ?? 0) + (byStatus.attempted ?? 0)).toBe(N)
      // Attempted-unacked: at most the one in flight when killed (concurrency 1); it WAS delivered here.
      expect(byStatus.attempted ?? 0).toBeLessThanOrEqual(1)
      const delivered = new Set(sent)
      for (const r of rows) if (r.status === 'sent') expect(delivered.has(r.openid)).toBe(true)
      // Every delivered key is a row that is sent or attempted — nothing delivered behind the outbox's back.
      const known = new Map(rows.map((r) => [r.openid, r.status]))
      for (const t of sent) expect(['sent', 'attempted']).toContain(known.get(t))
      const unacked = rows.filter((r) => r.status === 'attempted').length
      process.stdout.write(`SIGKILL test: delivered ${sent.length}/${N}, acknowledged sent ${byStatus.sent ?? 0}, attempted-unacked ${unacked}\n`)
    } finally {
      await store2.db.destroy()
    }
  }, 120_000)
})
