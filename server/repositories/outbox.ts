/**
 * reminder_outbox and reminder_sweeps: data only (the rules live in server/reminders/).
 * The queueing statements are set-based (INSERT … SELECT … ON CONFLICT DO NOTHING), the same SQL on
 * SQLite and PostgreSQL but for a few functions (and, on PostgreSQL, all due kinds together, their
 * recipients selected into a temporary table first: queueDue).
 */
import { sql, type RawBuilder, type Selectable } from 'kysely'
import type { Dialect, ReminderOutboxTable } from '../db/schema'
import { preparedReadsOf } from '../db/pg-prepared-reads'
import { bulkRowIds } from './bulk-row-ids'
import type { Db } from './types'

export type OutboxRow = Selectable<ReminderOutboxTable>
export type OutboxStatus = ReminderOutboxTable['status']

/** Who receives messages about a person: the bound 本人 account, and linked relatives' accounts. */
export type RecipientSource = 'self' | 'relative'

/** One kind for one due month. */
export interface DueTarget {
  kind: string
  cycle: string
  /** persons.last_certified_on within this range (undefined: no certified person has this due month). */
  lastPassBetween?: [string, string]
  /** Never-certified persons: enrolled_on within this range. */
  enrolledBetween: [string, string]
  /** Only persons whose benefit is paid (due_* kinds; overdue_1 also reaches suspended persons). */
  normalOnly: boolean
}

export interface DueQueueSpec {
  template: string
  targets: DueTarget[]
  now: string
}

/**
 * Settings for the sweep's transaction (call first inside it). PostgreSQL: the queueing statement
 * hashes the bindings, relatives and subscriptions tables; with the default 4 MB of work_mem those
 * hashes spill to temporary files at a few hundred thousand accounts. JIT off: at a million persons
 * the statement is estimated expensive enough for PostgreSQL to compile it first, and compiling costs
 * more than the one run it would speed up. SET LOCAL ends with the transaction. SQLite: nothing to set.
 */
export async function prepareSweep(db: Db, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return
  await sql`set local work_mem = '64MB'`.execute(db)
  await sql`set local jit = off`.execute(db)
}

/**
 * One target's due persons of `persons p`, as its two conditions (each an indexed range): certified
 * within lastPassBetween (absent for a target without one), and never certified but enrolled within
 * enrolledBetween. Both forms of the sweep below are built from these.
 */
function dueRanges(t: DueTarget): { certified?: RawBuilder<unknown>; never: RawBuilder<unknown> } {
  const normal = t.normalOnly ? sql` and p.benefit_status = 'normal'` : sql``
  return {
    certified: t.lastPassBetween && sql`(p.last_certified_on >= ${t.lastPassBetween[0]} and p.last_certified_on <= ${t.lastPassBetween[1]}${normal})`,
    never: sql`(p.last_certified_on is null and p.enrolled_on >= ${t.enrolledBetween[0]} and p.enrolled_on <= ${t.enrolledBetween[1]}${normal})`,
  }
}

/** The due persons of one target, tagged with its cycle and kind: one select per range. */
function dueOf(t: DueTarget): RawBuilder<unknown> {
  const { certified, never } = dueRanges(t)
  const select = (range: RawBuilder<unknown>) => sql`select p.id, cast(${t.cycle} as text) as cycle, cast(${t.kind} as text) as kind from persons p where ${range}`
  return certified ? sql`${select(certified)} union all ${select(never)}` : select(never)
}

/**
 * SQLite (one statement per target): the due persons (an indexed range on last_certified_on, plus the
 * never-certified persons by enrolled_on) read once into a materialised CTE, then joined to both
 * recipient sources — the bound 本人 account and linked relatives. PostgreSQL: dueCtesOnePass.
 */
function dueCtes(targets: DueTarget[]): RawBuilder<unknown> {
  return sql`
    due as materialized (
      ${sql.join(targets.map(dueOf), sql` union all `)}
    ),
    recipients as (
      select due.cycle, due.kind, l.person_id, l.account_id, 'self' as relation from due join bindings l on l.person_id = due.id and l.relation = 'self' and l.unbound_at is null
      union all
      select due.cycle, due.kind, l.person_id, l.account_id, 'relative' as relation from due join relatives l on l.person_id = due.id and l.removed_at is null
    )`
}

/** One target's due persons as one condition on persons `p` (the rows dueOf selects). */
function dueCondition(t: DueTarget): RawBuilder<unknown> {
  const { certified, never } = dueRanges(t)
  return certified ? sql`(${certified} or ${never})` : never
}

