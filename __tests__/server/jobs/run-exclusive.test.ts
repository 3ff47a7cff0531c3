/**
 * runExclusive on both stores, with two handles on one store as two instances would have: of two
 * runners started together exactly one runs; a finished job is free again at once; a lease left by
 * a runner that died is taken over only after it ends; a long job keeps its lease by renewing it.
 */
import type { Store } from '../../../server/db/connect'
import { migrateToLatest } from '../../../server/db/migrate'
import { claimLease, leaseOf } from '../../../server/jobs/leases'
import { runExclusive } from '../../../server/jobs/run-exclusive'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore, openSecondHandle } from '../../support/db'

jest.setTimeout(60_000)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each(DIALECTS)('runExclusive on %s', (dialect) => {
  let t: TestStore
  let other: Store
  beforeAll(async () => {
    t = await createTestStore(dialect)
    await migrateToLatest(t.store)
    other = openSecondHandle(t)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await other?.db.destroy()
    await t?.close()
  })

  it('of two runners started at once on two instances exactly one runs; the job is free again when it ends', async () => {
    for (let round = 0; round < 5; round++) {
      let running = 0
      let overlapped = false
      const job = async () => {
        running++
        if (running > 1) overlapped = true
        await sleep(150)
        running--
        return round
      }
      const results = await Promise.all([runExclusive(t.store, 'race', 10_000, job), runExclusive(other, 'race', 10_000, job)])
      expect(results.filter((r) => r.ran)).toEqual([{ ran: true, value: round }])
      expect(overlapped).toBe(false)
    }
    // Released, not merely expired: a runner right after the round gets the job.
    expect(await runExclusive(other, 'race', 10_000, async () => 'next')).toEqual({ ran: true, value: 'next' })
  })

  it('twenty runners on two instances: one runs, nineteen are told the job is taken', async () => {
    let runs = 0
    const job = async () => {
      runs++
      await sleep(200)
    }
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => runExclusive(i % 2 ? other : t.store, 'crowd', 10_000, job)))
    expect(results.filter((r) => r.ran)).toHaveLength(1)
    expect(runs).toBe(1)
  })

  it('a lease left by a runner that died blocks the job until it ends, then another instance takes it', async () => {
    const now = Date.now()
    // What a SIGKILLed runner leaves behind: a claimed lease nobody releases.
    expect(await claimLease(t.store.db, 'orphan', 'dead-runner', new Date(now + 1500).toISOString(), new Date(now).toISOString())).toBe(true)
    expect(await runExclusive(other, 'orphan', 5_000, async () => 'too early')).toEqual({ ran: false })
    await sleep(1700)
    expect(await runExclusive(other, 'orphan', 5_000, async () => 'taken over', { holder: 'second' })).toEqual({ ran: true, value: 'taken over' })
  })

  it('a job longer than its lease renews it, so no other instance starts it meanwhile', async () => {
    let secondRan = false
    const long = runExclusive(t.store, 'long', 1_200, async () => {
      await sleep(2_000)
      const r = await runExclusive(other, 'long', 1_200, async () => (secondRan = true))
      expect(r).toEqual({ ran: false })
      return (await leaseOf(t.store.db, 'long'))?.holder
    }, { holder: 'first' })
    expect(await long).toEqual({ ran: true, value: 'first' })
    expect(secondRan).toBe(false)
  })

  it('a job that throws still releases its lease', async () => {
    await expect(runExclusive(t.store, 'throws', 10_000, async () => { throw new Error('round failed') })).rejects.toThrow('round failed')
    expect(await runExclusive(other, 'throws', 10_000, async () => 'after')).toEqual({ ran: true, value: 'after' })
  })
})
