/** Platform identities (WeChat openid, or the local sign-in) as accounts. */
import { sql } from 'kysely'
import type { Caller } from '../../src/core/contracts/common'
import { newId } from '../db/ids'
import { compiledOnce } from './compiled'
import type { Db, PersonRow } from './types'

/**
 * last_seen_at is kept to this resolution: a request writes it only when the stored time is older, so
 * a person reading their status again and again costs one read, not a write and a commit each time.
 */
export const LAST_SEEN_RESOLUTION_MS = 10 * 60_000

/** Creates the account on first sight; otherwise returns it, touching last_seen_at at most once per resolution. */
export async function ensureAccount(db: Db, caller: Caller, now: string): Promise<string> {
  const [found] = await selectAccount(db, caller.platform, caller.openid)
  if (found) {
    await touchLastSeen(db, found.id, found.last_seen_at, now)
    return found.id
  }
  // First sight; another request may be creating the same account at this moment.
  const row = await db
    .insertInto('accounts')
    .values({ id: newId(), platform: caller.platform, openid: caller.openid, created_at: now, last_seen_at: now })
    .onConflict((oc) => oc.columns(['platform', 'openid']).doUpdateSet({ last_seen_at: now }))
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** The time before which a stored last_seen_at is stale at `now` (both ISO timestamps). */
function staleBefore(now: string): string {
  return new Date(Date.parse(now) - LAST_SEEN_RESOLUTION_MS).toISOString()
}

/**
 * Whether last_seen_at needs no write at `now`. A request asks this first and skips touchLastSeen (an
 * async call, a promise and a turn of microtasks) on all but one request in ten minutes. The
 * comparison is the one touchLastSeen makes; `now` converts to the same stale mark as long as it stays
 * in the same millisecond, so the mark is remembered for the last `now` seen.
 */
export function lastSeenIsFresh(seen: string, now: string): boolean {
  if (now !== lastNow) {
    lastNow = now
    lastStale = staleBefore(now)
  }
  return seen >= lastStale
}
let lastNow = ''
let lastStale = ''

/** Writes last_seen_at when the stored value (`seen`) is older than the resolution. */
export async function touchLastSeen(db: Db, accountId: string, seen: string, now: string): Promise<void> {
  const stale = staleBefore(now)
  if (seen >= stale) return
  // Conditional: of several instances touching it at once, one writes and the others match nothing.
  await db.updateTable('accounts').set({ last_seen_at: now }).where('id', '=', accountId).where('last_seen_at', '<', stale).execute()
}

/**
 * The account and the person it is bound to as 本人 (if any) in one query: a read then costs one round
 * trip to the store instead of three. undefined when the account does not exist yet.
 */
export async function accountWithSelfPerson(db: Db, caller: Caller): Promise<{ id: string; lastSeenAt: string; person?: PersonRow } | undefined> {
  const [row] = await selectAccountWithSelfPerson(db, caller.platform, caller.openid)
  if (!row) return undefined
  return { id: row.account_id, lastSeenAt: row.account_last_seen_at, ...(row.id === null ? {} : { person: personOf(row as PersonRow) }) }
}

/**
 * The persons columns of the joined row, as a literal: TypeScript checks that it names every column of
 * PersonRow and nothing else. A rest pattern (`{ account_id, ...person }`) copied them one by one
 * through the slow generic path, about 4 µs of every status read.
 */
export function personOf(r: PersonRow): PersonRow {
  return {
    id: r.id,
    person_no: r.person_no,
    pii_enc: r.pii_enc,
    name_masked: r.name_masked,
    id_number_hash: r.id_number_hash,
    id_number_masked: r.id_number_masked,
    name_hash: r.name_hash,
    insurance_type: r.insurance_type,
    employer: r.employer,
    benefit_status: r.benefit_status,
    suspended_since: r.suspended_since,
    last_certified_on: r.last_certified_on,
    roster_certified_on: r.roster_certified_on,
    region_code: r.region_code,
    enrolled_on: r.enrolled_on,
    key_version: r.key_version,
    created_at: r.created_at,
    updated_at: r.updated_at,
  }
}

// Every status, records and start request runs this first: compiled once. 'self' is written into the
// SQL, not bound: the only index on bindings.account_id is partial (relation = 'self' and unbound_at is
// null) and SQLite uses a partial index only when the query's own text implies its condition; with
// `relation = ?` it read the whole bindings table on every request.
export const accountsWithSelfPersonQuery = (db: Db) =>
  db
    .selectFrom('accounts')
    .leftJoin('bindings', (join) => join.onRef('bindings.account_id', '=', 'accounts.id').on('bindings.relation', '=', sql.lit('self')).on('bindings.unbound_at', 'is', null))
    .leftJoin('persons', 'persons.id', 'bindings.person_id')
    .selectAll('persons')
    .select(['accounts.id as account_id', 'accounts.last_seen_at as account_last_seen_at'])

export const accountWithSelfPersonQuery = (db: Db, platform: string, openid: string) =>
  accountsWithSelfPersonQuery(db).where('accounts.platform', '=', platform as Caller['platform']).where('accounts.openid', '=', openid)
const selectAccountWithSelfPerson = compiledOnce(2, accountWithSelfPersonQuery)

export async function findAccountId(db: Db, caller: Caller): Promise<string | undefined> {
  const [row] = await selectAccount(db, caller.platform, caller.openid)
  return row?.id
}

// Every start and completion looks the account up first: compiled once.
const selectAccount = compiledOnce(2, (db, platform: string, openid: string) =>
  db
    .selectFrom('accounts')
    .select(['id', 'last_seen_at'])
    .where('platform', '=', platform as Caller['platform'])
    .where('openid', '=', openid),
)
