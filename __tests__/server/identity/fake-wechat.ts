/**
 * A local fake of the WeChat server APIs used by 人脸核身 2.0, on 127.0.0.1, following the documented
 * requests, fields and answers (../shared/WECHAT-FACTS.md §3):
 *   POST /cgi-bin/stable_token {grant_type:'client_credential', appid, secret, force_refresh?}
 *        → {access_token, expires_in} | {errcode 40013 invalid appid | 40125 invalid appsecret | 40002 bad grant_type}
 *   POST /cityservice/face/identify/getverifyid?access_token=
 *        {out_seq_no 5–32 chars unique per appid, cert_info {cert_type:'IDENTITY_CARD', cert_name, cert_no}, openid}
 *        → {errcode 0, errmsg 'ok', verify_id, expires_in 3600}
 *   POST /cityservice/face/identify/queryverifyinfo?access_token=
 *        {verify_id, out_seq_no, cert_hash, openid} → {errcode 0, errmsg 'ok', verify_ret}
 * Token problems: 41001 (missing), 40001 (invalid), 42001 (expired). Bad fields: 47001 (body not
 * JSON) and 40097 (invalid args). The fake recomputes cert_hash with its own code from what
 * getverifyid received. Fake-only choices (not documented by WeChat): a repeated out_seq_no is
 * refused with 40097; a query before the phone finished answers verify_ret 90100.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeCall {
  path: string
  token?: string
  body: unknown
  answer: Record<string, unknown>
}

interface Verification {
  outSeqNo: string
  openid: string
  certHash: string
  expiresAt: number
  /** verify_ret the phone produced; undefined until completeOnPhone(). */
  verifyRet?: number
}

export class FakeWechat {
  readonly appId = 'wx0123456789abcdef'
  readonly secret = '0123456789abcdef0123456789abcdef'
  readonly calls: FakeCall[] = []
  private server?: Server
  private tokens = new Map<string, { expiresAt: number }>()
  private tokenCounter = 0
  private outSeqNos = new Set<string>()
  private verifications = new Map<string, Verification>()
  private failNextWith = new Map<string, { what: number | 'http500' | 'garbage'; times: number }>()
  now = () => Date.now()
  base = ''

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this.base
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  /** The next call to `path` answers this errcode (or an HTTP 500 / a non-JSON body). */
  failNext(path: string, what: number | 'http500' | 'garbage', times = 1): void {
    this.failNextWith.set(path, { what, times })
  }

  /** Every issued token becomes invalid (40001), as after a force_refresh elsewhere. */
  revokeTokens(): void {
    this.tokens.clear()
  }

