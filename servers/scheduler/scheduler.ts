/**
 * The local reminder scheduler that `npm start` runs: the SAME sender as the cloud function
 * sendReminders (runSender), with the local openapi adapter, on the SAME schedule as its timer
 * trigger (cloudfunctions/sendReminders/config.json, 7-field WeChat cron in UTC+8 → croner with
 * timezone Asia/Shanghai), plus once at start and, when REMINDERS_LOCAL_CRON is set, on that pattern
 * too (default every 2 minutes; "off" disables it). Local runs always re-sweep (force), so a binding or
 * subscription made a minute ago is picked up at the next run.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Cron } from 'croner'
import '../../cloudfunctions/sendReminders/backend-routes'
import type { BackendPort, Clock } from '../../cloudfunctions/_shared/ports'
import { systemClock } from '../../cloudfunctions/_shared/ports'
import { runSender, type SenderReport } from '../../cloudfunctions/sendReminders/handler'
import type { SubscribeMessagePort } from '../../cloudfunctions/sendReminders/port'
import { localSubscribeMessagePort } from './local-port'

export const DEFAULT_LOCAL_CRON = '*/2 * * * *'
const CONFIG_JSON = join(__dirname, '..', '..', 'cloudfunctions', 'sendReminders', 'config.json')

/** WeChat's 7-field cron (秒 分 时 日 月 星期 年) → croner's 6 fields; the year field must be "*". */
export function wechatCronToCroner(pattern: string): string {
  const fields = pattern.trim().split(/\s+/)
  if (fields.length !== 7) throw new Error(`not a 7-field WeChat cron: ${pattern}`)
  if (fields[6] !== '*') throw new Error(`a year restriction is not supported locally: ${pattern}`)
  return fields.slice(0, 6).join(' ')
}

export function timerTriggerOfSendReminders(path = CONFIG_JSON): string {
  const config = JSON.parse(readFileSync(path, 'utf8')) as { triggers?: { type?: string; config?: string }[] }
  const timer = config.triggers?.find((t) => t.type === 'timer')?.config
  if (!timer) throw new Error('cloudfunctions/sendReminders/config.json has no timer trigger')
  return timer
}

export interface LocalSchedulerOptions {
  backend: BackendPort
  /** Default: the local adapter over `backend`. */
  port?: SubscribeMessagePort
  clock?: Clock
  /** Extra local pattern (croner syntax), or "off". Default DEFAULT_LOCAL_CRON. */
  localCron?: string
  /** Link the fictional demo relative with its credits first (default true). */
  demoRecipient?: boolean
  runAtStart?: boolean
  say?: (line: string) => void
  /**
   * Runs a round only where it holds the job (server/jobs/run-exclusive.ts over the shared store),
   * so every instance can keep the same schedule and one round runs at a time. Without it rounds
   * only never overlap within this process.
   */
  guard?: JobGuard
}

/** The shape of runExclusive bound to a store: ran=false when another instance holds the job. */
export type JobGuard = <T>(job: string, run: () => Promise<T>) => Promise<{ ran: true; value: T } | { ran: false }>

/** The job name rounds hold in job_leases. */
export const REMINDER_ROUND_JOB = 'reminders.round'

export interface LocalScheduler {
  /** Runs one round now (also what the schedule calls); rounds never overlap. */
  runOnce(): Promise<SenderReport | null>
  stop(): void
  patterns: string[]
}

export function describeReport(r: SenderReport): string {
  const sent = r.results.sent
  const other = Object.entries(r.results)
    .filter(([k, n]) => k !== 'sent' && n > 0)
    .map(([k, n]) => `${k} ${n}`)
  const skipped = r.skipped.stale + r.skipped.late + r.skipped.noCredit
  return `提醒：新入队 ${r.swept?.inserted ?? 0} 条，发出 ${sent} 条${other.length ? `（${other.join('，')}）` : ''}${skipped ? `，跳过 ${skipped} 条` : ''}${r.stoppedBy === 'outside_window' ? '（不在发送时段）' : ''}`
}

export function startLocalScheduler(opts: LocalSchedulerOptions): LocalScheduler {
  const say = opts.say ?? ((l: string) => console.log(l))
  const port = opts.port ?? localSubscribeMessagePort(opts.backend)
  const clock = opts.clock ?? systemClock
  let running: Promise<SenderReport | null> | null = null
  let demoDone = opts.demoRecipient === false

  const round = async (): Promise<SenderReport | null> => {
    if (!demoDone) {
      const demo = await opts.backend.post('/v1/reminders/local/demo-recipient', {})
      if (demo.ok) {
        demoDone = true
        if (demo.data.created) say('提醒演示：虚构的家人账号 demo_family_reminders 已关联 刘德福 并订阅了认证到期提醒（见 docs/demo-identities.md）')
      } else say(`提醒演示账号未能准备（${demo.error.code}），继续发送`)
    }
    const report = await runSender({ backend: opts.backend, port, clock, log: say }, { forceSweep: true })
    if ((report.swept?.inserted ?? 0) > 0 || report.claimed > 0 || report.stoppedBy === 'backend_error') say(describeReport(report))
    return report
  }
  const guarded = async (): Promise<SenderReport | null> => {
    if (!opts.guard) return round()
    const r = await opts.guard(REMINDER_ROUND_JOB, round)
    return r.ran ? r.value : null
  }
  const runOnce = (): Promise<SenderReport | null> => {
    if (running) return running
    running = guarded()
      .catch((err) => {
        say(`提醒发送出错：${err instanceof Error ? err.message : String(err)}`)
        return null
      })
      .finally(() => {
        running = null
      })
    return running
  }

  const patterns = [wechatCronToCroner(timerTriggerOfSendReminders())]
  const local = (opts.localCron ?? DEFAULT_LOCAL_CRON).trim()
  if (local && local !== 'off') patterns.push(local)
  const jobs = patterns.map((p) => new Cron(p, { timezone: 'Asia/Shanghai', protect: true }, () => void runOnce()))
  if (opts.runAtStart !== false) void runOnce()
  return { runOnce, stop: () => jobs.forEach((j) => j.stop()), patterns }
}
