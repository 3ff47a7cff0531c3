/** A roster re-import never moves the authoritative last pass behind an in-app pass (migration 014's rule). */
import { PiiCipher } from '../../../server/crypto/pii'
import { newId } from '../../../server/db/ids'
import { insertRecord } from '../../../server/repositories/records'
import { decodeRoster } from '../../../server/roster/decode'
import { importRoster, type ImportOptions } from '../../../server/roster/import'
import { parseRosterCsv } from '../../../server/roster/parse'
import { applyPass } from '../../../server/services/passes'
import { DIALECTS, migratedStoreFor } from '../../support/db'
import { TEST_KEY_V1 } from '../helpers/config'

const HEADER = '个人编号,姓名,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划'
const pii = new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' })
const opts = (now: string): ImportOptions => ({ pii, today: '2026-11-27', now, cyclePolicy: 'rolling12', actor: 'test' })
const file = (employer: string, date: string) =>
  parseRosterCsv(decodeRoster(Buffer.from(`${HEADER}\r\nA1,王秀英,110101195203140127,A00000001,${employer},企业职工基本养老保险,正常,${date},110101\r\n`)).text).rows

describe.each(DIALECTS)('roster re-import and in-app passes on %s', (dialect) => {
  const t = migratedStoreFor(dialect)
  const person = () => t.store.db.selectFrom('persons').selectAll().where('person_no', '=', 'A1').executeTakeFirstOrThrow()

  it('keeps a later in-app pass whether the row is unchanged or updated; a later roster date wins', async () => {
    expect(await importRoster(t.store.db, file('示例厂', '2026/3/5'), opts('2026-11-01T00:00:00.000Z'))).toMatchObject({ committed: true, inserted: 1 })
    const { id } = await person()
    // A pass in the app on 20 November (Beijing), through the one pass path.
    const at = '2026-11-20T03:00:00.000Z'
    await t.store.db.transaction().execute(async (trx) => {
      await insertRecord(trx, { id: newId(), person_id: id, certified_at: at, result: 'passed', method: 'face', channel: 'h5', performed_by: 'self', performer_account_id: null, created_at: at })
      await applyPass(trx, { cyclePolicy: 'rolling12' }, { personId: id, passDate: '2026-11-20', nowIso: at })
    })
    expect(await person()).toMatchObject({ last_certified_on: '2026-11-20', roster_certified_on: '2026-03-05' })

    // The same file again: unchanged (the in-app pass is not a roster change), nothing moves.
    expect(await importRoster(t.store.db, file('示例厂', '2026/3/5'), opts('2026-11-27T01:00:00.000Z'))).toMatchObject({ committed: true, unchanged: 1, updated: 0 })
    expect(await person()).toMatchObject({ last_certified_on: '2026-11-20' })

    // Another column changed: the row is updated, the roster date written, the later pass kept.
    expect(await importRoster(t.store.db, file('新单位', '2026/3/5'), opts('2026-11-27T02:00:00.000Z'))).toMatchObject({ committed: true, updated: 1 })
    expect(await person()).toMatchObject({ employer: '新单位', last_certified_on: '2026-11-20', roster_certified_on: '2026-03-05' })

    // A roster date later than the pass: it is the last pass now.
    expect(await importRoster(t.store.db, file('新单位', '2026/11/25'), opts('2026-11-27T03:00:00.000Z'))).toMatchObject({ committed: true, updated: 1 })
    expect(await person()).toMatchObject({ last_certified_on: '2026-11-25', roster_certified_on: '2026-11-25' })
  })
})
