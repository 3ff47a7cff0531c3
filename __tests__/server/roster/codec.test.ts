/**
 * The roster codec (server/roster/columns.ts): one declaration per column drives header indexing,
 * cell checking and storage; an optional column may be left out of the file, and a present one is
 * still checked.
 */
import { checkCharFor } from '../../../src/core/id-number'
import { PiiCipher } from '../../../server/crypto/pii'
import { ROSTER_CODEC, ROSTER_COLUMNS, ROSTER_FIELDS } from '../../../server/roster/columns'
import { importRoster, type ImportOptions } from '../../../server/roster/import'
import { importRosterBytes } from '../../../server/roster/import-file'
import { indexHeader, parseRosterCsv } from '../../../server/roster/parse'
import { PREPARED_PERSON_COLUMNS, SLOTS, WIDTH } from '../../../server/roster/prepare'
import { validateRosterRow } from '../../../server/roster/validate'
import { DIALECTS, migratedStoreFor } from '../../support/db'
import { TEST_KEY_V1 } from '../helpers/config'

const pii = new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' })
const opts = (extra: Partial<ImportOptions> = {}): ImportOptions => ({ pii, today: '2026-11-27', now: '2026-11-27T02:00:00.000Z', cyclePolicy: 'rolling12', actor: 'test', ...extra })

const FULL = '个人编号,姓名,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划'
const WITHOUT_EMPLOYER = '个人编号,姓名,身份证号,社会保障卡号,险种,待遇状态,上次认证日期,行政区划'
const row = (no: string, id: string, employer?: string, region = '110101') =>
  [no, '王秀英', id, 'A00000001', ...(employer === undefined ? [] : [employer]), '企业职工基本养老保险', '正常', '2026/3/5', region].join(',')
const ID1 = '110101195203140127'

describe('roster codec', () => {
  it('declares each column once: headers, stored columns and the prepared layout follow from it', () => {
    expect(ROSTER_COLUMNS.employer).toBe(ROSTER_CODEC.employer.header)
    expect(Object.values(ROSTER_COLUMNS)).toEqual(ROSTER_FIELDS.map((f) => ROSTER_CODEC[f].header))
    const plainStorage = ROSTER_FIELDS.filter((f) => ROSTER_CODEC[f].protection === 'plain').map((f) => ROSTER_CODEC[f].storage)
    expect(PREPARED_PERSON_COLUMNS).toEqual(expect.arrayContaining(plainStorage as string[]))
    // Sealed values never get a plain persons column of their own.
    for (const f of ROSTER_FIELDS.filter((f) => ROSTER_CODEC[f].protection === 'sealed')) expect(SLOTS.some((s) => s.field === f && s.column)).toBe(false)
    expect(WIDTH).toBe(SLOTS.length)
  })

  it('checks each cell with its column and reports problems under the header', () => {
    const { row: ok, errors } = validateRosterRow({ line: 2, cells: { personNo: 'A1', name: '王秀英', idNumber: ID1, cardNumber: 'a00000001', employer: ' 厂 ', insuranceType: '企业职工基本养老保险', benefitStatus: '暂停发放', lastCertifiedOn: '2026/3/5', regionCode: '110101' } }, '2026-11-27')
    expect(errors).toEqual([])
    expect(ok).toMatchObject({ cardNumber: 'A00000001', employer: '厂', benefitStatus: 'suspended', lastCertifiedOn: '2026-03-05' })
    const bad = validateRosterRow({ line: 3, cells: { personNo: 'A1', name: '王秀英', idNumber: ID1, cardNumber: 'A00000001', employer: 'x'.repeat(101), insuranceType: '企业职工基本养老保险', benefitStatus: '正常', lastCertifiedOn: '', regionCode: '11010' } }, '2026-11-27')
    expect(bad.row).toBeUndefined()
    expect(bad.errors).toEqual([
      { line: 3, column: '单位名称', reason: '单位名称过长（最多 100 字）' },
      { line: 3, column: '行政区划', reason: '行政区划应为 6 位数字' },
    ])
  })

  it('requires the required headers only: an absent optional column is no fatal error', () => {
    const absent = indexHeader(WITHOUT_EMPLOYER.split(','), 1)
    expect(absent.fatal).toEqual([])
    expect(absent.index.employer).toBe(-1)
    const noRegion = indexHeader(FULL.split(',').filter((h) => h !== '行政区划'), 1)
    expect(noRegion.fatal).toEqual([{ line: 1, column: '行政区划', reason: '缺少“行政区划”列' }])
    const parsed = parseRosterCsv(`${WITHOUT_EMPLOYER}\n${row('A1', ID1)}\n`)
    expect(parsed.fatal).toEqual([])
    expect(parsed.rows[0].cells).not.toHaveProperty('employer')
  })
})

describe.each(DIALECTS)('optional roster column on %s', (dialect) => {
  const t = migratedStoreFor(dialect)

  const employerOf = async (no: string) => (await t.store.db.selectFrom('persons').select('employer').where('person_no', '=', no).executeTakeFirstOrThrow()).employer

  it('imports a file without 单位名称 (new persons get none) and keeps a stored 单位名称 on re-import', async () => {
    const first = await importRoster(t.store.db, parseRosterCsv(`${FULL}\n${row('B1', ID1, '示例纺织厂')}\n`).rows, opts())
    expect(first).toMatchObject({ committed: true, inserted: 1 })

    const again = await importRoster(t.store.db, parseRosterCsv(`${WITHOUT_EMPLOYER}\n${row('B1', ID1)}\n${row('B2', idFor(90))}\n`).rows, opts())
    expect(again).toMatchObject({ committed: true, inserted: 1, unchanged: 1, updated: 0, rejected: 0 })
    expect(await employerOf('B1')).toBe('示例纺织厂')
    expect(await employerOf('B2')).toBe('')

    // A change to another column updates the person without clearing the column the file leaves out.
    const changed = await importRoster(t.store.db, parseRosterCsv(`${WITHOUT_EMPLOYER}\n${row('B1', ID1, undefined, '110102')}\n`).rows, opts())
    expect(changed).toMatchObject({ committed: true, updated: 1 })
    expect(await employerOf('B1')).toBe('示例纺织厂')
    expect((await t.store.db.selectFrom('persons').select('region_code').where('person_no', '=', 'B1').executeTakeFirstOrThrow()).region_code).toBe('110102')
  })

  it('reports a present but invalid optional cell and writes nothing', async () => {
    const s = await importRoster(t.store.db, parseRosterCsv(`${FULL}\n${row('C1', idFor(91), '坏\u0007单位')}\n`).rows, opts())
    expect(s).toMatchObject({ committed: false, inserted: 0, rejected: 1 })
    expect(s.errors).toEqual([{ line: 2, column: '单位名称', reason: '单位名称含有看不见的控制字符，请在表格里重新输入' }])
  })

  it('takes a large file without the optional column through the worker threads the same way', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `D${i}`)
    const csv = [WITHOUT_EMPLOYER, ...ids.map((no, i) => row(no, idFor(i)))].join('\n')
    const r = await importRosterBytes(t.store.db, Buffer.from(csv), { ...opts(), workers: 1, workerMinRows: 10 })
    expect(r.fatal).toEqual([])
    expect(r.summary).toMatchObject({ committed: true, inserted: 30, rejected: 0 })
    expect(await employerOf('D7')).toBe('')
  }, 60_000)
})

/** A valid ID number for 1952-03-14 with sequence `i`. */
function idFor(i: number): string {
  const first17 = `11010119520314${String(200 + i).padStart(3, '0')}`
  return first17 + checkCharFor(first17)
}
