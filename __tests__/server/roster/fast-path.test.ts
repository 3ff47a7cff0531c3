/** The roster import's fast paths: simple-CSV splitting, the better-sqlite3 writer, IV pooling, progress. */
import SQLite from 'better-sqlite3'
import { parse } from 'csv-parse/sync'
import { checkCharFor } from '../../../src/core/id-number'
import { PiiCipher } from '../../../server/crypto/pii'
import { listRecordsOfPerson } from '../../../server/repositories/records'
import { importRoster } from '../../../server/roster/import'
import { parseRosterCsv } from '../../../server/roster/parse'
import { rawSqliteHandle } from '../../../server/roster/sqlite-raw'
import { DIALECTS, migratedStoreFor } from '../../support/db'
import { TEST_KEY_V1 } from '../helpers/config'

const HEADER = '个人编号,姓名,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划'
const pii = new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' })

/** What parseRosterCsv returned before the fast path: csv-parse for every file. */
function viaCsvParse(text: string) {
  const records = parse(text.replace(/^\uFEFF/, ''), { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as { record: string[]; info: { lines: number } }[]
  const titles = HEADER.split(',')
  const keys = ['personNo', 'name', 'idNumber', 'cardNumber', 'employer', 'insuranceType', 'benefitStatus', 'lastCertifiedOn', 'regionCode']
  const header = records[0].record
  return records.slice(1).map(({ record, info }) => ({ line: info.lines, cells: Object.fromEntries(keys.map((k, i) => [k, record[header.indexOf(titles[i])] ?? ''])) }))
}

function roster(n: number, prefix = 'F', area = '110101'): string {
  const lines = [HEADER]
  for (let i = 0; i < n; i++) {
    const first17 = `${area}${1940 + (i % 20)}0${1 + (i % 9)}1${i % 10}${String(i % 1000).padStart(3, '0')}`
    lines.push(`${prefix}${i},王秀英,${first17 + checkCharFor(first17)},C${String(i).padStart(9, '0')},示例单位,企业职工基本养老保险,正常,${i % 3 ? '2026-03-05' : ''},110101`)
  }
  return lines.join('\n') + '\n'
}

describe('simple-CSV fast path', () => {
  it.each([
    ['plain rows', roster(50)],
    ['empty lines, short and long rows, no final newline', `\n\n${HEADER}\n\nA1,王秀英,1,2\n\n\nA2,x,y\n,,,,\n,\nA3,a,b,c,d,e,f,g,h,i,j`],
    ['columns in another order', '姓名,个人编号,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划\n王秀英,A1,,,,,,,\n'],
    ['CRLF line ends (Excel), blank lines, no final line end', `${HEADER}\r\n\r\n${roster(20).split('\n').slice(1).join('\r\n').trim()}`],
    ['mixed line ends: csv-parse takes the first one for every record', `${HEADER}\r\nA1,王秀英,1\nA2,x,y\r\nA3,a,b\n`],
    ['a lone CR', `${HEADER}\nA1,王秀英,1\rA2,x,y\n`],
  ])('gives the same rows and line numbers as csv-parse: %s', (_label, text) => {
    const parsed = parseRosterCsv(text)
    expect(parsed.fatal).toEqual([])
    expect(parsed.rows).toEqual(viaCsvParse(text))
  })

  it('leaves quoted or padded files to csv-parse', () => {
    const text = `${HEADER}\r\n A1 ,"王秀英",110101195203140127,A00000001,"示例,单位",企业职工基本养老保险,正常,,110101\r\n`
    expect(parseRosterCsv(text).rows).toEqual([{ line: 2, cells: expect.objectContaining({ personNo: 'A1', name: '王秀英', employer: '示例,单位' }) }])
  })
})

describe('PII IV pool', () => {
  it('never repeats an IV and still decrypts across pool refills', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 10_000; i++) {
      const text = pii.encrypt('name', '王秀英')
      const iv = Buffer.from(text.slice(3), 'base64url').subarray(0, 12).toString('hex')
      expect(seen.has(iv)).toBe(false)
      seen.add(iv)
      if (i % 997 === 0) expect(pii.decrypt('name', text)).toBe('王秀英')
    }
  })
})

describe.each(DIALECTS)('roster import fast path on %s', (dialect) => {
  const t = migratedStoreFor(dialect)

  it('finds the better-sqlite3 handle on SQLite only, and restores prepare', async () => {
    const prepare = SQLite.prototype.prepare
    const raw = await rawSqliteHandle(t.store.db)
    expect(raw instanceof SQLite).toBe(dialect === 'sqlite')
    expect(SQLite.prototype.prepare).toBe(prepare)
  })

  it('imports 2 500 new rows with every field, and reports progress every 1 000 rows and at the end', async () => {
    const progress: [number, number][] = []
    const rows = parseRosterCsv(roster(2500)).rows
    const s = await importRoster(t.store.db, rows, { pii, today: '2026-11-27', now: '2026-11-27T02:00:00.000Z', cyclePolicy: 'rolling12', actor: 'test', onProgress: (d, n) => progress.push([d, n]) })
    expect(s).toMatchObject({ committed: true, inserted: 2500, rejected: 0 })
    expect(progress).toEqual([[1000, 2500], [2000, 2500], [2500, 2500]])
    const p = await t.store.db.selectFrom('persons').selectAll().where('person_no', '=', 'F1').executeTakeFirstOrThrow()
    expect(p).toMatchObject({ enrolled_on: '2026-11-27', created_at: '2026-11-27T02:00:00.000Z', updated_at: '2026-11-27T02:00:00.000Z', last_certified_on: '2026-03-05', roster_certified_on: '2026-03-05', suspended_since: null, key_version: 'v1', name_masked: '王*英' })
    expect(pii.openPerson(p.pii_enc)).toEqual({ name: '王秀英', idNumber: expect.stringMatching(/^\d{17}[\dX]$/), cardNumber: expect.any(String) })
    // The roster's date is shown in the history, and written to no history table.
    expect(await listRecordsOfPerson(t.store.db, p, 10)).toEqual([expect.objectContaining({ certified_at: '2026-03-04T16:00:00.000Z', result: 'passed', method: 'legacy', channel: 'import', performed_by: 'self', performer_account_id: null })])
    const n = await t.store.db.selectFrom('certification_records').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    expect(Number(n.n)).toBe(0)
    const dated = await t.store.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).where('roster_certified_on', 'is not', null).executeTakeFirstOrThrow()
    expect(Number(dated.n)).toBe(Math.floor((2500 * 2) / 3))
    const again = await importRoster(t.store.db, rows, { pii, today: '2026-11-27', now: '2026-11-28T02:00:00.000Z', cyclePolicy: 'rolling12', actor: 'test' })
    expect(again).toMatchObject({ committed: true, inserted: 0, updated: 0, unchanged: 2500 })
  })

  it('rolls back fast-path writes when the transaction fails', async () => {
    const before = await t.store.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    const rows = parseRosterCsv(roster(10, 'G', '120101')).rows
    let calls = 0
    await expect(
      importRoster(t.store.db, rows, {
        pii, today: '2026-11-27', now: '2026-11-27T02:00:00.000Z', cyclePolicy: 'rolling12', actor: 'test',
        onProgress: () => {
          if (++calls === 1) throw new Error('boom')
        },
      }),
    ).rejects.toThrow('boom')
    const after = await t.store.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })
})
