/**
 * The demo roster's dates as the running system has them today (the seed moves them with the calendar,
 * server/demo/seed.ts), and the labels the app shows for them.
 */
import { monthLabel, nextCycle, parseIsoDate } from '../../../src/core/cycle'
import { demoRosterDate } from '../../../server/demo/seed'
import { shanghaiDate } from '../../../server/time/clock'

export function demoDate(rosterDate: string): { iso: string; year: number; dayLabel: string; dueLabel: string } {
  const iso = demoRosterDate(rosterDate, shanghaiDate(new Date()))
  const { year, month, day } = parseIsoDate(iso)
  return { iso, year, dayLabel: `${year}年${month}月${day}日`, dueLabel: monthLabel(nextCycle(iso, 'rolling12').dueMonth) }
}
