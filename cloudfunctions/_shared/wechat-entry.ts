/**
 * The WeChat side of every cloud function: builds the ports from the platform (OPENID from
 * cloud.getWXContext(), env vars from the function's configuration) and calls the pure handler.
 * Only index.ts files import this; tests and the local gateway use the handlers directly.
 */
import type { WxServerSdk } from 'wx-server-sdk'
import { fail, type Result } from '../../src/core/errors'
import { createBackendClient } from './backend-client'
import { readBackendConfig } from './config'
import type { Handler } from './ports'
import { systemClock } from './ports'

// A plain require keeps whatever shape the SDK exports (esbuild leaves it external).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cloud = require('wx-server-sdk') as WxServerSdk

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

const OPENID_PATTERN = /^[A-Za-z0-9_-]{6,64}$/

export interface EntryOptions {
  /**
   * Whether this deployment counts as production. Default: yes, unless NODE_ENV is set to something
   * other than "production" AND LOCAL_SSC_ENABLED=1 — local stand-ins stay off unless asked for.
   */
  production?: (env: NodeJS.ProcessEnv) => boolean
}

export function isProductionDeployment(env: NodeJS.ProcessEnv): boolean {
  return env.NODE_ENV === 'production' || env.LOCAL_SSC_ENABLED !== '1'
}

export function createMain<A>(name: string, handler: Handler<A>, options: EntryOptions = {}) {
  return async function main(event: unknown): Promise<Result<A>> {
    const { OPENID } = cloud.getWXContext()
    const config = readBackendConfig(process.env)
    if (!config.ok) {
      console.error(`[${name}] missing configuration: ${config.missing.join(', ')}`)
      return fail('SERVICE_UNAVAILABLE')
    }
    const caller = typeof OPENID === 'string' && OPENID_PATTERN.test(OPENID) ? { platform: 'wechat' as const, openid: OPENID } : null
    return handler(event, {
      caller,
      backend: createBackendClient(config.config),
      clock: systemClock,
      production: (options.production ?? isProductionDeployment)(process.env),
    })
  }
}
