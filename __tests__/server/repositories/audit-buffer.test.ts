/**
 * AuditBuffer: audit rows of reads are written in batches after the read is answered, and none is lost
 * on a clean close — through the app too: a status read's row is in read_audit_log once the app has
 * closed (and not in audit_log, whose lookup indexes reads do not pay for).
 */
import type { AuditEntry } from '../../../server/repositories/audit'
import { AuditBuffer } from '../../../server/repositories/audit'
import { migrateToLatest } from '../../../server/db/migrate'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, migratedStoreFor } from '../../support/db'
import { DEMO } from '../helpers/demo'
import { newCaller, startHarness } from '../helpers/harness'

jest.setTimeout(60_000)

const entry = (n: number): AuditEntry => ({ at: '2026-11-27T02:00:00.000Z', actorType: 'account', actorRef: `acc-${n}`, action: 'test.read', subjectPersonId: null, detail: { n } })

describe.each(DIALECTS)('AuditBuffer on %s', (dialect) => {
  const t = migratedStoreFor(dialect)

  const rowsOf = async (action: string) => t.store.db.selectFrom('read_audit_log').select(['actor_ref', 'detail']).where('action', '=', action).execute()

  it('holds rows until it flushes, then writes them all; close writes what is left', async () => {
    const buffer = new AuditBuffer(t.store.db, { flushMs: 60_000, maxRows: 1000 })
    await buffer.flush() // nothing to write: must not leave a finished flush in the way of the next
    for (let i = 0; i < 5; i++) buffer.append(entry(i))
    expect(buffer.pending).toBe(5)
    expect(await rowsOf('test.read')).toHaveLength(0)
    await buffer.flush()
    expect(buffer.pending).toBe(0)
    expect((await rowsOf('test.read')).map((r) => r.actor_ref).sort()).toEqual(['acc-0', 'acc-1', 'acc-2', 'acc-3', 'acc-4'])
    buffer.append({ ...entry(9), action: 'test.read_late' })
    await buffer.close()
    expect(await rowsOf('test.read_late')).toHaveLength(1)
  })

  it('flushes by itself when maxRows rows wait, and writes more rows than one INSERT takes', async () => {
    const buffer = new AuditBuffer(t.store.db, { flushMs: 60_000, maxRows: 1200 })
    for (let i = 0; i < 1200; i++) buffer.append({ ...entry(i), action: 'test.read_many' })
    await buffer.close()
    expect(await rowsOf('test.read_many')).toHaveLength(1200)
  })

  it('keeps rows after a failed write and reports the ones it finally gives up', async () => {
    const failing = await createTestStore(dialect)
    await migrateToLatest(failing.store)
    await failing.close()
    const errors: number[] = []
    const buffer = new AuditBuffer(failing.store.db, { flushMs: 60_000, onError: (_err, dropped) => errors.push(dropped) })
    buffer.append(entry(1))
    buffer.append(entry(2))
    await buffer.flush()
    expect(buffer.pending).toBe(2)
    expect(errors).toEqual([0])
    await buffer.close()
    expect(errors.at(-1)).toBe(2)
    expect(buffer.pending).toBe(0)
  })
})

describe.each(DIALECTS)('read audit through the app on %s', (dialect) => {
  it('a status read is audited, and its row is in read_audit_log after the app closes', async () => {
    const h = await startHarness(dialect)
    try {
      const caller = newCaller()
      expect((await h.post('/v1/bindings/manual', { caller, ...DEMO.wang })).statusCode).toBe(200)
      const actions = await h.count('audit_log')
      const before = await h.count('read_audit_log')
      for (let i = 0; i < 3; i++) expect((await h.post('/v1/status', { caller })).statusCode).toBe(200)
      await h.app.close()
      const reads = await h.test.store.db.selectFrom('read_audit_log').select(['action', 'actor_type', 'subject_person_id']).where('action', '=', 'status.read').execute()
      expect(reads).toHaveLength(3)
      const wang = await h.test.store.db
        .selectFrom('bindings')
        .innerJoin('accounts', 'accounts.id', 'bindings.account_id')
        .select('bindings.person_id')
        .where('accounts.openid', '=', caller.openid)
        .where('bindings.relation', '=', 'self')
        .executeTakeFirstOrThrow()
      expect(reads.every((r) => r.actor_type === 'account' && r.subject_person_id === wang.person_id)).toBe(true)
      expect(await h.count('read_audit_log')).toBe(before + 3)
      expect(await h.count('audit_log')).toBe(actions)
    } finally {
      await h.test.close()
    }
  }, STORE_SETUP_TIMEOUT_MS)
})
