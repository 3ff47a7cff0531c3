/**
 * /agency/api/roster/uploads through inject(), both stores: the raw CSV body beyond the app's 64 KB
 * default, check, confirm, persons appear; a file with bad rows imports nothing and its report
 * downloads; admin only; too large / wrong type refused with stable codes; no full ID in logs.
 */
import { parse } from 'csv-parse/sync'
import type { LightMyRequestResponse } from 'fastify'
import { checkCharFor } from '../../../../src/core/id-number'
import { settledUpload } from '../../../../server/services/agency/roster-upload'
import { createAgencyUser, signInAgency, type AgencySignIn } from '../../helpers/agency'
import { startHarness, type Harness } from '../../helpers/harness'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'

const API = '/agency/api'
const HEADER = '个人编号,姓名,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划'

function idFor(i: number): string {
  const first17 = `110102${1940 + (i % 20)}0${1 + (i % 9)}1${i % 10}${String(i % 1000).padStart(3, '0')}`
  return first17 + checkCharFor(first17)
}
const rowFor = (i: number, region = '110102') => `W${String(i).padStart(5, '0')},王建${'一二三四五六七八九十'[i % 10]}华,${idFor(i)},C${String(i).padStart(9, '0')},示例单位,企业职工基本养老保险,正常,2026-03-15,${region}`

describe.each(DIALECTS)('agency roster upload routes on %s', (dialect) => {
  let h: Harness
  let admin: AgencySignIn
  let clerk: AgencySignIn
  const code = (res: LightMyRequestResponse) => (res.json() as { error?: { code: string } }).error?.code
  const upload = (s: AgencySignIn, body: Buffer | string, contentType = 'text/csv') =>
    h.app.inject({ method: 'POST', url: `${API}/roster/uploads`, headers: s.headers({ 'content-type': contentType, 'x-filename': encodeURIComponent('十一月名册.csv') }), payload: body })
  const count = async (prefix: string) => (await h.test.store.db.selectFrom('persons').select('id').where('person_no', 'like', `${prefix}%`).execute()).length

  beforeAll(async () => {
    h = await startHarness(dialect)
    admin = await signInAgency(h.app, await createAgencyUser(h.app, { role: 'admin', regionPrefix: '1101' }))
    clerk = await signInAgency(h.app, await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '1101' }))
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  it('a good file larger than 64 KB is checked, confirmed, and its persons appear', async () => {
    const rows = Array.from({ length: 900 }, (_, i) => rowFor(i))
    const body = [HEADER, ...rows].join('\r\n') + '\r\n'
    expect(Buffer.byteLength(body)).toBeGreaterThan(64 * 1024)
    const res = await upload(admin, body)
    expect(res.statusCode).toBe(200)
    const staged = res.json() as { uploadId: string; status: string; filename: string }
    expect(staged).toMatchObject({ status: 'staged', filename: '十一月名册.csv' })
    await settledUpload(staged.uploadId)
    const checked = (await h.app.inject({ method: 'GET', url: `${API}/roster/uploads/${staged.uploadId}`, headers: admin.headers() })).json()
    expect(checked).toMatchObject({ status: 'validated', rowsTotal: 900, rowsDone: 900, errorCount: 0, encoding: 'utf-8' })
    expect(await count('W')).toBe(0)
    const noCsrf = await h.app.inject({ method: 'POST', url: `${API}/roster/uploads/${staged.uploadId}/confirm`, headers: { cookie: admin.cookie }, payload: {} })
    expect(code(noCsrf)).toBe('AGENCY_CSRF_INVALID')
    const done = await h.app.inject({ method: 'POST', url: `${API}/roster/uploads/${staged.uploadId}/confirm`, headers: admin.headers(), payload: {} })
    expect(done.statusCode).toBe(200)
    expect(done.json()).toMatchObject({ status: 'imported', inserted: 900 })
    expect(await count('W')).toBe(900)
  })

  it('a file with bad rows imports nothing; the report downloads; confirm is refused', async () => {
    const body = [HEADER, rowFor(2000), rowFor(2001).replace(/,C\d+,/, ',?,'), rowFor(2002, '430102')].join('\n') + '\n'
    const staged = (await upload(admin, Buffer.from(body), 'application/octet-stream')).json() as { uploadId: string }
    await settledUpload(staged.uploadId)
    const view = (await h.app.inject({ method: 'GET', url: `${API}/roster/uploads/${staged.uploadId}`, headers: admin.headers() })).json()
    expect(view).toMatchObject({ status: 'failed', errorCount: 2, rejected: 2 })
    const confirm = await h.app.inject({ method: 'POST', url: `${API}/roster/uploads/${staged.uploadId}/confirm`, headers: admin.headers(), payload: {} })
    expect(confirm.statusCode).toBe(409)
    expect(code(confirm)).toBe('AGENCY_ROSTER_UPLOAD_HAS_ERRORS')
    expect(await count('W02')).toBe(0)
    const report = await h.app.inject({ method: 'GET', url: `${API}/roster/uploads/${staged.uploadId}/report`, headers: admin.headers() })
    expect(report.statusCode).toBe(200)
    expect(report.headers['content-disposition']).toContain('attachment')
    const lines = parse(report.rawPayload.toString('utf8'), { bom: true }) as string[][]
    expect(lines.slice(1).map((l) => [l[0], l[1]])).toEqual([
      ['3', '社会保障卡号'],
      ['4', '行政区划'],
    ])
    expect(report.rawPayload.toString('utf8')).not.toContain(idFor(2001))
  })

  it('only an admin uploads; too large and wrong types are refused plainly; another region sees nothing', async () => {
    expect(code(await upload(clerk, HEADER))).toBe('AGENCY_ROLE_FORBIDDEN')
    const big = await upload(admin, Buffer.alloc(50 * 1024 * 1024 + 1, 0x41))
    expect(big.statusCode).toBe(413)
    expect(code(big)).toBe('AGENCY_ROSTER_UPLOAD_TOO_LARGE')
    const png = await upload(admin, Buffer.from([0x89, 0x50]), 'image/png')
    expect(png.statusCode).toBe(415)
    expect(code(png)).toBe('AGENCY_ROSTER_UPLOAD_TYPE')
    expect(code(await upload(admin, ''))).toBe('AGENCY_ROSTER_UPLOAD_EMPTY')
    const admin43 = await signInAgency(h.app, await createAgencyUser(h.app, { role: 'admin', regionPrefix: '43' }))
    const mine = (await upload(admin, [HEADER, rowFor(3000)].join('\n'))).json() as { uploadId: string }
    await settledUpload(mine.uploadId)
    expect(code(await h.app.inject({ method: 'GET', url: `${API}/roster/uploads/${mine.uploadId}`, headers: admin43.headers() }))).toBe('AGENCY_ROSTER_UPLOAD_NOT_FOUND')
    expect(code(await h.app.inject({ method: 'POST', url: `${API}/roster/uploads/${mine.uploadId}/confirm`, headers: admin43.headers(), payload: {} }))).toBe('AGENCY_ROSTER_UPLOAD_NOT_FOUND')
  })

  it('no full ID number in the logs', () => {
    const logs = h.logs()
    for (const i of [0, 1, 899, 2000, 2001, 2002]) expect(logs).not.toContain(idFor(i))
  })
})
