import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { main as rosterImportCli } from '../../../server/cli/roster-import'
import { PiiCipher } from '../../../server/crypto/pii'
import { DEMO_ROSTER_PATH } from '../../../server/demo/seed'
import { listRecordsOfPerson } from '../../../server/repositories/records'
import { decodeRoster } from '../../../server/roster/decode'
import { importRoster, type ImportOptions } from '../../../server/roster/import'
import { parseRosterCsv } from '../../../server/roster/parse'
import { reportCsv } from '../../../server/roster/report'
import { DIALECTS, migratedStoreFor } from '../../support/db'
import { cliEnvironment } from '../helpers/cli'
import { TEST_KEY_V1 } from '../helpers/config'

const HEADER = '个人编号,姓名,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划'
const pii = new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' })
const opts = (extra: Partial<ImportOptions> = {}): ImportOptions => ({
  pii,
  today: '2026-11-27',
  now: '2026-11-27T02:00:00.000Z',
  cyclePolicy: 'rolling12',
  actor: 'test',
  ...extra,
})
const rowsOf = (csv: string) => {
  const parsed = parseRosterCsv(decodeRoster(Buffer.from(csv)).text)
  expect(parsed.fatal).toEqual([])
  return parsed.rows
}
const demoCsv = () => readFileSync(DEMO_ROSTER_PATH, 'utf8')

describe('roster file decoding', () => {
  const text = `${HEADER}\r\nA1,王秀英,110101195203140127,A00000001,示例纺织厂（虚构）,企业职工基本养老保险,正常,2026/3/5,110101\r\n`

  it.each([
    ['UTF-8', Buffer.from(text, 'utf8'), 'utf-8'],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]), 'utf-8-bom'],
    ['GBK', iconv.encode(text, 'gbk'), 'gbk'],
  ])('reads %s', (_label, bytes, encoding) => {
    const decoded = decodeRoster(bytes)
    expect(decoded.encoding).toBe(encoding)
    const { rows, fatal } = parseRosterCsv(decoded.text)
    expect(fatal).toEqual([])
    expect(rows).toEqual([
      {
        line: 2,
        cells: { personNo: 'A1', name: '王秀英', idNumber: '110101195203140127', cardNumber: 'A00000001', employer: '示例纺织厂（虚构）', insuranceType: '企业职工基本养老保险', benefitStatus: '正常', lastCertifiedOn: '2026/3/5', regionCode: '110101' },
      },
    ])
  })

  it('reports missing columns as a fatal error', () => {
    const { fatal } = parseRosterCsv('个人编号,姓名\nA1,王秀英\n')
    expect(fatal.map((e) => e.column)).toEqual(expect.arrayContaining(['身份证号', '社会保障卡号', '险种']))
  })

  it('writes a report CSV with BOM, row, column and reason, and no ID numbers', () => {
    const csv = reportCsv([{ line: 3, column: '身份证号', reason: '身份证号校验位错误，请核对最后一位' }])
    expect(csv).toBe('\uFEFF行号,列,原因\r\n3,身份证号,身份证号校验位错误，请核对最后一位\r\n')
  })
})

