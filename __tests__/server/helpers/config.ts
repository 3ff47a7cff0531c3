/** A complete AppConfig with fixed test keys (never used outside tests). */
import type { AppConfig } from '../../../server/config/env'

export const TEST_HMAC_SECRET = 'test-hmac-secret-0123456789abcdef0123456789'
export const TEST_KEY_V1 = Buffer.alloc(32, 1)
export const TEST_KEY_V2 = Buffer.alloc(32, 2)

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    nodeEnv: 'test',
    host: '127.0.0.1',
    port: 0,
    sqlitePath: ':memory:',
    dataDir: '/nonexistent',
    piiKeys: { v1: TEST_KEY_V1 },
    piiKeyCurrent: 'v1',
    piiIndexKeyVersion: 'v1',
    hmacKeyId: 'k1',
    hmacSecret: TEST_HMAC_SECRET,
    cyclePolicy: 'rolling12',
    demoSeed: true,
    sscAuthAdapter: 'local',
    nonceStore: 'db',
    logLevel: 'trace',
    ...overrides,
  }
}
