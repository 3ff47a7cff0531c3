/**
 * 名册导入 from the console through the service, both stores: a good file is checked then imported
 * and its persons appear; a file with bad rows (codec, outside the region, a 个人编号 another region
 * keeps, a duplicate the import finds) imports nothing and its report lists every bad row without
 * the cells' values; GBK and UTF-8 with BOM decode right; confirm is idempotent.
 */
import iconv from 'iconv-lite'
import { parse } from 'csv-parse/sync'
import { PiiCipher } from '../../../../server/crypto/pii'
import type { AgencyActor } from '../../../../server/agency/actor'
import type { ServiceContext } from '../../../../server/services/context'
import { confirmRosterUpload, createRosterUpload, KEPT_ELSEWHERE_REASON, OUTSIDE_REGION_REASON, rosterUploadReport, rosterUploadStatus, settledUpload } from '../../../../server/services/agency/roster-upload'
import { DIALECTS, migratedStoreFor } from '../../../support/db'

const pii = new PiiCipher({ keys: { v1: Buffer.alloc(32, 7) }, current: 'v1', indexVersion: 'v1' })
const ADMIN: AgencyActor = { userId: 'u-admin-1101', username: 'admin', displayName: '管理员', role: 'admin', regionPrefix: '1101' }
const ADMIN_43: AgencyActor = { userId: 'u-admin-43', username: 'admin43', displayName: '管理员乙', role: 'admin', regionPrefix: '43' }

const HEADER = '个人编号,姓名,身份证号,社会保障卡号,单位名称,险种,待遇状态,上次认证日期,行政区划'
const row = (no: string, name: string, id: string, card: string, region: string) => `${no},${name},${id},${card},示例单位,企业职工基本养老保险,正常,2026-03-15,${region}`
const csv = (...rows: string[]) => [HEADER, ...rows].join('\r\n') + '\r\n'

