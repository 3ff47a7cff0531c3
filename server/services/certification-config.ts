/**
 * Certification settings (CERT_*, LIVENESS_*), read from the environment by loadConfig
 * (server/config/env.ts). Names, defaults and meaning: the one table in server/config/variables.ts
 * (docs/configuration.md). The liveness timing defaults are the engine's, DEFAULT_LIVENESS_TIMING in
 * src/core/contracts.
 */
import { DEFAULT_LIVENESS_TIMING, type LivenessTimingConfig } from '../../src/core/contracts/certification'
import { ACTION_NAMES, isActionName, type ActionName } from '../../src/core/liveness/types'
import { bilingual, readInt, type Env } from '../config/read-env'

export interface CertificationConfig {
  challengeLength: number
  challengeActions: ActionName[]
  /** Test mode: every session gets exactly this challenge. Never set in production. */
  testChallenge?: ActionName[]
  sessionTtlMs: number
  maxOpenSessions: number
  completeBodyLimit: number
  minFps: number
  maxFps: number
  liveness: LivenessTimingConfig
  /** Worker threads of the completion pool (server/workers/certification-pool.ts). */
  workers: number
}

export const DEFAULT_CERTIFICATION_CONFIG: Readonly<CertificationConfig> = Object.freeze({
  challengeLength: 2,
  challengeActions: [...ACTION_NAMES],
  sessionTtlMs: 5 * 60 * 1000,
  maxOpenSessions: 3,
  completeBodyLimit: 1536 * 1024,
  minFps: 5,
  maxFps: 60,
  liveness: { ...DEFAULT_LIVENESS_TIMING },
  workers: 1,
})

/** Room between the engine's whole-session limit and the session's lifetime (camera start, upload). */
export const SESSION_TTL_MARGIN_MS = 30_000

function actions(env: Env, name: string, problems: string[]): ActionName[] | undefined {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return undefined
  const list = raw.split(',').map((s) => s.trim())
  const allowed = ACTION_NAMES.join(', ')
  if (!list.every(isActionName) || list.length === 0) {
    problems.push(bilingual(`${name} 只能列出这些动作：${allowed}`, `${name} may only list: ${allowed}`))
    return undefined
  }
  if (new Set(list).size !== list.length) {
    problems.push(bilingual(`${name} 中的动作不能重复`, `${name} must not repeat an action`))
    return undefined
  }
  return list
}

/** Reads and checks the certification settings; problems are appended (the caller throws ConfigError). */
export function readCertificationConfig(env: Env, production: boolean, problems: string[]): CertificationConfig {
  const d = DEFAULT_CERTIFICATION_CONFIG
  const challengeActions = actions(env, 'CERT_CHALLENGE_ACTIONS', problems) ?? [...d.challengeActions]
  const challengeLength = readInt(env, 'CERT_CHALLENGE_LENGTH', 1, ACTION_NAMES.length, d.challengeLength, problems)
  if (challengeLength > challengeActions.length) {
    problems.push(bilingual('CERT_CHALLENGE_LENGTH 不能大于 CERT_CHALLENGE_ACTIONS 中的动作数', 'CERT_CHALLENGE_LENGTH exceeds the actions in CERT_CHALLENGE_ACTIONS'))
  }
  const testChallenge = actions(env, 'CERT_TEST_CHALLENGE', problems)
  if (testChallenge && production) {
    problems.push(
      bilingual(
        'CERT_TEST_CHALLENGE 只用于测试（固定动作），生产环境（NODE_ENV=production）不能设置',
        'CERT_TEST_CHALLENGE (a fixed test challenge) is refused when NODE_ENV=production',
      ),
    )
  }
  const sessionTtlMs = readInt(env, 'CERT_SESSION_TTL_SECONDS', 60, 1800, d.sessionTtlMs / 1000, problems) * 1000
  const maxOpenSessions = readInt(env, 'CERT_MAX_OPEN_SESSIONS', 1, 20, d.maxOpenSessions, problems)
  const completeBodyLimit = readInt(env, 'CERT_COMPLETE_BODY_LIMIT', 64 * 1024, 10 * 1024 * 1024, d.completeBodyLimit, problems)
  const minFps = readInt(env, 'CERT_MIN_FPS', 1, 120, d.minFps, problems)
  const maxFps = readInt(env, 'CERT_MAX_FPS', 1, 240, d.maxFps, problems)
  const workers = readInt(env, 'CERT_WORKERS', 1, 8, d.workers, problems)
  if (minFps > maxFps) problems.push(bilingual('CERT_MIN_FPS 不能大于 CERT_MAX_FPS', 'CERT_MIN_FPS must not exceed CERT_MAX_FPS'))
  const liveness: LivenessTimingConfig = {
    positioningTimeoutMs: readInt(env, 'LIVENESS_POSITIONING_TIMEOUT_MS', 5000, 300_000, d.liveness.positioningTimeoutMs, problems),
    // Elderly users: never less than 8 s per action.
    actionTimeoutMs: readInt(env, 'LIVENESS_ACTION_TIMEOUT_MS', 8000, 300_000, d.liveness.actionTimeoutMs, problems),
    actionRetries: readInt(env, 'LIVENESS_ACTION_RETRIES', 0, 5, d.liveness.actionRetries, problems),
    totalTimeoutMs: readInt(env, 'LIVENESS_TOTAL_TIMEOUT_MS', 10_000, 1_800_000, d.liveness.totalTimeoutMs, problems),
  }
  if (liveness.totalTimeoutMs > sessionTtlMs - SESSION_TTL_MARGIN_MS) {
    problems.push(
      bilingual(
        'LIVENESS_TOTAL_TIMEOUT_MS 必须比认证会话有效期（CERT_SESSION_TTL_SECONDS）至少短 30 秒',
        'LIVENESS_TOTAL_TIMEOUT_MS must be at least 30 s shorter than CERT_SESSION_TTL_SECONDS',
      ),
    )
  }
  return {
    challengeLength,
    challengeActions,
    ...(testChallenge ? { testChallenge } : {}),
    sessionTtlMs,
    maxOpenSessions,
    completeBodyLimit,
    minFps,
    maxFps,
    liveness,
    workers,
  }
}