/**
 * PostgreSQL: the same recipients as dueCtes, read differently (EXPLAIN (ANALYZE, BUFFERS) at 1 M
 * persons, docs/bench-reminders.md):
 * - persons is read ONCE for all targets (one bitmap heap scan over the OR of the targets' ranges),
 *   then each row is matched to every target whose condition it meets (a person meeting two targets
 *   gets a row for each, as with one scan per target). Two range scans read nearly every persons page
 *   twice (a month's rows are spread over the whole table).
 * - no materialised CTE, so the planner sees persons' statistics: it estimates the due ⋈ links join
 *   right (tens of thousands, not the due count) and hashes the due persons ONCE, probed by both link
 *   tables in one pass (before: the CTE had no statistics, and the 200 k bindings and 100 k
 *   relatives were each hashed and probed with every due person).
 */
function dueCtesOnePass(targets: DueTarget[]): RawBuilder<unknown> {
  // LATERAL: each persons row is matched to the targets after the join to the links (a plain join
  // to a VALUES list lets the planner push `t.i = 0 or t.i = 1` down to it, estimate it at one row
  // and put it on the outer side of a nested loop, re-running the join below it per target).
  const tags = sql.join(targets.map((t) => sql`(cast(${t.cycle} as text), cast(${t.kind} as text), ${dueCondition(t)})`))
  return sql`
    due as (
      select p.id, t.cycle, t.kind
      from persons p
      cross join lateral (values ${tags}) t(cycle, kind, hit)
      where t.hit and (${sql.join(targets.map(dueCondition), sql` or `)})
    ),
    links as (
      select person_id, account_id, 'self' as relation from bindings where relation = 'self' and unbound_at is null
      union all
      select person_id, account_id, 'relative' as relation from relatives where removed_at is null
    ),
    recipients as (
      select due.cycle, due.kind, l.person_id, l.account_id, l.relation from due join links l on l.person_id = due.id
    )`
}

/**
 * The outbox rows for those recipients whose subscription still has a credit (or is long-term); or,
 * given `chosen` (PostgreSQL: recipients already joined to their subscriptions), for those rows.
 */
function dueInsert(s: DueQueueSpec, dialect: Dialect, chosen?: RawBuilder<unknown>): RawBuilder<unknown> {
  const from = chosen
    ? chosen
    : sql`recipients r
    join reminder_subscriptions sub on sub.account_id = r.account_id and sub.template = ${s.template} and (sub.credits > 0 or sub.long_term = 1)`
  return sql`
    insert into reminder_outbox (id, person_id, cycle, kind, recipient_account_id, template, relation, status, attempts, next_attempt_at, credit_held, created_at, updated_at)
    select ${bulkRowIds(dialect)}, r.person_id, r.cycle, r.kind, r.account_id, ${s.template}, r.relation, 'pending', 0, ${s.now}, 0, ${s.now}, ${s.now}
    from ${from}
    where true
    on conflict (person_id, cycle, kind, recipient_account_id) do nothing`
}

/**
 * Queues the due targets of a sweep; returns rows added by kind (every target's kind present).
 *
 * PostgreSQL: persons and the link tables are read once per sweep, not once per kind
 * (dueCtesOnePass), in two statements on one connection (a transaction is opened if the caller has
 * none): the recipients are selected into a temporary table, then inserted from it with
 * `ON CONFLICT DO NOTHING` (a data-modifying CTE whose RETURNING is counted by kind on the server).
 * PostgreSQL never runs a data-modifying statement in parallel, so as one `INSERT … SELECT` the
 * select half (reading and joining 150 k due persons with 600 k link and subscription rows at 1 M
 * persons) ran in one process; as `CREATE TEMP TABLE … AS SELECT` it may use the server's parallel
 * workers (max_parallel_workers_per_gather). Same rows and the same dedupe: the key is still only
 * checked by the insert, so two instances sweeping at once still insert each reminder once. A role
 * without the TEMPORARY privilege on the database gets the one-statement form.
 * SQLite (nested index lookups, nothing to share, and no INSERT inside WITH): one statement per
 * target.
 */
