/**
 * 历史认证记录, newest first: the bound person's own, or — with a relativeId — those of a 家人 the
 * account linked (帮TA认证 saves the parent's record there, so that is where the helper looks).
 * A relativeId of another account, a removed link or an unknown id → RELATIVE_NOT_FOUND (existence
 * never revealed). Reading a relative's records is audited as done for that person
 * ('relative.records_list', subject = the relative), with no personal data in the entry.
 */
import { RELATION_LABELS } from '../../src/core/contracts/family'
import type { Caller } from '../../src/core/contracts/common'
import type { RecordsView } from '../../src/core/contracts/views'
import { nextCycle } from '../../src/core/cycle'
import { DomainError } from '../../src/core/errors'
import { ensureAccount } from '../repositories/accounts'
import { appendReadAudit } from '../repositories/audit'
import { findPersonById } from '../repositories/persons'
import { listRecordsOfPerson, type RecordRow } from '../repositories/records'
import { findRelativeOfAccount } from '../repositories/relatives'
import { shanghaiDate } from '../time/clock'
import { accountAndPerson } from './account'
import type { ServiceContext } from './context'
import { refuse } from './relatives-common'
import { recordView } from './views'

export async function recordsOf(ctx: ServiceContext, caller: Caller, limit: number, before?: string, relativeId?: string): Promise<RecordsView> {
  if (relativeId !== undefined) return relativeRecordsOf(ctx, caller, relativeId, limit, before)
  const { accountId, person } = await accountAndPerson(ctx, caller)
  if (!person) throw new DomainError('NOT_BOUND')
  const rows = await listAudited(ctx, accountId, person, limit, before, 'records.list', {})
  return { records: viewsOf(ctx, rows) }
}

/** A page of the person's records; every read is audited with whose they are and how many. */
async function listAudited(
  ctx: ServiceContext,
  accountId: string,
  person: Parameters<typeof listRecordsOfPerson>[1],
  limit: number,
  before: string | undefined,
  action: string,
  detail: Record<string, unknown>,
) {
  const rows = await listRecordsOfPerson(ctx.db, person, limit, before ? new Date(before).toISOString() : undefined)
  await appendReadAudit(ctx, {
    at: ctx.clock().toISOString(),
    actorType: 'account',
    actorRef: accountId,
    action,
    subjectPersonId: person.id,
    detail: { ...detail, count: rows.length },
  })
  return rows
}

async function relativeRecordsOf(ctx: ServiceContext, caller: Caller, relativeId: string, limit: number, before?: string): Promise<RecordsView> {
  const accountId = await ensureAccount(ctx.db, caller, ctx.clock().toISOString())
  const rel = await findRelativeOfAccount(ctx.db, accountId, relativeId)
  const person = rel && rel.removed_at === null ? await findPersonById(ctx.db, rel.person_id) : undefined
  if (!rel || !person) return refuse(ctx, accountId, 'relative.records_refused', 'RELATIVE_NOT_FOUND', null)
  const rows = await listAudited(ctx, accountId, person, limit, before, 'relative.records_list', { relativeId: rel.id, relation: rel.relation })
  return {
    records: viewsOf(ctx, rows),
    relative: { relativeId: rel.id, maskedName: person.name_masked, relationLabel: RELATION_LABELS[rel.relation] },
  }
}

/**
 * Marks the tries made while the person was already certified for the cycle (a pass older than the
 * try whose next cycle had not opened yet): they are retries, not the cycle's result. Judged within
 * the page read; a page of 50 covers years of history.
 */
function viewsOf(ctx: ServiceContext, rows: readonly RecordRow[]): RecordsView['records'] {
  return rows.map((r, i) => {
    const view = recordView(r)
    if (r.result === 'passed') return view
    const pass = rows.slice(i + 1).find((o) => o.result === 'passed')
    if (!pass) return view
    const opens = nextCycle(shanghaiDate(new Date(pass.certified_at)), ctx.cyclePolicy).opensOn
    return shanghaiDate(new Date(r.certified_at)) < opens ? { ...view, retryAfterPass: true } : view
  })
}
