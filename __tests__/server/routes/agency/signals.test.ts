/**
 * /agency/api/signals/uploads through inject(), both stores: a GBK file is checked, confirmed and a
 * due demo person passes by data comparison; rows for persons outside the uploader's region are row
 * errors and nothing is imported; admin only; CSRF; another region sees nothing; the same file twice
 * changes nothing.
 */
import { parse } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import type { LightMyRequestResponse } from 'fastify'
import { settledSignalsUpload } from '../../../../server/services/agency/signals-upload'
import { daysBefore } from '../../../../src/core/silent-certification'
import { shanghaiDate } from '../../../../server/time/clock'
import { createAgencyUser, signInAgency, type AgencySignIn } from '../../helpers/agency'
import { startHarness, type Harness } from '../../helpers/harness'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'

const API = '/agency/api'
const HEADER = '个人编号,身份证号,来源,发生日期'

describe.each(DIALECTS)('agency signals upload routes on %s', (dialect) => {
  let h: Harness
  let admin: AgencySignIn
  let adminId: string
  let clerk: AgencySignIn
  // The harness clock's day (2026-11-27 unless a test moves it).
  const day = (n: number) => daysBefore(shanghaiDate(h.now), n)
  const code = (res: LightMyRequestResponse) => (res.json() as { error?: { code: string } }).error?.code
  const upload = (s: AgencySignIn, body: Buffer | string, contentType = 'text/csv') =>
    h.app.inject({ method: 'POST', url: `${API}/signals/uploads`, headers: s.headers({ 'content-type': contentType, 'x-filename': encodeURIComponent('医保结算十一月.csv') }), payload: body })
  const status = (s: AgencySignIn, id: string) => h.app.inject({ method: 'GET', url: `${API}/signals/uploads/${id}`, headers: s.headers() })
  const confirm = (s: AgencySignIn, id: string) => h.app.inject({ method: 'POST', url: `${API}/signals/uploads/${id}/confirm`, headers: s.headers(), payload: {} })
  const recordsOf = async (personNo: string) => {
    const p = await h.test.store.db.selectFrom('persons').select('id').where('person_no', '=', personNo).executeTakeFirstOrThrow()
    return h.test.store.db.selectFrom('certification_records').selectAll().where('person_id', '=', p.id).execute()
  }

  beforeAll(async () => {
    h = await startHarness(dialect)
    const adminUser = await createAgencyUser(h.app, { role: 'admin', regionPrefix: '4301' })
    adminId = adminUser.id
    admin = await signInAgency(h.app, adminUser)
    clerk = await signInAgency(h.app, await createAgencyUser(h.app, { role: 'clerk', regionPrefix: '4301' }))
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  it('rows for persons outside the region are row errors: nothing imported, the report downloads, confirm refused', async () => {
    // DEMO0001 is in 110101, outside 4301; by ID number too.
    const body = iconv.encode([HEADER, `DEMO0002,,医保结算,${day(3)}`, `DEMO0001,,医保结算,${day(3)}`, `,110101195203140127,公安,${day(2)}`, `DEMO0002,,外卖,${day(2)}`].join('\r\n'), 'gbk')
    const staged = (await upload(admin, body, 'application/octet-stream')).json() as { uploadId: string }
    await settledSignalsUpload(staged.uploadId)
    expect((await status(admin, staged.uploadId)).json()).toMatchObject({ status: 'failed', encoding: 'gbk', rowsTotal: 4, rejected: 3, errorCount: 3 })
    const refused = await confirm(admin, staged.uploadId)
    expect(refused.statusCode).toBe(409)
    expect(code(refused)).toBe('AGENCY_SIGNALS_UPLOAD_HAS_ERRORS')
    expect(await recordsOf('DEMO0002')).toEqual([])
    const report = await h.app.inject({ method: 'GET', url: `${API}/signals/uploads/${staged.uploadId}/report`, headers: admin.headers() })
    expect(report.statusCode).toBe(200)
    const lines = parse(report.rawPayload.toString('utf8'), { bom: true }) as string[][]
    expect(lines.slice(1).map((l) => [l[0], l[1]])).toEqual([
      ['3', '个人编号'],
      ['4', '身份证号'],
      ['5', '来源'],
    ])
    expect(report.rawPayload.toString('utf8')).not.toContain('110101195203140127')
  })

  it('a good file is checked, confirmed (CSRF required) and a due person passes by data comparison; the same file twice changes nothing', async () => {
    const body = [HEADER, `DEMO0002,,医保结算,${day(3)}`, `,430102194808050315,交通出行,${day(2)}`].join('\n')
    const res = await upload(admin, body)
    expect(res.statusCode).toBe(200)
    const staged = res.json() as { uploadId: string }
    expect(staged).toMatchObject({ status: 'staged', filename: '医保结算十一月.csv' })
    await settledSignalsUpload(staged.uploadId)
    expect((await status(admin, staged.uploadId)).json()).toMatchObject({ status: 'validated', rowsTotal: 2, errorCount: 0 })
    expect(await recordsOf('DEMO0002')).toEqual([])
    const noCsrf = await h.app.inject({ method: 'POST', url: `${API}/signals/uploads/${staged.uploadId}/confirm`, headers: { cookie: admin.cookie }, payload: {} })
    expect(code(noCsrf)).toBe('AGENCY_CSRF_INVALID')
    const done = await confirm(admin, staged.uploadId)
    expect(done.statusCode).toBe(200)
    expect(done.json()).toMatchObject({ status: 'imported', inserted: 2, alreadyKnown: 0, certified: 1 })
    const records = await recordsOf('DEMO0002')
    expect(records).toEqual([expect.objectContaining({ method: 'data_comparison', result: 'passed', performer_agency_user_id: adminId })])
    // Confirming again answers the same; the same file uploaded again inserts and certifies nothing.
    expect((await confirm(admin, staged.uploadId)).json()).toMatchObject({ status: 'imported', certified: 1 })
    const again = (await upload(admin, body)).json() as { uploadId: string }
    await settledSignalsUpload(again.uploadId)
    expect((await confirm(admin, again.uploadId)).json()).toMatchObject({ status: 'imported', inserted: 0, alreadyKnown: 2, certified: 0 })
    expect(await recordsOf('DEMO0002')).toHaveLength(1)
    // 概览 counts it (and a clerk of the region sees the same figure).
    const overview = await h.app.inject({ method: 'GET', url: `${API}/overview`, headers: clerk.headers() })
    expect(overview.json()).toMatchObject({ silent: { certifiedThisYear: 1, certifiedThisMonth: 1, openReviews: 0 } })
  })

  it('a death signal: never a pass, payment suspended, and 概览 shows one open review', async () => {
    const staged = (await upload(admin, [HEADER, `DEMO0005,,死亡,${day(5)}`, `DEMO0005,,医保结算,${day(2)}`].join('\n'))).json() as { uploadId: string }
    await settledSignalsUpload(staged.uploadId)
    expect((await confirm(admin, staged.uploadId)).json()).toMatchObject({ status: 'imported', inserted: 2, certified: 0, flagged: 2 })
    expect(await recordsOf('DEMO0005')).toEqual([])
    expect(await h.test.store.db.selectFrom('persons').select(['benefit_status']).where('person_no', '=', 'DEMO0005').executeTakeFirstOrThrow()).toEqual({ benefit_status: 'suspended' })
    const overview = await h.app.inject({ method: 'GET', url: `${API}/overview`, headers: admin.headers() })
    expect(overview.json()).toMatchObject({ silent: { certifiedThisYear: 1, openReviews: 1 } })
  })

  it('only an admin uploads; empty and wrong types are refused plainly; another region sees nothing', async () => {
    expect(code(await upload(clerk, HEADER))).toBe('AGENCY_ROLE_FORBIDDEN')
    const png = await upload(admin, Buffer.from([0x89, 0x50]), 'image/png')
    expect(png.statusCode).toBe(415)
    expect(code(png)).toBe('AGENCY_SIGNALS_UPLOAD_TYPE')
    expect(code(await upload(admin, ''))).toBe('AGENCY_SIGNALS_UPLOAD_EMPTY')
    const admin11 = await signInAgency(h.app, await createAgencyUser(h.app, { role: 'admin', regionPrefix: '11' }))
    const mine = (await upload(admin, [HEADER, `DEMO0005,,医保结算,${day(3)}`].join('\n'))).json() as { uploadId: string }
    await settledSignalsUpload(mine.uploadId)
    expect(code(await status(admin11, mine.uploadId))).toBe('AGENCY_SIGNALS_UPLOAD_NOT_FOUND')
    expect(code(await confirm(admin11, mine.uploadId))).toBe('AGENCY_SIGNALS_UPLOAD_NOT_FOUND')
  })

  it('no full ID number in the logs', () => {
    expect(h.logs()).not.toContain('430102194808050315')
    expect(h.logs()).not.toContain('110101195203140127')
  })
})
