jest.mock('@tarojs/taro', () => require('../support/taro-mock'))

import Taro from '@tarojs/taro'
import { callFunction, transportFor } from '@/services/call-function'
import { STORAGE_KEYS } from '@/services/storage-keys'
import { callViaCloud, resetCloudForTests, CLOUD_TIMEOUT_MS } from '@/services/transport/cloud'
import { callViaHttp } from '@/services/transport/http'
import { cloud, resetTaroMock, storage } from '../support/taro-mock'

const request = Taro.request as unknown as jest.Mock
const UNAVAILABLE = { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' }

type Reply = { statusCode: number; data: unknown } | Error

/** Routes request URLs to scripted replies, in order per path. */
function script(replies: Record<string, Reply[]>) {
  request.mockImplementation(async (opts: { url: string }) => {
    const path = opts.url
    const queue = replies[path]
    if (!queue || queue.length === 0) throw new Error(`unexpected request ${path}`)
    const next = queue.shift() as Reply
    if (next instanceof Error) throw next
    return next
  })
}

const calls = (path: string) => request.mock.calls.filter(([o]) => (o as { url: string }).url === path)

beforeEach(() => {
  resetTaroMock()
  resetCloudForTests()
  delete process.env.YL_API_BASE
})

describe('transport selection', () => {
  test('h5 uses the HTTP gateway, weapp the cloud SDK', () => {
    expect(transportFor('h5')).toBe(callViaHttp)
    expect(transportFor('weapp')).toBe(callViaCloud)
  })

  test('TARO_ENV=h5 → POST /fn/<name>; the cloud SDK is not touched', async () => {
    process.env.TARO_ENV = 'h5'
    script({ '/auth/local-login': [{ statusCode: 200, data: { token: 't1' } }], '/fn/getStatus': [{ statusCode: 200, data: { ok: true, data: { bound: false } } }] })
    const r = await callFunction('getStatus', {})
    expect(r).toEqual({ ok: true, data: { bound: false } })
    expect(cloud.callFunction).not.toHaveBeenCalled()
    const [opts] = calls('/fn/getStatus')[0] as [{ method: string; header: Record<string, string>; data: unknown }]
    expect(opts.method).toBe('POST')
    expect(opts.header.Authorization).toBe('Bearer t1')
    expect(opts.data).toEqual({})
  })

  test('TARO_ENV=weapp → Taro.cloud.callFunction of the routed function api with {name, data}; no HTTP', async () => {
    process.env.TARO_ENV = 'weapp'
    cloud.callFunction.mockResolvedValue({ result: { ok: true, data: { records: [] } } })
    const r = await callFunction('listRecords', { limit: 5 })
    expect(r).toEqual({ ok: true, data: { records: [] } })
    expect(cloud.init).toHaveBeenCalledTimes(1)
    expect(cloud.callFunction).toHaveBeenCalledWith({ name: 'api', data: { name: 'listRecords', data: { limit: 5 } } })
    expect(request).not.toHaveBeenCalled()
  })
})

describe('h5 transport', () => {
  beforeEach(() => {
    process.env.TARO_ENV = 'h5'
  })

  test('the token is cached under the declared storage key and reused', async () => {
    script({
      '/auth/local-login': [{ statusCode: 200, data: { ok: true, data: { token: 'tok-A' } } }],
      '/fn/getStatus': [
        { statusCode: 200, data: { ok: true, data: { bound: false } } },
        { statusCode: 200, data: { ok: true, data: { bound: false } } },
      ],
    })
    await callFunction('getStatus', {})
    await callFunction('getStatus', {})
    expect(storage.get(STORAGE_KEYS.authToken)).toBe('tok-A')
    expect(calls('/auth/local-login')).toHaveLength(1)
    // A stable device id goes with the login, so a re-login keeps the same local identity.
    const loginBody = (calls('/auth/local-login')[0][0] as { data: { deviceId: string } }).data
    expect(loginBody.deviceId).toBe(storage.get(STORAGE_KEYS.deviceId))
  })

  test('YL_API_BASE prefixes every URL', async () => {
    process.env.YL_API_BASE = 'http://127.0.0.1:8787'
    script({
      'http://127.0.0.1:8787/auth/local-login': [{ statusCode: 200, data: { token: 't' } }],
      'http://127.0.0.1:8787/fn/login': [{ statusCode: 200, data: { ok: true, data: { bound: false } } }],
    })
    expect((await callFunction('login', {})).ok).toBe(true)
  })

  test('401 → signs in again once and retries', async () => {
    storage.set(STORAGE_KEYS.authToken, 'stale')
    script({
      '/fn/getStatus': [
        { statusCode: 401, data: { error: { code: 'UNAUTHENTICATED' } } },
        { statusCode: 200, data: { ok: true, data: { bound: false } } },
      ],
      '/auth/local-login': [{ statusCode: 200, data: { token: 'fresh' } }],
    })
    const r = await callFunction('getStatus', {})
    expect(r.ok).toBe(true)
    expect(calls('/auth/local-login')).toHaveLength(1)
    const headers = calls('/fn/getStatus').map(([o]) => (o as { header: Record<string, string> }).header.Authorization)
    expect(headers).toEqual(['Bearer stale', 'Bearer fresh'])
    expect(storage.get(STORAGE_KEYS.authToken)).toBe('fresh')
  })

  test('401 twice → UNAUTHENTICATED after exactly one re-login, and the token is dropped', async () => {
    storage.set(STORAGE_KEYS.authToken, 'stale')
    script({
      '/fn/getStatus': [
        { statusCode: 401, data: null },
        { statusCode: 401, data: null },
      ],
      '/auth/local-login': [{ statusCode: 200, data: { token: 'fresh' } }],
    })
    const r = await callFunction('getStatus', {})
    expect(r).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: '请先登录' } })
    expect(calls('/auth/local-login')).toHaveLength(1)
    expect(storage.has(STORAGE_KEYS.authToken)).toBe(false)
  })

  test('a 200 UNAUTHENTICATED result also triggers one re-login', async () => {
    storage.set(STORAGE_KEYS.authToken, 'stale')
    script({
      '/fn/listRecords': [
        { statusCode: 200, data: { ok: false, error: { code: 'UNAUTHENTICATED' } } },
        { statusCode: 200, data: { ok: true, data: { records: [] } } },
      ],
      '/auth/local-login': [{ statusCode: 200, data: { token: 'fresh' } }],
    })
    expect(await callFunction('listRecords', {})).toEqual({ ok: true, data: { records: [] } })
    expect(calls('/auth/local-login')).toHaveLength(1)
  })

  test('concurrent calls share one sign-in', async () => {
    script({
      '/auth/local-login': [{ statusCode: 200, data: { token: 't' } }],
      '/fn/getStatus': [
        { statusCode: 200, data: { ok: true, data: { bound: false } } },
        { statusCode: 200, data: { ok: true, data: { bound: false } } },
      ],
    })
    await Promise.all([callFunction('getStatus', {}), callFunction('getStatus', {})])
    expect(calls('/auth/local-login')).toHaveLength(1)
  })

  const failures: Array<[string, Reply]> = [
    ['network error (connection refused)', new TypeError('Failed to fetch')],
    ['timeout', Object.assign(new Error('request:fail timeout'), { errMsg: 'request:fail timeout' })],
    ['HTTP 500', { statusCode: 500, data: { error: { code: 'INTERNAL' } } }],
    ['HTTP 502 from a proxy', { statusCode: 502, data: null }],
    ['HTTP 503', { statusCode: 503, data: '<html>busy</html>' }],
    ['non-JSON 200 (HTML page)', { statusCode: 200, data: null }],
    ['200 with a string body', { statusCode: 200, data: '<!doctype html>' }],
    ['200 with an unexpected JSON shape', { statusCode: 200, data: { hello: 'world' } }],
    ['200 with an unknown error code', { statusCode: 200, data: { ok: false, error: { code: 'SOMETHING_NEW' } } }],
  ]
  test.each(failures)('%s → SERVICE_UNAVAILABLE with the Chinese message', async (_label, reply) => {
    storage.set(STORAGE_KEYS.authToken, 't')
    script({ '/fn/getStatus': [reply] })
    expect(await callFunction('getStatus', {})).toEqual({ ok: false, error: UNAVAILABLE })
  })

  test('the sign-in itself failing → SERVICE_UNAVAILABLE', async () => {
    script({ '/auth/local-login': [new TypeError('Failed to fetch')] })
    expect(await callFunction('getStatus', {})).toEqual({ ok: false, error: UNAVAILABLE })
  })

  test('sign-in refused in production → FORBIDDEN_IN_PRODUCTION', async () => {
    script({ '/auth/local-login': [{ statusCode: 403, data: { error: { code: 'FORBIDDEN_IN_PRODUCTION', message: 'x' } } }] })
    const r = await callFunction('getStatus', {})
    expect(r.ok === false && r.error.code).toBe('FORBIDDEN_IN_PRODUCTION')
  })

  test('a typed business error passes through with our own message (not the wire text)', async () => {
    storage.set(STORAGE_KEYS.authToken, 't')
    script({ '/fn/bindIdentity': [{ statusCode: 200, data: { ok: false, error: { code: 'PERSON_NOT_FOUND', message: '<script>' } } }] })
    const r = await callFunction('bindIdentity', { method: 'ssc', authorization: 'x'.repeat(20) })
    expect(r).toEqual({ ok: false, error: { code: 'PERSON_NOT_FOUND', message: '未找到参保信息，请核对后重试或联系当地社保经办机构' } })
  })

  test('a 4xx with a backend-style error keeps its code and field', async () => {
    storage.set(STORAGE_KEYS.authToken, 't')
    script({ '/fn/bindIdentity': [{ statusCode: 400, data: { error: { code: 'ID_CHECKSUM', message: 'x', field: 'idNumber' } } }] })
    const r = await callFunction('bindIdentity', { method: 'ssc', authorization: 'x'.repeat(20) })
    expect(r).toEqual({ ok: false, error: { code: 'ID_CHECKSUM', message: '身份证号校验位错误，请核对最后一位', field: 'idNumber' } })
  })

  test.each([
    [429, 'RATE_LIMITED'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [404, 'NOT_FOUND'],
    [400, 'BAD_REQUEST'],
  ])('a bare HTTP %i → %s', async (status, code) => {
    storage.set(STORAGE_KEYS.authToken, 't')
    script({ '/fn/getStatus': [{ statusCode: status, data: null }] })
    const r = await callFunction('getStatus', {})
    expect(r.ok === false && r.error.code).toBe(code)
  })
})

