/**
 * jest globalSetup: one real PostgreSQL server per jest run (see postgres.ts). Tests read its URL
 * from YL_TEST_PG_URL and create their own database in it. If YL_TEST_PG_URL is already set (CI
 * provides a server), that server is used and nothing is started.
 */
import { PG_DIR_ENV, PG_URL_ENV, startTestPostgres } from './postgres'

export default async function globalSetup(): Promise<void> {
  if (process.env[PG_URL_ENV]) return
  const pg = await startTestPostgres()
  process.env[PG_URL_ENV] = pg.url
  process.env[PG_DIR_ENV] = JSON.stringify({ dir: pg.dir, binDir: pg.binDir, runAs: pg.runAs })
}
