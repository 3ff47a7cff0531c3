/**
 * A real sender process for the SIGKILL test: the backend app on a SQLite FILE, the sendReminders
 * loop (runSender) through the signed client, and a slow fake WeChat that appends every message it
 * "delivers" to a durable log (fsync) BEFORE answering — so a kill after delivery and before the ack
 * is visible. Usage: tsx sender-child.ts <sqlite> <send-log> <delay-ms> <drain-seconds>
 */
import { appendFileSync, closeSync, fsyncSync, openSync } from 'node:fs'
import { buildApp } from '../../../../server/app'
import { defaultRemindersConfig } from '../../../../server/reminders/config'
import { runSender } from '../../../../cloudfunctions/sendReminders/handler'
import { testConfig, TEST_HMAC_SECRET } from '../../helpers/config'
import { injectBackend } from './inject-backend'

async function main(): Promise<void> {
  const [sqlitePath, logPath, delayRaw, drainRaw] = process.argv.slice(2)
  const delayMs = Number(delayRaw)
  const reminders = defaultRemindersConfig(false)
  reminders.policy.sendWindow = { startMinute: 0, endMinute: 24 * 60 }
  const app = await buildApp({ protection: { maxEventLoopDelayMs: 0 }, config: testConfig({ sqlitePath, demoSeed: false, nonceStore: 'memory', reminders }), logger: false })
  const backend = injectBackend(app, TEST_HMAC_SECRET)
  const port = {
    async send(m: { touser: string }) {
      const fd = openSync(logPath, 'a')
      appendFileSync(fd, `${m.touser}\n`)
      fsyncSync(fd)
      closeSync(fd)
      await new Promise((r) => setTimeout(r, delayMs)) // delivered; the ack comes after this
      return { errcode: 0, errmsg: 'ok' }
    },
  }
  const deadline = Date.now() + Number(drainRaw) * 1000
  for (;;) {
    const report = await runSender({ backend, port, clock: { now: () => new Date() }, log: () => {} }, { noSweep: true, batchSize: 20, leaseMs: 1500, concurrency: 1, budgetMs: 60_000 })
    const stats = await backend.post('/v1/reminders/stats', {})
    const open = stats.ok ? (stats.data.byStatus.pending ?? 0) + (stats.data.byStatus.claimed ?? 0) : 1
    process.stdout.write(`round ${JSON.stringify({ sent: report.results.sent, stoppedBy: report.stoppedBy, open })}\n`)
    if (open === 0 || Date.now() > deadline) break
    await new Promise((r) => setTimeout(r, 300))
  }
  await app.close()
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(String(err?.stack ?? err))
    process.exit(1)
  },
)
