/** Wiring of the local reminder scheduler into `npm start` (scripts/start.ts). */
import { createBackendClient } from '../../cloudfunctions/_shared/backend-client'
import type { GatewayConfig } from '../gateway/config'
import { DEFAULT_LOCAL_CRON, startLocalScheduler, type LocalScheduler } from './scheduler'

export type { LocalScheduler }

export function startRemindersForStart(config: GatewayConfig, env: NodeJS.ProcessEnv, say: (line: string) => void): LocalScheduler | null {
  if (env.REMINDERS_LOCAL === '0') {
    say('本地提醒发送已关闭（REMINDERS_LOCAL=0）')
    return null
  }
  const backend = createBackendClient({ baseUrl: config.backendUrl, keyId: config.hmacKeyId, secret: config.hmacSecret, timeoutMs: 30_000, log: (m) => say(`[提醒] ${m}`) })
  try {
    const scheduler = startLocalScheduler({
      backend,
      localCron: env.REMINDERS_LOCAL_CRON ?? DEFAULT_LOCAL_CRON,
      demoRecipient: env.REMINDERS_LOCAL_DEMO !== '0',
      say: (line) => say(`[提醒] ${line}`),
    })
    say(`✓ 提醒发送（本地）：每天 9:00（与云函数 sendReminders 的定时触发器相同）${scheduler.patterns[1] ? `，另按 ${scheduler.patterns[1]}` : ''}；消息存入本地 消息发件箱`)
    return scheduler
  } catch (err) {
    say(`⚠ 本地提醒发送未启动：${err instanceof Error ? err.message : String(err)}（检查 REMINDERS_LOCAL_CRON）`)
    return null
  }
}
