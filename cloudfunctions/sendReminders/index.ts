/**
 * WeChat entry of the timer function sendReminders (config.json: timer trigger 0 0 9 * * * * in
 * UTC+8, openapi permission subscribeMessage.send). No OPENID here: the backend's outbox says whom
 * to message. The return value goes nowhere (timer), so the report is logged.
 */
import type { WxServerSdk } from 'wx-server-sdk'
import { createBackendClient } from '../_shared/backend-client'
import { readBackendConfig } from '../_shared/config'
import { systemClock } from '../_shared/ports'
import { runSender, senderOptionsFromEnv, type SenderReport } from './handler'
import { openapiPort, type OpenapiSubscribeMessage } from './openapi-port'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cloud = require('wx-server-sdk') as WxServerSdk & { openapi: { subscribeMessage: OpenapiSubscribeMessage } }

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })

export async function main(): Promise<SenderReport | { error: string }> {
  const config = readBackendConfig(process.env)
  if (!config.ok) {
    console.error(`[sendReminders] missing configuration: ${config.missing.join(', ')}`)
    return { error: 'SERVICE_UNAVAILABLE' }
  }
  const report = await runSender(
    {
      backend: createBackendClient(config.config),
      port: openapiPort({ send: (body) => cloud.openapi.subscribeMessage.send(body) }),
      clock: systemClock,
    },
    senderOptionsFromEnv(process.env),
  )
  console.log(`[sendReminders] ${JSON.stringify(report)}`)
  return report
}
