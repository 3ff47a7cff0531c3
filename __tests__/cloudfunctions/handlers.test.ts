import { validateIdNumber } from '../../src/core/id-number'
import { ok } from '../../src/core/errors'
import type { BindingView, LoginView, StatusView } from '../../src/core/contracts/views'
import { HANDLERS, isCloudFunctionName } from '../../cloudfunctions/handlers'
import { forward } from '../../cloudfunctions/_shared/forward'
import { API_NAMES } from '../../src/core/contracts/endpoints'
import { CLOUD_FUNCTION_NAMES } from '../../src/core/contracts/functions'
import type { BackendPort } from '../../cloudfunctions/_shared/ports'
import { deps, FakeBackend } from './fakes'
import { SUMMARY_FIELDS, SUMMARY_VERSION } from '../../src/core/liveness/summary'

const { login, bindIdentity, unbindIdentity, getStatus, listRecords, localSscAuthorize } = HANDLERS

const VALID_ID = '110101195203140127'
const person = { maskedName: '王*英', maskedIdNumber: '110***********0127', insuranceType: 'enterprise' as const, insuranceLabel: '企业职工基本养老保险' }
const binding: BindingView = { bound: true, person, boundAt: '2026-11-27T02:00:00.000Z' }
const manual = { method: 'manual', name: '王秀英', idNumber: VALID_ID, cardNumber: 'a00000001', insuranceType: 'enterprise' }
const caller = { platform: 'wechat', openid: 'oWx_test_openid_000001' }
const completeCertificationEvent = {
  sessionId: '2f1c7a52-6a0b-4c55-9d1e-3f5a9b0c1d2e',
  nonce: 'AbCdEfGhIjKlMnOpQrStUvWxYz012345',
  verdict: { passed: true },
  summary: { v: SUMMARY_VERSION, layout: 'mediapipe-478', n: 1, data: new Array(SUMMARY_FIELDS.length).fill(0) },
}
/** A valid event for each handler, so the tests below reach the backend port. */
/** Valid events of the 家人 / share / notice / query functions (issue 5). */
const FAMILY_EVENTS: Record<string, unknown> = {
  addRelative: { name: '王秀英', idNumber: VALID_ID, relation: 'mother' },
  removeRelative: { relativeId: '6f1c7a52-6a0b-4c55-9d1e-3f5a9b0c1d2e' },
  createShare: { relativeId: '6f1c7a52-6a0b-4c55-9d1e-3f5a9b0c1d2e' },
  openShare: { token: `${'A'.repeat(22)}.${'B'.repeat(43)}` },
  revokeShare: { token: `${'A'.repeat(22)}.${'B'.repeat(43)}` },
  resolveNotice: { scene: 'n=Ab3dE5gH7jK9' },
  queryStatus: { name: '王秀英', idNumber: VALID_ID },
  claimUnitInvite: { code: 'ABCD2345' },
  cancelCertification: { sessionId: completeCertificationEvent.sessionId, nonce: completeCertificationEvent.nonce, reason: 'left_page' },
}
const validEvent = (name: string): unknown =>
  name in FAMILY_EVENTS ? FAMILY_EVENTS[name] : name === 'bindIdentity' ? manual : name === 'localSscAuthorize' ? { name: '王秀英', idNumber: VALID_ID } : name === 'completeCertification' ? completeCertificationEvent : name === 'fileAppeal' ? { kind: 'appeal', reason: 'face_failed', phone: '13800135678' } : {}

test('fixture ID number is valid', () => {
  expect(validateIdNumber(VALID_ID, '2026-11-27').valid).toBe(true)
})

describe('registry', () => {
  test('every contract function has a handler and a folder', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([...CLOUD_FUNCTION_NAMES].sort())
    expect(isCloudFunctionName('login')).toBe(true)
    expect(isCloudFunctionName('toString')).toBe(false)
    expect(isCloudFunctionName('__proto__')).toBe(false)
  })
})

