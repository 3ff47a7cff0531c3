/**
 * `npm run cluster:local`: the system as a deployment runs it, on this machine — PostgreSQL from
 * Debian's packages in a temporary directory (or DATABASE_URL when set), three backend instances and
 * two gateways, each tier behind a round-robin proxy (scripts/cluster/proxy.ts), the demo roster
 * loaded, the reminder scheduler on every gateway under the shared job guard. Ctrl-C stops all.
 *
 *   CLUSTER_BACKENDS (3) CLUSTER_GATEWAYS (2) APP_PORT (10086: gateway proxy) BACKEND_PORT (8787: backend proxy)
 *   DATABASE_URL with PII_KEYS, PII_KEY_CURRENT, BACKEND_HMAC_SECRET: a lasting database and its keys
 *   (without DATABASE_URL the keys are made up for the run, like the database itself)
 *
 * docs/cluster.md explains what runs and how the proxy behaves.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import pg from 'pg'
import { startTestPostgres, stopTestPostgres, type TestPostgres } from '../support/throwaway-postgres'
import { clusterSecretsFromEnv, newClusterSecrets, startCluster, type LocalCluster } from './cluster'
import { prepareDatabase } from './database'
import { ROOT } from './instance'

const say = (line: string) => console.log(line)

function count(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw.trim() === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error(`${name} 必须是 1 到 8 之间的整数`)
  return n
}

async function main(): Promise<void> {
  const env = process.env
  const backends = count(env.CLUSTER_BACKENDS, 3, 'CLUSTER_BACKENDS')
  const gateways = count(env.CLUSTER_GATEWAYS, 2, 'CLUSTER_GATEWAYS')
  let server: TestPostgres | null = null
  let cluster: LocalCluster | null = null
  let stopping = false
  const stop = async (code: number) => {
    if (stopping) return
    stopping = true
    say('正在停止全部实例…')
    await cluster?.stop()
    if (server) stopTestPostgres(server)
    say('已全部停止。')
    process.exit(code)
  }
  process.on('SIGINT', () => void stop(0))
  process.on('SIGTERM', () => void stop(0))

  try {
    let databaseUrl = env.DATABASE_URL?.trim()
    let secrets = clusterSecretsFromEnv(env)
    if (databaseUrl) {
      // Keys made up for this run would leave the rows unreadable on the next one.
      if (!secrets) throw new Error('使用 DATABASE_URL 时必须同时设置 PII_KEYS、PII_KEY_CURRENT 和 BACKEND_HMAC_SECRET（每次相同），否则下次启动将无法读取已加密的数据')
      say(`使用 DATABASE_URL 指定的 PostgreSQL（库为空时载入演示名单）`)
    } else {
      say('正在启动 PostgreSQL（Debian 软件包，临时目录）…')
      server = await startTestPostgres()
      const admin = new pg.Client({ connectionString: server.url })
      await admin.connect()
      await admin.query('create database yinling')
      await admin.end()
      const u = new URL(server.url)
      u.pathname = '/yinling'
      databaseUrl = u.toString()
      say(`✓ PostgreSQL：${databaseUrl}（数据目录 ${server.dir}，停止时删除）`)
    }
    secrets ??= newClusterSecrets()
    await prepareDatabase(databaseUrl, secrets, { demo: true })
    say('✓ 数据库已迁移，演示名单已载入')
    const logDir = join(ROOT, '.tmp', 'cluster', `local-${randomBytes(3).toString('hex')}`)
    say(`正在启动 ${backends} 个后端实例和 ${gateways} 个网关（日志：${logDir}）…`)
    cluster = await startCluster({
      databaseUrl,
      secrets,
      backends,
      gateways,
      logDir,
      backendPort: Number(env.BACKEND_PORT ?? 8787),
      gatewayPort: Number(env.APP_PORT ?? 10086),
      gatewayEnv: { CLUSTER_REMINDERS: '1', H5_DIR: env.H5_DIR ?? join(ROOT, 'dist', 'h5') },
    })
    say('')
    say('==============================================================')
    say(`  ✓ 本机集群已启动。请用浏览器打开：${cluster.gatewayProxy.url}/`)
    say(`  网关（轮询代理）：${cluster.gatewayProxy.url}  →  ${cluster.gateways.map((g) => g.url).join('  ')}`)
    say(`  后端（轮询代理）：${cluster.backendProxy.url}  →  ${cluster.backends.map((b) => b.url).join('  ')}`)
    say('  演示身份：docs/demo-identities.md    说明：docs/cluster.md')
    say('  按 Ctrl-C 停止全部')
    say('==============================================================')
  } catch (err) {
    console.error(`\n✗ 集群启动失败：${err instanceof Error ? err.message : String(err)}\n`)
    await stop(1)
  }
}

void main()
