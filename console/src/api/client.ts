/**
 * The console's typed client, derived from THE endpoint table (src/core/contracts/agency): call an
 * endpoint by name; path parameters are filled in, a GET's input goes in the query string, a POST's
 * input is the JSON body with the session's X-CSRF-Token. Nothing throws: every failure comes back
 * as {ok:false, code, message} with the backend's Chinese message for the clerk. A 401 (signed out,
 * session expired) also tells the session layer, which goes back to the sign-in page.
 */
import type * as v from 'valibot'
import { AGENCY_ENDPOINTS, type AgencyEndpointName, type AgencyEndpoints, type AgencyEndpointSpec } from '../../../src/core/contracts/agency'

export const API_BASE = '/agency/api'

type Spec<N extends AgencyEndpointName> = AgencyEndpoints[N]
type In<S> = S extends v.GenericSchema ? v.InferInput<S> : undefined
type Out<S> = S extends v.GenericSchema ? v.InferOutput<S> : undefined

export type InputOf<N extends AgencyEndpointName> = Spec<N> extends { input: infer S } ? In<S> : undefined
export type ParamsOf<N extends AgencyEndpointName> = Spec<N> extends { params: infer S } ? In<S> : undefined
export type AnswerOf<N extends AgencyEndpointName> = Spec<N>['answer'] extends 'file' ? DownloadedFile : Out<Spec<N>['answer']>

/** A 'file' endpoint's answer: the bytes and what the backend said about them. */
export interface DownloadedFile {
  blob: Blob
  filename: string
  contentType: string
  /** Lower-case response headers (x-export-id, x-row-count, x-checksum-sha256 …). */
  headers: Record<string, string>
}

export interface ApiFailure {
  ok: false
  /** The backend's stable code, or NETWORK / BAD_ANSWER for failures on the way. */
  code: string
  /** Plain Chinese, shown to the clerk as is. */
  message: string
  status: number
  field?: string
}
export type ApiResult<T> = { ok: true; value: T } | ApiFailure

type OptionalIfUndefined<K extends string, T> = [T] extends [undefined] ? { [P in K]?: undefined } : { [P in K]: T }
export type CallArgs<N extends AgencyEndpointName> = OptionalIfUndefined<'input', InputOf<N>> &
  OptionalIfUndefined<'params', ParamsOf<N>> & {
    signal?: AbortSignal
    /** Downloads: bytes received so far and the total when the backend sent one. */
    onProgress?: (received: number, total: number | null) => void
  }

let csrfToken: string | null = null
let onSignedOut: (() => void) | null = null

/** Set by the session layer from the sign-in / "me" answer; sent on every POST. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token
}
/** Called when an answer says the session is gone (401 AGENCY_SIGNIN_REQUIRED). */
export function setSignedOutHandler(handler: (() => void) | null): void {
  onSignedOut = handler
}

export const FALLBACK_MESSAGES: Record<string, string> = {
  NETWORK: '连接不上服务器，请检查网络后重试',
  BAD_ANSWER: '服务器的回答无法识别，请刷新页面后重试',
}

/** '/persons/:personId' + {personId:'7'} → '/persons/7'. */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, key: string) => {
    const value = params?.[key]
    if (value === undefined || value === null) throw new Error(`missing path parameter ${key}`)
    return encodeURIComponent(String(value))
  })
}