describe('every handler', () => {
  test.each(CLOUD_FUNCTION_NAMES)('%s without a platform identity → UNAUTHENTICATED, backend not called', async (name) => {
    const backend = new FakeBackend()
    const result = await HANDLERS[name]({}, deps(backend, { caller: null }))
    expect(result).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: '请先登录' } })
    expect(backend.calls).toHaveLength(0)
  })

  test.each(CLOUD_FUNCTION_NAMES)('%s never throws: a throwing port becomes INTERNAL', async (name) => {
    const exploding: BackendPort = { post: async () => { throw new Error('boom with 110101195203140127') } }
    const spy = jest.spyOn(console, 'error').mockImplementation(() => {})
    const result = await HANDLERS[name](validEvent(name), deps(exploding))
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    // Logs carry no event data or error message (could hold personal data).
    expect(spy.mock.calls.flat().join(' ')).not.toContain('110101195203140127')
    spy.mockRestore()
  })

  test.each(CLOUD_FUNCTION_NAMES)('%s passes SERVICE_UNAVAILABLE through', async (name) => {
    const backend: BackendPort = { post: async () => ({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } }) }
    expect(await HANDLERS[name](validEvent(name), deps(backend))).toEqual({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
  })
})

describe('login', () => {
  test('sends only the caller, answers the backend view', async () => {
    const view: LoginView = { bound: true, person }
    const backend = new FakeBackend().answer('/v1/accounts/login', ok(view))
    // A client-supplied caller or openid in the event is ignored.
    const result = await login({ caller: { platform: 'wechat', openid: 'someone_else_123' }, openid: 'x' }, deps(backend))
    expect(result).toEqual({ ok: true, data: view })
    expect(backend.calls).toEqual([{ route: '/v1/accounts/login', body: { caller } }])
  })
})

