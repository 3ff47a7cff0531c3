/**
 * Starts the certification backend: read config, build the app, listen, close gracefully on
 * SIGINT/SIGTERM. `npm run server`.
 */
import { buildApp } from './app'
import { ConfigError, loadConfig } from './config/env'

const CLOSE_GRACE_MS = 10_000

async function main(): Promise<void> {
  let config
  try {
    config = loadConfig(process.env, { warn: (m) => process.stderr.write(`\n${m}\n\n`) })
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(2)
    }
    throw err
  }

  const app = await buildApp({ config })
  let closing = false
  const shutdown = (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const timer = setTimeout(() => {
      app.log.error('graceful close timed out')
      process.exit(1)
    }, CLOSE_GRACE_MS)
    timer.unref()
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'close failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))

  const address = await app.listen({ host: config.host, port: config.port })
  const store = app.store.dialect === 'sqlite' ? `SQLite ${app.store.describe}` : `PostgreSQL ${app.store.describe}`
  process.stdout.write(
    `\n  银龄认证 后端已启动 / backend ready\n  地址 address : ${address}\n  存储 store   : ${store}\n  电子社保卡   : ${config.sscAuthAdapter}   认证周期 cycle: ${config.cyclePolicy}   环境 env: ${config.nodeEnv}\n\n`,
  )
}

main().catch((err) => {
  process.stderr.write(`后端启动失败 / backend failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
