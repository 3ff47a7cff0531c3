/**
 * The local reminder scheduler on two instances (two gateways, each with its own handle on the shared
 * store) under runExclusive: when both fire at once, one round runs; when it is over, the next
 * scheduled round on either instance runs again.
 */
import { ok } from '../../../src/core/errors'
import type { BackendPort } from '../../../cloudfunctions/_shared/ports'
import type { Store } from '../../../server/db/connect'
import { migrateToLatest } from '../../../server/db/migrate'
import { runExclusive } from '../../../server/jobs/run-exclusive'
import { startLocalScheduler, type JobGuard, type LocalScheduler } from '../../../servers/scheduler/scheduler'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore, openSecondHandle } from '../../support/db'

jest.setTimeout(60_000)

/** A backend whose sweep takes a while (so two rounds would overlap) and whose outbox is empty. */
function slowBackend(calls: string[]): BackendPort {
  return {
    post: (async (route: string) => {
      calls.push(route)
      if (route === '/v1/reminders/sweep') {
        await new Promise((r) => setTimeout(r, 300))
        return ok({ day: '2026-11-27', skipped: false, inserted: 0, byKind: {}, ms: 300 })
      }
      if (route === '/v1/reminders/claim') {
        return ok({ claimToken: 't'.repeat(32), leaseUntil: '2026-11-27T02:01:00.000Z', outsideWindow: false, messages: [], skipped: { stale: 0, late: 0, noCredit: 0 } })
      }
      throw new Error(`unexpected route ${route}`)
    }) as BackendPort['post'],
  }
}

describe.each(DIALECTS)('reminder rounds on two instances under the job guard (%s)', (dialect) => {
  let t: TestStore
  let other: Store
  const schedulers: LocalScheduler[] = []
  beforeAll(async () => {
    t = await createTestStore(dialect)
    await migrateToLatest(t.store)
    other = openSecondHandle(t, 2)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => {
    schedulers.forEach((s) => s.stop())
    await other?.db.destroy()
    await t?.close()
  })

  it('two instances firing at once run one round; the next round runs on either', async () => {
    const calls: string[][] = [[], []]
    const stores = [t.store, other]
    const instances = stores.map((store, i) => {
      const guard: JobGuard = (job, run) => runExclusive(store, job, 30_000, run, { holder: `instance-${i}` })
      const s = startLocalScheduler({ backend: slowBackend(calls[i]), guard, localCron: 'off', demoRecipient: false, runAtStart: false, say: () => undefined })
      schedulers.push(s)
      return s
    })
    const reports = await Promise.all(instances.map((s) => s.runOnce()))
    expect(reports.filter((r) => r !== null)).toHaveLength(1)
    expect(calls.flat().filter((r) => r === '/v1/reminders/sweep')).toHaveLength(1)

    const ranOn = calls[0].length > 0 ? 0 : 1
    const next = await instances[1 - ranOn].runOnce()
    expect(next).toMatchObject({ stoppedBy: 'empty' })
    expect(calls[1 - ranOn]).toEqual(['/v1/reminders/sweep', '/v1/reminders/claim'])
  })
})