describe('bindIdentity', () => {
  test('manual: normalised fields go to /v1/bindings/manual with the caller', async () => {
    const backend = new FakeBackend().answer('/v1/bindings/manual', ok(binding))
    const result = await bindIdentity({ ...manual, name: ' 王秀英 ', idNumber: ' 11010119520314012x'.replace('x', '7'), userInfo: { openId: 'spoof' } }, deps(backend))
    expect(result).toEqual({ ok: true, data: binding })
    expect(backend.calls).toEqual([
      { route: '/v1/bindings/manual', body: { caller, name: '王秀英', idNumber: VALID_ID, cardNumber: 'A00000001', insuranceType: 'enterprise' } },
    ])
  })

  test('ssc: the authorisation goes to /v1/bindings/ssc', async () => {
    const backend = new FakeBackend().answer('/v1/bindings/ssc', ok(binding))
    const authorization = 'x'.repeat(40)
    expect(await bindIdentity({ method: 'ssc', authorization }, deps(backend))).toEqual({ ok: true, data: binding })
    expect(backend.calls).toEqual([{ route: '/v1/bindings/ssc', body: { caller, authorization } }])
  })

  test.each([
    [{ ...manual, name: 'Wang' }, 'NAME_INVALID', 'name'],
    [{ ...manual, name: 42 }, 'NAME_INVALID', 'name'],
    [{ ...manual, idNumber: undefined }, 'ID_LENGTH', 'idNumber'],
    [{ ...manual, idNumber: '1101011952031401' }, 'ID_LENGTH', 'idNumber'],
    [{ ...manual, idNumber: '110101520314012' }, 'ID_LEGACY_15', 'idNumber'],
    [{ ...manual, idNumber: '11010119520314A127' }, 'ID_ILLEGAL_CHARS', 'idNumber'],
    [{ ...manual, idNumber: '110101195213140127' }, 'ID_BIRTH_DATE', 'idNumber'],
    [{ ...manual, idNumber: '110101203003140127' }, 'ID_BIRTH_DATE', 'idNumber'],
    [{ ...manual, idNumber: '110101195203140128' }, 'ID_CHECKSUM', 'idNumber'],
    [{ ...manual, idNumber: '1'.repeat(40) }, 'ID_LENGTH', 'idNumber'],
    [{ ...manual, cardNumber: 'A-1' }, 'CARD_NUMBER_INVALID', 'cardNumber'],
    [{ ...manual, insuranceType: 'private' }, 'INSURANCE_TYPE_INVALID', 'insuranceType'],
    [{ ...manual, insuranceType: undefined }, 'INSURANCE_TYPE_INVALID', 'insuranceType'],
    [{ method: 'ssc', authorization: 'short' }, 'SSC_AUTH_INVALID', 'authorization'],
    [{ method: 'ssc' }, 'SSC_AUTH_INVALID', 'authorization'],
    [{ method: 'carrier-pigeon' }, 'VALIDATION_FAILED', 'method'],
    [{}, 'VALIDATION_FAILED', 'method'],
    [null, 'VALIDATION_FAILED', 'method'],
    ['not an object', 'VALIDATION_FAILED', undefined],
  ])('bad input %j → %s on %s, backend not called', async (event, code, field) => {
    const backend = new FakeBackend()
    const result = await bindIdentity(event, deps(backend))
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe(code)
    expect(result.error.field).toBe(field)
    expect(typeof result.error.message).toBe('string')
    expect(result.error.message).toMatch(/[\u4e00-\u9fa5]/)
    expect(backend.calls).toHaveLength(0)
  })

  test.each([
    ['PERSON_NOT_FOUND', undefined, '未找到参保信息，请核对后重试或联系当地社保经办机构'],
    ['DETAILS_MISMATCH', undefined, '填写的信息与参保登记信息不一致，请核对后重试'],
    ['PERSON_BOUND_ELSEWHERE', undefined, undefined],
    ['ACCOUNT_ALREADY_BOUND', undefined, undefined],
    ['RATE_LIMITED', undefined, undefined],
    ['CARD_NUMBER_INVALID', 'cardNumber', undefined],
  ] as const)('backend refusal %s passes through', async (code, field, message) => {
    const backend = new FakeBackend().failWith('/v1/bindings/manual', code, field)
    const result = await bindIdentity(manual, deps(backend))
    expect(result).toMatchObject({ ok: false, error: { code, ...(field ? { field } : {}), ...(message ? { message } : {}) } })
  })
})

describe('unbindIdentity / getStatus', () => {
  test('unbind calls /v1/bindings/unbind', async () => {
    const backend = new FakeBackend().answer('/v1/bindings/unbind', ok({ unbound: true as const }))
    expect(await unbindIdentity({}, deps(backend))).toEqual({ ok: true, data: { unbound: true } })
    expect(backend.calls).toEqual([{ route: '/v1/bindings/unbind', body: { caller } }])
  })

  test('status passes the view through', async () => {
    const view: StatusView = { bound: false }
    const backend = new FakeBackend().answer('/v1/status', ok(view))
    expect(await getStatus(undefined, deps(backend))).toEqual({ ok: true, data: view })
    expect(backend.calls).toEqual([{ route: '/v1/status', body: { caller } }])
  })

  test('status: NOT_BOUND from the backend passes through', async () => {
    const backend = new FakeBackend().failWith('/v1/status', 'NOT_BOUND')
    expect(await getStatus({}, deps(backend))).toEqual({ ok: false, error: { code: 'NOT_BOUND', message: '请先绑定本人社保卡' } })
  })
})

