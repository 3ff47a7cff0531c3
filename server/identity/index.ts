/**
 * Chooses the IdentityVerifier named by IDENTITY_VERIFIER (see docs/identity-verification.md):
 *   local-face-match     default outside production (an enrolled reference photo vs evidence frames)
 *   manual-review        default in production when unset (never approves by itself)
 *   wechat-facial-verify production weapp with 人脸核身 2.0 (needs WECHAT_APPID/WECHAT_SECRET)
 */
import type { AppConfig, IdentityConfig } from '../config/env'
import type { Db } from '../repositories/types'
import { EmbeddingCipher } from './embedding-cipher'
import type { IdentityLogger } from './errors'
import { sharedHumanEmbedder, type FaceEmbedder } from './human-node'
import { LocalFaceMatchVerifier } from './local-face-match'
import { ManualReviewVerifier } from './manual-review'
import type { IdentityVerifier } from './port'
import { StableTokenProvider, type AccessTokenProvider, type FetchLike } from '../wechat/access-token'
import { WechatFacialVerifyVerifier } from './wechat-facial-verify'
import { WechatFaceClient } from '../wechat/facial-verify-client'

export type { IdentityVerifier, IdentityOutcome, IdentityClientStep, IdentitySubject, IdentityEvidence, IdentityRejectReason } from './port'
export { IdentityPrepareError, type IdentityLogger } from './errors'

export const DEFAULT_IDENTITY_CONFIG: Omit<IdentityConfig, 'verifier'> = {
  faceThreshold: 0.55,
  faceMaxFrames: 5,
  noReference: 'review',
  weappFrameUpload: false,
  wechatApiBase: 'https://api.weixin.qq.com',
}

/** The identity settings of a config, with defaults when a hand-built config has none. */
export function identityConfigOf(config: Pick<AppConfig, 'nodeEnv' | 'identity'>): IdentityConfig {
  return config.identity ?? { verifier: config.nodeEnv === 'production' ? 'manual-review' : 'local-face-match', ...DEFAULT_IDENTITY_CONFIG }
}

export interface IdentityDeps {
  db: Db
  clock?: () => Date
  logger?: IdentityLogger
  /** local-face-match: defaults to the process-wide Human instance (loaded on first use). */
  embedder?: FaceEmbedder
  /** wechat-facial-verify: defaults to a stable_token provider with WECHAT_APPID/WECHAT_SECRET. */
  tokens?: AccessTokenProvider
  /** wechat-facial-verify: HTTP client (default: global fetch). */
  fetch?: FetchLike
}

export function createIdentityVerifier(config: Pick<AppConfig, 'nodeEnv' | 'identity' | 'piiKeys' | 'piiKeyCurrent'>, deps: IdentityDeps): IdentityVerifier {
  const id = identityConfigOf(config)
  switch (id.verifier) {
    case 'manual-review':
      return new ManualReviewVerifier()
    case 'local-face-match':
      return new LocalFaceMatchVerifier({
        db: deps.db,
        embedder: deps.embedder ?? sharedHumanEmbedder(),
        cipher: new EmbeddingCipher(config.piiKeys, config.piiKeyCurrent),
        threshold: id.faceThreshold,
        maxFrames: id.faceMaxFrames,
        noReference: id.noReference,
        logger: deps.logger,
      })
    case 'wechat-facial-verify': {
      const http = { apiBase: id.wechatApiBase, fetch: deps.fetch }
      let tokens = deps.tokens
      if (!tokens) {
        if (!id.wechatAppId || !id.wechatSecret) throw new Error('wechat-facial-verify needs WECHAT_APPID and WECHAT_SECRET')
        tokens = new StableTokenProvider({ ...http, appId: id.wechatAppId, secret: id.wechatSecret, clock: deps.clock })
      }
      return new WechatFacialVerifyVerifier({ db: deps.db, client: new WechatFaceClient({ ...http, tokens }), clock: deps.clock, logger: deps.logger })
    }
  }
}

/**
 * Whether the client should capture and upload evidence frames on a channel. On weapp, WeChat's
 * rules say a mini-program that stores face images must use its native face verification: frames
 * stay on the phone unless the deployment turns IDENTITY_WEAPP_FRAME_UPLOAD on.
 */
export function shouldUploadEvidenceFrames(verifier: Pick<IdentityVerifier, 'needsEvidenceFrames'>, config: Pick<AppConfig, 'nodeEnv' | 'identity'>, channel: 'weapp' | 'h5'): boolean {
  if (!verifier.needsEvidenceFrames) return false
  return channel === 'h5' || identityConfigOf(config).weappFrameUpload
}
