/**
 * /agency/api/exports through inject(), both stores: roles (clerk may not export results), CSRF,
 * region scope (another region's export is unknown; rows never cross regions), results rows match
 * the records, repeated downloads give the same bytes and checksum, the overdue XLSX with progress,
 * no full ID number in logs or URLs.
 */
import { createHash } from 'node:crypto'
import ExcelJS from 'exceljs'
import { parse } from 'csv-parse/sync'
import type { LightMyRequestResponse } from 'fastify'
import { newId } from '../../../../server/db/ids'
import { insertPerson } from '../../../../server/repositories/persons'
import { insertRecord } from '../../../../server/repositories/records'
import { countOverdue } from '../../../../server/repositories/agency/standing'
import { settledExport } from '../../../../server/services/agency/exports'
import { createAgencyUser, signInAgency, type AgencySignIn } from '../../helpers/agency'
import { startHarness, type Harness } from '../../helpers/harness'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'

const API = '/agency/api'
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const FULL_IDS = ['110101195203140127', '110101193809170532', '110101195504100823', '430102194808050315', '320102194106220468', '110102194001010012']

async function xlsxRows(body: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(body as unknown as ArrayBuffer)
  const rows: string[][] = []
  wb.worksheets[0].eachRow((row) => rows.push(Array.from(row.values as unknown[]).slice(1).map((v) => String(v ?? ''))))
  return rows
}

