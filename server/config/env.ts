/**
 * Backend configuration, read from the environment once at boot and validated with valibot.
 * A bad value stops the start with a message in Chinese and English. The variables, their defaults,
 * readers and meaning are in ONE table, server/config/variables.ts (docs/configuration.md is generated
 * from it; a test checks that EnvSchema's defaults are the table's). Groups with readers of their own:
 * certification (services/certification-config.ts), reminders (reminders/config.ts), notices
 * (notices/config.ts), connection limits (config/http-limits.ts).
 *
 * In production (NODE_ENV=production) PII_KEYS, PII_KEY_CURRENT and BACKEND_HMAC_SECRET must be set:
 * the local key file is never created there.
 * Production also refuses an identity verifier that needs face frames (local-face-match) unless
 * IDENTITY_WEAPP_FRAME_UPLOAD is true: the weapp channel must use WeChat 人脸核身 (WeChat's rule).
 */
import * as v from 'valibot'
import { join } from 'node:path'
import { CYCLE_POLICIES, type CyclePolicy } from '../../src/core/cycle'
import { loadLocalSecrets, LocalSecretsError } from './local-secrets'
import { readCertificationConfig, type CertificationConfig } from '../services/certification-config'
import { readRemindersConfig, type RemindersConfig } from '../reminders/config'
import { readNoticesConfig, type NoticesConfig } from '../notices/config'
import { BACKEND_HTTP_LIMITS, readHttpLimits, type HttpLimits } from './http-limits'
import { readAgencyAuthConfig, type AgencyAuthConfig } from '../agency/config'
import { bilingual } from './read-env'

export const NODE_ENVS = ['development', 'test', 'production'] as const
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export interface AppConfig {
  nodeEnv: (typeof NODE_ENVS)[number]
  host: string
  port: number
  databaseUrl?: string
  /** PostgreSQL: run the hot reads as named prepared statements (off behind a transaction-pooling PgBouncer older than 1.21). Default true. */
  databasePreparedStatements?: boolean
  sqlitePath: string
  dataDir: string
  /** PII master keys by version (32 bytes each). */
  piiKeys: Record<string, Buffer>
  piiKeyCurrent: string
  piiIndexKeyVersion: string
  hmacKeyId: string
  hmacSecret: string
  cyclePolicy: CyclePolicy
  demoSeed: boolean
  sscAuthAdapter: 'local' | 'national'
  nonceStore: 'db' | 'memory'
  logLevel: (typeof LOG_LEVELS)[number]
  /** Shed load (503) when the event loop lagged more than this (ms); 0 = never on lag. Default 1000. */
  shedLoopDelayMs?: number
  /** Identity verification (server/identity). Optional in the type so hand-built test configs may omit it. */
  identity?: IdentityConfig
  /** Certification sessions (services/certification-config.ts). Optional: defaults when absent. */
  certification?: CertificationConfig
  /** Reminders (reminders/config.ts). Optional: defaults when absent. */
  reminders?: RemindersConfig
  /** Printed notices and mini-program codes (notices/config.ts). Optional: defaults when absent. */
  notices?: NoticesConfig
  /** Connection time limits (config/http-limits.ts). Optional: BACKEND_HTTP_LIMITS when absent. */
  http?: HttpLimits
  /** Agency console sign-in (agency/config.ts). Optional: DEFAULT_AGENCY_AUTH when absent. */
  agency?: AgencyAuthConfig
}

export const IDENTITY_VERIFIERS = ['wechat-facial-verify', 'local-face-match', 'manual-review'] as const

/**
 * Verifiers that judge identity from face images of the liveness session (evidence frames; on weapp,
 * the frames the camera hands to VisionKit). Must agree with each adapter's needsEvidenceFrames
 * (tested in __tests__/server/config/weapp-identity.test.ts).
 */
export const FRAME_IDENTITY_VERIFIERS: readonly (typeof IDENTITY_VERIFIERS)[number][] = ['local-face-match']

