/**
 * A phone talking to the cluster through the gateway proxy, as the H5 app does: local sign-in, then
 * POST /fn/<name>. An answer that says nothing about the outcome (connection cut, 502 from the proxy,
 * 503 shed, a backend the gateway could not reach) is retried, as a person taps again; everything else
 * is the answer. Only `ok: true` counts as an acknowledged write.
 */
export interface FnAnswer {
  ok: boolean
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data?: any
  error?: { code: string; message?: string }
}

/** Codes that leave the outcome open: the request may or may not have been carried out. */
export const UNDECIDED = new Set(['TRANSPORT', 'BAD_GATEWAY', 'SERVICE_UNAVAILABLE', 'INTERNAL', 'REQUEST_TIMEOUT', 'BACKEND_UNAVAILABLE', 'BACKEND_TIMEOUT'])

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export async function post(url: string, body: unknown, token?: string): Promise<FnAnswer> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(60_000),
    })
    const text = await res.text()
    if (res.status === 502) return { ok: false, error: { code: 'BAD_GATEWAY' } }
    try {
      return JSON.parse(text) as FnAnswer
    } catch {
      return { ok: false, error: { code: res.status >= 500 ? 'SERVICE_UNAVAILABLE' : `HTTP_${res.status}` } }
    }
  } catch {
    return { ok: false, error: { code: 'TRANSPORT' } }
  }
}

export interface Phone {
  openid: string
  /** One call, no retry. */
  call(name: string, event?: unknown): Promise<FnAnswer>
  /** Retries while the outcome is undecided; counts the retries in `retries`. */
  until(name: string, event?: unknown): Promise<FnAnswer>
}

export const counters = { retries: 0 }

async function retrying(once: () => Promise<FnAnswer>): Promise<FnAnswer> {
  let answer = await once()
  for (let attempt = 1; attempt < 60 && !answer.ok && UNDECIDED.has(answer.error?.code ?? ''); attempt++) {
    counters.retries++
    await sleep(Math.min(2000, 200 * attempt))
    answer = await once()
  }
  return answer
}

export async function signIn(gatewayUrl: string): Promise<Phone> {
  const login = await retrying(() => post(`${gatewayUrl}/auth/local-login`, {}))
  if (!login.ok) throw new Error(`local sign-in failed: ${login.error?.code}`)
  const { token, openid } = login.data as { token: string; openid: string }
  const call = (name: string, event?: unknown) => post(`${gatewayUrl}/fn/${name}`, event ?? {}, token)
  return { openid, call, until: (name, event) => retrying(() => call(name, event)) }
}
