/** The PostgreSQL store survives losing an idle connection (a server restart, a failover, an administrator). */
import pg from 'pg'
import { sql } from 'kysely'
import { createTestStore, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'

describe('postgres store', () => {
  let t: TestStore
  beforeAll(async () => {
    t = await createTestStore('postgres')
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => t?.close())

  it('an idle connection terminated by the server is dropped from the pool; the next query works and nothing is thrown', async () => {
    const db = t.store.db
    const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0].pid
    let heard: () => void = () => undefined
    const lost = new Promise<void>((resolve) => (heard = resolve))
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      if (String(chunk).includes('idle connection lost')) heard()
      return true
    })
    try {
      const admin = new pg.Client({ connectionString: t.location })
      await admin.connect()
      try {
        await admin.query('select pg_terminate_backend($1)', [pid])
      } finally {
        await admin.end()
      }
      // the pool hears about the lost client asynchronously
      await lost
      expect(stderr.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('idle connection lost'))).toEqual([
        expect.stringContaining('57P01'),
      ])
      const after = (await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0].one
      expect(after).toBe(1)
    } finally {
      stderr.mockRestore()
    }
  }, 60_000)
})
