/**
 * HTTPS client for WeChat 人脸核身 2.0 (server side; not callable via 云调用):
 *   POST /cityservice/face/identify/getverifyid?access_token=…
 *        {out_seq_no, cert_info:{cert_type:'IDENTITY_CARD', cert_name, cert_no}, openid}
 *        → {errcode, errmsg, verify_id, expires_in}
 *   POST /cityservice/face/identify/queryverifyinfo?access_token=…
 *        {verify_id, out_seq_no, cert_hash, openid} → {errcode, errmsg, verify_ret}
 * Pass = errcode 0 AND verify_ret 10000. Token errors (40001/42001) refresh the token and retry once.
 * Names, ID numbers and cert_hash go only into request bodies: never into logs or errors.
 */
import { createHash } from 'node:crypto'
import { errcodeOf, postJson, TOKEN_ERRCODES, WechatApiError, WechatUnavailableError, type AccessTokenProvider, type WechatHttpOptions } from './access-token'

export const VERIFY_RET_PASSED = 10000

export interface CertInfo {
  certName: string
  certNo: string
}

/** Normalised as WeChat compares them: trimmed name, ID number with an upper-case X. */
export function normaliseCert(name: string, idNumber: string): CertInfo {
  return { certName: name.trim(), certNo: idNumber.trim().toUpperCase() }
}

/**
 * cert_hash = SHA-256 (hex) of `cert_type=<b64>&cert_name=<b64>&cert_no=<b64>`, each value the
 * base64 of its UTF-8 text (WECHAT-FACTS §3).
 */
export function certHash(cert: CertInfo, certType = 'IDENTITY_CARD'): string {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')
  return createHash('sha256').update(`cert_type=${b64(certType)}&cert_name=${b64(cert.certName)}&cert_no=${b64(cert.certNo)}`).digest('hex')
}

/**
 * out_seq_no (5–32 chars, unique per appid) for attempt n of a session: 32 hex chars of
 * SHA-256(sessionId#n). Deterministic, so a retried start derives the same number.
 */
export function outSeqNoFor(sessionId: string, attempt = 1): string {
  return createHash('sha256').update(`${sessionId}#${attempt}`).digest('hex').slice(0, 32)
}

export interface WechatFaceClientOptions extends WechatHttpOptions {
  tokens: AccessTokenProvider
}

export class WechatFaceClient {
  constructor(private readonly opts: WechatFaceClientOptions) {}

  /** Calls a token-authenticated API; on a token error refreshes the token and retries once. */
  private async call(path: string, body: unknown, where: string): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.opts.tokens.getAccessToken()
      const answer = await postJson(this.opts, `${path}?access_token=${encodeURIComponent(token)}`, body, where)
      const errcode = errcodeOf(answer)
      if (TOKEN_ERRCODES.has(errcode)) {
        this.opts.tokens.invalidate(token)
        if (attempt === 0) continue
        // A fresh token refused too: a deployment problem, not the person's.
        throw new WechatUnavailableError(where, `token refused (${errcode})`)
      }
      if (errcode === -1) throw new WechatUnavailableError(where, 'system busy')
      return answer
    }
  }

  async getVerifyId(outSeqNo: string, cert: CertInfo, openid: string): Promise<{ verifyId: string; expiresIn: number }> {
    const answer = await this.call(
      '/cityservice/face/identify/getverifyid',
      { out_seq_no: outSeqNo, cert_info: { cert_type: 'IDENTITY_CARD', cert_name: cert.certName, cert_no: cert.certNo }, openid },
      'getverifyid',
    )
    const errcode = errcodeOf(answer)
    if (errcode !== 0 || typeof answer.verify_id !== 'string' || answer.verify_id === '') throw new WechatApiError(errcode, 'getverifyid')
    const expiresIn = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 3600
    return { verifyId: answer.verify_id, expiresIn }
  }

  /** errcode and verify_ret as WeChat answered (verify_ret undefined when absent). */
  async queryVerifyInfo(q: { verifyId: string; outSeqNo: string; certHash: string; openid: string }): Promise<{ errcode: number; verifyRet?: number }> {
    const answer = await this.call(
      '/cityservice/face/identify/queryverifyinfo',
      { verify_id: q.verifyId, out_seq_no: q.outSeqNo, cert_hash: q.certHash, openid: q.openid },
      'queryverifyinfo',
    )
    return { errcode: errcodeOf(answer), verifyRet: typeof answer.verify_ret === 'number' ? answer.verify_ret : undefined }
  }
}
