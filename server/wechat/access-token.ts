/**
 * Access token for WeChat server APIs: `POST /cgi-bin/stable_token {grant_type:'client_credential',
 * appid, secret, force_refresh}` → `{access_token, expires_in}`. Cached until shortly before it
 * expires; concurrent callers share one request. When an API answers 40001/42001 (token invalid or
 * expired) the caller invalidates it and asks again once: we first ask without force_refresh (the
 * stable token may simply have rotated), and force a refresh only if WeChat hands back the same token.
 */
export interface AccessTokenProvider {
  getAccessToken(): Promise<string>
  /** The API refused `token`: the next getAccessToken() fetches a new one. */
  invalidate(token: string): void
}

export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly where: string,
  ) {
    super(`WeChat ${where} errcode ${errcode}`)
    this.name = 'WechatApiError'
  }
}

/** Network failure, timeout, non-JSON or 5xx answer: WeChat could not be asked. */
export class WechatUnavailableError extends Error {
  constructor(
    readonly where: string,
    reason: string,
  ) {
    super(`WeChat ${where} unavailable: ${reason}`)
    this.name = 'WechatUnavailableError'
  }
}

export type FetchLike = (url: string, init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{
  status: number
  text(): Promise<string>
}>

export interface WechatHttpOptions {
  apiBase: string
  fetch?: FetchLike
  timeoutMs?: number
}

/** POST JSON, parse JSON. Throws WechatUnavailableError on transport problems only. */
export async function postJson(opts: WechatHttpOptions, pathAndQuery: string, body: unknown, where: string): Promise<Record<string, unknown>> {
  const doFetch: FetchLike = opts.fetch ?? ((url, init) => fetch(url, init))
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 10_000)
  let status: number
  let text: string
  try {
    const res = await doFetch(`${opts.apiBase}${pathAndQuery}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal })
    status = res.status
    text = await res.text()
  } catch (err) {
    throw new WechatUnavailableError(where, err instanceof Error ? err.name : 'network')
  }
  if (status >= 500 || status === 429) throw new WechatUnavailableError(where, `http ${status}`)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new WechatUnavailableError(where, `http ${status}, not JSON`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new WechatUnavailableError(where, 'not an object')
  return parsed as Record<string, unknown>
}

export const errcodeOf = (answer: Record<string, unknown>): number => (typeof answer.errcode === 'number' ? answer.errcode : 0)

/** Token errors after which the token is fetched again and the call retried once. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 42001, 40014])

export interface StableTokenOptions extends WechatHttpOptions {
  appId: string
  secret: string
  clock?: () => Date
  /** Refresh this long before expiry (default 5 min). */
  marginMs?: number
}

export class StableTokenProvider implements AccessTokenProvider {
  private token?: { value: string; expiresAt: number }
  private invalidated?: string
  private inflight?: Promise<string>

  constructor(private readonly opts: StableTokenOptions) {}

  private now(): number {
    return (this.opts.clock?.() ?? new Date()).getTime()
  }

  getAccessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > this.now()) return Promise.resolve(this.token.value)
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined
    })
    return this.inflight
  }

  invalidate(token: string): void {
    if (this.token?.value === token) this.token = undefined
    this.invalidated = token
  }

  private async request(forceRefresh: boolean): Promise<{ value: string; expiresIn: number }> {
    const answer = await postJson(
      this.opts,
      '/cgi-bin/stable_token',
      { grant_type: 'client_credential', appid: this.opts.appId, secret: this.opts.secret, force_refresh: forceRefresh },
      'stable_token',
    )
    const errcode = errcodeOf(answer)
    if (errcode === -1) throw new WechatUnavailableError('stable_token', 'system busy')
    if (errcode !== 0 || typeof answer.access_token !== 'string' || answer.access_token === '') throw new WechatApiError(errcode, 'stable_token')
    const expiresIn = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 7200
    return { value: answer.access_token, expiresIn }
  }

  private async fetchToken(): Promise<string> {
    let got = await this.request(false)
    if (this.invalidated !== undefined && got.value === this.invalidated) got = await this.request(true)
    this.invalidated = undefined
    const margin = Math.min(this.opts.marginMs ?? 5 * 60_000, (got.expiresIn * 1000) / 2)
    this.token = { value: got.value, expiresAt: this.now() + got.expiresIn * 1000 - margin }
    return got.value
  }
}
