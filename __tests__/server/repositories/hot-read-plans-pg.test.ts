/**
 * On PostgreSQL, a store `npm run db:copy` has just filled is planned like one that has been running:
 * the reads every status request runs (and the binding lookups) reach their rows through an index
 * condition, in the plan PostgreSQL makes for the values and in the generic plan it caches for a
 * prepared statement after a few runs.
 *
 * Without planner statistics PostgreSQL takes each of the partial indexes on bindings for a single
 * row: the status read then walked every active binding for each request (bench:api, 7,000 bound
 * accounts: 1,400 reads/s, p50 35 ms; with statistics 6,600 reads/s, 7 ms), and the lookup of a
 * person's binding walked the account index instead of the person's. Autovacuum only gathers them a
 * minute or more after a bulk load, which for a province's copy is a backend falling over at start.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { copySqliteToPostgres } from '../../../server/db/copy/copy'
import { newId } from '../../../server/db/ids'
import { openStore } from '../../../server/db/connect'
import { migrateToLatest } from '../../../server/db/migrate'
import { ensureAccount } from '../../../server/repositories/accounts'
import { activeSelfBindingOfAccount, activeSelfBindingOfPerson, insertSelfBinding } from '../../../server/repositories/bindings'
import { findPersonById, insertPerson } from '../../../server/repositories/persons'
import { insertRecord, latestRecordAndPassOfPerson } from '../../../server/repositories/records'
import { countFailedFaceRecordsSince } from '../../../server/repositories/sessions'
import { accountSelfStatus } from '../../../server/repositories/status-read'
import { createTestStore, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'

jest.setTimeout(120_000)

const NOW = '2026-11-27T02:00:00.000Z'
/** Enough bound accounts that walking them all is a plan PostgreSQL would never choose knowingly. */
const PERSONS = 3000
const HOT_TABLES = new Set(['accounts', 'bindings', 'persons', 'certification_records'])

interface Sent {
  text: string
  values: unknown[]
}

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Index Cond'?: string
  Plans?: PlanNode[]
}

const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)]

/** The scans of a hot table that read it (or one of its indexes) whole: no index condition bounds them. */
function unboundedScans(plan: PlanNode): string[] {
  return nodesOf(plan)
    .filter((n) => n['Relation Name'] !== undefined && HOT_TABLES.has(n['Relation Name']))
    .filter((n) => n['Index Cond'] === undefined)
    .map((n) => `${n['Node Type']} on ${n['Relation Name']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}`)
}