export async function queueDue(db: Db, dialect: Dialect, s: DueQueueSpec): Promise<Record<string, number>> {
  const added: Record<string, number> = Object.fromEntries(s.targets.map((t) => [t.kind, 0]))
  if (s.targets.length === 0) return added
  if (dialect === 'postgres') {
    if (!db.isTransaction) return db.transaction().execute((trx) => queueDue(trx, dialect, s))
    const temp = await sql<{ ok: boolean }>`select has_database_privilege(current_database(), 'TEMPORARY') as ok`.execute(db)
    let r
    if (temp.rows[0]?.ok) {
      await sql`
        create temporary table reminder_due_recipients on commit drop as
        with ${dueCtesOnePass(s.targets)}
        select r.person_id, r.cycle, r.kind, r.account_id, r.relation
        from recipients r
        join reminder_subscriptions sub on sub.account_id = r.account_id and sub.template = ${s.template} and (sub.credits > 0 or sub.long_term = 1)`.execute(db)
      r = await sql<{ kind: string; n: string }>`
        with ins as (${dueInsert(s, dialect, sql`reminder_due_recipients r`)} returning kind)
        select kind, count(*) as n from ins group by kind`.execute(db)
      // Dropped now, not only at commit: a second call in the same transaction creates it again.
      await sql`drop table reminder_due_recipients`.execute(db)
    } else {
      // A role that may not create temporary tables: the same rows in one statement (serial).
      r = await sql<{ kind: string; n: string }>`
        with ${dueCtesOnePass(s.targets)},
        ins as (${dueInsert(s, dialect)} returning kind)
        select kind, count(*) as n from ins group by kind`.execute(db)
    }
    for (const row of r.rows) added[row.kind] = (added[row.kind] ?? 0) + Number(row.n)
    return added
  }
  for (const t of s.targets) {
    const r = await sql`with ${dueCtes([t])} ${dueInsert(s, dialect)}`.execute(db)
    added[t.kind] += Number(r.numAffectedRows ?? 0n)
  }
  return added
}

export interface ResultQueueSpec {
  /** Passes at or after this instant (ISO) … */
  since: string
  /** … or exactly this record (queued inline after a certification). */
  recordId?: string
  recipients: RecipientSource
  now: string
}

/**
 * Result notices: a pass, or an agency reviewer's decision (a rejection too: the person must hear it
 * and what to do next) → certificationResult to the 本人 account, relativeCertified to relatives.
 * Records of every channel but the roster's own import (an offline record by a clerk is included).
 */
export async function queueResults(db: Db, dialect: Dialect, s: ResultQueueSpec): Promise<number> {
  const [kind, template] = s.recipients === 'self' ? ['result', 'certificationResult'] : ['relative_result', 'relativeCertified']
  const link =
    s.recipients === 'self'
      ? sql`join bindings l on l.person_id = r.person_id and l.relation = 'self' and l.unbound_at is null`
      : sql`join relatives l on l.person_id = r.person_id and l.removed_at is null`
  const which = s.recordId ? sql`r.id = ${s.recordId}` : sql`r.certified_at >= ${s.since}`
  const statement = sql`
    insert into reminder_outbox (id, person_id, cycle, kind, recipient_account_id, template, relation, status, attempts, next_attempt_at, credit_held, record_id, created_at, updated_at)
    select ${bulkRowIds(dialect)}, r.person_id, r.id, ${kind}, l.account_id, ${template}, ${s.recipients}, 'pending', 0, ${s.now}, 0, r.id, ${s.now}, ${s.now}
    from certification_records r
    ${link}
    join reminder_subscriptions sub on sub.account_id = l.account_id and sub.template = ${template} and (sub.credits > 0 or sub.long_term = 1)
    where ${which} and (r.result = 'passed' or (r.decided_at is not null and r.result = 'failed')) and r.channel <> 'import'
    on conflict (person_id, cycle, kind, recipient_account_id) do nothing`
  // One record's notices run after every completion. PostgreSQL planned this join on every run as an
  // unnamed statement: about 250 µs of its CPU for each of the two, twenty times what running it costs
  // (bench:api --pg-statements). As a named statement it is planned once per pooled connection. A
  // statement on the pool commits by itself, so only outside a transaction (the sweep's day-wide form
  // runs once a day, inside the sweep's transaction: unnamed, as before — preparedReadsOf never
  // answers for a transaction).
  const prepared = s.recordId ? preparedReadsOf(db) : undefined
  if (prepared) {
    const q = statement.compile(db)
    return (await prepared(q.sql, q.parameters)).rowCount
  }
  const res = await statement.execute(db)
  return Number(res.numAffectedRows ?? 0n)
}

// ───────────── sweeps ─────────────

