/**
 * Backend state a page test needs that no mini-program page creates: a printed notice's code (the CLI
 * issues them) and a 单位专管员 appointment (the agency console makes it). Written with the backend's own
 * service and hash functions, straight into the stack's store.
 */
import { randomUUID } from 'node:crypto'
import { ensureNoticeCodes } from '../../../../server/services/notices'
import { inviteCodeHash } from '../../../../server/services/unit-admins'
import type { Stack } from './stack'

/** Demo roster person numbers (server/demo/roster.csv). */
export const PERSON_NO = { wang: 'DEMO0001', li: 'DEMO0002', zhang: 'DEMO0003', liu: 'DEMO0004', chen: 'DEMO0005', zhao: 'DEMO0006', sun: 'DEMO0007' } as const

/** The notice code of a roster person for `cycle`, as `npm run notices` issues it. */
export async function noticeCodeOf(stack: Stack, personNo: string, cycle: number): Promise<string> {
  const db = stack.backend.store.db
  const person = await db.selectFrom('persons').selectAll().where('person_no', '=', personNo).executeTakeFirstOrThrow()
  const code = (await ensureNoticeCodes(db, [person], cycle, stack.clock.now().toISOString())).get(person.id)
  if (!code) throw new Error(`no notice code for ${personNo}`)
  return code
}

/**
 * A pending 专管员 appointment with a one-time invitation code, as the console's 任命 creates it
 * (only the code's hash is stored). Answers the code the agency would hand over.
 */
export async function appointUnitAdmin(stack: Stack, opts: { unitName: string; regionPrefix: string; code: string; expiresOn?: string }): Promise<string> {
  const now = stack.clock.now()
  // Valid through expiresOn (Beijing): the next day's midnight, as the console stores it.
  const expires = new Date(Date.parse(`${opts.expiresOn ?? '2027-06-30'}T00:00:00+08:00`) + 86_400_000)
  await stack.backend.store.db
    .insertInto('unit_admin_appointments')
    .values({
      id: randomUUID(),
      account_id: null,
      unit_name: opts.unitName,
      region_prefix: opts.regionPrefix,
      appointed_by: 'weapp-simulate-seed',
      appointed_at: now.toISOString(),
      expires_at: expires.toISOString(),
      invite_code_hash: inviteCodeHash(opts.code),
      invite_expires_at: new Date(now.getTime() + 14 * 86_400_000).toISOString(),
      claimed_at: null,
      revoked_at: null,
      revoked_by: null,
    })
    .execute()
  return opts.code
}