/** A GET input as a query string; empty values are left out, arrays repeat the key. */
export function queryString(input: unknown): string {
  if (!input || typeof input !== 'object') return ''
  const q = new URLSearchParams()
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    const values = Array.isArray(value) ? value : [value]
    for (const item of values) if (item !== undefined && item !== null && item !== '') q.append(key, String(item))
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

export async function call<N extends AgencyEndpointName>(name: N, ...rest: [CallArgs<N>?]): Promise<ApiResult<AnswerOf<N>>> {
  const args = (rest[0] ?? {}) as { input?: unknown; params?: Record<string, unknown>; signal?: AbortSignal; onProgress?: (r: number, t: number | null) => void }
  const spec = AGENCY_ENDPOINTS[name] as unknown as AgencyEndpointSpec
  const path = fillPath(spec.path, args.params)
  const get = spec.method === 'GET'
  const headers: Record<string, string> = { accept: spec.answer === 'file' ? '*/*' : 'application/json' }
  if (!get) {
    headers['content-type'] = 'application/json'
    if (csrfToken) headers['x-csrf-token'] = csrfToken
  }
  let res: Response
  try {
    res = await fetch(API_BASE + path + (get ? queryString(args.input) : ''), {
      method: spec.method,
      headers,
      credentials: 'same-origin',
      body: get ? undefined : JSON.stringify(args.input ?? {}),
      signal: args.signal,
    })
  } catch {
    return failure('NETWORK', 0)
  }
  if (!res.ok) return failed(res)
  if (spec.answer === 'file') {
    try {
      const blob = await readBlob(res, args.onProgress)
      const hdrs: Record<string, string> = {}
      res.headers.forEach((value, key) => (hdrs[key.toLowerCase()] = value))
      return { ok: true, value: { blob, filename: filenameOf(res.headers.get('content-disposition')) ?? 'download', contentType: res.headers.get('content-type') ?? '', headers: hdrs } as AnswerOf<N> }
    } catch {
      return failure('NETWORK', 0)
    }
  }
  try {
    return { ok: true, value: (await res.json()) as AnswerOf<N> }
  } catch {
    return failure('BAD_ANSWER', res.status)
  }
}

async function failed(res: Response): Promise<ApiFailure> {
  let body: { error?: { code?: unknown; message?: unknown; field?: unknown } } | null = null
  try {
    body = await res.json()
  } catch {
    /* not JSON (a proxy's page): fall back below */
  }
  const code = typeof body?.error?.code === 'string' ? body.error.code : `HTTP_${res.status}`
  const message = typeof body?.error?.message === 'string' ? body.error.message : `服务器暂时无法处理（${res.status}），请稍后再试`
  if (res.status === 401 && code === 'AGENCY_SIGNIN_REQUIRED') onSignedOut?.()
  return { ok: false, code, message, status: res.status, ...(typeof body?.error?.field === 'string' ? { field: body.error.field } : {}) }
}

function failure(code: keyof typeof FALLBACK_MESSAGES, status: number): ApiFailure {
  return { ok: false, code, message: FALLBACK_MESSAGES[code], status }
}

async function readBlob(res: Response, onProgress?: (received: number, total: number | null) => void): Promise<Blob> {
  const type = res.headers.get('content-type') ?? 'application/octet-stream'
  if (!onProgress || !res.body) return res.blob()
  const lengthHeader = Number(res.headers.get('content-length'))
  const total = Number.isFinite(lengthHeader) && lengthHeader > 0 ? lengthHeader : null
  const reader = res.body.getReader()
  const parts: Uint8Array[] = []
  let received = 0
  onProgress(0, total)
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parts.push(value)
    received += value.length
    onProgress(received, total)
  }
  return new Blob(parts as BlobPart[], { type })
}

/** content-disposition: attachment; filename*=UTF-8''%E9%80%BE… → the decoded name. */
export function filenameOf(disposition: string | null): string | null {
  if (!disposition) return null
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      /* fall through */
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition)
  return plain ? plain[1] : null
}

/** Hands a downloaded file to the browser's save dialog / downloads bar. */
export function saveFile(file: DownloadedFile, filename = file.filename): void {
  const url = URL.createObjectURL(file.blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/**
 * Sends a file as the raw request body (the roster upload), with upload progress (fetch has none,
 * hence XMLHttpRequest). Same result shape and CSRF header as call().
 */
export function upload<N extends AgencyEndpointName>(
  name: N,
  file: File,
  opts: { params?: ParamsOf<N>; onProgress?: (sent: number, total: number) => void } = {},
): Promise<ApiResult<AnswerOf<N>>> {
  const spec = AGENCY_ENDPOINTS[name] as unknown as AgencyEndpointSpec
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest()
    xhr.open(spec.method, API_BASE + fillPath(spec.path, opts.params as Record<string, unknown> | undefined))
    xhr.setRequestHeader('content-type', /\.csv$/i.test(file.name) || file.type === 'text/csv' ? 'text/csv' : 'application/octet-stream')
    xhr.setRequestHeader('x-filename', encodeURIComponent(file.name))
    xhr.setRequestHeader('accept', 'application/json')
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken)
    xhr.upload.onprogress = (e) => opts.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onerror = () => resolve(failure('NETWORK', 0))
    xhr.onload = () => {
      let body: unknown = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        /* handled below */
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body === null ? failure('BAD_ANSWER', xhr.status) : { ok: true, value: body as AnswerOf<N> })
        return
      }
      const err = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error
      const code = typeof err?.code === 'string' ? err.code : `HTTP_${xhr.status}`
      if (xhr.status === 401 && code === 'AGENCY_SIGNIN_REQUIRED') onSignedOut?.()
      resolve({ ok: false, code, message: typeof err?.message === 'string' ? err.message : `服务器暂时无法处理（${xhr.status}），请稍后再试`, status: xhr.status })
    }
    xhr.send(file)
  })
}