export async function findSweep(db: Db, day: string) {
  return db.selectFrom('reminder_sweeps').selectAll().where('day', '=', day).executeTakeFirst()
}

export async function startSweep(db: Db, day: string, now: string): Promise<void> {
  await db.insertInto('reminder_sweeps').values({ day, started_at: now, finished_at: null, inserted: 0 }).onConflict((oc) => oc.column('day').doUpdateSet({ started_at: now })).execute()
}

export async function finishSweep(db: Db, day: string, inserted: number, now: string): Promise<void> {
  await db
    .updateTable('reminder_sweeps')
    .set((eb) => ({ finished_at: now, inserted: eb('inserted', '+', inserted) }))
    .where('day', '=', day)
    .execute()
}

export async function latestSweep(db: Db) {
  return db.selectFrom('reminder_sweeps').selectAll().orderBy('day', 'desc').limit(1).executeTakeFirst()
}

// ───────────── claim / attempt / ack ─────────────

/**
 * Leases up to `limit` rows to `token`: ready pending rows, and claimed rows whose lease expired
 * WITHOUT an attempt (attempted rows are never handed out again). The outer WHERE repeats the
 * eligibility test, so when two claimers race for a row (PostgreSQL re-checks it on the locked row
 * version under READ COMMITTED; SQLite has one writer at a time) only one of them gets it.
 */
export async function claimRows(db: Db, token: string, leaseUntil: string, now: string, limit: number): Promise<OutboxRow[]> {
  const eligible = sql`(status = 'pending' and next_attempt_at <= ${now}) or (status = 'claimed' and lease_until < ${now} and attempted_at is null)`
  const r = await sql<OutboxRow>`
    update reminder_outbox set status = 'claimed', claim_token = ${token}, lease_until = ${leaseUntil}, updated_at = ${now}
    where (${eligible}) and id in (
      select id from (
        select id, next_attempt_at as t from reminder_outbox where status = 'pending' and next_attempt_at <= ${now}
        union all
        select id, lease_until as t from reminder_outbox where status = 'claimed' and lease_until < ${now} and attempted_at is null
      ) ready order by t limit ${limit}
    )
    returning *`.execute(db)
  return r.rows
}

export async function closeRows(db: Db, ids: string[], status: OutboxStatus, now: string, error?: string): Promise<void> {
  if (ids.length === 0) return
  await db
    .updateTable('reminder_outbox')
    .set({ status, claim_token: null, lease_until: null, credit_held: 0, done_at: now, updated_at: now, ...(error ? { last_error: error } : {}) })
    .where('id', 'in', ids)
    .execute()
}

export async function markCreditHeld(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('reminder_outbox').set({ credit_held: 1, updated_at: now }).where('id', '=', id).execute()
}

/** claimed → attempted for rows still leased to `token`; returns the ids that may now be sent. */
export async function markAttempted(db: Db, token: string, ids: string[], now: string): Promise<string[]> {
  const rows = await db
    .updateTable('reminder_outbox')
    .set({ status: 'attempted', attempted_at: now, updated_at: now })
    .where('claim_token', '=', token)
    .where('status', '=', 'claimed')
    .where('lease_until', '>', now)
    .where('id', 'in', ids)
    .returning('id')
    .execute()
  return rows.map((r) => r.id)
}

export async function attemptedRowsOf(db: Db, token: string, ids: string[]): Promise<OutboxRow[]> {
  return db.selectFrom('reminder_outbox').selectAll().where('id', 'in', ids).where('claim_token', '=', token).where('status', '=', 'attempted').execute()
}

export async function finishRow(
  db: Db,
  id: string,
  token: string,
  patch: Partial<Pick<OutboxRow, 'status' | 'attempts' | 'next_attempt_at' | 'attempted_at' | 'claim_token' | 'lease_until' | 'credit_held' | 'last_errcode' | 'last_error' | 'done_at'>>,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('reminder_outbox')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id)
    .where('claim_token', '=', token)
    .where('status', '=', 'attempted')
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

export async function countByStatus(db: Db): Promise<Record<string, number>> {
  const rows = await db.selectFrom('reminder_outbox').select(['status', (eb) => eb.fn.countAll().as('n')]).groupBy('status').execute()
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
}

export async function countAttemptedUnacked(db: Db, now: string): Promise<number> {
  const row = await db
    .selectFrom('reminder_outbox')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '=', 'attempted')
    .where('lease_until', '<', now)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
