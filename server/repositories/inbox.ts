/** local_message_inbox: what the LOCAL openapi adapter would have pushed (developer 消息发件箱). */
import type { Insertable, Selectable } from 'kysely'
import type { LocalMessageInboxTable } from '../db/schema'
import type { Db } from './types'

export type InboxRow = Selectable<LocalMessageInboxTable>

export async function insertInboxMessage(db: Db, row: Insertable<LocalMessageInboxTable>): Promise<void> {
  await db.insertInto('local_message_inbox').values(row).execute()
}

/** Newest first; `before` pages backwards by received_at; `touser` filters to one recipient. */
export async function listInboxMessages(db: Db, opts: { limit: number; before?: string; touser?: string }): Promise<InboxRow[]> {
  let q = db.selectFrom('local_message_inbox').selectAll()
  if (opts.before) q = q.where('received_at', '<', opts.before)
  if (opts.touser) q = q.where('touser', '=', opts.touser)
  return q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute()
}
