/**
 * The persons bulk writer (server/repositories/person-bulk/) on both stores: new persons and changed
 * persons inside one transaction, committed together, nothing left after a rollback, and an update
 * leaves the columns it is not given as they were.
 */
import { openPersonBulkWriter, personBulkEncoding, type PersonBulkOptions } from '../../../server/repositories/person-bulk'
import { copyCells, CopyRows } from '../../../server/repositories/person-bulk/copy-text'
import { KyselyPersonBulkWriter } from '../../../server/repositories/person-bulk/kysely'
import type { Db } from '../../../server/repositories/types'
import { DIALECTS, migratedStoreFor } from '../../support/db'

const COLUMNS = ['id', 'person_no', 'id_number_hash', 'pii_enc', 'name_masked', 'id_number_masked', 'insurance_type', 'employer', 'benefit_status', 'region_code', 'last_certified_on']
const NOW = '2026-11-27T02:00:00.000Z'
const options = (updatedColumns: string[] = ['region_code', 'updated_at']): PersonBulkOptions => ({
  columns: COLUMNS,
  constants: { enrolled_on: '2026-11-27', key_version: 'v1', created_at: NOW, updated_at: NOW },
  updatedColumns,
})
const person = (i: number, employer = "O'Brien\\单位\t1"): (string | null)[] => [
  `id-${String(i).padStart(6, '0')}`, `N${i}`, `hash-${i}`, `enc-${i}`, '王*', '1101**********0127', 'enterprise', employer, 'normal', '110101', i % 2 ? null : '2026-03-05',
]

describe.each(DIALECTS)('persons bulk writer on %s', (dialect) => {
  const t = migratedStoreFor(dialect)

  const persons = (prefix: string) => t.store.db.selectFrom('persons').select(['person_no', 'employer', 'region_code', 'last_certified_on', 'enrolled_on', 'updated_at']).where('id', 'like', `${prefix}%`).orderBy('id').execute()

  async function writeAll(make: (trx: Db) => Promise<{ insert: (v: (string | null)[]) => void | Promise<void>; finish: () => Promise<void> }>, from: number, n: number) {
    await t.store.db.transaction().execute(async (trx) => {
      const w = await make(trx)
      for (let i = from; i < from + n; i++) await w.insert(person(i))
      await w.finish()
    })
  }

  it('writes new persons (with quotes, backslashes, tabs and NULLs) and the constants in one transaction', async () => {
    await writeAll((trx) => openPersonBulkWriter(trx, options()), 0, 2500)
    const rows = await persons('id-00')
    expect(rows).toHaveLength(2500)
    expect(rows[1]).toEqual({ person_no: 'N1', employer: "O'Brien\\单位\t1", region_code: '110101', last_certified_on: null, enrolled_on: '2026-11-27', updated_at: NOW })
    expect(rows[2].last_certified_on).toBe('2026-03-05')
  })

  it('writes the same rows through the query-builder fallback', async () => {
    await writeAll(async (trx) => new KyselyPersonBulkWriter(trx, options()), 10_000, 1500)
    expect(await persons('id-01')).toHaveLength(1500)
  })

  it('updates only the given columns, together with new rows', async () => {
    await t.store.db.transaction().execute(async (trx) => {
      const w = await openPersonBulkWriter(trx, options(['region_code', 'updated_at']))
      await w.insert(person(20_000))
      for (let i = 0; i < 1200; i++) await w.update(`id-${String(i).padStart(6, '0')}`, { region_code: '310101', updated_at: '2026-11-28T00:00:00.000Z', employer: 'ignored' })
      await w.insert(person(20_001))
      await w.finish()
    })
    const rows = await persons('id-00')
    expect(rows.slice(0, 1200).every((r) => r.region_code === '310101' && r.employer === "O'Brien\\单位\t1" && r.updated_at === '2026-11-28T00:00:00.000Z')).toBe(true)
    expect(rows[1200].region_code).toBe('110101')
    expect(await persons('id-02')).toHaveLength(2)
  })

  it('takes rows encoded off the writing thread where the store has an encoding (PostgreSQL), the same as plain ones', async () => {
    const encoding = personBulkEncoding(t.store.db)
    expect(encoding).toBe(dialect === 'postgres' ? 'copy-text' : undefined)
    await t.store.db.transaction().execute(async (trx) => {
      const w = await openPersonBulkWriter(trx, options())
      expect(typeof w.insertEncoded).toBe(encoding ? 'function' : 'undefined')
      if (!w.insertEncoded) return
      const nullable = COLUMNS.slice(3).map((c) => c === 'last_certified_on')
      // The first columns given as values, the rest encoded into one buffer (as a worker does), at an
      // offset in it; the head once with characters to escape and beyond ASCII.
      const rows = new CopyRows(16)
      for (let i = 40_000; i < 40_003; i++) rows.add(copyCells(person(i).map((v) => v ?? ''), 3, nullable))
      const { bytes, ends } = rows.finish()
      for (let i = 40_000, r = 0; i < 40_003; i++, r++) {
        const head = person(i).slice(0, 3) as string[]
        if (r === 1) head[1] = 'N\\一\t1'
        await w.insertEncoded(head, bytes, r === 0 ? 0 : ends[r - 1], ends[r])
      }
      await w.finish()
    })
    if (!encoding) return
    const rows = await persons('id-04')
    expect(rows.map((r) => [r.person_no, r.employer, r.last_certified_on])).toEqual([
      ['N40000', "O'Brien\\单位\t1", '2026-03-05'],
      ['N\\一\t1', "O'Brien\\单位\t1", null],
      ['N40002', "O'Brien\\单位\t1", '2026-03-05'],
    ])
  })

  it('leaves nothing after the transaction is rolled back (an open COPY is cancelled first)', async () => {
    await expect(
      t.store.db.transaction().execute(async (trx) => {
        const w = await openPersonBulkWriter(trx, options())
        for (let i = 30_000; i < 30_100; i++) await w.insert(person(i))
        await w.abort()
        throw new Error('refused')
      }),
    ).rejects.toThrow('refused')
    expect(await persons('id-03')).toHaveLength(0)
  })
})
