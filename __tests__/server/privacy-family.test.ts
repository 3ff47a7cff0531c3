/**
 * A full 家人 / share / notice / 认证查询 run through the app with the log stream captured (level
 * trace), then a search of every log line, every stored token row, notice code, session reference and
 * audit entry, and every token, path, scene and URL the run produced, for any demo person's full name
 * or ID number: none may appear. (Names are printed only on the mailed PDF, by design.)
 */
import { noticeScene } from '../../src/core/contracts/notices'
import { CERTIFY_ENTRY_PAGE } from '../../src/core/contracts/share'
import { LocalQrCodes } from '../../server/wechat/wxacode/local'
import { ensureNoticeCodes } from '../../server/services/notices'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../support/db'
import { DEMO } from './helpers/demo'
import { newCaller, type Harness } from './helpers/harness'
import { addBody, certify, DEMO_SECRETS, familyHarness, PERSON_NO } from './routes/relatives-support'

jest.setTimeout(120_000)

describe.each(DIALECTS)('no name or ID number leaks from a family / share / notice run on %s', (dialect) => {
  let h: Harness
  beforeAll(async () => {
    h = (await familyHarness(dialect)).h
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  it('logs, stored tokens, scenes, share rows, audit entries and produced URLs carry none', async () => {
    const produced: string[] = []
    const bodies: string[] = []
    const post = async (route: string, body: Record<string, unknown>) => {
      const res = await h.post(route, body)
      bodies.push(res.body)
      return res
    }

    // 家人: a failed add, a good one, the list
    const child = newCaller()
    await post('/v1/relatives/add', { ...addBody(child, 'wang', 'mother'), name: '王秀兰' })
    const { relativeId } = (await post('/v1/relatives/add', addBody(child, 'wang', 'mother'))).json()
    await post('/v1/relatives/add', addBody(child, 'li', 'father'))
    await post('/v1/relatives/list', { caller: child })

    // share card: create, a forged open, the parent opens and certifies through it, opened again
    const share = (await post('/v1/shares/create', { caller: child, relativeId })).json()
    produced.push(share.token, share.path, share.title)
    await post('/v1/shares/open', { caller: newCaller(), token: share.token.slice(0, -2) + 'AA' })
    const parent = newCaller()
    await post('/v1/shares/open', { caller: parent, token: share.token })
    const viaShare = await certify(h, parent, { shareToken: share.token })
    expect(viaShare.result).toMatchObject({ result: 'passed' })
    await post('/v1/shares/open', { caller: parent, token: share.token })

    // 代他人认证 of 李建国 on the child's phone
    const li = (await post('/v1/relatives/list', { caller: child })).json().relatives.find((r: { maskedName: string }) => r.maskedName === '李*国')
    expect((await certify(h, child, { relativeId: li.relativeId })).result).toMatchObject({ result: 'passed' })

    // printed notice: codes for two persons, resolve, a tampered scene, certify from it
    const db = h.test.store.db
    const persons = await db.selectFrom('persons').selectAll().where('person_no', 'in', [PERSON_NO.liu, PERSON_NO.sun]).execute()
    const codes = await ensureNoticeCodes(db, persons, 2027, h.now.toISOString())
    const local = new LocalQrCodes({ publicUrl: 'http://127.0.0.1:10086' })
    for (const code of codes.values()) produced.push(noticeScene(code), local.url({ scene: noticeScene(code), page: CERTIFY_ENTRY_PAGE }))
    const [code] = codes.values()
    await post('/v1/notices/resolve', { caller: newCaller(), code })
    await post('/v1/notices/resolve', { caller: newCaller(), code: code.slice(0, -1) + 'z' })
    await certify(h, newCaller(), { noticeCode: code })

    // 认证查询: a good one and a mismatch
    const asker = newCaller()
    await post('/v1/queries/status', { caller: asker, name: DEMO.zhang.name, idNumber: DEMO.zhang.idNumber })
    await post('/v1/queries/status', { caller: asker, name: '张桂芳', idNumber: DEMO.zhang.idNumber })

    // ── the search ──
    const logs = h.logs()
    expect(logs.length).toBeGreaterThan(1000) // the run was logged (level trace)
    await h.app.services.readAudit?.flush() // the reads' audit rows, written just after each answer
    const stored = JSON.stringify({
      shares: await db.selectFrom('share_tokens').selectAll().execute(),
      notices: await db.selectFrom('notice_codes').selectAll().execute(),
      relatives: await db.selectFrom('relatives').selectAll().execute(),
      sessions: await db.selectFrom('certification_sessions').select(['id', 'via', 'via_ref', 'relation', 'relative_id', 'identity_step', 'answer']).execute(),
      records: await db.selectFrom('certification_records').selectAll().execute(),
      audit: await db.selectFrom('audit_log').selectAll().execute(),
      readAudit: await db.selectFrom('read_audit_log').selectAll().execute(),
    })
    for (const secret of DEMO_SECRETS) {
      expect(logs).not.toContain(secret)
      expect(stored).not.toContain(secret)
      for (const p of produced) expect(p).not.toContain(secret)
      for (const b of bodies) expect(b).not.toContain(secret)
    }
    // Nothing in the produced paths looks like an ID number (18 characters of digits/X) either.
    for (const p of produced) expect(p).not.toMatch(/\d{17}[\dX]/)
    // URLs logged by the server are routes only: no tokens or codes in them.
    for (const url of logs.match(/"url":"[^"]*"/g) ?? []) expect(url).toMatch(/^"url":"\/(v1\/[a-z/-]+|healthz)"$/)
  })
})
