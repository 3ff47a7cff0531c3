/**
 * Production adapter: cloud.openapi.subscribeMessage.send (needs "subscribeMessage.send" in
 * config.json permissions.openapi). The SDK resolves {errCode: 0} or rejects with {errCode, errMsg};
 * a rejection without a code is a network failure: NOT_SENT_NETWORK when the request certainly did
 * not leave (connection refused, DNS), otherwise OUTCOME_UNKNOWN (it may have been delivered, so it
 * is never retried — at most one message per key).
 */
import { NOT_SENT_NETWORK, OUTCOME_UNKNOWN } from '../../src/core/reminders/policy'
import type { SendResult, SubscribeMessage, SubscribeMessagePort } from './port'

export interface OpenapiSubscribeMessage {
  send(body: SubscribeMessage): Promise<unknown>
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH'])

function codeOf(x: unknown): { errcode?: number; errmsg?: string } {
  const o = (x ?? {}) as { errCode?: unknown; errcode?: unknown; errMsg?: unknown; errmsg?: unknown }
  const code = typeof o.errCode === 'number' ? o.errCode : typeof o.errcode === 'number' ? o.errcode : undefined
  const message = typeof o.errMsg === 'string' ? o.errMsg : typeof o.errmsg === 'string' ? o.errmsg : undefined
  return { errcode: code, errmsg: message }
}

export function openapiPort(api: OpenapiSubscribeMessage): SubscribeMessagePort {
  return {
    async send(message): Promise<SendResult> {
      try {
        const r = codeOf(await api.send(message))
        return { errcode: r.errcode ?? 0, errmsg: r.errmsg ?? 'ok' }
      } catch (err) {
        const r = codeOf(err)
        if (r.errcode !== undefined) return { errcode: r.errcode, errmsg: r.errmsg ?? '' }
        const code = (err as { code?: unknown } | null)?.code
        if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return { errcode: NOT_SENT_NETWORK, errmsg: code }
        return { errcode: OUTCOME_UNKNOWN, errmsg: typeof code === 'string' ? code : err instanceof Error ? err.name : 'unknown' }
      }
    },
  }
}
