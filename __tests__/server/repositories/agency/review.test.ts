/**
 * The decision's conditional UPDATE on both stores, from two handles as two backend instances
 * would: while one reviewer's transaction holds the record, the other's UPDATE waits and then finds
 * it decided (0 rows) — never two decisions. And the queue is region-scoped in SQL.
 */
import { newId } from '../../../../server/db/ids'
import type { Store } from '../../../../server/db/connect'
import { countPending, decide, findRecordInRegion, inRegion, listPending } from '../../../../server/repositories/agency/review'
import { insertPerson } from '../../../../server/repositories/persons'
import { DIALECTS, migratedStoreFor, openSecondHandle } from '../../../support/db'

const NOW = '2026-11-27T02:00:00.000Z'

describe.each(DIALECTS)('review repository on %s', (dialect) => {
  const t = migratedStoreFor(dialect)

  async function pending(region: string, certifiedAt = NOW): Promise<string> {
    const personId = newId()
    await insertPerson(t.store.db, {
      id: personId,
      person_no: `P${personId.slice(-12)}`,
      pii_enc: 'v1:x',
      name_masked: '王*英',
      id_number_hash: `h-${personId}`,
      id_number_masked: 'm',
      insurance_type: 'enterprise',
      employer: 'e',
      benefit_status: 'normal',
      suspended_since: null,
      last_certified_on: null,
      region_code: region,
      enrolled_on: '2020-01-01',
      key_version: 'v1',
      created_at: NOW,
      updated_at: NOW,
    })
    const recordId = newId()
    await t.store.db
      .insertInto('certification_records')
      .values({ id: recordId, person_id: personId, certified_at: certifiedAt, result: 'pending_review', method: 'face', channel: 'h5', performed_by: 'self', performer_account_id: null, created_at: certifiedAt })
      .execute()
    return recordId
  }

  const decision = (by: string, result: 'passed' | 'failed') => ({ result, decidedAt: NOW, decidedBy: by, reason: result === 'failed' ? 'photo_unclear' : null, note: null })

  test('two handles: the second decision waits for the first and changes nothing', async () => {
    const recordId = await pending('320102')
    const second: Store = openSecondHandle(t)
    try {
      let release!: () => void
      const held = new Promise<void>((r) => (release = r))
      let firstWon: boolean | undefined
      const first = t.store.db.transaction().execute(async (trx) => {
        firstWon = await decide(trx, recordId, decision('a', 'passed'))
        await held
      })
      while (firstWon === undefined) await new Promise((r) => setTimeout(r, 5))
      // SQLite: one writer at a time, so the second waits for the first to commit before it starts.
      const secondWon = dialect === 'postgres' ? second.db.transaction().execute((trx) => decide(trx, recordId, decision('b', 'failed'))) : undefined
      await new Promise((r) => setTimeout(r, 50))
      release()
      await first
      const won2 = secondWon ? await secondWon : await second.db.transaction().execute((trx) => decide(trx, recordId, decision('b', 'failed')))
      expect(firstWon).toBe(true)
      expect(won2).toBe(false)
      const row = await t.store.db.selectFrom('certification_records').selectAll().where('id', '=', recordId).executeTakeFirstOrThrow()
      expect(row).toMatchObject({ result: 'passed', decided_by: 'a', decision_reason: null })
    } finally {
      await second.db.destroy()
    }
  })

  test('the queue and a record read see only the region (a range on region_code), oldest first', async () => {
    const a = await pending('430102', '2026-11-01T00:00:00.000Z')
    const b = await pending('430199', '2026-11-02T00:00:00.000Z')
    const outside = await pending('430200', '2026-10-01T00:00:00.000Z')
    const ids = (await listPending(t.store.db, '4301', undefined, 100)).map((r) => r.id)
    expect(ids).toEqual([a, b])
    expect(await countPending(t.store.db, '4301')).toBe(2)
    expect(await findRecordInRegion(t.store.db, '4301', outside)).toBeUndefined()
    expect((await findRecordInRegion(t.store.db, '43', outside))?.record.id).toBe(outside)
    expect((await listPending(t.store.db, '4301', { certifiedAt: '2026-11-01T00:00:00.000Z', id: a }, 100)).map((r) => r.id)).toEqual([b])
    expect(() => inRegion("43' or 1=1")).toThrow(RangeError)
  })
})
