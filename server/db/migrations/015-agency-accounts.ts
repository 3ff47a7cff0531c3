/**
 * agency_users and agency_sessions: the social-security office's console accounts (issue 15).
 *
 * A user's password is an argon2id hash; the TOTP secret is sealed with a key derived from the PII
 * master keys (server/agency/secret-cipher.ts), never stored plain. totp_last_step is the last time
 * step a code was accepted for, so a code cannot be used twice. Booleans are integers 0/1, times ISO
 * text, as everywhere else in the schema.
 *
 * A session row's id is the SHA-256 (hex) of the random token in the browser's cookie: the table
 * alone cannot be used to sign in. expires_at is the absolute end; idle expiry is last_seen_at plus
 * the configured idle time.
 */
import type { Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('agency_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('region_prefix', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('totp_secret_enc', 'text')
    .addColumn('totp_enrolled_at', 'text')
    .addColumn('totp_last_step', 'integer')
    .addColumn('must_change_password', 'integer', (c) => c.notNull())
    .addColumn('failed_count', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('disabled_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('agency_users_region').on('agency_users').columns(['region_prefix', 'username']).execute()

  await db.schema
    .createTable('agency_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('agency_users.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('second_factor_done', 'integer', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute()
  await db.schema.createIndex('agency_sessions_user').on('agency_sessions').column('user_id').execute()
  await db.schema.createIndex('agency_sessions_expires').on('agency_sessions').column('expires_at').execute()
}
