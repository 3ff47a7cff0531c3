/**
 * Identity verification state (server/identity):
 *  - face_references: one enrolled reference per person for local-face-match. Holds the face
 *    embedding (encrypted, AES-256-GCM, key derived from the PII master key) and metadata; never
 *    the photo itself.
 *  - identity_wechat_checks: the verify_id WeChat 人脸核身 2.0 issued for a certification session,
 *    so queryverifyinfo can be asked later by any backend instance (no personal data).
 */
import type { Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>

export async function up(db: AnyDb, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('face_references')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('person_id', 'text', (c) => c.notNull().unique().references('persons.id'))
    .addColumn('embedding_enc', 'text', (c) => c.notNull())
    .addColumn('embedding_dims', 'integer', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('face_score', 'real', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_sha256', 'text', (c) => c.notNull())
    .addColumn('enrolled_by', 'text', (c) => c.notNull())
    .addColumn('key_version', 'text', (c) => c.notNull())
    .addColumn('enrolled_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('identity_wechat_checks')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('out_seq_no', 'text', (c) => c.notNull().unique())
    .addColumn('verify_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
}
