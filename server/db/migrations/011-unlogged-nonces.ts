/**
 * used_nonces UNLOGGED on PostgreSQL: a request's nonce row is needed for five minutes only, so its
 * commit need not wait for a WAL flush. After a PostgreSQL crash (not a clean restart) the table comes
 * back empty, so a request signed in the five minutes before could be replayed once; the signature,
 * its timestamp window and every write's own checks still apply. UNLOGGED tables are not copied to
 * streaming replicas: a promoted replica starts with an empty table likewise. SQLite: nothing to do.
 */
import { sql, type Kysely } from 'kysely'
import type { Dialect } from '../schema'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`ALTER TABLE used_nonces SET UNLOGGED`.execute(db)
}
