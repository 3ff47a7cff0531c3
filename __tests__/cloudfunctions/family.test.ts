/**
 * The 家人 / share / notice / 认证查询 cloud functions: what reaches the backend (the caller from the
 * platform, never from the event), format errors answered without a backend call, and the opaque
 * references (token, scene) refused with the same code as an unknown one. startCertification's new
 * subjects are passed through, one at a time.
 */
import { ok } from '../../src/core/errors'
import { HANDLERS } from '../../cloudfunctions/handlers'
import { deps, FakeBackend } from './fakes'

const { addRelative, listRelatives, removeRelative, createShare, openShare, revokeShare, resolveNotice, queryStatus, startCertification } = HANDLERS

const caller = { platform: 'wechat', openid: 'oWx_test_openid_000001' }
const RELATIVE_ID = '6f1c7a52-6a0b-4c55-9d1e-3f5a9b0c1d2e'
const TOKEN = `${'A'.repeat(22)}.${'B'.repeat(43)}`
const VALID_ID = '110101195203140127'
const relativeView = { relativeId: RELATIVE_ID, maskedName: '王*英', relation: 'mother', relationLabel: '母亲', status: 'certified', statusLabel: '已认证', nextDueDate: '2027-03-01', nextDueMonthLabel: '2027年3月', nextDueDeadlineLabel: '2027年3月31日', addedAt: '2026-11-27T02:00:00.000Z' } as const

test('every new function is registered for the gateway and build:cloud', () => {
  for (const name of ['addRelative', 'listRelatives', 'removeRelative', 'createShare', 'openShare', 'revokeShare', 'resolveNotice', 'queryStatus']) {
    expect(typeof (HANDLERS as Record<string, unknown>)[name]).toBe('function')
  }
})

describe('addRelative', () => {
  test('normalised fields + caller go to /v1/relatives/add; a caller in the event is ignored', async () => {
    const backend = new FakeBackend().answer('/v1/relatives/add', ok(relativeView))
    const res = await addRelative({ name: ' 王秀英 ', idNumber: '11010119520314012 7'.replace(' ', ''), relation: 'mother', caller: { platform: 'wechat', openid: 'someone_else_1' } }, deps(backend))
    expect(res).toEqual({ ok: true, data: relativeView })
    expect(backend.calls).toEqual([{ route: '/v1/relatives/add', body: { caller, name: '王秀英', idNumber: VALID_ID, relation: 'mother' } }])
  })

  test.each([
    [{ name: '王秀英', idNumber: VALID_ID, relation: 'son' }, 'RELATION_INVALID', 'relation'],
    [{ name: '王秀英', idNumber: VALID_ID }, 'RELATION_INVALID', 'relation'],
    [{ name: 'Wang', idNumber: VALID_ID, relation: 'mother' }, 'NAME_INVALID', 'name'],
    [{ name: '王秀英', idNumber: '110101195203140128', relation: 'mother' }, 'ID_CHECKSUM', 'idNumber'],
  ])('bad input %j → %s on %s, backend not called', async (event, code, field) => {
    const backend = new FakeBackend()
    expect(await addRelative(event, deps(backend))).toMatchObject({ ok: false, error: { code, field } })
    expect(backend.calls).toHaveLength(0)
  })
})

describe('list / remove / share', () => {
  test('listRelatives sends only the caller', async () => {
    const backend = new FakeBackend().answer('/v1/relatives/list', ok({ relatives: [relativeView], max: 8 }))
    expect((await listRelatives({ anything: 1 }, deps(backend))).ok).toBe(true)
    expect(backend.calls).toEqual([{ route: '/v1/relatives/list', body: { caller } }])
  })

  test('removeRelative / createShare pass the relativeId; a malformed one → RELATIVE_NOT_FOUND without a call', async () => {
    const backend = new FakeBackend().answer('/v1/relatives/remove', ok({ removed: true as const })).answer('/v1/shares/create', ok({ token: TOKEN, path: `/packages/certify/index?share=${TOKEN}`, title: '王*英的养老资格认证', expiresAt: 'x' }))
    await removeRelative({ relativeId: RELATIVE_ID }, deps(backend))
    await createShare({ relativeId: RELATIVE_ID }, deps(backend))
    expect(backend.calls).toEqual([
      { route: '/v1/relatives/remove', body: { caller, relativeId: RELATIVE_ID } },
      { route: '/v1/shares/create', body: { caller, relativeId: RELATIVE_ID } },
    ])
    for (const h of [removeRelative, createShare]) {
      expect(await h({ relativeId: '110101195203140127' }, deps(new FakeBackend()))).toMatchObject({ ok: false, error: { code: 'RELATIVE_NOT_FOUND' } })
    }
  })

  test('openShare: a malformed token is SHARE_INVALID (as a forged one would be) without a call', async () => {
    const backend = new FakeBackend().failWith('/v1/shares/open', 'SHARE_INVALID')
    const forged = await openShare({ token: TOKEN }, deps(backend))
    const malformed = await openShare({ token: 'not-a-token' }, deps(new FakeBackend()))
    expect(forged).toMatchObject({ ok: false, error: { code: 'SHARE_INVALID' } })
    expect(malformed).toMatchObject({ ok: false, error: { code: 'SHARE_INVALID', message: forged.ok ? '' : forged.error.message } })
    expect(backend.calls).toEqual([{ route: '/v1/shares/open', body: { caller, token: TOKEN } }])
  })

  test('revokeShare: by token or by relativeId', async () => {
    const backend = new FakeBackend().answer('/v1/shares/revoke', ok({ revoked: true as const, count: 1 }))
    await revokeShare({ token: TOKEN }, deps(backend))
    await revokeShare({ relativeId: RELATIVE_ID }, deps(backend))
    expect(backend.calls.map((c) => c.body)).toEqual([
      { caller, token: TOKEN },
      { caller, relativeId: RELATIVE_ID },
    ])
    expect(await revokeShare({}, deps(new FakeBackend()))).toMatchObject({ ok: false, error: { code: 'SHARE_INVALID' } })
  })
})

