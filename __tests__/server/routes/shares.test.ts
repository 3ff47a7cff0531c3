/**
 * Share cards on both stores: create (signed, opaque, short, no personal data), open by the parent's
 * account, certify through the card (performer self, via share), the sender's list shows 已认证 at
 * once, and every bad token: forged / unknown (one answer), expired, revoked, used after a pass.
 */
import { createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { SHARE_TOKEN_PATTERN } from '../../../src/core/contracts/share'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { TEST_HMAC_SECRET } from '../helpers/config'
import { DEFAULT_NOW, newCaller, type Harness } from '../helpers/harness'
import { addBody, auditOf, certify, DEMO_SECRETS, familyHarness, personIdOf } from './relatives-support'
import { SUMMARY_FIELDS, SUMMARY_VERSION } from '../../../src/core/liveness/summary'

jest.setTimeout(60_000)

const INVALID = { error: { code: 'SHARE_INVALID', message: '这个分享链接无法识别。请让家人在“银龄认证”的家人列表里重新发送，或直接打开“银龄认证”小程序认证' } }

/** What a forger who knows the format (but not the key) could make, and what the key would make. */
const shareKey = Buffer.from(hkdfSync('sha256', Buffer.from(TEST_HMAC_SECRET), Buffer.alloc(0), 'yinling/share-token', 32))
const signWith = (key: Buffer, id: string) => `${id}.${createHmac('sha256', key).update(`share:v1:${id}`).digest('base64url')}`

describe.each(DIALECTS)('share cards on %s', (dialect) => {
  let h: Harness
  beforeAll(async () => {
    h = (await familyHarness(dialect)).h
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())
  beforeEach(() => {
    h.now = new Date(DEFAULT_NOW)
  })

  async function childWith(key: Parameters<typeof addBody>[1], relation = 'father') {
    const child = newCaller()
    const { relativeId } = (await h.post('/v1/relatives/add', addBody(child, key, relation))).json()
    return { child, relativeId: relativeId as string }
  }

  it('creates a signed, opaque, short token with no personal data; the row holds person, sender, relation, expiry', async () => {
    const { child, relativeId } = await childWith('li', 'father')
    const res = await h.post('/v1/shares/create', { caller: child, relativeId })
    expect(res.statusCode).toBe(200)
    const view = res.json()
    expect(view.token).toMatch(SHARE_TOKEN_PATTERN)
    expect(view.token.length).toBeLessThanOrEqual(100)
    expect(view).toEqual({
      token: view.token,
      path: `/packages/certify/index?share=${view.token}`,
      title: '李*国的养老资格认证',
      expiresAt: new Date(DEFAULT_NOW.getTime() + 7 * 24 * 3600_000).toISOString(),
    })
    const id = view.token.split('.')[0]
    const payload = Buffer.from(id, 'base64url')
    expect(payload.length).toBe(16) // only random bytes: no JSON, no person
    for (const secret of [...DEMO_SECRETS, await personIdOf(h, 'li')]) expect(res.body).not.toContain(secret)
    const row = await h.test.store.db.selectFrom('share_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ relative_id: relativeId, person_id: await personIdOf(h, 'li'), relation: 'father', revoked_at: null, used_after_pass_at: null, expires_at: view.expiresAt })
    expect((await auditOf(h, 'share.created')).at(-1)).toMatchObject({ detail: { shareId: id, relativeId, relation: 'father' } })
    // the list shows the card is out
    const listed = (await h.post('/v1/relatives/list', { caller: child })).json().relatives[0]
    expect(listed.shareActiveUntil).toBe(view.expiresAt)
  })

  it.each([
    ['father', '您的子女'],
    ['mother', '您的子女'],
    ['spouse', '您的配偶'],
    ['other', '您的家人'],
  ])('opening a card sent for a %s greets the opener with 来自%s', async (relation, sender) => {
    const { child, relativeId } = await childWith('sun', relation)
    const { token } = (await h.post('/v1/shares/create', { caller: child, relativeId })).json()
    const parent = newCaller()
    const res = await h.post('/v1/shares/open', { caller: parent, token })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      maskedName: '孙*珍',
      title: '孙*珍的养老资格认证',
      senderLabel: sender,
      fromText: `来自${sender}`,
      expiresAt: expect.any(String),
      nextDueMonthLabel: '2026年12月',
      nextDueDeadlineLabel: '2026年12月31日',
      statusLabel: '已认证',
    })
    for (const secret of DEMO_SECRETS) expect(res.body).not.toContain(secret)
  })

  it('the parent certifies through the card: performer self via share; the sender’s list shows 已认证 at once; the card is then used', async () => {
    const { child, relativeId } = await childWith('liu', 'father')
    const { token } = (await h.post('/v1/shares/create', { caller: child, relativeId })).json()
    const before = (await h.post('/v1/relatives/list', { caller: child })).json().relatives[0]
    expect(before.statusLabel).toBe('待认证')

    const parent = newCaller() // not bound to anything: opening the card is enough
    expect((await h.post('/v1/shares/open', { caller: parent, token })).statusCode).toBe(200)
    const { session, result, status } = await certify(h, parent, { shareToken: token })
    expect(status).toBe(200)
    // no binding, no 家人 link: the result page must not send the parent to 认证记录
    expect(result).toMatchObject({ result: 'passed', maskedName: '刘*福', recordsOf: 'none' })
    expect(result.relativeId).toBeUndefined()

    const liuId = await personIdOf(h, 'liu')
    const row = await h.test.store.db.selectFrom('certification_sessions').selectAll().where('id', '=', session.sessionId).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ performer: 'self', person_id: liuId, via: 'share', via_ref: token.split('.')[0], relation: null })
    const rec = await h.test.store.db.selectFrom('certification_records').selectAll().where('id', '=', String(result.recordId)).executeTakeFirstOrThrow()
    expect(rec).toMatchObject({ performed_by: 'self', via: 'share', channel: 'h5', person_id: liuId })
    expect((await auditOf(h, 'certification.completed')).find((a) => a.detail.sessionId === session.sessionId)).toMatchObject({ detail: { performer: 'self', via: 'share' } })

    const after = (await h.post('/v1/relatives/list', { caller: child })).json().relatives[0]
    expect(after).toMatchObject({ status: 'certified', statusLabel: '已认证', lastResult: { result: 'passed' } })
    expect(after.shareActiveUntil).toBeUndefined()
    const share = await h.test.store.db.selectFrom('share_tokens').selectAll().where('id', '=', token.split('.')[0]).executeTakeFirstOrThrow()
    expect(share.used_after_pass_at).not.toBeNull()

    for (const caller of [parent, newCaller()]) {
      const again = await h.post('/v1/shares/open', { caller, token })
      expect(again.statusCode).toBe(409)
      expect(again.json().error).toEqual({ code: 'SHARE_USED', message: '这次认证已经完成，无需再次认证。可以打开“银龄认证”查看认证状态' })
    }
    expect((await h.post('/v1/certifications/start', { caller: parent, channel: 'h5', shareToken: token })).json().error.code).toBe('SHARE_USED')
  })

  it('a card whose person passed some other way since it was sent → SHARE_USED', async () => {
    const { child, relativeId } = await childWith('zhao', 'father')
    const { token } = (await h.post('/v1/shares/create', { caller: child, relativeId })).json()
    h.now = new Date(DEFAULT_NOW.getTime() + 60_000)
    expect((await certify(h, child, { relativeId })).result).toMatchObject({ result: 'passed' })
    expect((await h.post('/v1/shares/open', { caller: newCaller(), token })).json().error.code).toBe('SHARE_USED')
  })

  it('the sender opening their own card certifies as the relative (performer relative, via share)', async () => {
    const { child, relativeId } = await childWith('chen', 'mother')
    const { token } = (await h.post('/v1/shares/create', { caller: child, relativeId })).json()
    const { session, result } = await certify(h, child, { shareToken: token })
    const row = await h.test.store.db.selectFrom('certification_sessions').selectAll().where('id', '=', session.sessionId).executeTakeFirstOrThrow()
    expect(row).toMatchObject({ performer: 'relative', relation: 'mother', relative_id: relativeId, via: 'share' })
    expect(result).toMatchObject({ recordsOf: 'relative', relativeId })
  })

  it('forged and unknown tokens get one answer (SHARE_INVALID), on open and on start alike', async () => {
    const { child, relativeId } = await childWith('wang', 'mother')
    const { token } = (await h.post('/v1/shares/create', { caller: child, relativeId })).json()
    const [id, mac] = token.split('.')
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
    const bad = [
      `${id}.${flip(mac, 5)}`, // tampered MAC
      `${flip(id, 3)}.${mac}`, // tampered id
      signWith(randomBytes(32), randomBytes(16).toString('base64url')), // signed with another key
      signWith(shareKey, randomBytes(16).toString('base64url')), // right key, no such row (unknown)
      'x'.repeat(30), // malformed
      `${token}.extra`,
    ]
    const stranger = newCaller()
    for (const t of bad) {
      const open = await h.post('/v1/shares/open', { caller: stranger, token: t })
      expect(open.statusCode).toBe(404)
      expect(open.json()).toEqual(INVALID)
      const start = await h.post('/v1/certifications/start', { caller: stranger, channel: 'h5', shareToken: t })
      expect(start.statusCode).toBe(404)
      expect(start.json().error).toMatchObject(INVALID.error)
    }
    expect((await h.post('/v1/shares/open', { caller: stranger, token })).statusCode).toBe(200) // the real one still works
  })

  it('expires after 7 days → SHARE_EXPIRED', async () => {
    const { child, relativeId } = await childWith('wang', 'mother')
    const { token } = (await h.post('/v1/shares/create', { caller: child, relativeId })).json()
    h.now = new Date(DEFAULT_NOW.getTime() + 7 * 24 * 3600_000 - 1000)
    expect((await h.post('/v1/shares/open', { caller: newCaller(), token })).statusCode).toBe(200)
    h.now = new Date(DEFAULT_NOW.getTime() + 7 * 24 * 3600_000)
    const res = await h.post('/v1/shares/open', { caller: newCaller(), token })
    expect(res.statusCode).toBe(410)
    expect(res.json().error).toEqual({ code: 'SHARE_EXPIRED', message: '这个分享链接已过期（7 天内有效）。请让家人重新发送一次' })
  })

  it('revoked by the sender (idempotent) → SHARE_REVOKED; a session started before cannot complete', async () => {
    const { child, relativeId } = await childWith('wang', 'mother')
    const { token } = (await h.post('/v1/shares/create', { caller: child, relativeId })).json()
    const parent = newCaller()
    const session = (await h.post('/v1/certifications/start', { caller: parent, channel: 'h5', shareToken: token })).json()
    const r1 = await h.post('/v1/shares/revoke', { caller: child, token })
    const r2 = await h.post('/v1/shares/revoke', { caller: child, token })
    expect([r1.json(), r2.json()]).toEqual([
      { revoked: true, count: 1 },
      { revoked: true, count: 0 },
    ])
    const res = await h.post('/v1/shares/open', { caller: parent, token })
    expect(res.statusCode).toBe(410)
    expect(res.json().error).toEqual({ code: 'SHARE_REVOKED', message: '家人已撤回这个分享链接。如仍需认证，请让家人重新发送' })
    const done = await h.post('/v1/certifications/complete', { caller: parent, sessionId: session.sessionId, nonce: session.nonce, verdict: { passed: true }, summary: { v: SUMMARY_VERSION, layout: 'mediapipe-478', n: 1, data: new Array(SUMMARY_FIELDS.length).fill(0) } })
    expect(done.json().error.code).toBe('SHARE_REVOKED')
  })

  it('revoking by relativeId revokes all of that relative’s cards; removing the relative revokes them too', async () => {
    const { child, relativeId } = await childWith('li', 'father')
    const a = (await h.post('/v1/shares/create', { caller: child, relativeId })).json().token
    const b = (await h.post('/v1/shares/create', { caller: child, relativeId })).json().token
    expect((await h.post('/v1/shares/revoke', { caller: child, relativeId })).json()).toEqual({ revoked: true, count: 2 })
    for (const t of [a, b]) expect((await h.post('/v1/shares/open', { caller: newCaller(), token: t })).json().error.code).toBe('SHARE_REVOKED')

    const c = (await h.post('/v1/shares/create', { caller: child, relativeId })).json().token
    await h.post('/v1/relatives/remove', { caller: child, relativeId })
    expect((await h.post('/v1/shares/open', { caller: newCaller(), token: c })).json().error.code).toBe('SHARE_REVOKED')
  })

  it('another account cannot revoke a card (SHARE_INVALID, the card keeps working) nor make one for someone else’s relative', async () => {
    const { child, relativeId } = await childWith('sun', 'mother')
    const { token } = (await h.post('/v1/shares/create', { caller: child, relativeId })).json()
    const stranger = newCaller()
    const res = await h.post('/v1/shares/revoke', { caller: stranger, token })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual(INVALID)
    expect((await h.post('/v1/shares/open', { caller: stranger, token })).statusCode).toBe(200)
    expect((await h.post('/v1/shares/create', { caller: stranger, relativeId })).json().error.code).toBe('RELATIVE_NOT_FOUND')
    expect((await auditOf(h, 'share.revoke_refused')).length).toBeGreaterThan(0)
  })

  it('limits cards to 20 a day per account', async () => {
    const { child, relativeId } = await childWith('chen', 'mother')
    for (let i = 0; i < 20; i++) expect((await h.post('/v1/shares/create', { caller: child, relativeId })).statusCode).toBe(200)
    const over = await h.post('/v1/shares/create', { caller: child, relativeId })
    expect(over.statusCode).toBe(429)
    expect(over.json().error.code).toBe('RATE_LIMITED')
  })
})
