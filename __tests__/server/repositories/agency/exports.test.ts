/**
 * resultsPages, both stores: keyset pages over the two stamp indexes give every record of the range
 * once, in a fixed order (created in the range, then created before and decided in it), only of the
 * region, whatever the page size.
 */
import { newId } from '../../../../server/db/ids'
import { insertPerson } from '../../../../server/repositories/persons'
import { insertRecord } from '../../../../server/repositories/records'
import { resultsPages } from '../../../../server/repositories/agency/exports'
import { DIALECTS, migratedStoreFor } from '../../../support/db'

const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 2, minute)).toISOString()

describe.each(DIALECTS)('resultsPages on %s', (dialect) => {
  const t = migratedStoreFor(dialect)

  async function person(region: string): Promise<string> {
    const id = newId()
    await insertPerson(t.store.db, {
      id,
      person_no: `P${id.slice(0, 8)}`,
      pii_enc: 'v1:x',
      name_masked: '王*英',
      id_number_hash: `hash-${id}`,
      id_number_masked: '1101**********0127',
      insurance_type: 'enterprise',
      employer: '',
      benefit_status: 'normal',
      suspended_since: null,
      last_certified_on: null,
      roster_certified_on: null,
      region_code: region,
      enrolled_on: '2020-01-01',
      key_version: 'v1',
      created_at: at(0),
      updated_at: at(0),
    })
    return id
  }

  async function record(personId: string, createdMinute: number, decidedMinute?: number): Promise<string> {
    const id = `rec-${String(createdMinute).padStart(2, '0')}-${newId().slice(0, 4)}`
    await insertRecord(t.store.db, {
      id,
      person_id: personId,
      certified_at: at(createdMinute),
      result: decidedMinute === undefined ? 'passed' : 'failed',
      method: 'face',
      channel: 'weapp',
      performed_by: 'self',
      performer_account_id: null,
      created_at: at(createdMinute),
      performer_relation: null,
      via: null,
      ...(decidedMinute === undefined ? {} : { decided_at: at(decidedMinute), decided_by: 'u1' }),
    })
    return id
  }

  it('every record of the range once, in order, only of the region, at any page size', async () => {
    const mine = await person('110101')
    const theirs = await person('430102')
    const before = await record(mine, 5) // before the range: never
    const decidedIn = await record(mine, 6, 25) // created before, decided in the range: in the second part
    const decidedLater = await record(mine, 7, 50) // created before, decided after: never
    const created = [await record(mine, 12), await record(mine, 12), await record(mine, 15, 16), await record(mine, 18), await record(mine, 30)]
    await record(theirs, 13) // another region: never
    const after = await record(mine, 45) // after the range: never
    const from = at(10)
    const to = at(30)
    // Ids start with their creation minute: sorted ids are (created_at, id) order.
    const expected = [...[...created].sort(), decidedIn]
    for (const size of [1, 2, 3, 100]) {
      const ids: string[] = []
      for await (const page of resultsPages(t.store.db, '1101', from, to, size)) {
        expect(page.length).toBeLessThanOrEqual(size)
        ids.push(...page.map((r) => r.record_id))
      }
      expect(ids).toEqual(expected)
    }
    for (const never of [before, decidedLater, after]) expect(expected).not.toContain(never)
  })
})