describe.each(DIALECTS)('agency export routes on %s', (dialect) => {
  let h: Harness
  let reviewer: AgencySignIn
  let reviewer43: AgencySignIn
  let clerk: AgencySignIn
  let clerk32: AgencySignIn
  const urls: string[] = []

  const get = (s: AgencySignIn, url: string) => {
    urls.push(url)
    return h.app.inject({ method: 'GET', url: `${API}${url}`, headers: s.headers() })
  }
  const post = (s: AgencySignIn | undefined, url: string, payload: unknown = {}, headers: Record<string, string> = {}) => {
    urls.push(url)
    return h.app.inject({ method: 'POST', url: `${API}${url}`, headers: { ...(s ? s.headers() : {}), ...headers }, payload: payload as Record<string, unknown> })
  }
  const code = (res: LightMyRequestResponse) => (res.json() as { error?: { code: string } }).error?.code
  const personsOf = async (prefix: string) => (await h.test.store.db.selectFrom('persons').select(['id', 'person_no']).where('region_code', 'like', `${prefix}%`).execute())

  beforeAll(async () => {
    h = await startHarness(dialect)
    const make = async (role: 'clerk' | 'reviewer', regionPrefix: string) => signInAgency(h.app, await createAgencyUser(h.app, { role, regionPrefix }))
    reviewer = await make('reviewer', '1101')
    reviewer43 = await make('reviewer', '4301')
    clerk = await make('clerk', '1101')
    clerk32 = await make('clerk', '3201')
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  let exportId: string
  let recorded: string[]

  it('a clerk may not export results; a POST without the CSRF token is refused', async () => {
    expect((await post(clerk, '/exports/results')).statusCode).toBe(403)
    expect(code(await post(clerk, '/exports/results'))).toBe('AGENCY_ROLE_FORBIDDEN')
    const noCsrf = await h.app.inject({ method: 'POST', url: `${API}/exports/results`, headers: { cookie: reviewer.cookie }, payload: {} })
    expect(code(noCsrf)).toBe('AGENCY_CSRF_INVALID')
    expect(code(await post(undefined, '/exports/results'))).toBe('AGENCY_SIGNIN_REQUIRED')
  })

  it('a reviewer exports results: rows are the region\'s records, the checksum is the file\'s, repeated downloads are identical', async () => {
    const ours = await personsOf('1101')
    const theirs = await personsOf('4301')
    recorded = []
    for (const p of [...ours, ...theirs]) {
      const id = newId()
      const at = h.now.toISOString()
      await insertRecord(h.test.store.db, { id, person_id: p.id, certified_at: at, result: 'passed', method: 'face', channel: 'h5', performed_by: 'self', performer_account_id: null, created_at: at, performer_relation: null, via: null })
      if (ours.includes(p)) recorded.push(id)
    }
    h.now = new Date(h.now.getTime() + 60_000)
    const res = await post(reviewer, '/exports/results')
    expect(res.statusCode).toBe(200)
    const view = res.json() as { exportId: string; rowCount: number; status: string; checksums: { csvUtf8: string; xlsx: string } }
    expect(view).toMatchObject({ status: 'ready', rowCount: recorded.length })
    exportId = view.exportId

    const csv = await get(reviewer, `/exports/results/${exportId}?format=csv-utf8`)
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.headers['content-disposition']).toContain('attachment')
    expect(csv.headers['x-checksum-sha256']).toBe(sha(csv.rawPayload))
    expect(csv.headers['x-checksum-sha256']).toBe(view.checksums.csvUtf8)
    const rows = (parse(csv.rawPayload.toString('utf8'), { bom: true }) as string[][]).slice(1)
    expect(rows.map((r) => r[9]).sort()).toEqual([...recorded].sort())
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(ours.map((p) => p.person_no)))
    expect(rows.every((r) => /^\d{17}[\dX]$/.test(r[2]) && r[2].startsWith('1101'))).toBe(true)

    const again = await get(reviewer, `/exports/results/${exportId}?format=csv-utf8`)
    expect(again.rawPayload.equals(csv.rawPayload)).toBe(true)
    const xlsx = await get(reviewer, `/exports/results/${exportId}`)
    expect(xlsx.headers['content-type']).toContain('spreadsheetml')
    expect(sha(xlsx.rawPayload)).toBe(view.checksums.xlsx)
    expect((await xlsxRows(xlsx.rawPayload)).slice(1)).toEqual(rows)
  })

  it('another region: the export is unknown, its own export has none of these rows; a clerk cannot download', async () => {
    expect(code(await get(reviewer43, `/exports/results/${exportId}?format=csv-utf8`))).toBe('AGENCY_EXPORT_NOT_FOUND')
    expect((await get(reviewer43, `/exports/results/${exportId}`)).statusCode).toBe(404)
    expect(code(await get(reviewer43, `/exports/${exportId}`))).toBe('AGENCY_EXPORT_NOT_FOUND')
    expect(code(await get(clerk, `/exports/results/${exportId}`))).toBe('AGENCY_ROLE_FORBIDDEN')
    const list = (await get(reviewer43, '/exports')).json() as { exports: { exportId: string }[] }
    expect(list.exports.map((e) => e.exportId)).not.toContain(exportId)
    const theirs = (await post(reviewer43, '/exports/results')).json() as { exportId: string }
    const csv = await get(reviewer43, `/exports/results/${theirs.exportId}?format=csv-utf8`)
    const rows = (parse(csv.rawPayload.toString('utf8'), { bom: true }) as string[][]).slice(1)
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((r) => r[2].startsWith('4301') && !recorded.includes(r[9]))).toBe(true)
    expect(code(await get(reviewer, `/exports/results/${theirs.exportId}`))).toBe('AGENCY_EXPORT_NOT_FOUND')
    expect(code(await get(reviewer, '/exports/results/not-an-id'))).toBe('AGENCY_EXPORT_NOT_FOUND')
    expect(code(await get(reviewer, `/exports/results/${exportId}?format=pdf`))).toBe('VALIDATION_FAILED')
  })

  it('a retried POST with the same request id answers the same export, not a second one', async () => {
    const ours = await personsOf('1101')
    const at = h.now.toISOString()
    await insertRecord(h.test.store.db, { id: newId(), person_id: ours[0].id, certified_at: at, result: 'passed', method: 'face', channel: 'h5', performed_by: 'self', performer_account_id: null, created_at: at, performer_relation: null, via: null })
    h.now = new Date(h.now.getTime() + 60_000)
    const first = (await post(reviewer, '/exports/results', { requestId: 'click-0001-abcdef' })).json() as { exportId: string; rowCount: number; checksums: { xlsx: string } }
    expect(first.rowCount).toBe(1)
    // The connection dropped; the console sends the same request again, a minute later, after another record.
    await insertRecord(h.test.store.db, { id: newId(), person_id: ours[1].id, certified_at: h.now.toISOString(), result: 'passed', method: 'face', channel: 'h5', performed_by: 'self', performer_account_id: null, created_at: h.now.toISOString(), performer_relation: null, via: null })
    h.now = new Date(h.now.getTime() + 60_000)
    const again = (await post(reviewer, '/exports/results', { requestId: 'click-0001-abcdef' })).json() as { exportId: string; rowCount: number; checksums: { xlsx: string } }
    expect(again).toEqual(first)
    // A new click is a new export: the record that came after.
    const next = (await post(reviewer, '/exports/results', { requestId: 'click-0002-abcdef' })).json() as { exportId: string; rowCount: number }
    expect(next.exportId).not.toBe(first.exportId)
    expect(next.rowCount).toBe(1)
    expect(code(await post(reviewer, '/exports/results', { requestId: 'x' }))).toBe('VALIDATION_FAILED')
  })

  it('the overdue list as XLSX: built with progress, then downloaded; full names, masked IDs, only the region', async () => {
    const at = h.now.toISOString()
    // OD4 passed in October: her deadline is a year away, but the agency suspended payment this month.
    for (const [no, region, last, suspendedSince] of [
      ['OD1', '110102', '2024-05-01', null],
      ['OD2', '110101', '2025-06-01', null],
      ['OD3', '430102', '2024-01-01', null],
      ['OD4', '110102', '2026-10-01', '2026-11-20'],
    ] as const) {
      await insertPerson(h.test.store.db, {
        id: newId(),
        person_no: no,
        pii_enc: h.app.services.pii.sealPerson({ name: `逾期${no}`, idNumber: '110102194001010012', cardNumber: 'C00000001' }),
        name_masked: '逾*人',
        id_number_hash: `hash-${no}`,
        id_number_masked: '1101**********0012',
        insurance_type: 'enterprise',
        employer: '',
        benefit_status: suspendedSince ? 'suspended' : 'normal',
        suspended_since: suspendedSince,
        last_certified_on: last,
        roster_certified_on: last,
        region_code: region,
        enrolled_on: '2020-01-01',
        key_version: h.app.services.pii.currentVersion,
        created_at: at,
        updated_at: at,
      })
    }
    const res = await post(clerk, '/exports/overdue', {})
    expect(res.statusCode).toBe(200)
    const started = res.json() as { exportId: string; status: string }
    expect(started.status).toBe('building')
    await settledExport(started.exportId)
    const status = (await get(clerk, `/exports/${started.exportId}`)).json() as { status: string; rowCount: number; rowsDone: number; rowsTotal: number }
    const expected = await countOverdue(h.test.store.db, { regionPrefix: '1101' }, '2026-11-27', 'rolling12')
    expect(status).toMatchObject({ status: 'ready', rowCount: expected, rowsDone: expected, rowsTotal: expected })
    expect(expected).toBeGreaterThanOrEqual(2)

    const file = await get(clerk, `/exports/overdue/${started.exportId}`)
    expect(file.statusCode).toBe(200)
    const rows = await xlsxRows(file.rawPayload)
    expect(rows[0][0]).toBe('个人编号')
    const body = rows.slice(1)
    expect(body.map((r) => r[0])).toEqual(expect.arrayContaining(['OD1', 'OD2']))
    expect(body.map((r) => r[0])).not.toContain('OD3')
    expect(body.every((r) => r[4].startsWith('1101'))).toBe(true)
    expect(body.find((r) => r[0] === 'OD1')?.slice(1, 3)).toEqual(['逾期OD1', '1101**********0012'])
    // 逾期月数: the late have a number; OD4 is said to be suspended before her deadline, not late.
    expect(rows[0][8]).toBe('逾期月数')
    expect(body.find((r) => r[0] === 'OD1')?.[8]).toMatch(/^\d+$/)
    expect(body.find((r) => r[0] === 'OD4')?.slice(5, 9)).toEqual(['暂停发放', '2027-10', '2026-11-20', '未到期，机构暂停1个月'])
    expect(file.headers['x-checksum-sha256']).toBe(sha(file.rawPayload))
    expect((await get(clerk, `/exports/overdue/${started.exportId}`)).rawPayload.equals(file.rawPayload)).toBe(true)

    // A sub-region filter narrows; one outside the clerk's region is refused.
    const sub = (await post(clerk, '/exports/overdue', { subRegion: '110102' })).json() as { exportId: string }
    await settledExport(sub.exportId)
    const subRows = (await xlsxRows((await get(clerk, `/exports/overdue/${sub.exportId}`)).rawPayload)).slice(1)
    expect(subRows.length).toBeGreaterThan(0)
    expect(subRows.every((r) => r[4].startsWith('110102'))).toBe(true)
    expect(code(await post(clerk, '/exports/overdue', { subRegion: '4301' }))).toBe('AGENCY_OUT_OF_SCOPE')
    expect(code(await get(clerk32, `/exports/overdue/${started.exportId}`))).toBe('AGENCY_EXPORT_NOT_FOUND')
  })

  it('an overdue build that fails midway is failed, not left building; its download says so; a build left by a dead process turns failed', async () => {
    const real = h.app.services.pii.openPerson.bind(h.app.services.pii)
    let opened = 0
    const spy = jest.spyOn(h.app.services.pii, 'openPerson').mockImplementation((text: string) => {
      if (++opened === 2) throw new Error('disk gone')
      return real(text)
    })
    try {
      const started = (await post(clerk, '/exports/overdue', {})).json() as { exportId: string }
      await settledExport(started.exportId)
      expect((await get(clerk, `/exports/${started.exportId}`)).json()).toMatchObject({ status: 'failed', errorCode: 'INTERNAL' })
      expect(code(await get(clerk, `/exports/overdue/${started.exportId}`))).toBe('AGENCY_EXPORT_FAILED')
    } finally {
      spy.mockRestore()
    }
    // A row still 'building' long after its start, with no build running here.
    const id = newId()
    await h.test.store.db
      .insertInto('agency_exports')
      .values({ id, kind: 'overdue', region_prefix: '1101', created_by: 'x', created_at: new Date(h.now.getTime() - 16 * 60_000).toISOString(), cursor_from: null, cursor_to: null, filters: '{}', status: 'building', rows_total: null, rows_done: 0, row_count: null, sha256_csv_utf8: null, sha256_csv_gbk: null, sha256_xlsx: null, error_code: null, finished_at: null })
      .execute()
    expect((await get(clerk, `/exports/${id}`)).json()).toMatchObject({ status: 'failed', errorCode: 'AGENCY_EXPORT_FAILED' })
  })

  it('no full ID number in any URL or log line', async () => {
    const logs = h.logs()
    for (const id of FULL_IDS) {
      expect(logs).not.toContain(id)
      expect(urls.join(' ')).not.toContain(id)
    }
  })
})
