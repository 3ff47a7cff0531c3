/**
 * wechat-facial-verify: WeChat 人脸核身 2.0 against the authoritative ID photo.
 *   prepare(): getverifyid → verify_id (kept per session in identity_wechat_checks, so any backend
 *              instance can finish the session; a repeated prepare returns the same verify_id while
 *              it is valid) → the phone calls wx.requestFacialVerify({verifyId}) (base lib ≥ 3.8.12);
 *   verify():  queryverifyinfo with cert_hash of the person's name + ID number → verified only when
 *              errcode is 0 AND verify_ret is 10000.
 * verify_ret 90000–90999 (device unsupported, user cancelled, camera/microphone permission, timeout,
 * … — WECHAT-FACTS §3) → rejected wechat_user_cancelled (the check was not completed: the person can
 * try again); any other verify_ret or a refused query → rejected wechat_not_passed; WeChat busy or
 * unreachable → unavailable. Evidence frames are never needed: WeChat keeps the face images.
 */
import { findWechatCheck, saveWechatCheck } from '../repositories/face-references'
import type { Db } from '../repositories/types'
import { IdentityPrepareError, silentLogger, type IdentityLogger } from './errors'
import type { IdentityClientStep, IdentityEvidence, IdentityOutcome, IdentitySubject, IdentityVerifier } from './port'
import { WechatApiError, WechatUnavailableError } from '../wechat/access-token'
import { certHash, normaliseCert, outSeqNoFor, VERIFY_RET_PASSED, type WechatFaceClient } from '../wechat/facial-verify-client'

export const isUserSideVerifyRet = (ret: number): boolean => ret >= 90000 && ret <= 90999

export interface WechatFacialVerifyOptions {
  db: Db
  client: WechatFaceClient
  clock?: () => Date
  logger?: IdentityLogger
}

export class WechatFacialVerifyVerifier implements IdentityVerifier {
  readonly kind = 'wechat-facial-verify' as const
  readonly needsEvidenceFrames = false
  private readonly log: IdentityLogger

  constructor(private readonly opts: WechatFacialVerifyOptions) {
    this.log = opts.logger ?? silentLogger
  }

  private now(): Date {
    return this.opts.clock?.() ?? new Date()
  }

  async prepare(subject: IdentitySubject): Promise<IdentityClientStep> {
    const { db, client } = this.opts
    const now = this.now()
    const existing = await findWechatCheck(db, subject.sessionId)
    if (existing && Date.parse(existing.expires_at) > now.getTime() + 60_000) return { kind: 'wechat-facial-verify', verifyId: existing.verify_id }

    let attempt = 1
    if (existing) while (attempt < 100 && outSeqNoFor(subject.sessionId, attempt) !== existing.out_seq_no) attempt++
    const outSeqNo = outSeqNoFor(subject.sessionId, existing ? attempt + 1 : 1)
    const meta = { sessionId: subject.sessionId, personId: subject.personId, verifier: this.kind }
    try {
      const { verifyId, expiresIn } = await client.getVerifyId(outSeqNo, normaliseCert(subject.name, subject.idNumber), subject.openid)
      await saveWechatCheck(db, {
        session_id: subject.sessionId,
        out_seq_no: outSeqNo,
        verify_id: verifyId,
        expires_at: new Date(now.getTime() + expiresIn * 1000).toISOString(),
        created_at: now.toISOString(),
      })
      this.log.info(meta, 'identity: wechat verify_id issued')
      return { kind: 'wechat-facial-verify', verifyId }
    } catch (err) {
      if (err instanceof WechatUnavailableError) {
        this.log.warn({ ...meta, where: err.where }, 'identity: wechat unavailable at getverifyid')
        throw new IdentityPrepareError(true)
      }
      if (err instanceof WechatApiError) {
        this.log.warn({ ...meta, errcode: err.errcode }, 'identity: wechat refused getverifyid')
        throw new IdentityPrepareError(false, err.errcode)
      }
      throw err
    }
  }

  async verify(subject: IdentitySubject, _evidence: IdentityEvidence): Promise<IdentityOutcome> {
    const meta = { sessionId: subject.sessionId, personId: subject.personId, verifier: this.kind }
    const check = await findWechatCheck(this.opts.db, subject.sessionId)
    if (!check) {
      this.log.warn(meta, 'identity: no wechat verify_id for this session')
      return { outcome: 'rejected', reason: 'wechat_not_passed' }
    }
    let answer: { errcode: number; verifyRet?: number }
    try {
      answer = await this.opts.client.queryVerifyInfo({
        verifyId: check.verify_id,
        outSeqNo: check.out_seq_no,
        certHash: certHash(normaliseCert(subject.name, subject.idNumber)),
        openid: subject.openid,
      })
    } catch (err) {
      if (err instanceof WechatUnavailableError) {
        this.log.warn({ ...meta, where: err.where }, 'identity: wechat unavailable at queryverifyinfo')
        return { outcome: 'unavailable' }
      }
      if (err instanceof WechatApiError) {
        // Only the token endpoint throws this (bad appid/secret): a deployment problem, not the person's.
        this.log.error({ ...meta, errcode: err.errcode, where: err.where }, 'identity: wechat token refused')
        return { outcome: 'unavailable' }
      }
      throw err
    }
    this.log.info({ ...meta, errcode: answer.errcode, verifyRet: answer.verifyRet ?? null }, 'identity: wechat queryverifyinfo')
    if (answer.errcode === 0 && answer.verifyRet === VERIFY_RET_PASSED) return { outcome: 'verified' }
    if (answer.errcode === 0 && answer.verifyRet !== undefined && isUserSideVerifyRet(answer.verifyRet)) return { outcome: 'rejected', reason: 'wechat_user_cancelled' }
    return { outcome: 'rejected', reason: 'wechat_not_passed' }
  }
}
