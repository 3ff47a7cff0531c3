/** Loads the demo roster (fictional people) when DEMO_SEED is on and the roster is empty. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { addMonths, firstDayOf, monthIndex, parseIsoDate, yearMonthOf, type CyclePolicy, type YearMonth } from '../../src/core/cycle'
import { daysInMonth } from '../../src/core/reminders/policy'
import type { PiiCipher } from '../crypto/pii'
import { countPersons } from '../repositories/persons'
import type { Db } from '../repositories/types'
import { decodeRoster } from '../roster/decode'
import { importRoster, type ImportSummary } from '../roster/import'
import { parseRosterCsv } from '../roster/parse'
import { parseRosterDate } from '../roster/validate'
import { shanghaiDate } from '../time/clock'

export const DEMO_ROSTER_PATH = join(__dirname, 'roster.csv')

/**
 * The month the demo roster's dates were written for. The seed moves every 上次认证日期 forward by
 * the whole months since, so whenever the demo starts the same people are due this month, overdue,
 * certified a few months ago… as docs/demo-identities.md describes them.
 */
export const DEMO_ROSTER_MONTH: YearMonth = { year: 2026, month: 11 }

/** A date of the demo roster (YYYY-MM-DD) as the seed stores it when today is `today`. */
export function demoRosterDate(date: string, today: string): string {
  const shift = Math.max(0, monthIndex(yearMonthOf(today)) - monthIndex(DEMO_ROSTER_MONTH))
  const ym = addMonths(yearMonthOf(date), shift)
  const day = Math.min(parseIsoDate(date).day, daysInMonth(ym))
  return `${firstDayOf(ym).slice(0, 8)}${String(day).padStart(2, '0')}`
}

export async function seedDemoRoster(db: Db, pii: PiiCipher, now: Date, cyclePolicy: CyclePolicy): Promise<ImportSummary | undefined> {
  if ((await countPersons(db)) > 0) return undefined
  const parsed = parseRosterCsv(decodeRoster(readFileSync(DEMO_ROSTER_PATH)).text)
  if (parsed.fatal.length > 0) throw new Error('demo roster is malformed')
  const today = shanghaiDate(now)
  for (const row of parsed.rows) {
    const date = parseRosterDate((row.cells.lastCertifiedOn ?? '').trim())
    if (date) row.cells.lastCertifiedOn = demoRosterDate(date, today)
  }
  const summary = await importRoster(db, parsed.rows, { pii, today, now: now.toISOString(), cyclePolicy, actor: 'demo-seed' })
  if (!summary.committed) throw new Error(`demo roster refused: ${summary.errors.map((e) => `${e.line}/${e.column}`).join(', ')}`)
  return summary
}
