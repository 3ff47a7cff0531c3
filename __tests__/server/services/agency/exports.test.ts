/**
 * 结果导出 through the service, both stores: rows match the records (parsed back from CSV UTF-8 with
 * BOM, GBK and XLSX), the region scope, increments by change stamp, repeatable bytes and checksum,
 * an interrupted build resumed as the same export, no full ID number in the audit log.
 */
import { createHash } from 'node:crypto'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { parse } from 'csv-parse/sync'
import { PiiCipher } from '../../../../server/crypto/pii'
import { newId } from '../../../../server/db/ids'
import type { AgencyActor } from '../../../../server/agency/actor'
import { insertRecord } from '../../../../server/repositories/records'
import { insertPerson } from '../../../../server/repositories/persons'
import type { ServiceContext } from '../../../../server/services/context'
import { buildResultsFiles, createResultsExport, downloadResults, exportStatus, listExports, RESULTS_HEADERS } from '../../../../server/services/agency/exports'
import { tableXlsx } from '../../../../server/services/agency/xlsx'
import { DomainError } from '../../../../src/core/errors'
import { DIALECTS, migratedStoreFor } from '../../../support/db'
import { createAgencyUser } from '../../helpers/agency'

const pii = new PiiCipher({ keys: { v1: Buffer.alloc(32, 7) }, current: 'v1', indexVersion: 'v1' })
const REVIEWER: AgencyActor = { userId: 'u-rev-1101', username: 'rev', displayName: '审核员甲', role: 'reviewer', regionPrefix: '1101' }
const OTHER: AgencyActor = { userId: 'u-rev-4301', username: 'rev2', displayName: '审核员乙', role: 'reviewer', regionPrefix: '4301' }

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe.each(DIALECTS)('results export on %s', (dialect) => {
  const t = migratedStoreFor(dialect)
  let now = new Date('2026-11-27T02:00:00.000Z')
  const ctxWith = (over: Partial<ServiceContext> = {}) =>
    ({ db: t.store.db, dialect, pii, clock: () => now, cyclePolicy: 'rolling12', ...over }) as unknown as ServiceContext
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms)
  }

  async function person(name: string, idNumber: string, region: string): Promise<string> {
    const id = newId()
    await insertPerson(t.store.db, {
      id,
      person_no: `P${id.slice(0, 8)}`,
      pii_enc: pii.sealPerson({ name, idNumber, cardNumber: 'A00000001' }),
      name_masked: `${name[0]}*${name.slice(-1)}`,
      id_number_hash: `hash-${id}`,
      id_number_masked: `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`,
      insurance_type: 'enterprise',
      employer: '',
      benefit_status: 'normal',
      suspended_since: null,
      last_certified_on: null,
      roster_certified_on: null,
      region_code: region,
      enrolled_on: '2020-01-01',
      key_version: 'v1',
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    })
    return id
  }

  async function record(personId: string, result: 'passed' | 'failed' | 'pending_review'): Promise<string> {
    const id = newId()
    await insertRecord(t.store.db, {
      id,
      person_id: personId,
      certified_at: now.toISOString(),
      result,
      method: 'face',
      channel: 'weapp',
      performed_by: 'self',
      performer_account_id: null,
      created_at: now.toISOString(),
      performer_relation: null,
      via: null,
    })
    return id
  }

  const csvRows = (text: string) => parse(text, { bom: true }) as string[][]

  async function xlsxRows(body: Buffer): Promise<string[][]> {
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(body as unknown as ArrayBuffer)
    const rows: string[][] = []
    wb.worksheets[0].eachRow((row) => rows.push(Array.from(row.values as unknown[]).slice(1).map((v) => String(v ?? ''))))
    return rows
  }

  let wang: string
  let li: string
  let zhang: string
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    wang = await person('王秀英', '110101195203140127', '110101')
    li = await person('李建国', '110101193809170532', '110102')
    zhang = await person('张桂兰', '430102194106220468', '430102')
    advance(60_000)
    ids.wangPass = await record(wang, 'passed')
    ids.liPending = await record(li, 'pending_review')
    ids.zhangPass = await record(zhang, 'passed')
    advance(60_000)
  })

  let first: Awaited<ReturnType<typeof createResultsExport>>

  it('the first export holds every record of the region, full name and ID, nothing of another region', async () => {
    first = await createResultsExport(ctxWith(), REVIEWER)
    expect(first).toMatchObject({ kind: 'results', status: 'ready', rowCount: 2, regionPrefix: '1101', cursorFrom: '' })
    const csv = await downloadResults(ctxWith(), REVIEWER, first.exportId, 'csv-utf8')
    expect(csv.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const rows = csvRows(csv.body.toString('utf8'))
    expect(rows[0]).toEqual([...RESULTS_HEADERS])
    const byRecord = new Map(rows.slice(1).map((r) => [r[9], r]))
    expect([...byRecord.keys()].sort()).toEqual([ids.wangPass, ids.liPending].sort())
    expect(byRecord.get(ids.wangPass)).toEqual(['P' + wang.slice(0, 8), '王秀英', '110101195203140127', '2026-11-27', '认证通过', '刷脸认证', '微信小程序', '本人', '', ids.wangPass])
    expect(byRecord.get(ids.liPending)?.slice(1, 5)).toEqual(['李建国', '110101193809170532', '2026-11-27', '人工审核中'])
    expect(byRecord.get(ids.liPending)?.[8]).toBe('待审核')
    expect(csv.body.toString('utf8')).not.toContain('张桂兰')
    expect(csv.headers).toMatchObject({ 'x-export-id': first.exportId, 'x-row-count': '2', 'x-checksum-sha256': sha(csv.body) })
    expect(first.checksums.csvUtf8).toBe(sha(csv.body))
  })

  it('GBK and XLSX hold the same rows, and decode right', async () => {
    const utf8 = csvRows((await downloadResults(ctxWith(), REVIEWER, first.exportId, 'csv-utf8')).body.toString('utf8'))
    const gbk = await downloadResults(ctxWith(), REVIEWER, first.exportId, 'csv-gbk')
    expect(gbk.body.includes(Buffer.from('王秀英', 'utf8'))).toBe(false)
    expect(gbk.body.includes(iconv.encode('王秀英', 'gbk'))).toBe(true)
    expect(csvRows(iconv.decode(gbk.body, 'gbk'))).toEqual(utf8)
    const xlsx = await downloadResults(ctxWith(), REVIEWER, first.exportId, 'xlsx')
    expect(await xlsxRows(xlsx.body)).toEqual(utf8)
    expect(sha(gbk.body)).toBe(first.checksums.csvGbk)
    expect(sha(xlsx.body)).toBe(first.checksums.xlsx)
  })

  it('downloading again, later, gives the same bytes and checksum', async () => {
    const a = await downloadResults(ctxWith(), REVIEWER, first.exportId, 'xlsx')
    advance(3_600_000)
    const b = await downloadResults(ctxWith(), REVIEWER, first.exportId, 'xlsx')
    expect(b.body.equals(a.body)).toBe(true)
    expect(b.headers?.['x-checksum-sha256']).toBe(a.headers?.['x-checksum-sha256'])
  })

  it('building the same table twice, at different times, gives byte-identical files', async () => {
    const table = { sheet: '认证结果', headers: RESULTS_HEADERS, rows: [['P1', '王秀英', '110101195203140127', '2026-11-27', '认证通过', '刷脸认证', '微信小程序', '本人', '', 'r1']] }
    const pinned = new Date('2026-11-27T02:00:00.000Z')
    jest.useFakeTimers({ now: new Date('2026-11-27T03:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask', 'performance', 'hrtime'] })
    try {
      const a = await buildResultsFiles(table, pinned)
      jest.setSystemTime(new Date('2027-05-01T13:37:41Z'))
      const b = await buildResultsFiles(table, pinned)
      expect(b.map((f) => f.sha256)).toEqual(a.map((f) => f.sha256))
      expect((await tableXlsx(table, pinned)).equals(a[2].body)).toBe(true)
    } finally {
      jest.useRealTimers()
    }
  })

  it('another region: neither its export nor its rows; the 1101 export is unknown to it', async () => {
    await expect(downloadResults(ctxWith(), OTHER, first.exportId, 'csv-utf8')).rejects.toMatchObject({ code: 'AGENCY_EXPORT_NOT_FOUND' })
    await expect(exportStatus(ctxWith(), OTHER, first.exportId)).rejects.toMatchObject({ code: 'AGENCY_EXPORT_NOT_FOUND' })
    const theirs = await createResultsExport(ctxWith(), OTHER)
    expect(theirs.rowCount).toBe(1)
    const rows = csvRows((await downloadResults(ctxWith(), OTHER, theirs.exportId, 'csv-utf8')).body.toString('utf8'))
    expect(rows.slice(1).map((r) => r[9])).toEqual([ids.zhangPass])
    expect((await listExports(ctxWith(), OTHER)).exports.map((e) => e.exportId)).toEqual([theirs.exportId])
  })

  it('the next export holds only what changed since: new records and decided ones', async () => {
    advance(60_000)
    const newPass = await record(wang, 'passed')
    // A reviewer decides the pending record now.
    await t.store.db.updateTable('certification_records').set({ result: 'passed', decided_at: now.toISOString(), decided_by: 'u-rev-1101' }).where('id', '=', ids.liPending).execute()
    advance(60_000)
    const second = await createResultsExport(ctxWith(), REVIEWER)
    expect(second).toMatchObject({ status: 'ready', rowCount: 2, cursorFrom: first.cursorTo })
    const rows = csvRows((await downloadResults(ctxWith(), REVIEWER, second.exportId, 'csv-utf8')).body.toString('utf8')).slice(1)
    expect(rows.map((r) => r[9]).sort()).toEqual([newPass, ids.liPending].sort())
    expect(rows.find((r) => r[9] === ids.liPending)?.slice(4)).toEqual(['认证通过', '刷脸认证', '微信小程序', '本人', '审核通过', ids.liPending])
    // The first export still answers its own bytes.
    const again = await downloadResults(ctxWith(), REVIEWER, first.exportId, 'csv-utf8')
    expect(sha(again.body)).toBe(first.checksums.csvUtf8)
  })

  it('a build that fails midway is resumed as the same export, same range, same file', async () => {
    advance(60_000)
    const r1 = await record(wang, 'failed')
    const r2 = await record(li, 'passed')
    advance(60_000)
    let opened = 0
    const flaky = Object.create(pii) as PiiCipher
    flaky.openPerson = (text: string) => {
      if (++opened === 2) throw new Error('disk gone')
      return pii.openPerson(text)
    }
    await expect(createResultsExport(ctxWith({ pii: flaky }), REVIEWER)).rejects.toThrow('disk gone')
    const failed = (await listExports(ctxWith(), REVIEWER, 'results')).exports[0]
    expect(failed).toMatchObject({ status: 'failed', rowCount: null })
    await expect(downloadResults(ctxWith(), REVIEWER, failed.exportId, 'xlsx')).rejects.toMatchObject({ code: 'AGENCY_EXPORT_FAILED' })
    // Meanwhile a new record arrives: it belongs to the next export, not to the resumed one.
    advance(60_000)
    const later = await record(wang, 'passed')
    advance(60_000)
    const resumed = await createResultsExport(ctxWith(), REVIEWER)
    expect(resumed).toMatchObject({ exportId: failed.exportId, status: 'ready', rowCount: 2, cursorFrom: failed.cursorFrom, cursorTo: failed.cursorTo })
    const rows = csvRows((await downloadResults(ctxWith(), REVIEWER, resumed.exportId, 'csv-utf8')).body.toString('utf8')).slice(1)
    expect(rows.map((r) => r[9]).sort()).toEqual([r1, r2].sort())
    const next = await createResultsExport(ctxWith(), REVIEWER)
    expect(next.exportId).not.toBe(resumed.exportId)
    expect(csvRows((await downloadResults(ctxWith(), REVIEWER, next.exportId, 'csv-utf8')).body.toString('utf8')).slice(1).map((r) => r[9])).toEqual([later])
  })

  it('a rejection shows the reason and the reviewer by name', async () => {
    advance(60_000)
    const pending = await record(wang, 'pending_review')
    const reviewer = await createAgencyUser(t.store.db, { role: 'reviewer', regionPrefix: '1101', displayName: '赵审核' })
    advance(60_000)
    await t.store.db.updateTable('certification_records').set({ result: 'failed', decided_at: now.toISOString(), decided_by: reviewer.id, decision_reason: 'face_mismatch' }).where('id', '=', pending).execute()
    advance(60_000)
    const view = await createResultsExport(ctxWith(), REVIEWER)
    const rows = csvRows((await downloadResults(ctxWith(), REVIEWER, view.exportId, 'csv-utf8')).body.toString('utf8')).slice(1)
    expect(rows.map((r) => [r[4], r[8], r[9]])).toEqual([['未通过', '审核不通过：人脸与登记照片不符（审核员：赵审核）', pending]])
  })

  it('two exports started at once: one export, never two covering the same range', async () => {
    advance(60_000)
    await record(wang, 'passed')
    advance(60_000)
    const both = await Promise.allSettled([createResultsExport(ctxWith(), REVIEWER), createResultsExport(ctxWith(), REVIEWER)])
    const made = both.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ exportId: string }>).value.exportId)
    const refused = both.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as DomainError).code)
    expect(new Set(made).size).toBe(1)
    expect(refused.every((c) => c === 'AGENCY_EXPORT_BUSY')).toBe(true)
    const ranges = (await listExports(ctxWith(), REVIEWER, 'results')).exports.map((e) => e.cursorFrom)
    expect(new Set(ranges).size).toBe(ranges.length)
  })

  it('audits creation and downloads without any name or ID number', async () => {
    const rows = await t.store.db.selectFrom('audit_log').selectAll().where('actor_type', '=', 'agency').execute()
    const actions = new Set(rows.map((r) => r.action))
    expect(actions).toEqual(new Set(['agency.export.results.created', 'agency.export.results.downloaded']))
    const text = JSON.stringify(rows)
    for (const secret of ['110101195203140127', '110101193809170532', '430102194106220468', '王秀英', '李建国']) expect(text).not.toContain(secret)
  })

  it('an unknown export id is NOT_FOUND', async () => {
    await expect(downloadResults(ctxWith(), REVIEWER, newId(), 'xlsx')).rejects.toBeInstanceOf(DomainError)
  })
})
