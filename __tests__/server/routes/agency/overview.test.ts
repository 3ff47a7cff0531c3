/**
 * 概览 and 逾期名单 through /agency/api on both stores, over the demo roster (7 persons in 110101,
 * 320102 and 430102) on 2026-11-27 (rolling12): counts, channels per ISO week, coverage by the next
 * 行政区划 level, the overdue trend, the overdue list with filters and keyset pages, region scope,
 * and the 首页 agreeing with the list.
 */
import type { FastifyInstance } from 'fastify'
import { newId } from '../../../../server/db/ids'
import type { CertificationRecordsTable } from '../../../../server/db/schema'
import { applyPass } from '../../../../server/services/passes'
import { shanghaiDate } from '../../../../server/time/clock'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'
import { createAgencyUser, signInAgency, type AgencySignIn, type TestAgencyUser } from '../../helpers/agency'
import { DEFAULT_NOW, startHarness, type Harness } from '../../helpers/harness'
import { personByNo } from './review-support'

describe.each(DIALECTS)('agency overview routes on %s', (dialect) => {
  let h: Harness
  let app: FastifyInstance
  let all: AgencySignIn
  let nanjing: AgencySignIn
  let changsha: AgencySignIn
  let users: TestAgencyUser[]

  beforeAll(async () => {
    h = await startHarness(dialect)
    app = h.app
    users = [
      await createAgencyUser(app, { role: 'clerk', regionPrefix: '' }),
      await createAgencyUser(app, { role: 'reviewer', regionPrefix: '3201' }),
      await createAgencyUser(app, { role: 'admin', regionPrefix: '43' }),
    ]
    await signInAll()
  }, STORE_SETUP_TIMEOUT_MS)

  /** Sessions expire: after moving the clock, sign in again at the new time. */
  async function signInAll(): Promise<void> {
    ;[all, nanjing, changsha] = [await signInAgency(app, users[0]), await signInAgency(app, users[1]), await signInAgency(app, users[2])]
  }
  async function moveClock(to: Date): Promise<void> {
    h.now = to
    await signInAll()
  }
  afterAll(async () => h?.close())
  beforeEach(async () => {
    if (h.now !== DEFAULT_NOW) await moveClock(DEFAULT_NOW)
  })

  const get = (s: AgencySignIn, url: string) => app.inject({ method: 'GET', url: `/agency/api${url}`, headers: s.headers() })

  async function record(personNo: string, certifiedAt: string, over: Partial<CertificationRecordsTable> = {}): Promise<void> {
    const person = await personByNo(app.store.db, personNo)
    await app.store.db.transaction().execute(async (trx) => {
      const row = { id: newId(), person_id: person.id, certified_at: certifiedAt, result: 'passed' as const, method: 'face' as const, channel: 'weapp' as const, performed_by: 'self' as const, performer_account_id: null, created_at: certifiedAt, performer_relation: null, via: null, ...over }
      await trx.insertInto('certification_records').values(row).execute()
      // A pass goes through the one pass path, as every writer of records does.
      if (row.result === 'passed') await applyPass(trx, app.services, { personId: person.id, passDate: shanghaiDate(new Date(certifiedAt)), nowIso: certifiedAt })
    })
  }

  test('without a session: 401, nothing read', async () => {
    for (const url of ['/overview', '/overdue']) {
      const res = await app.inject({ method: 'GET', url: `/agency/api${url}` })
      expect(res.statusCode).toBe(401)
      expect(res.json().error.code).toBe('AGENCY_SIGNIN_REQUIRED')
    }
  })

  test('counts for the whole deployment and for one region, as the 首页 would show each person', async () => {
    const whole = (await get(all, '/overview')).json()
    expect(whole).toMatchObject({
      regionPrefix: '',
      today: '2026-11-27',
      month: '2026-11',
      // 王秀英, 陈玉梅, 赵德胜, 孙淑珍 certified; 李建国 (due 2026-11) and 刘德福 (never, enrolled this month) due; 张桂兰 suspended.
      counts: { persons: 7, receiving: 6, certified: 4, due: 2, overdue: 1, agencySuspended: 0, pendingReview: 0, pendingAppeals: 0, appealsAvailable: true },
      coverage: [
        { regionCode: '11', certified: 2, total: 3 },
        { regionCode: '32', certified: 1, total: 2 },
        { regionCode: '43', certified: 1, total: 2 },
      ],
    })
    const nj = (await get(nanjing, '/overview')).json()
    expect(nj.counts).toMatchObject({ persons: 2, certified: 1, due: 0, overdue: 1, receiving: 1 })
    // 3201 → the next level is the county (6 digits).
    expect(nj.coverage).toEqual([{ regionCode: '320102', certified: 1, total: 2 }])
  })

  test('the overdue trend counts the persons overdue at the start of each of the last 6 months', async () => {
    const trend = (await get(all, '/overview')).json().overdueTrend
    expect(trend.map((t: { month: string }) => t.month)).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'])
    // Everyone was enrolled by the import on 2026-11-27: no one was on the roster at those month starts.
    expect(trend.map((t: { overdue: number }) => t.overdue)).toEqual([0, 0, 0, 0, 0, 0])
    // Two months on: on 1 December 李建国 and 刘德福 (both due 2026-11) were overdue with 张桂兰; on
    // 1 January 孙淑珍 (due 2026-12) too.
    await moveClock(new Date('2027-01-20T10:00:00+08:00'))
    const later = (await get(all, '/overview')).json().overdueTrend
    // None of them was suspended by the agency before the deadline (the repository test covers that sum).
    expect(later.at(-1)).toEqual({ month: '2027-01', overdue: 4, agencySuspended: 0 })
    expect(later.at(-2)).toEqual({ month: '2026-12', overdue: 3, agencySuspended: 0 })
  })

  test('the overdue list: filters, keyset pages, scope; each row in the state the 首页 shows', async () => {
    await moveClock(new Date('2027-01-05T10:00:00+08:00'))
    // 张桂兰 suspended since 2026-09 (5 months), 李建国 and 刘德福 due 2026-11 (2), 孙淑珍 due 2026-12 (1).
    const first = (await get(all, '/overdue?limit=2')).json()
    expect(first.total).toBe(4)
    expect(first.rows).toHaveLength(2)
    const second = (await get(all, `/overdue?limit=2&after=${first.nextAfter}`)).json()
    expect(second.nextAfter).toBeUndefined()
    const rows = [...first.rows, ...second.rows]
    expect(rows.map((r: { personNo: string }) => r.personNo)).toEqual(['DEMO0004', 'DEMO0007', 'DEMO0003', 'DEMO0002'])
    expect(rows.find((r: { personNo: string }) => r.personNo === 'DEMO0003')).toMatchObject({
      nameMasked: '张*兰',
      idNumberMasked: '320***********0468',
      regionCode: '320102',
      insuranceType: 'resident',
      benefitStatus: 'suspended',
      lastCertifiedOn: '2025-08-20',
      suspendedSince: '2026-09-01',
      monthsOverdue: 5,
    })
    expect(rows.find((r: { personNo: string }) => r.personNo === 'DEMO0007')).toMatchObject({ dueMonth: '2026-12', suspendedSince: '2027-01-01', monthsOverdue: 1, suspendedBy: 'deadline' })
    // 张桂兰: suspended on the roster, and past her deadline as well
    expect(rows.find((r: { personNo: string }) => r.personNo === 'DEMO0003')?.suspendedBy).toBe('deadline')
    expect(JSON.stringify(rows)).not.toContain('piiEnc')

    const twoMonths = (await get(all, '/overdue?minMonthsOverdue=2')).json()
    expect(twoMonths.rows.map((r: { personNo: string }) => r.personNo)).toEqual(['DEMO0004', 'DEMO0003', 'DEMO0002'])
    const enterprise = (await get(all, '/overdue?insuranceType=enterprise')).json()
    expect(enterprise.rows.map((r: { personNo: string }) => r.personNo)).toEqual(['DEMO0004', 'DEMO0007'])
    const sub = (await get(all, '/overdue?subRegion=43')).json()
    expect(sub.rows.map((r: { personNo: string }) => r.personNo)).toEqual(['DEMO0002'])

    // Scope: 43 sees only its own; a sub-region outside it is answered like an unknown one.
    expect((await get(changsha, '/overdue')).json().rows.map((r: { personNo: string }) => r.personNo)).toEqual(['DEMO0002'])
    const outside = await get(changsha, '/overdue?subRegion=3201')
    expect(outside.statusCode).toBe(404)
    expect(outside.json().error.code).toBe('AGENCY_OUT_OF_SCOPE')

    // The 首页 of each listed person says 已逾期，暂停发放.
    const { personStatusView } = await import('../../../../server/services/status')
    for (const r of rows) {
      const person = await personByNo(app.store.db, r.personNo)
      expect((await personStatusView(app.services, person)).status).toBe('overdue_suspended')
    }
  })

  test('bad filters and cursors: a plain 400, never a stack trace', async () => {
    for (const q of ['limit=0', 'limit=abc', 'limit=201', 'minMonthsOverdue=-1', 'subRegion=43a', 'insuranceType=gold', 'after=not-a-cursor', `after=${Buffer.from('["43",1]').toString('base64url')}`]) {
      const res = await get(all, `/overdue?${q}`)
      expect({ q, status: res.statusCode }).toEqual({ q, status: 400 })
      expect(res.body).not.toContain(' at ')
    }
  })
  test('passed certifications per ISO week by channel, in the region only; pending ones counted for review', async () => {
    expect((await get(changsha, '/overview')).json().weekly[11].total).toBe(0)
    // This week (Monday 2026-11-23) and three weeks before; one outside the 12 weeks; a failure is not counted.
    await record('DEMO0005', '2026-11-24T02:00:00.000Z') // 本人
    await record('DEMO0005', '2026-11-25T02:00:00.000Z', { performed_by: 'relative', performer_relation: 'child' }) // 家人
    await record('DEMO0002', '2026-11-22T17:00:00.000Z', { via: 'share' }) // Beijing Monday 11-23: 分享
    await record('DEMO0002', '2026-11-27T01:00:00.000Z', { performed_by: 'unit_admin' }) // 单位, not 本人
    await record('DEMO0002', '2026-11-03T02:00:00.000Z', { via: 'notice' }) // week of 11-02: 通知单
    await record('DEMO0002', '2026-11-04T02:00:00.000Z', { method: 'counter', channel: 'agency', performed_by: 'agency' }) // 窗口
    await record('DEMO0005', '2026-11-05T02:00:00.000Z', { method: 'home_visit', channel: 'agency', performed_by: 'agency' }) // 上门
    await record('DEMO0005', '2026-11-06T02:00:00.000Z', { method: 'data_comparison', channel: 'agency', performed_by: 'agency' }) // 静默
    await record('DEMO0005', '2026-11-25T03:00:00.000Z', { result: 'failed' })
    await record('DEMO0005', '2026-06-01T02:00:00.000Z')
    await record('DEMO0003', '2026-11-26T02:00:00.000Z') // 南京: not in 43
    await record('DEMO0003', '2026-11-26T03:00:00.000Z', { result: 'pending_review' })

    // The pending count is read fresh; the charts read above are kept 10 minutes.
    expect((await get(nanjing, '/overview')).json().counts.pendingReview).toBe(1)
    expect((await get(changsha, '/overview')).json().weekly[11].total).toBe(0)
    await moveClock(new Date(DEFAULT_NOW.getTime() + 10 * 60 * 1000))
    const cs = (await get(changsha, '/overview')).json()
    expect(cs.weekly).toHaveLength(12)
    expect(cs.weekly[0]).toMatchObject({ week: '2026-W37', weekStart: '2026-09-07', total: 0 })
    expect(cs.weekly[11]).toEqual({ week: '2026-W48', weekStart: '2026-11-23', total: 4, counts: { self: 1, relative: 1, unit: 1, share: 1, notice: 0, window: 0, home: 0, silent: 0 } })
    expect(cs.weekly[8]).toEqual({ week: '2026-W45', weekStart: '2026-11-02', total: 4, counts: { self: 0, relative: 0, unit: 0, share: 0, notice: 1, window: 1, home: 1, silent: 1 } })
    expect(cs.weekly.reduce((n: number, w: { total: number }) => n + w.total, 0)).toBe(8)
    expect(cs.counts.pendingReview).toBe(0)
  })

  test('a person the agency suspended before her deadline is listed as such (suspendedBy agency), not as late', async () => {
    const chen = await personByNo(app.store.db, 'DEMO0005') // certified this cycle: due again in the autumn
    const before = (await get(all, '/overview')).json().counts
    await app.store.db.updateTable('persons').set({ benefit_status: 'suspended', suspended_since: '2026-12-20' }).where('id', '=', chen.id).execute()
    try {
      const rows = (await get(all, '/overdue')).json().rows
      expect(rows.find((r: { personNo: string }) => r.personNo === 'DEMO0005')).toMatchObject({ benefitStatus: 'suspended', suspendedSince: '2026-12-20', suspendedBy: 'agency' })
      // The headline counts say so apart: she moves from certified to suspended by the agency, not to late.
      const after = (await get(all, '/overview')).json().counts
      expect(after).toMatchObject({
        persons: before.persons,
        receiving: before.receiving - 1,
        certified: before.certified - 1,
        overdue: before.overdue + 1,
        agencySuspended: before.agencySuspended + 1,
      })
    } finally {
      await app.store.db.updateTable('persons').set({ benefit_status: 'normal', suspended_since: null }).where('id', '=', chen.id).execute()
    }
  })

  test('the overdue trend is kept for 10 minutes: a back-dated pass shows after that', async () => {
    // Days after the earlier trend reads: their cached figures have run out.
    await moveClock(new Date('2027-01-25T10:00:00+08:00'))
    const before = (await get(all, '/overview')).json()
    const trendBefore = before.overdueTrend.at(-1)
    expect(trendBefore.month).toBe('2027-01')
    // 孙淑珍 (due 2026-12, overdue now) is recorded as having passed on 20 December: not overdue on 1 January after all.
    await record('DEMO0007', '2026-12-20T02:00:00.000Z', { method: 'home_visit', channel: 'agency', performed_by: 'agency' })
    const cached = (await get(all, '/overview')).json()
    expect(cached.overdueTrend.at(-1)).toEqual(trendBefore)
    // The headline counts are never cached.
    expect(cached.counts.overdue).toBe(before.counts.overdue - 1)
    await moveClock(new Date(h.now.getTime() + 10 * 60 * 1000))
    expect((await get(all, '/overview')).json().overdueTrend.at(-1)).toEqual({ month: '2027-01', overdue: trendBefore.overdue - 1, agencySuspended: 0 })
  })
})
