/**
 * 人员查询 through /agency/api on both stores: search by 个人编号, name and ID number (blind indexes,
 * region-scoped in SQL), the audited person page, and the name index backfilled for persons stored
 * before it existed.
 */
import type { FastifyInstance } from 'fastify'
import { newId } from '../../../../server/db/ids'
import { backfillNameHashes } from '../../../../server/roster/name-hash-backfill'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'
import { createAgencyUser, signInAgency, type AgencySignIn } from '../../helpers/agency'
import { DEMO } from '../../helpers/demo'
import { startHarness, type Harness } from '../../helpers/harness'
import { auditRows, boundSubscriber, pendingRecord, personByNo } from './review-support'

describe.each(DIALECTS)('agency person search and page on %s', (dialect) => {
  let h: Harness
  let app: FastifyInstance
  let nanjing: AgencySignIn
  let nanjingReviewer: AgencySignIn
  let changsha: AgencySignIn
  let nanjingId: string

  beforeAll(async () => {
    h = await startHarness(dialect)
    app = h.app
    const c = await createAgencyUser(app, { role: 'clerk', regionPrefix: '3201' })
    nanjingId = c.id
    nanjing = await signInAgency(app, c)
    nanjingReviewer = await signInAgency(app, await createAgencyUser(app, { role: 'reviewer', regionPrefix: '3201', displayName: '审核员丙' }))
    changsha = await signInAgency(app, await createAgencyUser(app, { role: 'clerk', regionPrefix: '4301' }))
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  const search = (s: AgencySignIn, payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/agency/api/persons/search', headers: s.headers(), payload })
  const page = (s: AgencySignIn, personId: string) => app.inject({ method: 'GET', url: `/agency/api/persons/${personId}`, headers: s.headers() })
  const personNos = (res: { json(): { items: { personNo: string }[] } }) => res.json().items.map((i) => i.personNo)

  test('by 个人编号, name or ID number inside the region: masked hits; outside the region: none', async () => {
    expect(personNos(await search(nanjing, { personNo: 'DEMO0003' }))).toEqual(['DEMO0003'])
    expect(personNos(await search(nanjing, { name: ` ${DEMO.zhang.name} ` }))).toEqual(['DEMO0003'])
    const byId = await search(nanjing, { idNumber: DEMO.zhang.idNumber.toLowerCase() })
    expect(byId.json()).toEqual({
      items: [{ personId: expect.any(String), personNo: 'DEMO0003', maskedName: expect.stringContaining('*'), maskedIdNumber: expect.stringContaining('*'), regionCode: '320102', insuranceLabel: expect.any(String), benefitStatus: 'suspended' }],
      truncated: false,
    })
    expect(byId.body).not.toContain(DEMO.zhang.idNumber)
    expect(byId.body).not.toContain(DEMO.zhang.name)
    // Both keys must match: 张桂兰's name with 赵德胜's ID number finds nobody.
    expect(personNos(await search(nanjing, { name: DEMO.zhang.name, idNumber: DEMO.zhao.idNumber }))).toEqual([])

    for (const key of [{ personNo: 'DEMO0003' }, { name: DEMO.zhang.name }, { idNumber: DEMO.zhang.idNumber }]) {
      const res = await search(changsha, key)
      expect(res.statusCode).toBe(200)
      expect(res.json()).toEqual({ items: [], truncated: false })
    }
    const searched = (await auditRows(app.store.db, 'agency.person.searched')).filter((r) => r.actor_ref === nanjingId)
    expect(searched.length).toBeGreaterThanOrEqual(4)
    for (const r of searched) expect(r.detail).not.toMatch(/320102194106220468|张桂兰/i)
  })

  test('bad search input: a plain code, never a stack', async () => {
    const empty = await search(nanjing, {})
    expect(empty.statusCode).toBe(400)
    expect(empty.json().error.code).toBe('AGENCY_PERSON_SEARCH_EMPTY')
    const bad = await search(nanjing, { idNumber: '320102194106220469' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'ID_CHECKSUM', field: 'idNumber' })
    // Search is POST only: there is no GET form that would put an ID number in a URL (and a log line).
    const getSearch = await app.inject({ method: 'GET', url: '/agency/api/persons/search?personNo=DEMO0003', headers: nanjing.headers() })
    expect(getSearch.statusCode).toBe(404)
    expect(getSearch.json().error.code).toBe('AGENCY_OUT_OF_SCOPE')
  })

  test('the person page: full details, standing, history with performer and decision, relatives, sessions, reminders; audited', async () => {
    const zhang = await personByNo(app.store.db, 'DEMO0003')
    const accountId = await boundSubscriber(app.store.db, zhang.id, h.now.toISOString())
    const recordId = await pendingRecord(app.store.db, zhang.id, accountId, '2026-11-20T03:00:00.000Z')
    const helper = newId()
    await app.store.db.insertInto('accounts').values({ id: helper, platform: 'local', openid: `wx_helper_${helper}`, created_at: h.now.toISOString(), last_seen_at: h.now.toISOString() }).execute()
    await app.store.db.insertInto('relatives').values({ id: newId(), account_id: helper, person_id: zhang.id, relation: 'mother', created_at: h.now.toISOString(), removed_at: null }).execute()
    const rejected = await app.inject({ method: 'POST', url: `/agency/api/reviews/${recordId}/reject`, headers: nanjingReviewer.headers(), payload: { reason: 'photo_unclear' } })
    expect(rejected.statusCode).toBe(200)

    const res = await page(nanjing, zhang.id)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.person).toMatchObject({ personNo: 'DEMO0003', name: DEMO.zhang.name, idNumber: DEMO.zhang.idNumber, cardNumber: DEMO.zhang.cardNumber, regionCode: '320102', benefitStatus: 'suspended' })
    expect(body.standing).toMatchObject({ status: 'overdue_suspended', statusLabel: '已逾期，暂停发放' })
    const decided = body.history.find((r: { recordId: string }) => r.recordId === recordId)
    expect(decided).toMatchObject({ result: 'failed', resultLabel: '未通过', performedBy: 'self', verifierOutcome: 'manual-review', decision: { decidedBy: '审核员丙', reason: 'photo_unclear', reasonLabel: '照片模糊无法辨认' } })
    expect(body.history.some((r: { channel: string }) => r.channel === 'import')).toBe(true)
    expect(body.sessions.map((s: { recordId: string }) => s.recordId)).toContain(recordId)
    expect(body.reminders.map((r: { kind: string }) => r.kind)).toContain('result')
    expect(body.relatives).toEqual([{ relation: 'mother', relationLabel: '母亲', linkedAt: h.now.toISOString(), account: `微信用户 ${helper.slice(-4)}` }])
    expect(res.body).not.toContain(`wx_helper_${helper}`)

    const viewed = (await auditRows(app.store.db, 'agency.person.viewed')).filter((r) => r.actor_ref === nanjingId && r.subject_person_id === zhang.id)
    expect(viewed).toHaveLength(1)
    expect(viewed[0]).toMatchObject({ actor_type: 'agency', detail: '{}' })
    expect(h.logs()).not.toContain(DEMO.zhang.idNumber)
  })

  test('a person outside the region, or unknown: the same 404, and no audit row', async () => {
    const zhang = await personByNo(app.store.db, 'DEMO0003')
    const before = (await auditRows(app.store.db, 'agency.person.viewed')).length
    const out = await page(changsha, zhang.id)
    const unknown = await page(changsha, 'no-such-person')
    expect(out.statusCode).toBe(404)
    expect(out.json()).toEqual(unknown.json())
    expect(out.body).not.toContain(DEMO.zhang.name)
    expect((await auditRows(app.store.db, 'agency.person.viewed')).length).toBe(before)
  })

  test('persons stored before the name index are backfilled with the cipher and then found by name', async () => {
    await app.store.db.updateTable('persons').set({ name_hash: null }).where('region_code', 'like', '3201%').execute()
    expect(personNos(await search(nanjing, { name: DEMO.zhao.name }))).toEqual([])
    const filled = await backfillNameHashes(app.store.db, app.services.pii)
    expect(filled.filled).toBeGreaterThanOrEqual(2)
    expect(personNos(await search(nanjing, { name: DEMO.zhao.name }))).toEqual(['DEMO0006'])
    expect(await backfillNameHashes(app.store.db, app.services.pii)).toEqual({ filled: 0, unreadable: 0 })
  })
})