describe('hot reads on a store db:copy has just filled (PostgreSQL)', () => {
  let dir: string
  let target: TestStore
  let explain: pg.Client
  const caller = { platform: 'local' as const, openid: 'local_plan_0' }
  let personId: string
  let accountId: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yl-pg-plans-'))
    const file = join(dir, 'source.sqlite')
    const source = openStore({ sqlitePath: file })
    try {
      await migrateToLatest(source)
      await source.db.transaction().execute(async (trx) => {
        for (let i = 0; i < PERSONS; i++) {
          const id = newId()
          await insertPerson(trx, {
            id, person_no: `P${i}`, pii_enc: 'v1:x', name_masked: '王*英', id_number_hash: `hash-${i}`, id_number_masked: '1101**********0127', insurance_type: 'enterprise',
            employer: '示例单位', benefit_status: 'normal', suspended_since: null, last_certified_on: null, region_code: '110101', enrolled_on: '2020-01-01', key_version: 'v1', created_at: NOW, updated_at: NOW,
          })
          const account = await ensureAccount(trx, { platform: 'local', openid: `local_plan_${i}` }, NOW)
          await insertSelfBinding(trx, account, id, 'manual', NOW)
          if (i % 3 === 0) {
            await insertRecord(trx, {
              id: newId(), person_id: id, certified_at: `2026-0${1 + (i % 9)}-01T03:00:00.000Z`, result: i % 2 ? 'passed' : 'failed', method: 'face', channel: 'weapp', performed_by: 'self',
              performer_account_id: null, created_at: NOW, performer_relation: null, via: null,
            })
          }
          if (i === 0) {
            personId = id
            accountId = account
          }
        }
      })
    } finally {
      await source.db.destroy()
    }
    target = await createTestStore('postgres')
    await copySqliteToPostgres({ from: file, to: target.location })
    explain = new pg.Client({ connectionString: target.location })
    await explain.connect()
  }, STORE_SETUP_TIMEOUT_MS + 60_000)

  afterAll(async () => {
    await explain?.end()
    await target?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Runs `read` on the copy; the statements it sent to PostgreSQL, with their values. */
  async function statementsOf(read: () => Promise<unknown>): Promise<Sent[]> {
    const sent: Sent[] = []
    const original = pg.Client.prototype.query
    const spy = jest.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const [first, second] = args as [string | { text?: string; values?: unknown[] }, unknown]
      if (typeof first === 'string') sent.push({ text: first, values: Array.isArray(second) ? second : [] })
      else if (typeof first?.text === 'string') sent.push({ text: first.text, values: first.values ?? [] })
      return (original as (...a: unknown[]) => unknown).apply(this, args) as never
    })
    try {
      await read()
    } finally {
      spy.mockRestore()
    }
    expect(sent.length).toBeGreaterThan(0)
    return sent
  }

  /** The plan PostgreSQL makes for these values, and the generic one it would cache for the statement. */
  async function plansOf(s: Sent): Promise<{ custom: PlanNode; generic: PlanNode }> {
    const plan = async (mode: 'force_custom_plan' | 'force_generic_plan') => {
      await explain.query(`set plan_cache_mode = ${mode}`)
      await explain.query('deallocate all')
      await explain.query(`prepare hot_read as ${s.text}`)
      const literal = (v: unknown): string => (v === null || v === undefined ? 'null' : explain.escapeLiteral(String(v)))
      // A batched read's keys arrive as arrays (unnest($1::text[], ...)).
      const args = s.values.map((v) => (Array.isArray(v) ? `array[${v.map(literal).join(', ')}]` : literal(v)))
      const { rows } = await explain.query(`explain (format json) execute hot_read${args.length ? `(${args.join(', ')})` : ''}`)
      return (rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0].Plan
    }
    const custom = await plan('force_custom_plan')
    const generic = await plan('force_generic_plan')
    return { custom, generic }
  }

  async function expectIndexedReads(read: () => Promise<unknown>): Promise<PlanNode[]> {
    const plans: PlanNode[] = []
    for (const s of await statementsOf(read)) {
      const { custom, generic } = await plansOf(s)
      expect({ sql: s.text, custom: unboundedScans(custom), generic: unboundedScans(generic) }).toEqual({ sql: s.text, custom: [], generic: [] })
      plans.push(custom, generic)
    }
    return plans
  }

  it('the status read finds the account’s binding by its account, not by walking every binding', async () => {
    const plans = await expectIndexedReads(async () => expect((await accountSelfStatus(target.store.db, caller))?.self?.person.id).toBe(personId))
    for (const p of plans) {
      expect(nodesOf(p).filter((n) => n['Relation Name'] === 'bindings').map((n) => n['Index Name'])).toEqual(['bindings_active_self_account'])
    }
  })

  it('the active 本人 binding of an account and of a person, each by its own index', async () => {
    const byAccount = await expectIndexedReads(async () => expect((await activeSelfBindingOfAccount(target.store.db, accountId))?.person_id).toBe(personId))
    const byPerson = await expectIndexedReads(async () => expect((await activeSelfBindingOfPerson(target.store.db, personId))?.account_id).toBe(accountId))
    for (const p of byAccount) expect(nodesOf(p).map((n) => n['Index Name']).filter(Boolean)).toEqual(['bindings_active_self_account'])
    for (const p of byPerson) expect(nodesOf(p).map((n) => n['Index Name']).filter(Boolean)).toEqual(['bindings_active_self_person'])
  })

  it('the person by id (every start and completion)', async () => {
    const plans = await expectIndexedReads(async () => expect((await findPersonById(target.store.db, personId))?.id).toBe(personId))
    for (const p of plans) expect(nodesOf(p).map((n) => n['Index Name']).filter(Boolean)).toEqual(['persons_pkey'])
  })

  it('the latest records of a person and the failed face tries of today', async () => {
    const person = (await accountSelfStatus(target.store.db, caller))!.self!.person
    await expectIndexedReads(() => latestRecordAndPassOfPerson(target.store.db, person))
    await expectIndexedReads(() => countFailedFaceRecordsSince(target.store.db, personId, '2026-01-01T00:00:00.000Z'))
  })
})
