/**
 * A small migrator over Kysely's own Migrator (which locks, so several instances starting at once
 * are safe on both stores). Migrations are listed statically in migrations/index.ts: no file
 * scanning, works the same under tsx, jest and a bundle.
 */
import { Migrator, type Migration, type MigrationProvider } from 'kysely'
import type { Store } from './connect'
import { MIGRATIONS } from './migrations'

export class MigrationError extends Error {}

export async function migrateToLatest(store: Store): Promise<string[]> {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {}
      for (const [name, mod] of MIGRATIONS) out[name] = { up: (db) => mod.up(db, store.dialect) }
      return out
    },
  }
  const migrator = new Migrator({ db: store.db, provider, migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock' })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new MigrationError(`数据库迁移失败 / migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`)
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