export interface IdentityConfig {
  verifier: (typeof IDENTITY_VERIFIERS)[number]
  /** local-face-match: minimum Human similarity (0–1) between reference and evidence. */
  faceThreshold: number
  /** local-face-match: at most this many evidence frames are examined. */
  faceMaxFrames: number
  /** local-face-match when the person has no enrolled reference: send to review or reject. */
  noReference: 'review' | 'reject'
  /** Whether the weapp client may upload evidence frames (WeChat's rule: off unless the deployment allows it). */
  weappFrameUpload: boolean
  wechatAppId?: string
  wechatSecret?: string
  wechatApiBase: string
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`配置有误 / invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

const bool = (name: string) =>
  v.optional(v.picklist(['true', 'false', '1', '0'], bilingual(`${name} 只能是 true 或 false`, `${name} must be true or false`)))

export const EnvSchema = v.object({
  NODE_ENV: v.optional(v.picklist(NODE_ENVS, bilingual('NODE_ENV 只能是 development、test 或 production', 'NODE_ENV must be development, test or production')), 'development'),
  BACKEND_HOST: v.optional(v.pipe(v.string(), v.minLength(1, bilingual('BACKEND_HOST 不能为空', 'BACKEND_HOST must not be empty'))), '127.0.0.1'),
  BACKEND_PORT: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,5}$/, bilingual('BACKEND_PORT 必须是 1–65535 的整数', 'BACKEND_PORT must be an integer 1–65535')),
      v.transform(Number),
      v.minValue(1, bilingual('BACKEND_PORT 必须是 1–65535 的整数', 'BACKEND_PORT must be an integer 1–65535')),
      v.maxValue(65535, bilingual('BACKEND_PORT 必须是 1–65535 的整数', 'BACKEND_PORT must be an integer 1–65535')),
    ),
    '8787',
  ),
  DATABASE_URL: v.optional(
    v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\//, bilingual('DATABASE_URL 必须以 postgres:// 开头', 'DATABASE_URL must start with postgres://'))),
  ),
  DATABASE_PREPARED_STATEMENTS: bool('DATABASE_PREPARED_STATEMENTS'),
  SQLITE_PATH: v.optional(v.string()),
  DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), 'data'),
  PII_KEYS: v.optional(v.string()),
  PII_KEY_CURRENT: v.optional(v.string()),
  PII_INDEX_KEY_VERSION: v.optional(v.string()),
  BACKEND_HMAC_KEY_ID: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,32}$/, bilingual('BACKEND_HMAC_KEY_ID 只能含字母、数字、_ 和 -', 'BACKEND_HMAC_KEY_ID: letters, digits, _ and - only'))),
  ),
  BACKEND_HMAC_SECRET: v.optional(
    v.pipe(v.string(), v.minLength(32, bilingual('BACKEND_HMAC_SECRET 至少 32 个字符', 'BACKEND_HMAC_SECRET must be at least 32 characters'))),
  ),
  CYCLE_POLICY: v.optional(
    v.picklist(CYCLE_POLICIES, bilingual('CYCLE_POLICY 只能是 rolling12、calendarYear 或 rolling6', 'CYCLE_POLICY must be rolling12, calendarYear or rolling6')),
    'rolling12',
  ),
  DEMO_SEED: bool('DEMO_SEED'),
  SSC_AUTH_ADAPTER: v.optional(v.picklist(['local', 'national'], bilingual('SSC_AUTH_ADAPTER 只能是 local 或 national', 'SSC_AUTH_ADAPTER must be local or national')), 'local'),
  NONCE_STORE: v.optional(v.picklist(['db', 'memory'], bilingual('NONCE_STORE 只能是 db 或 memory', 'NONCE_STORE must be db or memory')), 'db'),
  SHED_LOOP_DELAY_MS: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^(0|[1-9]\d{1,4})$/, bilingual('SHED_LOOP_DELAY_MS 必须是 0 或 10–99999 的整数', 'SHED_LOOP_DELAY_MS must be 0 or an integer 10–99999')),
      v.transform(Number),
    ),
    '1000',
  ),
  LOG_LEVEL: v.optional(v.picklist(LOG_LEVELS, bilingual('LOG_LEVEL 取值不对', 'LOG_LEVEL must be one of ' + LOG_LEVELS.join(', '))), 'info'),
  IDENTITY_VERIFIER: v.optional(
    v.picklist(IDENTITY_VERIFIERS, bilingual('IDENTITY_VERIFIER 只能是 wechat-facial-verify、local-face-match 或 manual-review', 'IDENTITY_VERIFIER must be wechat-facial-verify, local-face-match or manual-review')),
  ),
  IDENTITY_FACE_THRESHOLD: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^(0(\.\d+)?|1(\.0+)?)$/, bilingual('IDENTITY_FACE_THRESHOLD 必须是 0–1 之间的小数', 'IDENTITY_FACE_THRESHOLD must be a number from 0 to 1')),
      v.transform(Number),
    ),
    '0.55',
  ),
  IDENTITY_FACE_MAX_FRAMES: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^([1-9]|10)$/, bilingual('IDENTITY_FACE_MAX_FRAMES 必须是 1–10 的整数', 'IDENTITY_FACE_MAX_FRAMES must be an integer 1–10')),
      v.transform(Number),
    ),
    '5',
  ),
  IDENTITY_NO_REFERENCE: v.optional(v.picklist(['review', 'reject'], bilingual('IDENTITY_NO_REFERENCE 只能是 review 或 reject', 'IDENTITY_NO_REFERENCE must be review or reject')), 'review'),
  IDENTITY_WEAPP_FRAME_UPLOAD: bool('IDENTITY_WEAPP_FRAME_UPLOAD'),
  WECHAT_APPID: v.optional(v.pipe(v.string(), v.regex(/^wx[0-9a-f]{16}$/, bilingual('WECHAT_APPID 应形如 wx 加 16 位十六进制', 'WECHAT_APPID must look like wx + 16 hex digits')))),
  WECHAT_SECRET: v.optional(v.pipe(v.string(), v.regex(/^[0-9A-Za-z]{16,64}$/, bilingual('WECHAT_SECRET 格式不对', 'WECHAT_SECRET must be 16–64 letters or digits')))),
  WECHAT_API_BASE: v.optional(
    v.pipe(v.string(), v.regex(/^https?:\/\/[^\s/]+(:\d+)?\/?$/, bilingual('WECHAT_API_BASE 必须是 http(s)://主机[:端口]', 'WECHAT_API_BASE must be http(s)://host[:port]'))),
    'https://api.weixin.qq.com',
  ),
})

export interface LoadConfigOptions {
  /** Called with a visible warning, e.g. when a local key file was created. */
  warn?: (message: string) => void
}

function decodePiiKeys(json: string, problems: string[]): Record<string, Buffer> {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    problems.push(bilingual('PII_KEYS 不是合法的 JSON', 'PII_KEYS is not valid JSON'))
    return {}
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(bilingual('PII_KEYS 应为 {"v1":"<base64>"} 形式', 'PII_KEYS must look like {"v1":"<base64>"}'))
    return {}
  }
  const keys: Record<string, Buffer> = {}
  for (const [version, value] of Object.entries(parsed)) {
    const buf = typeof value === 'string' ? Buffer.from(value, 'base64') : Buffer.alloc(0)
    if (!/^v\d{1,4}$/.test(version) || buf.length !== 32) {
      problems.push(bilingual(`PII_KEYS 中的 ${version} 必须是 32 字节的 base64 密钥，版本名形如 v1`, `PII_KEYS.${version} must be a base64 32-byte key named like v1`))
      continue
    }
    keys[version] = buf
  }
  if (Object.keys(keys).length === 0 && problems.length === 0) problems.push(bilingual('PII_KEYS 中没有密钥', 'PII_KEYS holds no key'))
  return keys
}

/**
 * Production, weapp channel, a verifier that needs face frames, frame upload not allowed: refused.
 * WeChat's rule: a mini-program that collects face biometrics must use its native 人脸核身; VisionKit
 * key points and frames are on-device guidance, not identity. Without upload every weapp
 * certification would silently wait for manual review; with it, the deployment must have cleared it.
 */
function weappFrameVerifierRefusal(verifier: string): string {
  return bilingual(
    `生产环境不能让小程序使用 IDENTITY_VERIFIER=${verifier}：它要用摄像头画面里的人脸图片核对身份，` +
      '而微信规定收集人脸等生物特征的小程序必须使用微信人脸核身，VisionKit 的人脸关键点不能用来核验身份。' +
      '请改为 IDENTITY_VERIFIER=wechat-facial-verify（同时设置 WECHAT_APPID 和 WECHAT_SECRET），或 manual-review（由经办机构人工审核）；' +
      '只有本部署已获准在小程序上传人脸画面时，才可明确设置 IDENTITY_WEAPP_FRAME_UPLOAD=true',
    `production refuses IDENTITY_VERIFIER=${verifier} for the mini-program: it checks identity from face images of the camera frames, ` +
      "and WeChat's rule is that a mini-program collecting face biometrics must use WeChat 人脸核身 (VisionKit key points are not for identity). " +
      'Set IDENTITY_VERIFIER=wechat-facial-verify (with WECHAT_APPID and WECHAT_SECRET) or manual-review instead; ' +
      'set IDENTITY_WEAPP_FRAME_UPLOAD=true only if this deployment has been cleared to upload face frames from the mini-program',
  )
}

/** Validates the environment and resolves secrets (env first, then the local key file). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): AppConfig {
  const clean = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''))
  const result = v.safeParse(EnvSchema, clean)
  if (!result.success) {
    throw new ConfigError(result.issues.map((i) => i.message))
  }
  const e = result.output
  const problems: string[] = []
  const production = e.NODE_ENV === 'production'
  const dataDir = e.DATA_DIR

  let piiKeys: Record<string, Buffer> = {}
  let piiKeyCurrent = e.PII_KEY_CURRENT ?? ''
  let hmacSecret = e.BACKEND_HMAC_SECRET ?? ''
  let hmacKeyId = e.BACKEND_HMAC_KEY_ID ?? 'k1'

  if (e.PII_KEYS !== undefined) {
    piiKeys = decodePiiKeys(e.PII_KEYS, problems)
    if (!e.PII_KEY_CURRENT) problems.push(bilingual('设置了 PII_KEYS 时必须设置 PII_KEY_CURRENT', 'PII_KEY_CURRENT is required with PII_KEYS'))
    else if (Object.keys(piiKeys).length > 0 && !piiKeys[e.PII_KEY_CURRENT]) {
      problems.push(bilingual(`PII_KEY_CURRENT=${e.PII_KEY_CURRENT} 不在 PII_KEYS 中`, `PII_KEY_CURRENT=${e.PII_KEY_CURRENT} is not in PII_KEYS`))
    }
  }
  const needLocal = e.PII_KEYS === undefined || e.BACKEND_HMAC_SECRET === undefined
  if (needLocal && production) {
    problems.push(
      bilingual(
        '生产环境必须通过环境变量设置 PII_KEYS、PII_KEY_CURRENT 和 BACKEND_HMAC_SECRET，不会自动生成本地密钥',
        'production needs PII_KEYS, PII_KEY_CURRENT and BACKEND_HMAC_SECRET from the environment; no local key is created',
      ),
    )
  } else if (needLocal && problems.length === 0) {
    try {
      const local = loadLocalSecrets(dataDir)
      if (local.created) {
        options.warn?.(
          `⚠ 已生成本地密钥文件 ${local.path}（仅供本地使用，请妥善保管，丢失后已加密的数据无法解密）/ created local key file ${local.path} (local use only; losing it makes encrypted data unreadable)`,
        )
      }
      if (e.PII_KEYS === undefined) {
        piiKeys = Object.fromEntries(Object.entries(local.piiKeys).map(([k, b64]) => [k, Buffer.from(b64, 'base64')]))
        piiKeyCurrent = local.piiKeyCurrent
      }
      if (e.BACKEND_HMAC_SECRET === undefined) {
        hmacSecret = local.hmacSecret
        if (e.BACKEND_HMAC_KEY_ID === undefined) hmacKeyId = local.hmacKeyId
      }
    } catch (err) {
      problems.push(err instanceof LocalSecretsError ? err.message : String(err))
    }
  }
  const piiIndexKeyVersion = e.PII_INDEX_KEY_VERSION ?? (piiKeys.v1 ? 'v1' : piiKeyCurrent)
  if (problems.length === 0 && !piiKeys[piiIndexKeyVersion]) {
    problems.push(bilingual(`PII_INDEX_KEY_VERSION=${piiIndexKeyVersion} 不在 PII_KEYS 中`, `PII_INDEX_KEY_VERSION=${piiIndexKeyVersion} is not in PII_KEYS`))
  }
  const identityVerifier = e.IDENTITY_VERIFIER ?? (production ? 'manual-review' : 'local-face-match')
  if (identityVerifier === 'wechat-facial-verify' && (!e.WECHAT_APPID || !e.WECHAT_SECRET)) {
    problems.push(bilingual('IDENTITY_VERIFIER=wechat-facial-verify 需要设置 WECHAT_APPID 和 WECHAT_SECRET', 'IDENTITY_VERIFIER=wechat-facial-verify needs WECHAT_APPID and WECHAT_SECRET'))
  }
  if (production && identityVerifier === 'wechat-facial-verify' && !e.WECHAT_API_BASE.startsWith('https://')) {
    problems.push(bilingual('生产环境的 WECHAT_API_BASE 必须使用 https', 'WECHAT_API_BASE must use https in production'))
  }
  const weappFrameUpload = e.IDENTITY_WEAPP_FRAME_UPLOAD === 'true' || e.IDENTITY_WEAPP_FRAME_UPLOAD === '1'
  // The weapp channel is always served (the cloud functions call this backend; there is no switch to
  // turn it off), so a production verifier that needs face frames must be cleared for weapp explicitly.
  if (production && FRAME_IDENTITY_VERIFIERS.includes(identityVerifier) && !weappFrameUpload) {
    problems.push(weappFrameVerifierRefusal(identityVerifier))
  }
  const certification = readCertificationConfig(clean, production, problems)
  const reminders = readRemindersConfig(clean, production, problems)
  const notices = readNoticesConfig(clean, production, problems)
  const http = readHttpLimits(clean, 'BACKEND', BACKEND_HTTP_LIMITS, (zh, en) => problems.push(bilingual(zh, en)))
  const agency = readAgencyAuthConfig(clean, problems)
  if (problems.length > 0) throw new ConfigError(problems)

  return {
    nodeEnv: e.NODE_ENV,
    host: e.BACKEND_HOST,
    port: e.BACKEND_PORT,
    databaseUrl: e.DATABASE_URL,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS === undefined || e.DATABASE_PREPARED_STATEMENTS === 'true' || e.DATABASE_PREPARED_STATEMENTS === '1',
    sqlitePath: e.SQLITE_PATH ?? join(dataDir, 'yinling.sqlite'),
    dataDir,
    piiKeys,
    piiKeyCurrent,
    piiIndexKeyVersion,
    hmacKeyId,
    hmacSecret,
    cyclePolicy: e.CYCLE_POLICY,
    demoSeed: e.DEMO_SEED === undefined ? !production : e.DEMO_SEED === 'true' || e.DEMO_SEED === '1',
    sscAuthAdapter: e.SSC_AUTH_ADAPTER,
    nonceStore: e.NONCE_STORE,
    logLevel: e.LOG_LEVEL,
    shedLoopDelayMs: e.SHED_LOOP_DELAY_MS,
    certification,
    reminders,
    notices,
    http,
    agency,
    identity: {
      verifier: identityVerifier,
      faceThreshold: e.IDENTITY_FACE_THRESHOLD,
      faceMaxFrames: e.IDENTITY_FACE_MAX_FRAMES,
      noReference: e.IDENTITY_NO_REFERENCE,
      weappFrameUpload,
      wechatAppId: e.WECHAT_APPID,
      wechatSecret: e.WECHAT_SECRET,
      wechatApiBase: e.WECHAT_API_BASE.replace(/\/$/, ''),
    },
  }
}
