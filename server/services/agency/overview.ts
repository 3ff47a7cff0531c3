/**
 * 概览 and 逾期名单 for the actor's region, today in Beijing time. The standing figures and the list
 * come from the set-based read that shares its definition with the 首页 (repositories/agency/
 * standing.ts), so the console never tells a clerk something the retiree's phone contradicts.
 * Masked data only: no audit row (no full name or ID number is read here).
 */
import { appealCounts } from '../../repositories/agency/appeals'
import { silentFigures } from '../../repositories/agency/silent-figures'
import { OVERVIEW_CHANNELS, type OverdueListView, type OverdueQuery, type OverviewChannel, type OverviewView } from '../../../src/core/contracts/agency/overview'
import { addMonths, firstDayOf, yearMonthOf } from '../../../src/core/cycle'
import { DomainError } from '../../../src/core/errors'
import type { AgencyActor } from '../../agency/actor'
import { countPendingReview, overdueAtEach, passesPerDayAndChannel, withoutJit } from '../../repositories/agency/overview'
import { addCounts, countOverdue, NO_COUNTS, overdueList, standingCountsBySubRegion, type OverdueCursor, type OverdueFilter } from '../../repositories/agency/standing'
import { unitAdminActivity } from '../../repositories/agency/unit-admins'
import { shanghaiDate, shanghaiMidnightIso } from '../../time/clock'
import type { ServiceContext } from '../context'

export const OVERVIEW_WEEKS = 12
export const OVERVIEW_TREND_MONTHS = 6

/** The trend chart's days: the first day of this month and of the months before it. */
export function trendDaysFor(today: string): string[] {
  const month = yearMonthOf(today)
  return Array.from({ length: OVERVIEW_TREND_MONTHS }, (_, i) => firstDayOf(addMonths(month, i - OVERVIEW_TREND_MONTHS + 1)))
}

const DEFAULT_PAGE = 50

/** The 行政区划 levels: 省 2, 市 4, 县 6, 乡 9, 村 12 digits. */
const LEVELS = [2, 4, 6, 9, 12]

/** Length of the next 行政区划 level below a prefix (12 stays 12: a village has no sub-regions). */
export function nextLevelLength(prefix: string): number {
  return LEVELS.find((l) => l > prefix.length) ?? 12
}

const DAY_MS = 24 * 60 * 60 * 1000
const dateAt = (iso: string): Date => new Date(`${iso}T00:00:00Z`)
const isoOf = (d: Date): string => d.toISOString().slice(0, 10)

/** Monday of the ISO week holding the date. */
export function weekStartOf(date: string): string {
  const d = dateAt(date)
  const dow = (d.getUTCDay() + 6) % 7 // Monday 0 … Sunday 6
  return isoOf(new Date(d.getTime() - dow * DAY_MS))
}

/** ISO week label, e.g. 2026-W48 (the week's Thursday decides its year). */
export function isoWeekLabel(weekStart: string): string {
  const thursday = new Date(dateAt(weekStart).getTime() + 3 * DAY_MS)
  const year = thursday.getUTCFullYear()
  const jan4 = new Date(Date.UTC(year, 0, 4))
  const week1 = dateAt(weekStartOf(isoOf(jan4)))
  const week = Math.round((thursday.getTime() - 3 * DAY_MS - week1.getTime()) / (7 * DAY_MS)) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}

const zeroChannels = (): Record<OverviewChannel, number> => Object.fromEntries(OVERVIEW_CHANNELS.map((c) => [c, 0])) as Record<OverviewChannel, number>

/**
 * The charts are the costly figures — the overdue trend classifies every person of the region at six
 * month starts, the weekly chart joins 12 weeks of records to their persons: seconds for a million
 * persons on SQLite — and they move only with back-dated records or a roster re-import. They are kept
 * per store, region and period for CHART_TTL_MS; the headline counts are always read fresh.
 */
export const CHART_TTL_MS = 10 * 60 * 1000
const chartCache = new WeakMap<object, Map<string, { at: number; value: unknown }>>()

export async function overview(ctx: ServiceContext, actor: AgencyActor): Promise<OverviewView> {
  const store = ctx.db
  return withoutJit(ctx.db, ctx.dialect, (db) => overviewIn({ ...ctx, db }, actor, store))
}

async function cachedChart<T>(ctx: ServiceContext, store: object, key: string, read: () => Promise<T>): Promise<T> {
  const now = ctx.clock().getTime()
  let byKey = chartCache.get(store)
  if (!byKey) chartCache.set(store, (byKey = new Map()))
  const hit = byKey.get(key)
  if (hit && now - hit.at >= 0 && now - hit.at < CHART_TTL_MS) return hit.value as T
  const value = await read()
  byKey.set(key, { at: now, value })
  return value
}

