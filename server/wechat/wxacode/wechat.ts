/**
 * Production adapter: wxacode.getUnlimited over HTTPS from the backend (WECHAT-FACTS §7). We call it
 * from the backend (not a cloud function's 云调用) because the notice run is a backend CLI that needs
 * thousands of codes in one go; the access token comes from /cgi-bin/stable_token like 人脸核身's.
 *
 *   POST {WECHAT_API_BASE}/wxa/getwxacodeunlimit?access_token=…
 *        {scene ≤ 32 chars, page without "/" or query, check_path, env_version, width 280–1280}
 *   → the image bytes (JPEG unless is_hyaline), or JSON {errcode, errmsg} on failure:
 *     40001/42001/40014 token → refreshed and retried once; 45009 (5000/min) and -1 → unavailable
 *     (retry later); 41030 page not found / not published → WechatApiError (fix WXACODE_CHECK_PATH
 *     or publish the page); 40097/40129 bad scene → WechatApiError.
 * The scene carries only the notice code; nothing personal is sent.
 */
import { SCENE_PATTERN } from '../../../src/core/contracts/notices'
import { TOKEN_ERRCODES, WechatApiError, WechatUnavailableError, type AccessTokenProvider } from '../access-token'
import { sniffImage, type MiniProgramCodeImage, type MiniProgramCodePort, type MiniProgramCodeRequest } from './port'

export type BinaryFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; arrayBuffer(): Promise<ArrayBuffer> }>

export interface WechatCodesOptions {
  apiBase: string
  tokens: AccessTokenProvider
  envVersion: 'release' | 'trial' | 'develop'
  checkPath: boolean
  width: number
  fetch?: BinaryFetch
  timeoutMs?: number
}

export class WechatMiniProgramCodes implements MiniProgramCodePort {
  readonly kind = 'wechat' as const

  constructor(private readonly opts: WechatCodesOptions) {}

  async render(req: MiniProgramCodeRequest): Promise<MiniProgramCodeImage> {
    if (!SCENE_PATTERN.test(req.scene)) throw new RangeError('scene must be 1–32 allowed characters')
    if (req.page.startsWith('/') || req.page.includes('?')) throw new RangeError('page: no leading "/" and no query')
    const body = JSON.stringify({ scene: req.scene, page: req.page, check_path: this.opts.checkPath, env_version: this.opts.envVersion, width: this.opts.width })
    for (let attempt = 0; ; attempt++) {
      const token = await this.opts.tokens.getAccessToken()
      const { status, contentType, bytes } = await this.post(`/wxa/getwxacodeunlimit?access_token=${encodeURIComponent(token)}`, body)
      if (status >= 500 || status === 429) throw new WechatUnavailableError('getwxacodeunlimit', `http ${status}`)
      const format = sniffImage(bytes)
      if (format && !contentType.includes('json')) return { bytes, format }
      let errcode: number
      try {
        const parsed = JSON.parse(bytes.toString('utf8')) as { errcode?: unknown }
        errcode = typeof parsed.errcode === 'number' ? parsed.errcode : -2
      } catch {
        throw new WechatUnavailableError('getwxacodeunlimit', `http ${status}, neither image nor JSON`)
      }
      if (TOKEN_ERRCODES.has(errcode)) {
        this.opts.tokens.invalidate(token)
        if (attempt === 0) continue
        throw new WechatUnavailableError('getwxacodeunlimit', `token refused (${errcode})`)
      }
      if (errcode === -1 || errcode === 45009) throw new WechatUnavailableError('getwxacodeunlimit', `errcode ${errcode}`)
      throw new WechatApiError(errcode, 'getwxacodeunlimit')
    }
  }

  private async post(pathAndQuery: string, body: string): Promise<{ status: number; contentType: string; bytes: Buffer }> {
    const doFetch: BinaryFetch = this.opts.fetch ?? ((url, init) => fetch(url, init))
    try {
      const res = await doFetch(`${this.opts.apiBase}${pathAndQuery}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      })
      return { status: res.status, contentType: (res.headers.get('content-type') ?? '').toLowerCase(), bytes: Buffer.from(await res.arrayBuffer()) }
    } catch (err) {
      throw new WechatUnavailableError('getwxacodeunlimit', err instanceof Error ? err.name : 'network')
    }
  }
}
