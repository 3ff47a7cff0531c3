/**
 * The large-file import: the body cut into pieces of whole lines, prepared by worker threads, written
 * in file order. It must give exactly what the one-thread import gives: same rows, same errors with
 * the same line numbers, same all-or-nothing.
 */
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { checkCharFor } from '../../../src/core/id-number'
import { PiiCipher } from '../../../server/crypto/pii'
import { migrateToLatest } from '../../../server/db/migrate'
import { decodeRoster } from '../../../server/roster/decode'
import { importRoster, type ImportSummary } from '../../../server/roster/import'
import { importRosterBytes, type FileImportOptions } from '../../../server/roster/import-file'
import { CSV_OPTIONS, indexHeader, parseCsvRecords, parseRosterCsv } from '../../../server/roster/parse'
import { PreparePool, prepareInOrder, splitPieces } from '../../../server/roster/prepare-pool'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'
import { TEST_KEY_V1 } from '../helpers/config'

// Imports of thousands of rows into both stores: 2–3 s each on an idle 2-core machine, more than
// jest's default 5 s when the machine is busy (a timeout, not a speed check).
jest.setTimeout(60_000)

const HEADER = '个人编号,姓名,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划'
const pii = new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' })
const SURNAMES = '王李张刘陈杨赵黄周吴'
/** Each prefix's rows get their own ID numbers (one area code each). */
const AREA_OF: Record<string, string> = { P: '110101', R: '120101', G: '130101', M: '210101' }

function idNumber(i: number, area = '110101'): string {
  const first17 = `${area}${1940 + (i % 20)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`
  return first17 + checkCharFor(first17)
}

/** n generated lines; `bad` maps a row index to a replacement line (errors, duplicates, blanks). */
function rosterLines(n: number, bad: Record<number, string> = {}, prefix = 'P'): string[] {
  const lines = [HEADER]
  for (let i = 0; i < n; i++) {
    const status = i % 17 === 0 ? '暂停发放' : '正常'
    const last = i % 5 === 0 ? '' : `2026-0${1 + (i % 9)}-1${i % 10}`
    lines.push(bad[i] ?? `${prefix}${i},${SURNAMES[i % 10]}秀英,${idNumber(i, AREA_OF[prefix] ?? '150101')},C${String(i).padStart(9, '0')},示例单位${i % 3},企业职工基本养老保险,${status},${last},110101`)
  }
  return lines
}

const options = (extra: Partial<FileImportOptions> = {}): FileImportOptions => ({
  pii,
  today: '2026-11-27',
  now: '2026-11-27T02:00:00.000Z',
  cyclePolicy: 'rolling12',
  actor: 'test',
  workers: 2,
  workerMinRows: 0,
  ...extra,
})

describe('splitPieces', () => {
  it('cuts at line ends only, numbers each piece by its first line, counts non-empty lines (CRLF too)', () => {
    const body = Buffer.from(['a,1', '', 'b,2', 'c,3\r', '\r', 'd,4', 'e,5'].join('\n'))
    const { pieces, rows } = splitPieces(body, 2, 2)
    expect(rows).toBe(5)
    expect(pieces.map((p) => [p.firstLine, Buffer.from(p.bytes).toString()])).toEqual([
      [2, 'a,1\n\n'],
      [4, 'b,2\nc,3\r\n'],
      [6, '\r\nd,4\n'],
      [8, 'e,5'],
    ])
    expect(Buffer.concat(pieces.map((p) => p.bytes)).equals(body)).toBe(true)
  })

  it('never cuts a GBK character: every piece decodes to whole lines', () => {
    const text = rosterLines(50).slice(1).join('\r\n')
    const body = iconv.encode(text, 'gbk')
    const { pieces } = splitPieces(body, 2, 7)
    expect(pieces.map((p) => iconv.decode(Buffer.from(p.bytes), 'gb18030')).join('')).toBe(text)
  })
})

