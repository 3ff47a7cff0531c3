/** CERT_* / LIVENESS_* settings through loadConfig, including the production refusal of the test challenge. */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../../../server/config/env'
import { DEFAULT_CERTIFICATION_CONFIG } from '../../../server/services/certification-config'
import { DEFAULT_LIVENESS_TIMING } from '../../../src/core/contracts/certification'
import { DEFAULT_SESSION_CONFIG } from '../../../src/core/liveness'

const key = Buffer.alloc(32, 7).toString('base64')
const prodEnv = { NODE_ENV: 'production', PII_KEYS: JSON.stringify({ v1: key }), PII_KEY_CURRENT: 'v1', BACKEND_HMAC_SECRET: 's'.repeat(32) }
const devEnv = () => ({ DATA_DIR: mkdtempSync(join(tmpdir(), 'yl-cert-env-')) })

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems.join('\n')
  }
  throw new Error('expected a ConfigError')
}

describe('certification configuration', () => {
  it('defaults: 2 of the 6 actions, 5-minute sessions, 3 open per caller, 1.5 MB completions, 5–60 fps, the engine timing', () => {
    const c = loadConfig(devEnv())
    expect(c.certification).toEqual(DEFAULT_CERTIFICATION_CONFIG)
    expect(c.certification).toMatchObject({ challengeLength: 2, sessionTtlMs: 300_000, maxOpenSessions: 3, completeBodyLimit: 1_572_864, minFps: 5, maxFps: 60 })
    expect(c.certification?.challengeActions).toHaveLength(6)
    expect(c.certification?.testChallenge).toBeUndefined()
    // one place for the engine timing: the engine's defaults, shared with the client
    expect(DEFAULT_LIVENESS_TIMING).toEqual({
      positioningTimeoutMs: DEFAULT_SESSION_CONFIG.positioningTimeoutMs,
      actionTimeoutMs: DEFAULT_SESSION_CONFIG.actionTimeoutMs,
      actionRetries: DEFAULT_SESSION_CONFIG.actionRetries,
      totalTimeoutMs: DEFAULT_SESSION_CONFIG.totalTimeoutMs,
    })
    expect(c.certification?.liveness).toEqual(DEFAULT_LIVENESS_TIMING)
  })

  it('reads every setting', () => {
    const c = loadConfig({
      ...devEnv(),
      CERT_CHALLENGE_LENGTH: '3',
      CERT_CHALLENGE_ACTIONS: 'blink,turn_left,turn_right,mouth_open',
      CERT_SESSION_TTL_SECONDS: '600',
      CERT_MAX_OPEN_SESSIONS: '1',
      CERT_COMPLETE_BODY_LIMIT: '2097152',
      CERT_MIN_FPS: '8',
      CERT_MAX_FPS: '30',
      LIVENESS_POSITIONING_TIMEOUT_MS: '20000',
      LIVENESS_ACTION_TIMEOUT_MS: '20000',
      LIVENESS_ACTION_RETRIES: '2',
      LIVENESS_TOTAL_TIMEOUT_MS: '300000',
      CERT_WORKERS: '2',
    })
    expect(c.certification).toEqual({
      challengeLength: 3,
      challengeActions: ['blink', 'turn_left', 'turn_right', 'mouth_open'],
      sessionTtlMs: 600_000,
      maxOpenSessions: 1,
      completeBodyLimit: 2_097_152,
      minFps: 8,
      maxFps: 30,
      liveness: { positioningTimeoutMs: 20000, actionTimeoutMs: 20000, actionRetries: 2, totalTimeoutMs: 300000 },
      workers: 2,
    })
  })

  it('test mode: CERT_TEST_CHALLENGE fixes every challenge outside production', () => {
    expect(loadConfig({ ...devEnv(), CERT_TEST_CHALLENGE: 'blink,turn_left' }).certification?.testChallenge).toEqual(['blink', 'turn_left'])
    expect(loadConfig({ ...devEnv(), NODE_ENV: 'test', CERT_TEST_CHALLENGE: ' head_up ' }).certification?.testChallenge).toEqual(['head_up'])
  })

  it('the backend refuses to start with CERT_TEST_CHALLENGE when NODE_ENV=production', () => {
    expect(() => loadConfig(prodEnv)).not.toThrow()
    const text = problems({ ...prodEnv, CERT_TEST_CHALLENGE: 'blink,turn_left' })
    expect(text).toContain('CERT_TEST_CHALLENGE')
    expect(text).toContain('生产环境')
  })

  it.each([
    [{ CERT_TEST_CHALLENGE: 'blink,wink' }, 'CERT_TEST_CHALLENGE'],
    [{ CERT_TEST_CHALLENGE: 'blink,blink' }, 'CERT_TEST_CHALLENGE'],
    [{ CERT_CHALLENGE_LENGTH: '7' }, 'CERT_CHALLENGE_LENGTH'],
    [{ CERT_CHALLENGE_LENGTH: '3', CERT_CHALLENGE_ACTIONS: 'blink,turn_left' }, 'CERT_CHALLENGE_LENGTH'],
    [{ CERT_SESSION_TTL_SECONDS: '10' }, 'CERT_SESSION_TTL_SECONDS'],
    [{ CERT_COMPLETE_BODY_LIMIT: 'big' }, 'CERT_COMPLETE_BODY_LIMIT'],
    [{ CERT_MIN_FPS: '40', CERT_MAX_FPS: '30' }, 'CERT_MIN_FPS'],
    [{ LIVENESS_ACTION_TIMEOUT_MS: '3000' }, 'LIVENESS_ACTION_TIMEOUT_MS'],
    [{ LIVENESS_TOTAL_TIMEOUT_MS: '290000' }, 'LIVENESS_TOTAL_TIMEOUT_MS'],
  ])('refuses %p', (env, name) => {
    expect(problems({ ...devEnv(), ...env })).toContain(name)
  })
})
