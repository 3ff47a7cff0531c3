import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bearerToken, deriveTokenSecret, issueToken, LOCAL_OPENID_PATTERN, newLocalOpenid, verifyToken } from '../../../servers/gateway/token'
import { GatewayConfigError, readGatewayConfig } from '../../../servers/gateway/config'
import { GATEWAY_HTTP_LIMITS } from '../../../server/config/http-limits'
import { CallerSchema } from '../../../src/core/contracts/common'
import * as v from 'valibot'

const SECRET = deriveTokenSecret('token-test-secret-0123456789abcdefghijk')
const T0 = Date.parse('2026-11-27T02:00:00Z')

describe('tokens', () => {
  test('local openids are random and valid backend callers', () => {
    const ids = new Set(Array.from({ length: 100 }, newLocalOpenid))
    expect(ids.size).toBe(100)
    for (const openid of ids) {
      expect(openid).toMatch(LOCAL_OPENID_PATTERN)
      expect(v.is(CallerSchema, { platform: 'local', openid })).toBe(true)
    }
  })

  test('round trip, expiry, future issue time', () => {
    const openid = newLocalOpenid()
    const { token, expiresAt } = issueToken(SECRET, openid, T0, 1000)
    expect(expiresAt).toBe(new Date(T0 + 1000).toISOString())
    expect(verifyToken(SECRET, token, T0)).toBe(openid)
    expect(verifyToken(SECRET, token, T0 + 999)).toBe(openid)
    expect(verifyToken(SECRET, token, T0 + 1000)).toBeNull()
    expect(verifyToken(SECRET, issueToken(SECRET, openid, T0 + 3600_000).token, T0)).toBeNull()
  })

  test.each(['', '.', 'a.b.c', 'x'.repeat(600), 'eyJ2IjoxfQ.sig'])('rejects %j', (token) => {
    expect(verifyToken(SECRET, token, T0)).toBeNull()
  })

  test('rejects a validly signed token naming a non-local openid', () => {
    const sign = (sub: string) => issueToken(SECRET, sub, T0).token
    expect(verifyToken(SECRET, sign('oWx_real_wechat_openid_000'), T0)).toBeNull()
  })

  test('bearer header parsing', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def')
    expect(bearerToken(' Bearer abc.def ')).toBe('abc.def')
    expect(bearerToken('bearer abc')).toBeNull()
    expect(bearerToken('Bearer a b')).toBeNull()
    expect(bearerToken(undefined)).toBeNull()
  })
})

describe('gateway configuration', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'yl-gwcfg-'))))
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  test('defaults, with the secret from the shared local key file', () => {
    const config = readGatewayConfig({ DATA_DIR: 'd' }, dir)
    const file = JSON.parse(readFileSync(join(dir, 'd', 'local-keys.json'), 'utf8'))
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 10086,
      backendUrl: 'http://127.0.0.1:8787',
      hmacKeyId: file.hmacKeyId,
      hmacSecret: file.hmacSecret,
      h5Dir: join(dir, 'dist', 'h5'),
      dataDir: join(dir, 'd'),
      bodyLimit: 256 * 1024,
      backendTimeoutMs: 2500,
      http: GATEWAY_HTTP_LIMITS,
    })
    // A second reader gets the same secret (the backend and the gateway agree).
    expect(readGatewayConfig({ DATA_DIR: 'd' }, dir).hmacSecret).toBe(file.hmacSecret)
  })

  test('environment overrides', () => {
    const config = readGatewayConfig(
      {
        APP_PORT: '9000',
        APP_HOST: '0.0.0.0',
        BACKEND_PORT: '9001',
        BACKEND_HMAC_SECRET: 's'.repeat(40),
        BACKEND_HMAC_KEY_ID: 'k9',
        H5_DIR: '/srv/h5',
        GATEWAY_BODY_LIMIT: '4096',
        BACKEND_TIMEOUT_MS: '800',
        GATEWAY_IDLE_TIMEOUT_MS: '3000',
        GATEWAY_KEEP_ALIVE_TIMEOUT_MS: '5000',
        // The backend's limits are the backend's business, not the gateway's.
        BACKEND_IDLE_TIMEOUT_MS: '999',
      },
      dir,
    )
    expect(config).toMatchObject({ host: '0.0.0.0', port: 9000, backendUrl: 'http://127.0.0.1:9001', hmacKeyId: 'k9', hmacSecret: 's'.repeat(40), secretSource: 'env', h5Dir: '/srv/h5', bodyLimit: 4096, backendTimeoutMs: 800 })
    expect(config.http).toEqual({ ...GATEWAY_HTTP_LIMITS, idleTimeoutMs: 3000, keepAliveTimeoutMs: 5000 })
    expect(readGatewayConfig({ BACKEND_URL: 'https://backend.example/api', BACKEND_HMAC_SECRET: 'x'.repeat(40) }, dir).backendUrl).toBe('https://backend.example/api')
  })

  test('bad values are reported together, in Chinese', () => {
    try {
      readGatewayConfig({ APP_PORT: '70000', BACKEND_URL: 'ftp://x', GATEWAY_BODY_LIMIT: 'big', BACKEND_TIMEOUT_MS: '5', GATEWAY_REQUEST_TIMEOUT_MS: 'never' }, dir)
      throw new Error('expected a GatewayConfigError')
    } catch (err) {
      expect(err).toBeInstanceOf(GatewayConfigError)
      const problems = (err as GatewayConfigError).problems
      expect(problems).toHaveLength(5)
      expect(problems.join('\n')).toMatch(/APP_PORT[\s\S]*BACKEND_URL[\s\S]*GATEWAY_BODY_LIMIT[\s\S]*BACKEND_TIMEOUT_MS[\s\S]*GATEWAY_REQUEST_TIMEOUT_MS 必须是 100 到 600000 之间的毫秒数/)
    }
  })

  test('refused in production', () => {
    expect(() => readGatewayConfig({ NODE_ENV: 'production', BACKEND_HMAC_SECRET: 'x'.repeat(40) }, dir)).toThrow(/NODE_ENV=production/)
  })
})
