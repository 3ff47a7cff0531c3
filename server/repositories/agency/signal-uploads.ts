/**
 * 静默认证 uploads from the console (signal_imports rows with actor_type 'agency', migration 020).
 * Scope as for roster uploads (./imports.ts): an upload is visible to a user iff its region prefix
 * lies inside the user's prefix. The CLI's imports (actor_type 'cli') are never the console's.
 */
import type { SignalImportsTable } from '../../db/schema'
import type { Db } from '../types'
import { regionLike } from './exports'

export type SignalUploadRow = SignalImportsTable

export async function insertSignalUpload(db: Db, row: SignalUploadRow): Promise<void> {
  await db.insertInto('signal_imports').values(row).execute()
}

export async function signalUploadInScope(db: Db, id: string, actorPrefix: string): Promise<SignalUploadRow | undefined> {
  const row = await db
    .selectFrom('signal_imports')
    .selectAll()
    .where('id', '=', id)
    .where('actor_type', '=', 'agency')
    .where('region_prefix', 'like', regionLike(actorPrefix))
    .executeTakeFirst()
  return row as SignalUploadRow | undefined
}

export async function updateSignalUpload(db: Db, id: string, fields: Partial<Omit<SignalUploadRow, 'id'>>): Promise<void> {
  await db.updateTable('signal_imports').set(fields).where('id', '=', id).execute()
}

/** Moves an upload from one status to another only if it is still in the first: true when this caller did. */
export async function claimSignalUpload(db: Db, id: string, from: SignalUploadRow['status'], to: SignalUploadRow['status'], at: string): Promise<boolean> {
  const r = await db.updateTable('signal_imports').set({ status: to, updated_at: at }).where('id', '=', id).where('status', '=', from).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}
