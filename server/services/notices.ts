/**
 * Printed notices: one random code per person and cycle (year), printed as a mini-program code whose
 * scene is `n=<code>` (12 characters from [0-9A-Za-z]: no personal data, ~71 bits, never guessed).
 * Resolving a code (signed-in accounts only) answers whose notice it is, masked, or:
 *   unknown or malformed code → NOTICE_INVALID (one answer: existence never revealed);
 *   the person already passed in the notice's cycle year → NOTICE_ALREADY_CERTIFIED with the day as
 *   detail {passedOn} (the message, and the client's own, name it: 本年度已于2026年3月15日完成认证…).
 * The scanner may then start a certification for that person (startCertification {noticeCode}).
 */
import { randomInt } from 'node:crypto'
import type { Caller } from '../../src/core/contracts/common'
import { NOTICE_CODE_ALPHABET, NOTICE_CODE_LENGTH, NOTICE_CODE_PATTERN, type NoticeResolvedView } from '../../src/core/contracts/notices'
import { agencyForRegion } from '../notices/agencies'
import { ensureAccount } from '../repositories/accounts'
import { findNoticeCode, insertNoticeCodes, noticeCodesOfPersons, type NoticeCodeRow } from '../repositories/notices'
import { findPersonById } from '../repositories/persons'
import type { Db, PersonRow } from '../repositories/types'
import type { ServiceContext } from './context'
import { DomainError } from '../../src/core/errors'
import { audit, refuse } from './relatives-common'
import { personStatusView } from './status'

export function generateNoticeCode(rand: (max: number) => number = randomInt): string {
  let out = ''
  for (let i = 0; i < NOTICE_CODE_LENGTH; i++) out += NOTICE_CODE_ALPHABET[rand(NOTICE_CODE_ALPHABET.length)]
  return out
}

/** The notice code of each person for `cycle`, issuing the missing ones (idempotent: re-running reuses them). */
export async function ensureNoticeCodes(db: Db, persons: readonly PersonRow[], cycle: number, nowIso: string): Promise<Map<string, string>> {
  const ids = persons.map((p) => p.id)
  const have = new Map((await noticeCodesOfPersons(db, ids, cycle)).map((r) => [r.person_id, r.code]))
  const missing: NoticeCodeRow[] = persons
    .filter((p) => !have.has(p.id))
    .map((p) => ({ code: generateNoticeCode(), person_id: p.id, cycle, region_code: p.region_code, created_at: nowIso }))
  if (missing.length > 0) {
    await insertNoticeCodes(db, missing)
    for (const r of await noticeCodesOfPersons(db, missing.map((m) => m.person_id), cycle)) have.set(r.person_id, r.code)
  }
  return have
}

/**
 * The person's latest pass as a Beijing date, if any: persons.last_certified_on, the later of the
 * roster's 上次认证日期 and every passed record (src/core/standing.ts; migration 014).
 */
export function lastPassDate(person: Pick<PersonRow, 'last_certified_on'>): string | undefined {
  return person.last_certified_on ?? undefined
}

export interface UsableNotice {
  notice: NoticeCodeRow
  person: PersonRow
}

/** The notice behind a code if its person still has to certify in its cycle; refusals audited as `action`. */
export async function usableNotice(ctx: ServiceContext, accountId: string, code: string, action: string): Promise<UsableNotice> {
  const notice = NOTICE_CODE_PATTERN.test(code) ? await findNoticeCode(ctx.db, code) : undefined
  const person = notice ? await findPersonById(ctx.db, notice.person_id) : undefined
  if (!notice || !person) return refuse(ctx, accountId, action, 'NOTICE_INVALID', null)
  const passed = lastPassDate(person)
  if (passed && Number(passed.slice(0, 4)) === notice.cycle) {
    await audit(ctx, ctx.db, accountId, action, person.id, { reason: 'NOTICE_ALREADY_CERTIFIED', cycle: notice.cycle })
    throw new DomainError('NOTICE_ALREADY_CERTIFIED', { detail: { passedOn: passed } })
  }
  return { notice, person }
}

export async function resolveNotice(ctx: ServiceContext, caller: Caller, code: string): Promise<NoticeResolvedView> {
  const accountId = await ensureAccount(ctx.db, caller, ctx.clock().toISOString())
  const { notice, person } = await usableNotice(ctx, accountId, code, 'notice.resolve_refused')
  const status = await personStatusView(ctx, person)
  await audit(ctx, ctx.db, accountId, 'notice.resolved', person.id, { cycle: notice.cycle })
  return {
    maskedName: person.name_masked,
    cycle: notice.cycle,
    nextDueMonthLabel: status.nextDueMonthLabel,
    nextDueDeadlineLabel: status.nextDueDeadlineLabel,
    statusLabel: status.statusLabel,
    // From the roster person's region, never from the code: a forged notice cannot name its own agency.
    agency: agencyForRegion(person.region_code, ctx.defaultHotline),
  }
}
