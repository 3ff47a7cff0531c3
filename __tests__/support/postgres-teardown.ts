/** jest globalTeardown: stops the server postgres-setup.ts started (never one provided from outside). */
import { PG_DIR_ENV, PG_URL_ENV, stopTestPostgres } from './postgres'

export default async function globalTeardown(): Promise<void> {
  const started = process.env[PG_DIR_ENV]
  if (!started) return
  stopTestPostgres(JSON.parse(started))
  delete process.env[PG_DIR_ENV]
  delete process.env[PG_URL_ENV]
}