describe('parseCsvRecords on a piece', () => {
  it('gives csv-parse’s records and file line numbers for CRLF, padded and blank lines', () => {
    const text = ' A1 ,王秀英 ,x\r\n\r\nA2,\t李四,y\r\n  \r\nA3,张三,z\r\n'
    const records = parseCsvRecords(text, 40)
    const reference = (parse(text, CSV_OPTIONS) as unknown as { record: string[]; info: { lines: number } }[]).map((r) => ({ record: r.record, lines: r.info.lines + 40 }))
    expect(records.map((r) => ({ record: r.record, lines: r.info.lines }))).toEqual(reference)
    expect(records[0].record).toEqual(['A1', '王秀英', 'x'])
  })
})

describe('PreparePool', () => {
  it('fails the pieces (instead of hanging) when a worker cannot start, and closes cleanly', async () => {
    const { index } = indexHeader(HEADER.split(','), 1)
    const broken = { ...pii.derivedKeys(), current: 'v9' } // the worker's cipher refuses a missing key
    const pool = new PreparePool(1, { keys: broken, today: '2026-11-27', cyclePolicy: 'rolling12', index, encoding: 'utf-8' })
    const { pieces } = splitPieces(Buffer.from(rosterLines(3).slice(1).join('\n')), 2, 1000)
    const run = async () => {
      for await (const chunk of prepareInOrder(pool, pieces, 4)) void chunk
    }
    await expect(run()).rejects.toThrow(/PII key v9 missing|worker/)
    await pool.close()
  })

  it('leaves the values out when they are not wanted: encoded rows still come, reading the values fails loudly', async () => {
    const { index } = indexHeader(HEADER.split(','), 1)
    const pool = new PreparePool(1, { keys: pii.derivedKeys(), today: '2026-11-27', cyclePolicy: 'rolling12', index, encoding: 'utf-8', bulkEncoding: 'copy-text' })
    try {
      const { pieces } = splitPieces(Buffer.from(rosterLines(5).slice(1).join('\n')), 2, 2)
      const wanted = await pool.prepare(0, pieces[0])
      pool.valuesWanted = false
      const left = await pool.prepare(1, pieces[1])
      expect(wanted.values.length).toBeGreaterThan(0)
      expect(left.lines).toHaveLength(2)
      expect(left.encodedEnds).toHaveLength(2)
      expect(left.encoded!.subarray(0, left.encodedEnds![0]).toString('utf8')).toMatch(/^P2\t[0-9a-f]{64}\tv1:/)
      expect(() => left.values).toThrow(/not prepared/)
    } finally {
      await pool.close()
    }
  })
})

interface Snapshot {
  summary: Omit<ImportSummary, 'errors'>
  errors: ImportSummary['errors']
  persons: unknown[]
  records: unknown[]
}

