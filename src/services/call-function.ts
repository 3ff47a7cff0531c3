/**
 * The one place that picks how a cloud function is called:
 *   weapp → Taro.cloud.callFunction
 *   h5    → POST /fn/<name> on the local gateway (bearer token from /auth/local-login)
 * Both answer a typed CloudFunctionResult; no failure escapes as an exception.
 */
import type { CloudFunctionName, CloudFunctionResult, CloudFunctions } from '@/core/contracts/functions'
import { fail } from '@/core/errors'
import { currentPlatform, type Platform } from './platform'
import { callViaCloud } from './transport/cloud'
import { callViaHttp } from './transport/http'

export type Transport = <T>(name: string, event: unknown) => Promise<import('@/core/errors').Result<T>>

export function transportFor(platform: Platform): Transport {
  return platform === 'h5' ? callViaHttp : callViaCloud
}

export async function callFunction<N extends CloudFunctionName>(
  name: N,
  event: CloudFunctions[N]['event'],
): Promise<CloudFunctionResult<N>> {
  try {
    return await transportFor(currentPlatform())<CloudFunctions[N]['answer']>(name, event)
  } catch {
    return fail('SERVICE_UNAVAILABLE')
  }
}
