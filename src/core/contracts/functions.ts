import { API_NAMES, type AnswerOf, type ApiName, type EventOf } from './endpoints'

/**
 * Every endpoint a client may call by name, with what it takes and what it answers — derived from
 * the endpoint table (endpoints.ts), which is where an endpoint is declared.
 */
export type CloudFunctions = { [N in ApiName]: { event: EventOf<N>; answer: AnswerOf<N> } }

export type CloudFunctionName = ApiName

export const CLOUD_FUNCTION_NAMES: readonly CloudFunctionName[] = API_NAMES

/**
 * What every call returns (and the local gateway answers with HTTP 200): a typed result, never a
 * thrown error. Transport failures are turned into the same shape by the client service.
 */
export type CloudFunctionResult<N extends CloudFunctionName> = import('../errors').Result<CloudFunctions[N]['answer']>