describe.each(DIALECTS)('worker-thread import on %s', (dialect) => {
  let a: TestStore
  let b: TestStore
  beforeAll(async () => {
    a = await createTestStore(dialect)
    b = await createTestStore(dialect)
    await migrateToLatest(a.store)
    await migrateToLatest(b.store)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await a?.close()
    await b?.close()
  })

  /** Everything the import wrote, decrypted and keyed by 个人编号 (ids are random, so left out). */
  async function snapshot(t: TestStore, s: ImportSummary): Promise<Snapshot> {
    const persons = (await t.store.db.selectFrom('persons').selectAll().orderBy('person_no').execute()).map((p) => ({
      person_no: p.person_no,
      ...pii.openPerson(p.pii_enc),
      ...Object.fromEntries(Object.entries(p).filter(([k]) => !['id', 'pii_enc'].includes(k))),
    }))
    const records = await t.store.db.selectFrom('certification_records').selectAll().execute()
    const { errors, ...summary } = s
    return { summary, errors, persons, records }
  }

  it('writes the same rows as the one-thread import, across many pieces and both workers', async () => {
    const bytes = Buffer.from(rosterLines(3500).join('\n') + '\n')
    const viaWorkers = await importRosterBytes(a.store.db, bytes, options())
    const here = await importRoster(b.store.db, parseRosterCsv(bytes.toString()).rows, options())
    expect(viaWorkers.fatal).toEqual([])
    expect(viaWorkers.summary).toMatchObject({ committed: true, total: 3500, inserted: 3500, rejected: 0 })
    const [x, y] = [await snapshot(a, viaWorkers.summary!), await snapshot(b, here)]
    expect(x).toEqual(y)
    expect(x.persons).toHaveLength(3500)
    expect(x.persons.filter((p) => (p as { roster_certified_on: string | null }).roster_certified_on !== null)).toHaveLength(2800)
    expect(x.records).toHaveLength(0)
  })

  it('refuses the same rows with the same line numbers, wherever the pieces are cut, and keeps nothing', async () => {
    const bad: Record<number, string> = {
      998: 'Q1,王秀英,110101195203140128,C000000001,,企业职工基本养老保险,正常,,110101', // check digit (line 1000)
      999: '', // blank line 1001: skipped, still counted
      1000: `P1,李秀英,${idNumber(900_001, '310101')},C000900001,,企业职工基本养老保险,正常,,310101`, // 个人编号 of line 3
      1999: `Q2,王秀英,${idNumber(5)},C000900002,,企业职工基本养老保险,正常,,110101`, // ID of line 7
      2000: 'Q3,Z,1,2,示例\u0007单位,金,停发,2026-13-01,1101', // every cell wrong, incl. a control character
    }
    const lines = rosterLines(2600, bad, 'R')
    // 'R' rows use area 120101; the duplicate ID must clash with an R row:
    lines[2000] = `Q2,王秀英,${idNumber(5, '120101')},C000900002,,企业职工基本养老保险,正常,,110101`
    lines[1001] = `R1,李秀英,${idNumber(900_001, '310101')},C000900001,,企业职工基本养老保险,正常,,310101`
    const bytes = Buffer.from(lines.join('\n'))
    const beforeA = await a.store.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    const viaWorkers = await importRosterBytes(a.store.db, bytes, options())
    const here = await importRoster(b.store.db, parseRosterCsv(bytes.toString()).rows, options())
    expect(viaWorkers.summary).toEqual(here)
    expect(here).toMatchObject({ committed: false, inserted: 0, updated: 0, unchanged: 0, rejected: 4, total: 2599 })
    expect(here.errors.filter((e) => e.line !== 2002)).toEqual([
      { line: 1000, column: '身份证号', reason: '身份证号校验位错误，请核对最后一位' },
      { line: 1002, column: '个人编号', reason: '个人编号与第 3 行重复' },
      { line: 2001, column: '身份证号', reason: '身份证号与第 7 行重复' },
    ])
    expect(here.errors.filter((e) => e.line === 2002).map((e) => e.column)).toEqual(['姓名', '身份证号', '社会保障卡号', '单位名称', '险种', '待遇状态', '上次认证日期', '行政区划'])
    expect(here.errors.find((e) => e.column === '单位名称')?.reason).toContain('控制字符')
    const afterA = await a.store.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    expect(Number(afterA.n)).toBe(Number(beforeA.n))

    // With skipInvalid both keep the same good rows.
    const kept = await importRosterBytes(a.store.db, bytes, options({ skipInvalid: true }))
    const keptHere = await importRoster(b.store.db, parseRosterCsv(bytes.toString()).rows, options({ skipInvalid: true }))
    expect(kept.summary).toEqual(keptHere)
    expect(keptHere).toMatchObject({ committed: true, inserted: 2595, rejected: 4 })
    expect(await snapshot(a, kept.summary!)).toEqual(await snapshot(b, keptHere))
  })

  it('updates and leaves unchanged rows on re-import, like the one-thread import', async () => {
    const lines = rosterLines(3500)
    lines[11] = lines[11].replace('王秀英', '王秀芳')
    lines[2100] = lines[2100].replace(/,2026-0\d-1\d,/, ',2026-11-01,').replace(/,,110101$/, ',2026-11-01,110101')
    const bytes = Buffer.from(lines.join('\n'))
    const viaWorkers = await importRosterBytes(a.store.db, bytes, options({ now: '2026-11-28T02:00:00.000Z' }))
    const here = await importRoster(b.store.db, parseRosterCsv(bytes.toString()).rows, options({ now: '2026-11-28T02:00:00.000Z' }))
    expect(viaWorkers.summary).toEqual(here)
    expect(here).toMatchObject({ committed: true, inserted: 0, updated: 2, unchanged: 3498 })
    expect(await snapshot(a, viaWorkers.summary!)).toEqual(await snapshot(b, here))
  })

  it('reads GBK with CRLF and padded cells through the workers, reporting progress once per 1 000 rows', async () => {
    const lines = rosterLines(2200, {}, 'G').map((l, i) => (i % 2 ? l.replace(',示例单位', ', 示例单位 ') : l))
    const bytes = iconv.encode(lines.join('\r\n') + '\r\n', 'gbk')
    const progress: [number, number][] = []
    const r = await importRosterBytes(a.store.db, bytes, options({ onProgress: (d, n) => progress.push([d, n]) }))
    expect(r.encoding).toBe('gbk')
    expect(r.summary).toMatchObject({ committed: true, inserted: 2200, rejected: 0 })
    expect(progress).toEqual([[1000, 2200], [2000, 2200], [2200, 2200]])
    const p = await a.store.db.selectFrom('persons').selectAll().where('person_no', '=', 'G1').executeTakeFirstOrThrow()
    expect(p.employer).toBe('示例单位1')
    expect(pii.openPerson(p.pii_enc).name).toBe('李秀英')
  })

  it('takes a file with mixed line ends through the whole-file parser: the same (odd) rows as before', async () => {
    const lines = rosterLines(2300, {}, 'M')
    const text = lines.slice(0, 1500).join('\r\n') + '\r\n' + lines.slice(1500).join('\n') // Excel rows, then a tool that wrote LF
    const viaWorkers = await importRosterBytes(a.store.db, Buffer.from(text), options())
    const here = await importRoster(b.store.db, parseRosterCsv(text).rows, options())
    expect(viaWorkers.summary).toEqual(here)
    expect(here.committed).toBe(false) // csv-parse reads the LF part as one record: its last cell is refused
  })

  it('takes quoted files and broken headers through the whole-file parser, with the same result as before', async () => {
    const quoted = Buffer.from([HEADER, 'QQ1,王秀英,' + idNumber(1, '140101') + ',C000000001,"示例,单位",企业职工基本养老保险,正常,,130101'].join('\n'))
    const r = await importRosterBytes(a.store.db, quoted, options())
    expect(r.summary).toMatchObject({ committed: true, inserted: 1 })
    expect((await a.store.db.selectFrom('persons').select('employer').where('person_no', '=', 'QQ1').executeTakeFirstOrThrow()).employer).toBe('示例,单位')

    const missing = await importRosterBytes(a.store.db, Buffer.from('个人编号,姓名\n' + 'A1,王秀英\n'.repeat(10)), options())
    expect(missing.summary).toBeUndefined()
    expect(missing.fatal.map((e) => e.column)).toEqual(['身份证号', '社会保障卡号', '险种', '待遇状态', '上次认证日期', '行政区划'])
    expect(parseRosterCsv(decodeRoster(Buffer.from('个人编号,姓名\nA1,王秀英\n')).text).fatal).toEqual(missing.fatal)
    expect((await importRosterBytes(a.store.db, Buffer.from('\n\n'), options())).fatal).toEqual([{ line: 1, column: '', reason: '文件为空，缺少表头' }])
  })
})
