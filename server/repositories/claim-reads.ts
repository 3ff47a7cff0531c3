/**
 * What claiming due reminder messages (reminders/claim.ts) reads about the rows it claimed: one
 * statement per table for the whole batch, inside the claim's transaction.
 */
import type { Db } from './types'

/** The persons' standing columns (status is computed from them as the 首页 computes it). */
export async function personsStandingOf(db: Db, personIds: readonly string[]) {
  if (personIds.length === 0) return []
  return db.selectFrom('persons').select(['id', 'pii_enc', 'last_certified_on', 'enrolled_on', 'benefit_status', 'suspended_since']).where('id', 'in', personIds).execute()
}

/** Each record's time and result, by record id. */
export async function recordOutcomesOf(db: Db, recordIds: readonly string[]): Promise<Map<string, { certified_at: string; result: string }>> {
  if (recordIds.length === 0) return new Map()
  const rows = await db.selectFrom('certification_records').select(['id', 'certified_at', 'result']).where('id', 'in', recordIds).execute()
  return new Map(rows.map((r) => [r.id, r]))
}

/** An appeal's facts a message about it tells (the visit date, how it was closed, why it was refused). */
export interface AppealFacts {
  visit_date: string | null
  close_method: string | null
  reject_reason: string | null
}

export async function appealFactsOf(db: Db, appealIds: readonly string[]): Promise<Map<string, AppealFacts>> {
  if (appealIds.length === 0) return new Map()
  const rows = await db.selectFrom('appeals').select(['id', 'visit_date', 'close_method', 'reject_reason']).where('id', 'in', appealIds).execute()
  return new Map(rows.map((a) => [a.id, a as AppealFacts]))
}

/** The WeChat openid of each account, by account id. */
export async function openidsOf(db: Db, accountIds: readonly string[]): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map()
  const rows = await db.selectFrom('accounts').select(['id', 'openid']).where('id', 'in', accountIds).execute()
  return new Map(rows.map((a) => [a.id, a.openid]))
}

/** Whether each account holds a long-term subscription to each template, keyed "<account id>|<template>". */
export async function longTermSubscriptionsOf(db: Db, accountIds: readonly string[]): Promise<Map<string, boolean>> {
  if (accountIds.length === 0) return new Map()
  const rows = await db.selectFrom('reminder_subscriptions').select(['account_id', 'template', 'long_term']).where('account_id', 'in', accountIds).execute()
  return new Map(rows.map((s) => [`${s.account_id}|${s.template}`, s.long_term === 1]))
}
