import { newId } from '../../../server/db/ids'
import { insertPerson } from '../../../server/repositories/persons'
import { applyPass, reinstatedAuditDetail } from '../../../server/services/passes'
import type { PersonsTable } from '../../../server/db/schema'
import { DIALECTS, migratedStoreFor } from '../../support/db'

const NOW = '2026-11-27T02:00:00.000Z' // 2026-11-27 in Beijing

describe.each(DIALECTS)('applyPass on %s', (dialect) => {
  const t = migratedStoreFor(dialect)
  const ctx = { cyclePolicy: 'rolling12' as const }

  async function person(over: Partial<PersonsTable>): Promise<string> {
    const id = newId()
    await insertPerson(t.store.db, {
      id,
      person_no: `P${id.slice(-10)}`,
      pii_enc: 'v1:x',
      name_masked: '王*英',
      id_number_hash: `hash-${id}`,
      id_number_masked: '1101**********0127',
      insurance_type: 'enterprise',
      employer: '示例单位',
      benefit_status: 'normal',
      suspended_since: null,
      last_certified_on: null,
      roster_certified_on: null,
      region_code: '110101',
      enrolled_on: '2020-01-01',
      key_version: 'v1',
      created_at: NOW,
      updated_at: NOW,
      ...over,
    })
    return id
  }
  const stored = (id: string) => t.store.db.selectFrom('persons').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  it('a certified person passing again: the date moves, next due 12 months on, no reinstatement', async () => {
    const id = await person({ last_certified_on: '2026-03-15' })
    const out = await t.store.db.transaction().execute((trx) => applyPass(trx, ctx, { personId: id, passDate: '2026-11-27', nowIso: NOW }))
    expect(out.standingBefore.state).toBe('certified')
    expect(out).toMatchObject({ lastCertifiedOn: '2026-11-27', nextDue: { dueMonth: { year: 2027, month: 11 } } })
    expect(out.reinstatement).toBeUndefined()
    expect(await stored(id)).toMatchObject({ last_certified_on: '2026-11-27', benefit_status: 'normal', updated_at: NOW })
  })

  it('a person suspended on the roster is reinstated: resume next month, every suspended month back-paid', async () => {
    const id = await person({ last_certified_on: '2025-08-01', benefit_status: 'suspended', suspended_since: '2026-09-01' })
    const out = await t.store.db.transaction().execute((trx) => applyPass(trx, ctx, { personId: id, passDate: '2026-11-27', nowIso: NOW }))
    expect(out.reinstatement).toEqual({ since: '2026-09-01', resumeMonth: { year: 2026, month: 12 }, backPaidMonths: [{ year: 2026, month: 9 }, { year: 2026, month: 10 }, { year: 2026, month: 11 }] })
    expect(reinstatedAuditDetail('r1', out.reinstatement!)).toEqual({ recordId: 'r1', suspendedSince: '2026-09-01', resumeMonth: '2026-12', backPaidMonths: 3, backPaidFrom: '2026-09', backPaidTo: '2026-11' })
    expect(await stored(id)).toMatchObject({ last_certified_on: '2026-11-27', benefit_status: 'normal', suspended_since: null })
  })

  it('past the due month without a roster suspension: reinstated from the month after the due month', async () => {
    const id = await person({ last_certified_on: '2025-09-10' })
    const out = await t.store.db.transaction().execute((trx) => applyPass(trx, ctx, { personId: id, passDate: '2026-11-27', nowIso: NOW }))
    expect(out.standingBefore).toMatchObject({ state: 'overdue_suspended', suspendedSince: '2026-10-01' })
    expect(out.reinstatement?.backPaidMonths).toHaveLength(2)
  })

  it('a back-dated offline pass never moves the last pass backwards, but still lifts a suspension', async () => {
    const id = await person({ last_certified_on: '2026-11-20', benefit_status: 'suspended', suspended_since: '2026-11-01' })
    const out = await t.store.db.transaction().execute((trx) => applyPass(trx, ctx, { personId: id, passDate: '2026-11-02', nowIso: NOW }))
    expect(out.lastCertifiedOn).toBe('2026-11-20')
    expect(await stored(id)).toMatchObject({ last_certified_on: '2026-11-20', benefit_status: 'normal', suspended_since: null })
  })

  it('never certified (due this month): the pass sets the first date', async () => {
    const id = await person({ enrolled_on: '2026-11-03' })
    const out = await t.store.db.transaction().execute((trx) => applyPass(trx, ctx, { personId: id, passDate: '2026-11-27', nowIso: NOW }))
    expect(out.standingBefore.state).toBe('due')
    expect((await stored(id)).last_certified_on).toBe('2026-11-27')
  })

  it('an unknown person is an internal error and changes nothing', async () => {
    await expect(t.store.db.transaction().execute((trx) => applyPass(trx, ctx, { personId: 'nobody', passDate: '2026-11-27', nowIso: NOW }))).rejects.toMatchObject({ code: 'INTERNAL' })
  })
})