describe('weapp transport', () => {
  beforeEach(() => {
    process.env.TARO_ENV = 'weapp'
  })

  test('a rejected call (function missing, network) → SERVICE_UNAVAILABLE', async () => {
    cloud.callFunction.mockRejectedValue(Object.assign(new Error('FunctionName parameter could not be found'), { errCode: -404011 }))
    expect(await callFunction('getStatus', {})).toEqual({ ok: false, error: UNAVAILABLE })
  })

  test('a result that is not a Result → SERVICE_UNAVAILABLE', async () => {
    cloud.callFunction.mockResolvedValue({ result: 'oops' })
    expect(await callFunction('getStatus', {})).toEqual({ ok: false, error: UNAVAILABLE })
  })

  test('a typed failure from the function is kept', async () => {
    cloud.callFunction.mockResolvedValue({ result: { ok: false, error: { code: 'NOT_BOUND', message: 'x' } } })
    expect(await callFunction('listRecords', {})).toEqual({ ok: false, error: { code: 'NOT_BOUND', message: '请先绑定本人社保卡' } })
  })

  test('NOTICE_ALREADY_CERTIFIED with a valid day: our own sentence names it; anything else gets the plain sentence', async () => {
    const wire = (detail: unknown) => ({ result: { ok: false, error: { code: 'NOTICE_ALREADY_CERTIFIED', message: '<b>wire text</b>', detail } } })
    cloud.callFunction.mockResolvedValue(wire({ passedOn: '2026-03-15' }))
    expect(await callFunction('resolveNotice', { code: 'Ab3dE5gH7jK9' })).toEqual({
      ok: false,
      error: { code: 'NOTICE_ALREADY_CERTIFIED', message: '本年度已于2026年3月15日完成认证，无需再次认证', detail: { passedOn: '2026-03-15' } },
    })
    for (const bad of [{ passedOn: '2026-13-01' }, { passedOn: '2026年3月15日' }, { passedOn: '2026-03-15T00:00:00Z' }, {}, 'x']) {
      cloud.callFunction.mockResolvedValue(wire(bad))
      expect(await callFunction('resolveNotice', { code: 'Ab3dE5gH7jK9' })).toEqual({ ok: false, error: { code: 'NOTICE_ALREADY_CERTIFIED', message: '本年度已经完成认证，无需再次认证' } })
    }
  })

  test('no cloud SDK (e.g. an old base library) → SERVICE_UNAVAILABLE', async () => {
    ;(Taro as unknown as { cloud?: unknown }).cloud = undefined
    expect(await callFunction('getStatus', {})).toEqual({ ok: false, error: UNAVAILABLE })
  })

  test('cloud.init uses the build constant when set', async () => {
    process.env.YL_CLOUD_ENV = 'prod-123'
    cloud.callFunction.mockResolvedValue({ result: { ok: true, data: { bound: false } } })
    await callFunction('getStatus', {})
    expect(cloud.init).toHaveBeenCalledWith({ env: 'prod-123', traceUser: true })
    delete process.env.YL_CLOUD_ENV
  })

  test('a call that never answers → SERVICE_UNAVAILABLE after the timeout', async () => {
    jest.useFakeTimers()
    try {
      cloud.callFunction.mockReturnValue(new Promise(() => undefined))
      const pending = callFunction('getStatus', {})
      await jest.advanceTimersByTimeAsync(CLOUD_TIMEOUT_MS + 1)
      expect(await pending).toEqual({ ok: false, error: UNAVAILABLE })
    } finally {
      jest.useRealTimers()
    }
  })
})
