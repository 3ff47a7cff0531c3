import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../../../server/config/env'
import { BACKEND_HTTP_LIMITS, GATEWAY_HTTP_LIMITS, readHttpLimits } from '../../../server/config/http-limits'

const read = (env: Record<string, string>, prefix: 'BACKEND' | 'GATEWAY' = 'BACKEND') => {
  const problems: string[] = []
  const limits = readHttpLimits(env, prefix, prefix === 'BACKEND' ? BACKEND_HTTP_LIMITS : GATEWAY_HTTP_LIMITS, (zh, en) => problems.push(`${zh} / ${en}`))
  return { limits, problems }
}

describe('connection time limits from the environment', () => {
  test('defaults: every limit is finite, a stalled request ends within seconds', () => {
    expect(read({})).toEqual({ limits: BACKEND_HTTP_LIMITS, problems: [] })
    for (const l of [BACKEND_HTTP_LIMITS, GATEWAY_HTTP_LIMITS]) {
      expect(l.idleTimeoutMs).toBeLessThanOrEqual(10_000)
      expect(l.headersTimeoutMs).toBeLessThanOrEqual(l.requestTimeoutMs)
      expect(l.requestTimeoutMs).toBeLessThanOrEqual(60_000)
      expect(l.keepAliveTimeoutMs).toBeGreaterThan(60_000)
      expect(l.maxRequestsPerSocket).toBeGreaterThan(0)
    }
  })

  test('each variable is read under its own prefix', () => {
    const env = {
      GATEWAY_HEADERS_TIMEOUT_MS: '2000',
      GATEWAY_REQUEST_TIMEOUT_MS: '45000',
      GATEWAY_IDLE_TIMEOUT_MS: '300',
      GATEWAY_KEEP_ALIVE_TIMEOUT_MS: '5000',
      GATEWAY_MAX_REQUESTS_PER_SOCKET: '0',
      BACKEND_IDLE_TIMEOUT_MS: '999',
    }
    expect(read(env, 'GATEWAY')).toEqual({
      limits: { headersTimeoutMs: 2000, requestTimeoutMs: 45000, idleTimeoutMs: 300, keepAliveTimeoutMs: 5000, maxRequestsPerSocket: 0 },
      problems: [],
    })
    expect(read(env, 'BACKEND').limits).toEqual({ ...BACKEND_HTTP_LIMITS, idleTimeoutMs: 999 })
  })

  test.each([
    ['BACKEND_IDLE_TIMEOUT_MS', '10s'],
    ['BACKEND_IDLE_TIMEOUT_MS', '0'],
    ['BACKEND_REQUEST_TIMEOUT_MS', '-1'],
    ['BACKEND_HEADERS_TIMEOUT_MS', '1e4'],
    ['BACKEND_KEEP_ALIVE_TIMEOUT_MS', '99'],
    ['BACKEND_KEEP_ALIVE_TIMEOUT_MS', '600001'],
    ['BACKEND_MAX_REQUESTS_PER_SOCKET', '1.5'],
  ])('%s=%s is refused in Chinese and English, naming the variable', (name, value) => {
    const { problems } = read({ [name]: value })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(name)
    expect(problems[0]).toMatch(/必须是 \d+ 到 \d+ 之间/)
  })

  test('a head or idle limit above the whole-request limit is refused', () => {
    const { problems } = read({ BACKEND_REQUEST_TIMEOUT_MS: '5000', BACKEND_HEADERS_TIMEOUT_MS: '6000', BACKEND_IDLE_TIMEOUT_MS: '7000' })
    expect(problems).toEqual([
      'BACKEND_HEADERS_TIMEOUT_MS 不能大于 BACKEND_REQUEST_TIMEOUT_MS / BACKEND_HEADERS_TIMEOUT_MS must not exceed BACKEND_REQUEST_TIMEOUT_MS',
      'BACKEND_IDLE_TIMEOUT_MS 不能大于 BACKEND_REQUEST_TIMEOUT_MS / BACKEND_IDLE_TIMEOUT_MS must not exceed BACKEND_REQUEST_TIMEOUT_MS',
    ])
  })

  test('the backend reads them at boot and refuses to start on a bad value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yl-http-'))
    expect(loadConfig({ DATA_DIR: dir }).http).toEqual(BACKEND_HTTP_LIMITS)
    expect(loadConfig({ DATA_DIR: dir, BACKEND_REQUEST_TIMEOUT_MS: '20000' }).http?.requestTimeoutMs).toBe(20000)
    expect(() => loadConfig({ DATA_DIR: dir, BACKEND_IDLE_TIMEOUT_MS: 'soon' })).toThrow(ConfigError)
    expect(() => loadConfig({ DATA_DIR: dir, BACKEND_IDLE_TIMEOUT_MS: 'soon' })).toThrow(/BACKEND_IDLE_TIMEOUT_MS 必须是/)
  })
})