describe('resolveNotice', () => {
  test.each([['n=Ab3dE5gH7jK9'], ['n%3DAb3dE5gH7jK9']])('scene %s → the code goes to the backend', async (scene) => {
    const backend = new FakeBackend().answer('/v1/notices/resolve', ok({ maskedName: '李*国', cycle: 2027, nextDueMonthLabel: '2026年11月', nextDueDeadlineLabel: '2026年11月30日', statusLabel: '待认证', agency: { name: '长沙市芙蓉区社会保险服务中心', hotline: '12333' } }))
    expect((await resolveNotice({ scene }, deps(backend))).ok).toBe(true)
    expect(backend.calls).toEqual([{ route: '/v1/notices/resolve', body: { caller, code: 'Ab3dE5gH7jK9' } }])
  })

  test('{code} works too; anything else → NOTICE_INVALID without a call', async () => {
    const backend = new FakeBackend().answer('/v1/notices/resolve', ok({ maskedName: '李*国', cycle: 2027, nextDueMonthLabel: '2026年11月', nextDueDeadlineLabel: '2026年11月30日', statusLabel: '待认证', agency: { name: '长沙市芙蓉区社会保险服务中心', hotline: '12333' } }))
    await resolveNotice({ code: 'Ab3dE5gH7jK9' }, deps(backend))
    expect(backend.calls).toHaveLength(1)
    for (const event of [{ scene: 'x=Ab3dE5gH7jK9' }, { scene: 'n=short' }, { code: '110101195203140127' }, {}, null, { scene: 42 }]) {
      const b = new FakeBackend()
      expect(await resolveNotice(event, deps(b))).toEqual({ ok: false, error: { code: 'NOTICE_INVALID', message: expect.any(String) } })
      expect(b.calls).toHaveLength(0)
    }
  })
})

describe('queryStatus', () => {
  test('name + normalised ID go to /v1/queries/status; a bad ID number is refused here', async () => {
    const backend = new FakeBackend().failWith('/v1/queries/status', 'RATE_LIMITED')
    expect(await queryStatus({ name: '王秀英', idNumber: VALID_ID.toLowerCase() }, deps(backend))).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } })
    expect(backend.calls).toEqual([{ route: '/v1/queries/status', body: { caller, name: '王秀英', idNumber: VALID_ID } }])
    expect(await queryStatus({ name: '王秀英', idNumber: '123' }, deps(new FakeBackend()))).toMatchObject({ ok: false, error: { code: 'ID_LENGTH', field: 'idNumber' } })
  })
})

describe('startCertification subjects', () => {
  test.each([[{ relativeId: RELATIVE_ID }], [{ shareToken: TOKEN }], [{ noticeCode: 'Ab3dE5gH7jK9' }]])('%j is passed through with the caller and channel', async (subject) => {
    const backend = new FakeBackend().failWith('/v1/certifications/start', 'SERVICE_UNAVAILABLE')
    await startCertification(subject, deps(backend))
    expect(backend.calls).toEqual([{ route: '/v1/certifications/start', body: { caller, channel: 'weapp', ...subject } }])
  })

  test('two subjects at once, or malformed references, are refused without a call', async () => {
    const b = new FakeBackend()
    expect(await startCertification({ relativeId: RELATIVE_ID, shareToken: TOKEN }, deps(b))).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } })
    expect(await startCertification({ shareToken: 'forged' }, deps(b))).toMatchObject({ ok: false, error: { code: 'SHARE_INVALID' } })
    expect(await startCertification({ noticeCode: 'n=Ab3dE5gH7jK9' }, deps(b))).toMatchObject({ ok: false, error: { code: 'NOTICE_INVALID' } })
    expect(await startCertification({ relativeId: 'x' }, deps(b))).toMatchObject({ ok: false, error: { code: 'RELATIVE_NOT_FOUND' } })
    expect(b.calls).toHaveLength(0)
  })
})
