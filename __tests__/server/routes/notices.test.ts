/**
 * Printed-notice codes on both stores: issuing (random scene n=<code>, ≤ 32 allowed characters, one
 * per person and cycle), resolving (masked answer; NOTICE_INVALID for unknown and tampered alike;
 * NOTICE_ALREADY_CERTIFIED with the date), certifying from a notice; plus the local QR adapter.
 */
import { noticeH5Url, noticeScene, parseNoticeScene, SCENE_PATTERN } from '../../../src/core/contracts/notices'
import { LocalQrCodes } from '../../../server/wechat/wxacode/local'
import { ensureNoticeCodes, generateNoticeCode } from '../../../server/services/notices'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { DEFAULT_NOW, newCaller, type Harness } from '../helpers/harness'
import { addBody, auditOf, certify, DEMO_SECRETS, familyHarness, PERSON_NO } from './relatives-support'

jest.setTimeout(60_000)

const INVALID = {
  error: { code: 'NOTICE_INVALID', message: '无法识别这个认证码。请核对通知单后重新扫码，或打开“银龄认证”小程序绑定本人后认证，也可拨打通知单上的咨询电话' },
}

describe('notice codes and scenes (pure)', () => {
  it('codes are 12 random characters; the scene n=<code> fits WeChat’s 32 allowed characters', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => generateNoticeCode()))
    expect(codes.size).toBe(2000)
    for (const c of codes) {
      expect(c).toMatch(/^[0-9A-Za-z]{12}$/)
      expect(noticeScene(c)).toMatch(SCENE_PATTERN)
      expect(noticeScene(c).length).toBeLessThanOrEqual(32)
    }
  })

  it('parses the scene as the page gets it (decoded or still encoded), refuses anything else', () => {
    expect(parseNoticeScene('n=Ab3dE5gH7jK9')).toBe('Ab3dE5gH7jK9')
    expect(parseNoticeScene('n%3DAb3dE5gH7jK9')).toBe('Ab3dE5gH7jK9')
    expect(parseNoticeScene(decodeURIComponent('n%3DAb3dE5gH7jK9'))).toBe('Ab3dE5gH7jK9')
    for (const bad of ['n=short', 'x=Ab3dE5gH7jK9', 'n=Ab3dE5gH7jK9!', '%E0%A4%A', 'n=' + 'A'.repeat(40), 42, undefined]) expect(parseNoticeScene(bad)).toBeUndefined()
  })

  it('the local adapter draws a grayscale PNG QR code for the H5 entry page with the scene URL-encoded', async () => {
    const local = new LocalQrCodes({ publicUrl: 'http://127.0.0.1:10086/' })
    const req = { scene: 'n=Ab3dE5gH7jK9', page: 'packages/certify/index' }
    expect(local.url(req)).toBe('http://127.0.0.1:10086/packages/certify/index?scene=n%3DAb3dE5gH7jK9')
    expect(local.url(req)).toBe(noticeH5Url('http://127.0.0.1:10086', 'Ab3dE5gH7jK9'))
    const img = await local.render(req)
    expect(img.format).toBe('png')
    expect(img.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(img.bytes.readUInt8(25)).toBe(0) // IHDR colour type 0: grayscale, no alpha
  })
})

