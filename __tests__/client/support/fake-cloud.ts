/**
 * Answers Taro.cloud.callFunction from per-name handlers, so page tests run the real service layer
 * (weapp transport) underneath. Handlers return a CloudFunctionResult or throw to simulate a
 * transport failure.
 */
import type { CloudFunctionName } from '@/core/contracts/functions'
import { cloud } from './taro-mock'

export type Handler = (event: Record<string, unknown>) => unknown

/** The returned mock records each call as {name, data} of the endpoint (unwrapped from the routed function `api`). */
export function useFakeCloud(handlers: Partial<Record<CloudFunctionName, Handler>>): jest.Mock {
  process.env.TARO_ENV = 'weapp'
  const calls = jest.fn(async ({ name, data }: { name: CloudFunctionName; data: Record<string, unknown> }) => {
    const h = handlers[name]
    if (!h) throw Object.assign(new Error('function not found'), { errCode: -404011 })
    return { result: await h(data) }
  })
  cloud.callFunction.mockImplementation(async (call: { name: string; data: { name: CloudFunctionName; data: Record<string, unknown> } }) => {
    if (call.name !== 'api') throw Object.assign(new Error('function not found'), { errCode: -404011 })
    return calls(call.data)
  })
  return calls
}

export const ok = <T>(data: T) => ({ ok: true, data })
export const err = (code: string, field?: string) => ({ ok: false, error: { code, message: 'from server', ...(field ? { field } : {}) } })
