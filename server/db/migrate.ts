/**
 * A small migrator over Kysely's own Migrator (which locks, so several instances starting at once
 * are safe on both stores). Migrations are listed statically in migrations/index.ts: no file
 * scanning, works the same under tsx, jest and a bundle.
 */
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely'
import type { Store } from './connect'
import { MIGRATIONS } from './migrations'

export class MigrationError extends Error {}

function migratorOf(store: Store): Migrator {
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {}
      for (const [name, mod] of MIGRATIONS) out[name] = { up: (db) => mod.up(db, store.dialect) }
      return out
    },
  }
  return new Migrator({ db: store.db, provider, migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock' })
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new MigrationError(`数据库迁移失败 / migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`)
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

export async function migrateToLatest(store: Store): Promise<string[]> {
  return applied(await migratorOf(store).migrateToLatest())
}

/** Up to and including `name` (a store as an older release left it, e.g. to test the next migration's data move). */
export async function migrateTo(store: Store, name: string): Promise<string[]> {
  return applied(await migratorOf(store).migrateTo(name))
}
