/** 历史认证记录 of the bound person, newest first. */
import type { Caller } from '../../src/core/contracts/common'
import type { RecordsView } from '../../src/core/contracts/views'
import { HttpError } from '../http/errors'
import { appendAudit } from '../repositories/audit'
import { listRecordsOfPerson } from '../repositories/records'
import { accountAndPerson } from './account'
import type { ServiceContext } from './context'
import { recordView } from './views'

export async function recordsOf(ctx: ServiceContext, caller: Caller, limit: number, before?: string): Promise<RecordsView> {
  const { accountId, person } = await accountAndPerson(ctx, caller)
  if (!person) throw new HttpError('NOT_BOUND')
  const rows = await listRecordsOfPerson(ctx.db, person, limit, before ? new Date(before).toISOString() : undefined)
  await appendAudit(ctx.db, {
    at: ctx.clock().toISOString(),
    actorType: 'account',
    actorRef: accountId,
    action: 'records.list',
    subjectPersonId: person.id,
    detail: { count: rows.length },
  })
  return { records: rows.map(recordView) }
}
