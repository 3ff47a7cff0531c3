/**
 * Enrolled reference faces (local-face-match) and WeChat 人脸核身 verify ids per session.
 * The embedding arrives here already encrypted (server/identity/embedding-cipher.ts).
 */
import type { Insertable, Selectable } from 'kysely'
import type { FaceReferencesTable, IdentityWechatChecksTable } from '../db/schema'
import type { Db } from './types'

export type FaceReferenceRow = Selectable<FaceReferencesTable>
export type WechatCheckRow = Selectable<IdentityWechatChecksTable>

export async function findFaceReference(db: Db, personId: string): Promise<FaceReferenceRow | undefined> {
  return db.selectFrom('face_references').selectAll().where('person_id', '=', personId).executeTakeFirst()
}

/** Enrols or replaces the person's reference (one per person). Returns whether one was replaced. */
export async function upsertFaceReference(db: Db, row: Insertable<FaceReferencesTable>): Promise<{ replaced: boolean }> {
  const existing = await findFaceReference(db, row.person_id)
  if (existing) {
    await db
      .updateTable('face_references')
      .set({
        embedding_enc: row.embedding_enc,
        embedding_dims: row.embedding_dims,
        model: row.model,
        face_score: row.face_score,
        source: row.source,
        source_sha256: row.source_sha256,
        enrolled_by: row.enrolled_by,
        key_version: row.key_version,
        enrolled_at: row.enrolled_at,
        updated_at: row.updated_at,
      })
      .where('person_id', '=', row.person_id)
      .execute()
    return { replaced: true }
  }
  await db.insertInto('face_references').values(row).execute()
  return { replaced: false }
}

export async function deleteFaceReference(db: Db, personId: string): Promise<boolean> {
  const res = await db.deleteFrom('face_references').where('person_id', '=', personId).executeTakeFirst()
  return Number(res.numDeletedRows) > 0
}

export async function countFaceReferences(db: Db): Promise<number> {
  const row = await db.selectFrom('face_references').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function findWechatCheck(db: Db, sessionId: string): Promise<WechatCheckRow | undefined> {
  return db.selectFrom('identity_wechat_checks').selectAll().where('session_id', '=', sessionId).executeTakeFirst()
}

/** Records (or replaces, when the earlier one expired) the verify_id of a session. */
export async function saveWechatCheck(db: Db, row: Insertable<IdentityWechatChecksTable>): Promise<void> {
  const existing = await findWechatCheck(db, row.session_id)
  if (existing) {
    await db
      .updateTable('identity_wechat_checks')
      .set({ verify_id: row.verify_id, out_seq_no: row.out_seq_no, expires_at: row.expires_at, created_at: row.created_at })
      .where('session_id', '=', row.session_id)
      .execute()
    return
  }
  await db.insertInto('identity_wechat_checks').values(row).execute()
}