describe('listRecords', () => {
  test('defaults limit to 20', async () => {
    const backend = new FakeBackend().answer('/v1/records', ok({ records: [] }))
    expect(await listRecords({}, deps(backend))).toEqual({ ok: true, data: { records: [] } })
    expect(backend.calls).toEqual([{ route: '/v1/records', body: { caller, limit: 20 } }])
  })

  test('passes limit and before', async () => {
    const backend = new FakeBackend().answer('/v1/records', ok({ records: [] }))
    await listRecords({ limit: 5, before: '2026-01-01T00:00:00.000Z' }, deps(backend))
    expect(backend.calls[0].body).toEqual({ caller, limit: 5, before: '2026-01-01T00:00:00.000Z' })
  })

  test('a 家人’s records: the opaque relativeId goes to the backend; a malformed one is refused as unknown, unsent', async () => {
    const relativeId = '6f1c7a52-6a0b-4c55-9d1e-3f5a9b0c1d2e'
    const backend = new FakeBackend().answer('/v1/records', ok({ records: [] }))
    await listRecords({ limit: 50, relativeId }, deps(backend))
    expect(backend.calls[0].body).toEqual({ caller, limit: 50, relativeId })
    const bad = await listRecords({ relativeId: 'not-a-uuid' }, deps(backend))
    expect(bad).toMatchObject({ ok: false, error: { code: 'RELATIVE_NOT_FOUND' } })
    expect(backend.calls).toHaveLength(1)
  })

  test.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ limit: 2.5 }, 'limit'],
    [{ limit: '10' }, 'limit'],
    [{ before: 'yesterday' }, 'before'],
  ])('bad query %j → VALIDATION_FAILED on %s', async (event, field) => {
    const backend = new FakeBackend()
    expect(await listRecords(event, deps(backend))).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: '填写的内容有误，请检查后重试', field } })
    expect(backend.calls).toHaveLength(0)
  })
})

describe('localSscAuthorize', () => {
  test('refused in production before anything else', async () => {
    const backend = new FakeBackend()
    const result = await localSscAuthorize({ name: '王秀英', idNumber: VALID_ID }, deps(backend, { production: true }))
    expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN_IN_PRODUCTION', message: '该功能仅在本地演示环境可用' } })
    expect(backend.calls).toHaveLength(0)
  })

  test('locally: asks the backend adapter', async () => {
    const backend = new FakeBackend().answer('/v1/ssc/local-authorize', ok({ authorization: 'signed-token-abcdefgh' }))
    expect(await localSscAuthorize({ name: '王秀英', idNumber: VALID_ID.toLowerCase() }, deps(backend))).toEqual({
      ok: true,
      data: { authorization: 'signed-token-abcdefgh' },
    })
    expect(backend.calls).toEqual([{ route: '/v1/ssc/local-authorize', body: { caller, name: '王秀英', idNumber: VALID_ID } }])
  })

  test('validates name and ID number', async () => {
    const backend = new FakeBackend()
    expect(await localSscAuthorize({ name: '', idNumber: VALID_ID }, deps(backend))).toMatchObject({ ok: false, error: { code: 'NAME_REQUIRED', field: 'name' } })
    expect(await localSscAuthorize({ name: '王秀英', idNumber: '110101195203140128' }, deps(backend))).toMatchObject({
      ok: false,
      error: { code: 'ID_CHECKSUM', field: 'idNumber' },
    })
    expect(backend.calls).toHaveLength(0)
  })
})

describe('the routed function api follows the endpoint table', () => {
  test('every endpoint exposed as api has a handler, and nothing else does', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([...API_NAMES].sort())
  })

  test('a pass-through endpoint forwards its event with the caller to its table route', async () => {
    const backend = new FakeBackend().answer('/v1/relatives/remove', ok({ removed: true as const }))
    expect(await HANDLERS.removeRelative({ relativeId: '7d444840-9dc0-11d1-b245-5ffdce74fad2', extra: 'dropped' }, deps(backend))).toEqual(ok({ removed: true }))
    expect(backend.calls).toEqual([{ route: '/v1/relatives/remove', body: { caller: expect.any(Object), relativeId: '7d444840-9dc0-11d1-b245-5ffdce74fad2' } }])
  })

  test('forward refuses an endpoint without a route of its own (it needs a handler in api/custom/)', () => {
    expect(() => forward('bindIdentity' as never)).toThrow(/api\/custom/)
  })
})
