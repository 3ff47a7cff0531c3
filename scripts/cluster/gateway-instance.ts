/**
 * One gateway instance of a local cluster: the local gateway (servers/gateway) on APP_PORT, and,
 * with CLUSTER_REMINDERS=1, the local reminder scheduler of `npm start` — on EVERY gateway, each
 * round under runExclusive on the shared PostgreSQL (DATABASE_URL), so one round runs at a time
 * across the cluster and a killed instance's round is taken over when its lease ends.
 */
import { createBackendClient } from '../../cloudfunctions/_shared/backend-client'
import { openStore } from '../../server/db/connect'
import { runExclusive } from '../../server/jobs/run-exclusive'
import { GatewayConfigError, readGatewayConfig } from '../../servers/gateway/config'
import { startGateway } from '../../servers/gateway/server'
import { startLocalScheduler, type JobGuard, type LocalScheduler } from '../../servers/scheduler/scheduler'

/** A round sends a batch or two: a minute covers it on a busy machine, and is what a crash costs. */
const ROUND_LEASE_MS = 60_000

async function main(): Promise<void> {
  let config
  try {
    config = readGatewayConfig()
  } catch (err) {
    console.error(err instanceof GatewayConfigError ? err.message : String(err))
    process.exit(1)
  }
  const gateway = await startGateway(config)
  console.log(`gateway ready ${gateway.url} → ${config.backendUrl}`)

  let scheduler: LocalScheduler | null = null
  const databaseUrl = process.env.DATABASE_URL
  if (process.env.CLUSTER_REMINDERS === '1') {
    if (!databaseUrl) throw new Error('CLUSTER_REMINDERS=1 needs DATABASE_URL (the job guard lives in the shared store)')
    const store = openStore({ databaseUrl, sqlitePath: '', poolSize: 2 })
    const guard: JobGuard = (job, run) => runExclusive(store, job, ROUND_LEASE_MS, run, { holder: `gateway-${process.pid}` })
    const backend = createBackendClient({ baseUrl: config.backendUrl, keyId: config.hmacKeyId, secret: config.hmacSecret, timeoutMs: 30_000, log: (m) => console.log(`[reminders] ${m}`) })
    scheduler = startLocalScheduler({
      backend,
      guard,
      localCron: process.env.REMINDERS_LOCAL_CRON ?? '*/2 * * * *',
      demoRecipient: process.env.REMINDERS_LOCAL_DEMO !== '0',
      say: (line) => console.log(`[reminders] ${line}`),
    })
  }

  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    scheduler?.stop()
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err) => {
  console.error(`gateway instance failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