async function overviewIn(ctx: ServiceContext, actor: AgencyActor, store: object): Promise<OverviewView> {
  const today = shanghaiDate(ctx.clock())
  const region = actor.regionPrefix
  // One read of the region's persons gives the coverage chart and, summed, the headline counts.
  const bySub = await standingCountsBySubRegion(ctx.db, region, nextLevelLength(region), today, ctx.cyclePolicy)
  const counts = bySub.reduce(addCounts, NO_COUNTS)
  const pendingReview = await countPendingReview(ctx.db, region)
  const appeals = await appealsOf(ctx, region, today)

  const thisWeek = weekStartOf(today)
  const weekStarts = Array.from({ length: OVERVIEW_WEEKS }, (_, i) => isoOf(new Date(dateAt(thisWeek).getTime() - (OVERVIEW_WEEKS - 1 - i) * 7 * DAY_MS)))
  const weeks = new Map(weekStarts.map((w) => [w, zeroChannels()]))
  const perDay = await cachedChart(ctx, store, `weekly|${region}|${today}`, () => passesPerDayAndChannel(ctx.db, ctx.dialect, region, weekStarts[0]))
  for (const r of perDay) {
    const bucket = weeks.get(weekStartOf(r.day))
    if (bucket) bucket[r.channel] += r.n
  }

  const coverage = bySub.map((c) => ({ regionCode: c.regionCode, certified: c.certified, total: c.persons }))

  const trendDays = trendDaysFor(today)
  const trendCounts = await cachedChart(ctx, store, `trend|${ctx.cyclePolicy}|${region}|${trendDays.join(',')}`, () => overdueAtEach(ctx.db, region, trendDays, ctx.cyclePolicy))
  const overdueTrend = trendDays.map((d, i) => ({ month: d.slice(0, 7), ...trendCounts[i] }))

  return {
    regionPrefix: region,
    today,
    month: today.slice(0, 7),
    counts: {
      persons: counts.persons,
      receiving: counts.persons - counts.suspended,
      certified: counts.certified,
      due: counts.due,
      overdue: counts.overdue,
      agencySuspended: counts.agencySuspended,
      pendingReview,
      pendingAppeals: appeals.submitted + appeals.processing + appeals.visitScheduled,
      appealsAvailable: true,
    },
    weekly: weekStarts.map((w) => {
      const c = weeks.get(w)!
      return { week: isoWeekLabel(w), weekStart: w, counts: c, total: OVERVIEW_CHANNELS.reduce((s, k) => s + c[k], 0) }
    }),
    coverage,
    overdueTrend,
    unitAdmins: await unitAdminsOf(ctx, region, today),
    appeals,
    silent: await silentFigures(ctx.db, region, today),
  }
}

/** 单位专管员 activity (an added field; its reads are in repositories/agency/unit-admins.ts). */
async function unitAdminsOf(ctx: ServiceContext, region: string, today: string): Promise<NonNullable<OverviewView['unitAdmins']>> {
  const a = await unitAdminActivity(ctx.db, region, ctx.clock().toISOString(), [shanghaiMidnightIso(`${today.slice(0, 4)}-01-01`), shanghaiMidnightIso(`${today.slice(0, 7)}-01`)])
  return { active: a.active, certifiedThisYear: a.certifiedSince[0], certifiedThisMonth: a.certifiedSince[1] }
}

/** Open appeals by state and past their SLA date (an added field; the reads are in repositories/agency/appeals.ts). */
async function appealsOf(ctx: ServiceContext, region: string, today: string): Promise<NonNullable<OverviewView['appeals']>> {
  const a = await appealCounts(ctx.db, region, today)
  return { submitted: a.byState.submitted ?? 0, processing: a.byState.processing ?? 0, visitScheduled: a.byState.visit_scheduled ?? 0, pastSla: a.overdue }
}

/** The cursor a page hands out: opaque to the console (base64url of the keyset position). */
export function encodeCursor(c: OverdueCursor): string {
  return Buffer.from(JSON.stringify([c.regionCode, c.personNo])).toString('base64url')
}

export function decodeCursor(s: string): OverdueCursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'))
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && /^\d{0,12}$/.test(v[0]) && v[1].length <= 64) {
      return { regionCode: v[0], personNo: v[1] }
    }
  } catch {
    // fall through: one answer for every bad cursor
  }
  throw new DomainError('VALIDATION_FAILED', { field: 'after' })
}

/** The filters of a list or export, scoped: a sub-region outside the actor's own is answered like an unknown one. */
export function overdueFilterOf(actor: AgencyActor, input: Pick<OverdueQuery, 'subRegion' | 'insuranceType' | 'minMonthsOverdue'>): OverdueFilter {
  if (input.subRegion !== undefined && !input.subRegion.startsWith(actor.regionPrefix)) throw new DomainError('AGENCY_OUT_OF_SCOPE')
  return {
    regionPrefix: actor.regionPrefix,
    ...(input.subRegion !== undefined ? { subRegion: input.subRegion } : {}),
    ...(input.insuranceType ? { insuranceType: input.insuranceType } : {}),
    ...(input.minMonthsOverdue !== undefined ? { minMonthsOverdue: input.minMonthsOverdue } : {}),
  }
}

export async function overdueListOf(ctx: ServiceContext, actor: AgencyActor, input: OverdueQuery): Promise<OverdueListView> {
  const filter = overdueFilterOf(actor, input)
  const after = input.after !== undefined ? decodeCursor(input.after) : undefined
  const limit = input.limit ?? DEFAULT_PAGE
  const today = shanghaiDate(ctx.clock())
  return withoutJit(ctx.db, ctx.dialect, async (db) => {
    // One row more than asked tells whether another page follows.
    const rows = await overdueList(db, filter, today, ctx.cyclePolicy, { limit: limit + 1, ...(after ? { after } : {}) })
    const page = rows.slice(0, limit)
    const last = page.at(-1)
    return {
      // The sealed fields stay on the server: the list shows masked data only.
      rows: page.map(({ piiEnc: _sealed, ...row }) => row),
      ...(rows.length > limit && last ? { nextAfter: encodeCursor({ regionCode: last.regionCode, personNo: last.personNo }) } : {}),
      total: await countOverdue(db, filter, today, ctx.cyclePolicy),
    }
  })
}
