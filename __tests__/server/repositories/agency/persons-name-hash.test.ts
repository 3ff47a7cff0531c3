/**
 * persons.name_hash backfill (migration 016 leaves it NULL; the backend fills it at start with the
 * cipher): every readable person across several batches, the same hash the search computes, an
 * unreadable ciphertext left NULL and counted, a second run with nothing to do.
 */
import { PiiCipher } from '../../../../server/crypto/pii'
import { nameHash } from '../../../../server/crypto/pii-fields'
import { newSortableId } from '../../../../server/db/ids'
import { backfillNameHashes } from '../../../../server/roster/name-hash-backfill'
import { readFileSync } from 'node:fs'
import { DEMO_ROSTER_PATH } from '../../../../server/demo/seed'
import { decodeRoster } from '../../../../server/roster/decode'
import { importRoster } from '../../../../server/roster/import'
import { parseRosterCsv } from '../../../../server/roster/parse'
import { DIALECTS, migratedStoreFor } from '../../../support/db'
import { testConfig } from '../../helpers/config'

const NOW = '2026-11-27T02:00:00.000Z'

describe.each(DIALECTS)('name_hash backfill on %s', (dialect) => {
  const t = migratedStoreFor(dialect)
  const c = testConfig()
  const pii = new PiiCipher({ keys: c.piiKeys, current: c.piiKeyCurrent, indexVersion: c.piiIndexKeyVersion })

  test('fills every readable person in batches, leaves an unreadable one NULL, and then has nothing to do', async () => {
    const names = ['王秀英', '李建国', '阿依古丽•买买提']
    const rows = Array.from({ length: 1203 }, (_, i) => ({
      id: newSortableId(),
      person_no: `N${String(i).padStart(6, '0')}`,
      pii_enc: i === 7 ? 'v9:not-a-ciphertext' : pii.sealPerson({ name: names[i % 3], idNumber: `id${i}`, cardNumber: `c${i}` }),
      name_masked: 'x',
      id_number_hash: `h${i}`,
      id_number_masked: 'm',
      insurance_type: 'enterprise' as const,
      employer: 'e',
      benefit_status: 'normal' as const,
      suspended_since: null,
      last_certified_on: null,
      region_code: '110101',
      enrolled_on: '2020-01-01',
      key_version: 'v1',
      created_at: NOW,
      updated_at: NOW,
    }))
    for (let i = 0; i < rows.length; i += 200) await t.store.db.insertInto('persons').values(rows.slice(i, i + 200)).execute()

    // A backend that closes stops between batches (500 persons); the next start goes on from there.
    let batches = 0
    expect(await backfillNameHashes(t.store.db, pii, { stop: () => batches++ >= 1 })).toEqual({ filled: 499, unreadable: 1 })
    expect(await backfillNameHashes(t.store.db, pii)).toEqual({ filled: 703, unreadable: 1 })
    const stored = await t.store.db.selectFrom('persons').select(['person_no', 'name_hash']).orderBy('person_no').execute()
    expect(stored[0].name_hash).toBe(nameHash(pii, '王秀英'))
    // The search normalises the same way: 阿依古丽•买买提 and 阿依古丽·买买提 are one name.
    expect(stored[2].name_hash).toBe(nameHash(pii, ' 阿依古丽·买买提 '))
    expect(stored[7].name_hash).toBeNull()
    expect(stored.filter((r) => r.name_hash === null)).toHaveLength(1)
    expect(await backfillNameHashes(t.store.db, pii)).toEqual({ filled: 0, unreadable: 1 })
  })

  test('the roster import writes the name index, and a re-import with a new name moves it', async () => {
    const rowsOf = (csv: string) => parseRosterCsv(decodeRoster(Buffer.from(csv)).text).rows
    const opts = { pii, today: '2026-11-27', now: NOW, cyclePolicy: 'rolling12' as const, actor: 'test' }
    const csv = readFileSync(DEMO_ROSTER_PATH, 'utf8')
    expect(await importRoster(t.store.db, rowsOf(csv), opts)).toMatchObject({ committed: true, inserted: 7 })
    const hashOf = async (no: string) => (await t.store.db.selectFrom('persons').select('name_hash').where('person_no', '=', no).executeTakeFirstOrThrow()).name_hash
    expect(await hashOf('DEMO0001')).toBe(nameHash(pii, '王秀英'))
    expect(await importRoster(t.store.db, rowsOf(csv.replace('DEMO0001,王秀英', 'DEMO0001,王秀芳')), opts)).toMatchObject({ committed: true, updated: 1 })
    expect(await hashOf('DEMO0001')).toBe(nameHash(pii, '王秀芳'))
  })
})
