/**
 * The notice run behind `npm run notices`: walks the roster of a region (行政区划 prefix) by 个人编号
 * in pages, issues (or reuses) each person's notice code for the cycle, asks the mini-program code
 * port for the image and writes one PDF page per person. Persons who already passed in the cycle's
 * year are skipped unless includeCertified. Memory stays flat: one roster page at a time.
 */
import type { Writable } from 'node:stream'
import { CERTIFY_ENTRY_PAGE } from '../../src/core/contracts/share'
import { noticeScene } from '../../src/core/contracts/notices'
import { deadlineLabel, firstDayOf, monthLabel, type CyclePolicy } from '../../src/core/cycle'
import { standingFactsOf, standingOf } from '../../src/core/standing'
import type { PiiCipher } from '../crypto/pii'
import type { MiniProgramCodePort } from '../wechat/wxacode/port'
import { countPersonsOfRegion, personsOfRegionPage } from '../repositories/notices'
import type { Db, PersonRow } from '../repositories/types'
import { ensureNoticeCodes, lastPassDate } from '../services/notices'
import { shanghaiDate, type Clock } from '../time/clock'
import { NoticePdfWriter } from './pdf'

export interface GenerateNoticesOptions {
  db: Db
  pii: PiiCipher
  clock: Clock
  cyclePolicy: CyclePolicy
  codes: MiniProgramCodePort
  out: Writable
  fontPath: string
  hotline: string
  /** 行政区划 prefix, 2–12 digits. */
  region: string
  /** The cycle (year) the notices are for. */
  cycle: number
  includeCertified?: boolean
  /** Roster rows per page (default 200). */
  pageSize?: number
  /** Code images made at once (default 8; WeChat allows 5000 a minute). */
  concurrency?: number
  /** After each person (printed or skipped), with the region's person count. */
  onProgress?: (done: number, total: number) => void
  /** After each printed page: its number and scene (no personal data), e.g. for a link list. */
  onNotice?: (info: { page: number; scene: string; page_path: string }) => void
}

export interface GenerateNoticesResult {
  total: number
  printed: number
  skippedCertified: number
}

export const REGION_PATTERN = /^\d{2,12}$/

interface Prepared {
  person: PersonRow
  code: string
  nextDueMonthLabel: string
  deadlineLabel: string
  suspendedSinceLabel?: string
}

/** 2026-09-01 → 2026年9月 */
const sinceLabel = (iso: string): string => `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月`

export async function generateNotices(o: GenerateNoticesOptions): Promise<GenerateNoticesResult> {
  if (!REGION_PATTERN.test(o.region)) throw new RangeError('region must be 2–12 digits')
  const total = await countPersonsOfRegion(o.db, o.region)
  const writer = new NoticePdfWriter(o.out, { fontPath: o.fontPath, hotline: o.hotline })
  const result: GenerateNoticesResult = { total, printed: 0, skippedCertified: 0 }
  let done = 0
  let after: string | null = null
  const today = shanghaiDate(o.clock())
  try {
    for (;;) {
      const persons = await personsOfRegionPage(o.db, o.region, after, o.pageSize ?? 200)
      if (persons.length === 0) break
      after = persons[persons.length - 1].person_no
      const todo: Prepared[] = []
      const due: PersonRow[] = []
      for (const person of persons) {
        const passed = lastPassDate(person)
        if (passed && Number(passed.slice(0, 4)) === o.cycle && !o.includeCertified) {
          result.skippedCertified++
          done++
          continue
        }
        // The 首页's standing (src/core/standing.ts). Suspended (on the roster, or past the due month
        // today): the notice says so and how payment comes back, rather than printing a due date already gone.
        const standing = standingOf(standingFactsOf(person), today, o.cyclePolicy)
        todo.push({
          person,
          code: '',
          nextDueMonthLabel: monthLabel(standing.dueMonth),
          deadlineLabel: deadlineLabel(firstDayOf(standing.dueMonth)),
          ...(standing.suspendedSince ? { suspendedSinceLabel: sinceLabel(standing.suspendedSince) } : {}),
        })
        due.push(person)
      }
      const codes = await ensureNoticeCodes(o.db, due, o.cycle, o.clock().toISOString())
      for (const t of todo) t.code = codes.get(t.person.id)!

      const concurrency = o.concurrency ?? 8
      for (let i = 0; i < todo.length; i += concurrency) {
        const batch = todo.slice(i, i + concurrency)
        const images = await Promise.all(batch.map((t) => o.codes.render({ scene: noticeScene(t.code), page: CERTIFY_ENTRY_PAGE })))
        for (let j = 0; j < batch.length; j++) {
          const t = batch[j]
          await writer.add({
            name: o.pii.openPerson(t.person.pii_enc).name,
            nextDueMonthLabel: t.nextDueMonthLabel,
            deadlineLabel: t.deadlineLabel,
            ...(t.suspendedSinceLabel ? { suspendedSinceLabel: t.suspendedSinceLabel } : {}),
            image: images[j].bytes,
          })
          result.printed++
          o.onNotice?.({ page: result.printed, scene: noticeScene(t.code), page_path: CERTIFY_ENTRY_PAGE })
          o.onProgress?.(++done, total)
        }
      }
      if (todo.length === 0) o.onProgress?.(done, total)
    }
    await writer.end()
  } catch (err) {
    writer.destroy()
    throw err
  }
  return result
}