describe.each(DIALECTS)('notices on %s', (dialect) => {
  let h: Harness
  const codes = {} as Record<'wang' | 'li' | 'liu', string>
  beforeAll(async () => {
    h = (await familyHarness(dialect)).h
    const db = h.test.store.db
    for (const key of ['wang', 'li', 'liu'] as const) {
      const person = await db.selectFrom('persons').selectAll().where('person_no', '=', PERSON_NO[key]).executeTakeFirstOrThrow()
      const cycle = key === 'wang' ? 2026 : 2027
      codes[key] = (await ensureNoticeCodes(db, [person], cycle, DEFAULT_NOW.toISOString())).get(person.id)!
    }
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())
  beforeEach(() => {
    h.now = new Date(DEFAULT_NOW)
  })

  it('issues one code per person and cycle: issuing again reuses it', async () => {
    const db = h.test.store.db
    const li = await db.selectFrom('persons').selectAll().where('person_no', '=', PERSON_NO.li).executeTakeFirstOrThrow()
    expect((await ensureNoticeCodes(db, [li], 2027, DEFAULT_NOW.toISOString())).get(li.id)).toBe(codes.li)
    const row = await db.selectFrom('notice_codes').selectAll().where('code', '=', codes.li).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ person_id: li.id, cycle: 2027, region_code: '430102' })
  })

  it('resolves a code for any signed-in account: masked name, cycle, deadline, status, and the agency of the person’s region', async () => {
    const res = await h.post('/v1/notices/resolve', { caller: newCaller(), code: codes.li })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      maskedName: '李*国',
      cycle: 2027,
      nextDueMonthLabel: '2026年11月',
      nextDueDeadlineLabel: '2026年11月30日',
      statusLabel: '待认证',
      // from the roster person's region (430102), not from anything in the code
      agency: { name: '长沙市芙蓉区社会保险服务中心', hotline: '12333' },
    })
    for (const secret of DEMO_SECRETS) expect(res.body).not.toContain(secret)
    expect((await auditOf(h, 'notice.resolved')).length).toBeGreaterThan(0)
  })

  it('unknown and tampered codes get one answer (NOTICE_INVALID)', async () => {
    const flip = (s: string) => s.slice(0, 4) + (s[4] === 'A' ? 'B' : 'A') + s.slice(5)
    for (const code of [flip(codes.li), generateNoticeCode(), 'short', codes.li + 'X', 'n=' + codes.li, '']) {
      const res = await h.post('/v1/notices/resolve', { caller: newCaller(), code })
      expect(res.statusCode).toBe(404)
      expect(res.json()).toEqual(INVALID)
      const start = await h.post('/v1/certifications/start', { caller: newCaller(), channel: 'h5', noticeCode: code })
      expect(start.statusCode).toBe(404)
      expect(start.json().error).toMatchObject(INVALID.error)
    }
  })

  it('a person who already passed in the notice’s year → NOTICE_ALREADY_CERTIFIED with the date', async () => {
    // 王秀英 passed on 2026-03-15 (roster); her code is for the 2026 cycle
    const res = await h.post('/v1/notices/resolve', { caller: newCaller(), code: codes.wang })
    expect(res.statusCode).toBe(409)
    // The day also travels as a checked fact (detail), from which the client composes its own sentence.
    expect(res.json().error).toEqual({ code: 'NOTICE_ALREADY_CERTIFIED', message: '本年度已于2026年3月15日完成认证，无需再次认证', detail: { passedOn: '2026-03-15' } })
    // Starting a certification from that notice is refused the same way.
    const start = await h.post('/v1/certifications/start', { caller: newCaller(), channel: 'h5', noticeCode: codes.wang })
    expect(start.statusCode).toBe(409)
    expect(start.json().error).toEqual({ code: 'NOTICE_ALREADY_CERTIFIED', message: '本年度已于2026年3月15日完成认证，无需再次认证', detail: { passedOn: '2026-03-15' } })
  })

  it('the scanner certifies that person from the notice (performer self, via notice); afterwards the notice says so', async () => {
    h.now = new Date('2027-01-05T10:00:00+08:00')
    const scanner = newCaller()
    const { session, result, status } = await certify(h, scanner, { noticeCode: codes.liu })
    expect(status).toBe(200)
    expect(result).toMatchObject({ result: 'passed' })
    const row = await h.test.store.db.selectFrom('certification_sessions').selectAll().where('id', '=', session.sessionId).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ performer: 'self', via: 'notice', via_ref: codes.liu })
    const rec = await h.test.store.db.selectFrom('certification_records').selectAll().where('id', '=', String(result.recordId)).executeTakeFirstOrThrow()
    expect(rec).toMatchObject({ performed_by: 'self', via: 'notice' })
    const again = await h.post('/v1/notices/resolve', { caller: scanner, code: codes.liu })
    expect(again.json().error).toEqual({ code: 'NOTICE_ALREADY_CERTIFIED', message: '本年度已于2027年1月5日完成认证，无需再次认证', detail: { passedOn: '2027-01-05' } })
  })

  it('a scanner who has the person among their 家人 certifies as the relative', async () => {
    h.now = new Date('2027-01-06T10:00:00+08:00')
    const child = newCaller()
    await h.post('/v1/relatives/add', addBody(child, 'li', 'father'))
    const { session } = await certify(h, child, { noticeCode: codes.li })
    const row = await h.test.store.db.selectFrom('certification_sessions').selectAll().where('id', '=', session.sessionId).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ performer: 'relative', relation: 'father', via: 'notice' })
  })

  it('needs a signed-in account (no caller → UNAUTHENTICATED)', async () => {
    const res = await h.post('/v1/notices/resolve', { code: codes.li })
    expect(res.statusCode).toBe(401)
    expect(res.json().error.code).toBe('UNAUTHENTICATED')
  })
})
