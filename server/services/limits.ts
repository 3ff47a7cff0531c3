/**
 * Per-account and per-ID-number limits, atomic on both stores and across instances.
 *
 * A request TAKES a unit of each limit before the work it limits (one conditional upsert each, see
 * repositories/limit-counters.ts) and GIVES IT BACK when the outcome is one the limit does not count
 * (a failure limit: the check passed; a daily-adds limit: nothing was added). So N concurrent
 * requests can never all pass a check that reads "4 of 5": at most `max` are ever in flight or done.
 * A crash between the two leaves a unit taken until the window ends, which errs on the safe side.
 *
 * Windows are fixed: a Beijing calendar day ('day'), or clock-aligned slices of `windowMs` (a
 * 10-minute limit resets at 10:00, 10:10 …). A burst across a slice boundary can reach 2 × max in a
 * short time; the daily limits bound the total.
 */
import { DomainError, type ErrorCode } from '../../src/core/errors'
import { giveBackUnit, purgeExpiredCounters, takeUnit, type CounterSlot } from '../repositories/limit-counters'
import type { Db } from '../repositories/types'
import { shanghaiDate, shanghaiMidnightIso } from '../time/clock'

export interface LimitRule {
  /** Part of the counter key; stable, since live counters are found by it. */
  name: string
  /** 'day' = one Beijing calendar day; a number = clock-aligned windows of that many ms. */
  window: 'day' | number
  max: number
}

// ───────────── the limits ─────────────

/**
 * Failed identity checks of one account (name + ID number + card in 绑定, 电子社保卡 authorisations,
 * name + ID number in 添加家人): 5 per 10 minutes.
 */
export const ACCOUNT_FAILED_CHECKS: LimitRule = { name: 'idcheck.account', window: 10 * 60_000, max: 5 }
/**
 * Failed identity checks at one ID number (its keyed hash), from all accounts and every form that
 * takes an ID number (绑定, 电子社保卡, 添加家人, 认证查询): 10 per Beijing day. Caps how many
 * accounts can guess names or card numbers for one person; the same for numbers on no roster.
 */
export const ID_NUMBER_FAILED_CHECKS: LimitRule = { name: 'idcheck.idnumber', window: 'day', max: 10 }
/** 认证查询 per account, every attempt counts: 5 a minute … */
export const QUERY_PER_MINUTE: LimitRule = { name: 'query.account.minute', window: 60_000, max: 5 }
/** … and 20 a Beijing day. */
export const QUERY_PER_DAY: LimitRule = { name: 'query.account.day', window: 'day', max: 20 }
/** Relatives added per account: 10 a Beijing day. */
export const RELATIVES_ADDED_PER_DAY: LimitRule = { name: 'relative.added.day', window: 'day', max: 10 }
/** Share links created per account: 20 a Beijing day. */
export const SHARES_PER_DAY: LimitRule = { name: 'share.created.day', window: 'day', max: 20 }

/** 我要申诉 filings per account (every try counts): 5 a Beijing day … */
export const APPEALS_PER_ACCOUNT_DAY: LimitRule = { name: 'appeal.account.day', window: 'day', max: 5 }
/** … and 3 a Beijing day for one person, from all accounts (本人 and relatives). */
export const APPEALS_PER_PERSON_DAY: LimitRule = { name: 'appeal.person.day', window: 'day', max: 3 }

// ───────────── taking and giving back ─────────────

/** Where a rule counts `subject` at `now`, and when that window's row may be purged. */
export function slotOf(rule: LimitRule, subject: string, now: Date): CounterSlot & { expiresAt: string } {
  const key = `${rule.name}:${subject}`
  if (rule.window === 'day') {
    const day = shanghaiDate(now)
    // China keeps no daylight saving time: a Beijing day is always 24 hours.
    return { key, bucket: `d${day}`, expiresAt: new Date(Date.parse(shanghaiMidnightIso(day)) + 24 * 3600_000).toISOString() }
  }
  const index = Math.floor(now.getTime() / rule.window)
  return { key, bucket: `w${rule.window}:${index}`, expiresAt: new Date((index + 1) * rule.window).toISOString() }
}

/** Units taken by one request; give them back when the outcome is one the limits do not count. */
export class Held {
  private slots: CounterSlot[] = []

  constructor(private readonly db: Db) {}

  add(slot: CounterSlot): void {
    this.slots.push(slot)
  }

  /** Gives back every unit still held. */
  async giveBack(): Promise<void> {
    const slots = this.slots
    this.slots = []
    for (const slot of slots) await giveBackUnit(this.db, slot)
  }

  /** Keeps the units for good (the outcome counts). */
  keep(): void {
    this.slots = []
  }
}

/**
 * Takes one unit of each rule for `subject`, in order, into `held`. When one is full, gives back
 * the units this call took and returns that rule; otherwise null.
 */
export async function take(db: Db, now: Date, held: Held, subject: string, rules: readonly LimitRule[]): Promise<LimitRule | null> {
  await purgeNowAndThen(db, now)
  const mine: CounterSlot[] = []
  for (const rule of rules) {
    const slot = slotOf(rule, subject, now)
    if (!(await takeUnit(db, slot, rule.max, slot.expiresAt))) {
      for (const s of mine) await giveBackUnit(db, s)
      return rule
    }
    mine.push(slot)
  }
  for (const s of mine) held.add(s)
  return null
}

/** Called with a refusal before it is thrown (e.g. to audit it). */
export type OnRefused = (code: ErrorCode, rule: LimitRule) => Promise<void>

/**
 * Takes one unit of each rule for `subject` into `held`; when one is used up, gives back everything
 * `held` has (a refused request did nothing that counts), calls `onRefused` and throws `code`.
 */
export async function takeOrRefuse(
  db: Db,
  now: Date,
  held: Held,
  subject: string,
  rules: readonly LimitRule[],
  code: ErrorCode,
  onRefused?: OnRefused,
): Promise<void> {
  const full = await take(db, now, held, subject, rules)
  if (!full) return
  await held.giveBack()
  await onRefused?.(code, full)
  throw new DomainError(code)
}

const PURGE_EVERY_MS = 60_000
const lastPurge = new WeakMap<Db, number>()

/** Old windows are deleted in a small batch at most once a minute per store handle. */
async function purgeNowAndThen(db: Db, now: Date): Promise<void> {
  const last = lastPurge.get(db) ?? 0
  if (now.getTime() - last < PURGE_EVERY_MS && now.getTime() >= last) return
  lastPurge.set(db, now.getTime())
  await purgeExpiredCounters(db, now.toISOString())
}