  /** Every issued token is past its expiry (42001). */
  expireTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0
  }

  /** What wx.requestFacialVerify produced on the phone for this verify_id. */
  completeOnPhone(verifyId: string, verifyRet: number): void {
    const v = this.verifications.get(verifyId)
    if (!v) throw new Error(`fake: unknown verify_id ${verifyId}`)
    v.verifyRet = verifyRet
  }

  callsTo(path: string): FakeCall[] {
    return this.calls.filter((c) => c.path === path)
  }

  /** The fake's own cert_hash, written independently of the client's. */
  static certHash(certType: string, name: string, no: string): string {
    const enc = (s: string) => Buffer.from(s).toString('base64')
    return createHash('sha256').update(['cert_type=' + enc(certType), 'cert_name=' + enc(name), 'cert_no=' + enc(no)].join('&')).digest('hex')
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base)
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const send = (answer: Record<string, unknown>, status = 200) => {
      this.calls.push({ path: url.pathname, token: url.searchParams.get('access_token') ?? undefined, body: safeJson(raw), answer })
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(answer))
    }
    const planned = this.failNextWith.get(url.pathname)
    if (planned !== undefined) {
      if (--planned.times <= 0) this.failNextWith.delete(url.pathname)
      const failure = planned.what
      if (failure === 'http500') return send({}, 500)
      if (failure === 'garbage') {
        this.calls.push({ path: url.pathname, body: safeJson(raw), answer: {} })
        res.writeHead(200, { 'content-type': 'text/html' })
        res.end('<html>busy</html>')
        return
      }
      return send({ errcode: failure, errmsg: `fake failure ${failure}` })
    }
    if (req.method !== 'POST') return send({ errcode: 43002, errmsg: 'require POST method' })
    const body = safeJson(raw)
    if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) return send({ errcode: 47001, errmsg: 'data format error' })
    const b = body as Record<string, unknown>

    if (url.pathname === '/cgi-bin/stable_token') {
      if (b.grant_type !== 'client_credential') return send({ errcode: 40002, errmsg: 'invalid grant_type' })
      if (b.appid !== this.appId) return send({ errcode: 40013, errmsg: 'invalid appid' })
      if (b.secret !== this.secret) return send({ errcode: 40125, errmsg: 'invalid appsecret' })
      if (b.force_refresh !== undefined && typeof b.force_refresh !== 'boolean') return send({ errcode: 40097, errmsg: 'invalid args' })
      const token = `fake-token-${++this.tokenCounter}-${randomBytes(4).toString('hex')}`
      this.tokens.set(token, { expiresAt: this.now() + 7200_000 })
      return send({ access_token: token, expires_in: 7200 })
    }

    const token = url.searchParams.get('access_token')
    if (!token) return send({ errcode: 41001, errmsg: 'access_token missing' })
    const known = this.tokens.get(token)
    if (!known) return send({ errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' })
    if (known.expiresAt <= this.now()) return send({ errcode: 42001, errmsg: 'access_token expired' })

    if (url.pathname === '/cityservice/face/identify/getverifyid') {
      const ci = b.cert_info as Record<string, unknown> | undefined
      const problems = [
        !exactKeys(b, ['out_seq_no', 'cert_info', 'openid']) && 'fields',
        !(typeof b.out_seq_no === 'string' && b.out_seq_no.length >= 5 && b.out_seq_no.length <= 32) && 'out_seq_no',
        !(typeof b.openid === 'string' && b.openid.length > 0) && 'openid',
        !(ci && typeof ci === 'object' && exactKeys(ci, ['cert_type', 'cert_name', 'cert_no'])) && 'cert_info',
        ci?.cert_type !== 'IDENTITY_CARD' && 'cert_type',
        !(typeof ci?.cert_name === 'string' && ci.cert_name.length > 0) && 'cert_name',
        !(typeof ci?.cert_no === 'string' && /^\d{17}[\dX]$/.test(ci.cert_no)) && 'cert_no',
      ].filter(Boolean)
      if (problems.length > 0) return send({ errcode: 40097, errmsg: `invalid args: ${problems[0]}` })
      if (this.outSeqNos.has(b.out_seq_no as string)) return send({ errcode: 40097, errmsg: 'invalid args: out_seq_no repeated' })
      this.outSeqNos.add(b.out_seq_no as string)
      const verifyId = `fake-verify-${randomBytes(12).toString('hex')}`
      this.verifications.set(verifyId, {
        outSeqNo: b.out_seq_no as string,
        openid: b.openid as string,
        certHash: FakeWechat.certHash('IDENTITY_CARD', ci!.cert_name as string, ci!.cert_no as string),
        expiresAt: this.now() + 3600_000,
      })
      return send({ errcode: 0, errmsg: 'ok', verify_id: verifyId, expires_in: 3600 })
    }

    if (url.pathname === '/cityservice/face/identify/queryverifyinfo') {
      if (!exactKeys(b, ['verify_id', 'out_seq_no', 'cert_hash', 'openid'])) return send({ errcode: 40097, errmsg: 'invalid args: fields' })
      const v = typeof b.verify_id === 'string' ? this.verifications.get(b.verify_id) : undefined
      if (!v) return send({ errcode: 40097, errmsg: 'invalid args: verify_id' })
      if (b.out_seq_no !== v.outSeqNo) return send({ errcode: 40097, errmsg: 'invalid args: out_seq_no' })
      if (b.openid !== v.openid) return send({ errcode: 40097, errmsg: 'invalid args: openid' })
      if (typeof b.cert_hash !== 'string' || !/^[0-9a-f]{64}$/.test(b.cert_hash) || b.cert_hash !== v.certHash) return send({ errcode: 40097, errmsg: 'invalid args: cert_hash' })
      return send({ errcode: 0, errmsg: 'ok', verify_ret: v.verifyRet ?? 90100 })
    }

    return send({ errcode: 40066, errmsg: 'invalid url' }, 404)
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function exactKeys(obj: Record<string, unknown>, keys: string[]): boolean {
  const have = Object.keys(obj).sort()
  return have.length === keys.length && [...keys].sort().every((k, i) => have[i] === k)
}