describe.each(DIALECTS)('roster import on %s', (dialect) => {
  const t = migratedStoreFor(dialect)

  const count = async (table: 'persons' | 'certification_records' | 'audit_log') =>
    Number((await t.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

  const rosterDated = async () => Number((await t.store.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).where('roster_certified_on', 'is not', null).executeTakeFirstOrThrow()).n)

  it('imports the demo roster, each dated row shown as one legacy record, encrypted', async () => {
    const s = await importRoster(t.store.db, rowsOf(demoCsv()), opts())
    expect(s).toMatchObject({ committed: true, total: 7, inserted: 7, updated: 0, unchanged: 0, rejected: 0 })
    expect(await count('persons')).toBe(7)
    expect(await count('certification_records')).toBe(0)
    expect(await rosterDated()).toBe(6)
    const zhang = await t.store.db.selectFrom('persons').selectAll().where('person_no', '=', 'DEMO0003').executeTakeFirstOrThrow()
    expect(zhang).toMatchObject({ benefit_status: 'suspended', suspended_since: '2026-09-01', last_certified_on: '2025-08-20', name_masked: '张*兰', id_number_masked: '320***********0468', key_version: 'v1' })
    expect(pii.openPerson(zhang.pii_enc)).toEqual({ name: '张桂兰', idNumber: '320102194106220468', cardNumber: expect.any(String) })
    expect(zhang.pii_enc).not.toContain('320102')
    expect(zhang.pii_enc).not.toContain('张')
    expect(await listRecordsOfPerson(t.store.db, zhang, 10)).toEqual([
      expect.objectContaining({ id: `roster-${zhang.id}`, certified_at: '2025-08-19T16:00:00.000Z', result: 'passed', method: 'legacy', channel: 'import' }),
    ])
  })

  it('re-importing the same file changes nothing and duplicates nothing', async () => {
    const s = await importRoster(t.store.db, rowsOf(demoCsv()), opts())
    expect(s).toMatchObject({ committed: true, inserted: 0, updated: 0, unchanged: 7 })
    expect(await count('persons')).toBe(7)
    expect(await rosterDated()).toBe(6)
  })

  it('updates by 个人编号, and moves the roster record to the new date', async () => {
    const changed = demoCsv().replace('DEMO0001,王秀英', 'DEMO0001,王秀芳').replace('A00000005,,城乡居民基本养老保险,正常,2026/6/8', 'A00000005,,城乡居民基本养老保险,正常,2026/10/8')
    const s = await importRoster(t.store.db, rowsOf(changed), opts())
    expect(s).toMatchObject({ committed: true, inserted: 0, updated: 2, unchanged: 5 })
    expect(await count('persons')).toBe(7)
    expect(await count('certification_records')).toBe(0)
    const wang = await t.store.db.selectFrom('persons').selectAll().where('person_no', '=', 'DEMO0001').executeTakeFirstOrThrow()
    expect(pii.openPerson(wang.pii_enc).name).toBe('王秀芳')
    const chen = await t.store.db.selectFrom('persons').selectAll().where('person_no', '=', 'DEMO0005').executeTakeFirstOrThrow()
    expect(chen.roster_certified_on).toBe('2026-10-08')
    expect((await listRecordsOfPerson(t.store.db, chen, 10)).map((r) => r.certified_at)).toEqual(['2026-10-07T16:00:00.000Z'])
    await importRoster(t.store.db, rowsOf(demoCsv()), opts()) // back to the demo roster
  })

  it('imports nothing when any row is bad (all-or-nothing), with each problem reported', async () => {
    const before = { persons: await count('persons'), records: await count('certification_records'), audit: await count('audit_log') }
    const csv = [
      HEADER,
      'NEW0001,周大海,110101195001010017,A10000001,,企业职工基本养老保险,正常,2026-01-01,110101',
      'NEW0002,吴,110101195203140128,A1,,金,停发,2026-13-01,1101',
      'NEW0003,郑小红,320102194106220468,A10000003,,城乡居民基本养老保险,正常,,320102',
      'NEW0001,钱多多,110101195001010033,A10000004,,企业职工基本养老保险,正常,,110101',
    ].join('\n')
    const s = await importRoster(t.store.db, rowsOf(csv), opts())
    expect(s.committed).toBe(false)
    expect(s.rejected).toBe(3)
    expect(s.errors).toEqual(
      expect.arrayContaining([
        { line: 3, column: '姓名', reason: expect.any(String) },
        { line: 3, column: '身份证号', reason: '身份证号校验位错误，请核对最后一位' },
        { line: 3, column: '社会保障卡号', reason: expect.any(String) },
        { line: 3, column: '险种', reason: expect.any(String) },
        { line: 3, column: '待遇状态', reason: expect.any(String) },
        { line: 3, column: '上次认证日期', reason: expect.any(String) },
        { line: 3, column: '行政区划', reason: expect.any(String) },
        { line: 4, column: '身份证号', reason: '该身份证号已登记在其他个人编号下，请核对个人编号' },
        { line: 5, column: '个人编号', reason: '个人编号与第 2 行重复' },
      ]),
    )
    expect(JSON.stringify(s.errors)).not.toContain('320102194106220468')
    expect({ persons: await count('persons'), records: await count('certification_records'), audit: await count('audit_log') }).toEqual(before)
  })

  it('with skipInvalid imports the good rows and reports the rest', async () => {
    const csv = [HEADER, 'NEW0101,周大海,110101195001010017,A10000001,,机关事业单位养老保险,正常,2026/1/1,110101', 'NEW0102,吴,110101195203140128,A1,,金,正常,,1101'].join('\n')
    const s = await importRoster(t.store.db, rowsOf(csv), opts({ skipInvalid: true }))
    expect(s).toMatchObject({ committed: true, inserted: 1, rejected: 1 })
    expect(s.errors.every((e) => e.line === 3)).toBe(true)
    expect(await count('persons')).toBe(8)
  })

  it('runs as a CLI: GBK file, exit 1 + report on bad rows, exit 0 with --skip-invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yl-roster-'))
    const file = join(dir, '名单.csv')
    const report = join(dir, 'report.csv')
    writeFileSync(file, iconv.encode([HEADER, 'CLI0001,冯春花,430102195507070026,A20000001,示例商店（虚构）,企业职工基本养老保险,正常,2026-05-01,430102', 'CLI0002,X,1,2,,?,?,?,?'].join('\r\n'), 'gbk'))
    const { out, restore } = cliEnvironment(dir, dialect, t.location)
    try {
      const before = await count('persons')
      expect(await rosterImportCli([file, '--report', report])).toBe(1)
      expect(out.join('')).toContain('未导入任何数据')
      expect(await count('persons')).toBe(before)
      const rep = readFileSync(report, 'utf8')
      expect(rep.startsWith('\uFEFF行号,列,原因')).toBe(true)
      expect(rep).toContain('3,身份证号,身份证号长度不对')

      expect(await rosterImportCli([file, '--report', report, '--skip-invalid'])).toBe(0)
      expect(out.join('')).toMatch(/导入完成：新增 inserted 1，更新 updated 0，未变 unchanged 0，拒绝 rejected 1。编码 gbk/)
      const added = await t.store.db.selectFrom('persons').selectAll().where('person_no', '=', 'CLI0001').executeTakeFirstOrThrow()
      expect(pii.openPerson(added.pii_enc).name).toBe('冯春花')
      expect(await rosterImportCli([])).toBe(2)
    } finally {
      restore()
    }
  })
})