describe.each(DIALECTS)('roster upload on %s', (dialect) => {
  const t = migratedStoreFor(dialect)
  const now = new Date('2026-11-27T02:00:00.000Z')
  const ctx = () => ({ db: t.store.db, dialect, pii, clock: () => now, cyclePolicy: 'rolling12' }) as unknown as ServiceContext
  const persons = () => t.store.db.selectFrom('persons').selectAll().orderBy('person_no').execute()

  async function upload(actor: AgencyActor, bytes: Buffer, name = '名册.csv') {
    const staged = await createRosterUpload(ctx(), actor, bytes, name)
    expect(staged.status).toBe('staged')
    await settledUpload(staged.uploadId)
    return rosterUploadStatus(ctx(), actor, staged.uploadId)
  }

  it('a file with bad rows imports nothing, and its report lists every bad row without values', async () => {
    const bytes = Buffer.from(
      csv(
        row('U001', '王秀英', '110101195203140127', 'A00000001', '110101'),
        row('U002', '刘德福', '110101193809170530', 'A00000004', '110101'), // wrong check digit
        row('U003', '李建国', '430102194808050315', 'A00000002', '430102'), // outside 1101
      ),
    )
    const view = await upload(ADMIN, bytes)
    expect(view).toMatchObject({ status: 'failed', rowsTotal: 3, rejected: 2, errorCount: 2 })
    expect(view.firstErrors.map((e) => [e.line, e.column])).toEqual([
      [3, '身份证号'],
      [4, '行政区划'],
    ])
    expect(view.firstErrors[1].reason).toBe(OUTSIDE_REGION_REASON)
    await expect(confirmRosterUpload(ctx(), ADMIN, view.uploadId)).rejects.toMatchObject({ code: 'AGENCY_ROSTER_UPLOAD_HAS_ERRORS' })
    expect(await persons()).toHaveLength(0)

    const report = await rosterUploadReport(ctx(), ADMIN, view.uploadId)
    const text = report.body.toString('utf8')
    expect(text.startsWith('\uFEFF')).toBe(true)
    const lines = parse(text, { bom: true }) as string[][]
    expect(lines[0]).toEqual(['行号', '列', '原因'])
    expect(lines.slice(1).map((l) => l[0])).toEqual(['3', '4'])
    for (const secret of ['110101193809170530', '430102194808050315', '刘德福', '李建国']) expect(text).not.toContain(secret)
  })

  it('a good GBK file is checked, then imported on confirm; the persons appear with their names', async () => {
    const bytes = iconv.encode(csv(row('U001', '王秀英', '110101195203140127', 'A00000001', '110101'), row('U002', '孙淑珍', '110101195504100823', 'A00000007', '110102')), 'gbk')
    const view = await upload(ADMIN, bytes, 'C:\\名册\\十一月.csv')
    expect(view).toMatchObject({ status: 'validated', encoding: 'gbk', rowsTotal: 2, errorCount: 0, filename: '十一月.csv', inserted: 2 })
    expect(await persons()).toHaveLength(0) // nothing before confirm
    const done = await confirmRosterUpload(ctx(), ADMIN, view.uploadId)
    expect(done).toMatchObject({ status: 'imported', inserted: 2, updated: 0 })
    const stored = await persons()
    expect(stored.map((p) => [p.person_no, pii.openPerson(p.pii_enc).name, p.region_code])).toEqual([
      ['U001', '王秀英', '110101'],
      ['U002', '孙淑珍', '110102'],
    ])
    // Confirming again imports nothing more.
    expect(await confirmRosterUpload(ctx(), ADMIN, view.uploadId)).toMatchObject({ status: 'imported', inserted: 2 })
    expect(await persons()).toHaveLength(2)
    const body = await t.store.db.selectFrom('agency_imports').select('body_enc').where('id', '=', view.uploadId).executeTakeFirstOrThrow()
    expect(body.body_enc).toBeNull()
  })

  it('UTF-8 with BOM: a re-import updates; a 个人编号 kept by another region is a row error', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf])
    const update = await upload(ADMIN, Buffer.concat([bom, Buffer.from(csv(row('U001', '王秀英', '110101195203140127', 'A00000009', '110101')))]))
    expect(update).toMatchObject({ status: 'validated', encoding: 'utf-8-bom' })
    expect(await confirmRosterUpload(ctx(), ADMIN, update.uploadId)).toMatchObject({ status: 'imported', updated: 1, inserted: 0 })
    expect(pii.openPerson((await persons())[0].pii_enc).cardNumber).toBe('A00000009')

    // A 43 admin cannot move U001 (kept in 1101) into 43, nor see 1101's uploads.
    const grab = await upload(ADMIN_43, Buffer.from(csv(row('U001', '王秀英', '110101195203140127', 'A00000001', '430102'))))
    expect(grab).toMatchObject({ status: 'failed', errorCount: 1 })
    expect(grab.firstErrors[0]).toEqual({ line: 2, column: '个人编号', reason: KEPT_ELSEWHERE_REASON })
    await expect(rosterUploadStatus(ctx(), ADMIN_43, update.uploadId)).rejects.toMatchObject({ code: 'AGENCY_ROSTER_UPLOAD_NOT_FOUND' })
    expect((await persons())[0].region_code).toBe('110101')
  })

  it('clashes the import finds (an ID number under another 个人编号, a duplicate in the file) fail the check; nothing is written', async () => {
    const view = await upload(
      ADMIN,
      Buffer.from(
        csv(
          row('U009', '王秀英', '110101195203140127', 'A00000001', '110101'),
          row('U010', '刘德福', '110101193809170532', 'A00000004', '110101'),
          row('U010', '刘德福', '110101193809170532', 'A00000004', '110101'),
        ),
      ),
    )
    expect(view).toMatchObject({ status: 'failed', rejected: 2, inserted: 0 })
    expect(view.firstErrors.map((e) => [e.line, e.column])).toEqual([
      [2, '身份证号'],
      [4, '个人编号'],
      [4, '身份证号'],
    ])
    await expect(confirmRosterUpload(ctx(), ADMIN, view.uploadId)).rejects.toMatchObject({ code: 'AGENCY_ROSTER_UPLOAD_HAS_ERRORS' })
    expect((await persons()).map((p) => p.person_no)).toEqual(['U001', 'U002'])
  })

  it('the check says what the import would do; the roster changing before confirm is caught by the import', async () => {
    const view = await upload(ADMIN, Buffer.from(csv(row('U001', '王秀英', '110101195203140127', 'A00000009', '110101'), row('U011', '刘德福', '110101193809170532', 'A00000004', '110101'))))
    expect(view).toMatchObject({ status: 'validated', inserted: 1, updated: 0, unchanged: 1 })
    // Meanwhile another upload registers 刘德福's ID number under another 个人编号.
    const other = await upload(ADMIN, Buffer.from(csv(row('U012', '刘德福', '110101193809170532', 'A00000004', '110101'))))
    expect(await confirmRosterUpload(ctx(), ADMIN, other.uploadId)).toMatchObject({ status: 'imported', inserted: 1 })
    await expect(confirmRosterUpload(ctx(), ADMIN, view.uploadId)).rejects.toMatchObject({ code: 'AGENCY_ROSTER_UPLOAD_HAS_ERRORS' })
    expect(await rosterUploadStatus(ctx(), ADMIN, view.uploadId)).toMatchObject({ status: 'failed', errorCount: 1 })
    expect((await persons()).map((p) => p.person_no)).toEqual(['U001', 'U002', 'U012'])
  })

  it('every upload, import and refused import is audited, without names or ID numbers', async () => {
    const rows = await t.store.db.selectFrom('audit_log').selectAll().where('actor_type', '=', 'agency').execute()
    const actions = rows.map((r) => r.action)
    for (const a of ['agency.roster.uploaded', 'agency.roster.imported', 'agency.roster.import_refused']) expect(actions).toContain(a)
    const text = JSON.stringify(rows)
    for (const secret of ['110101195203140127', '110101193809170532', '王秀英', '刘德福']) expect(text).not.toContain(secret)
  })

  it('an empty body and a file without the header are refused plainly', async () => {
    await expect(createRosterUpload(ctx(), ADMIN, Buffer.alloc(0), 'x.csv')).rejects.toMatchObject({ code: 'AGENCY_ROSTER_UPLOAD_EMPTY' })
    const view = await upload(ADMIN, Buffer.from('a,b\r\n1,2\r\n'))
    expect(view.status).toBe('failed')
    expect(view.firstErrors[0].reason).toContain('缺少')
  })
})
