/**
 * A local cluster as a deployment would run it: N backend instances on ONE PostgreSQL and M
 * gateways, each tier behind a round-robin proxy (proxy.ts), all sharing the signing secret and the
 * PII keys (an instance with other keys could not read the others' rows or check their requests).
 * The database must already be migrated and hold its roster (prepareDatabase) — instances would
 * migrate it too (the migrator locks), but one preparation keeps their start quiet and quick.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ClusterInstance } from './instance'
import { startProxy, type RoundRobinProxy } from './proxy'

export interface ClusterSecrets {
  hmacKeyId: string
  hmacSecret: string
  /** PII_KEYS JSON and PII_KEY_CURRENT. */
  piiKeys: string
  piiKeyCurrent: string
}

export function newClusterSecrets(): ClusterSecrets {
  return {
    hmacKeyId: 'k1',
    hmacSecret: randomBytes(32).toString('base64url'),
    piiKeys: JSON.stringify({ v1: randomBytes(32).toString('base64') }),
    piiKeyCurrent: 'v1',
  }
}

/**
 * The secrets from PII_KEYS / PII_KEY_CURRENT / BACKEND_HMAC_SECRET (/ BACKEND_HMAC_KEY_ID) when set
 * — a lasting database needs the same keys every time — otherwise null.
 */
export function clusterSecretsFromEnv(env: NodeJS.ProcessEnv): ClusterSecrets | null {
  const { PII_KEYS, PII_KEY_CURRENT, BACKEND_HMAC_SECRET } = env
  if (!PII_KEYS || !PII_KEY_CURRENT || !BACKEND_HMAC_SECRET) return null
  return { hmacKeyId: env.BACKEND_HMAC_KEY_ID?.trim() || 'k1', hmacSecret: BACKEND_HMAC_SECRET, piiKeys: PII_KEYS, piiKeyCurrent: PII_KEY_CURRENT }
}

/** The variables every backend (and tools reading the same store) needs to agree on. */
export function sharedEnv(secrets: ClusterSecrets, databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    BACKEND_HMAC_KEY_ID: secrets.hmacKeyId,
    BACKEND_HMAC_SECRET: secrets.hmacSecret,
    PII_KEYS: secrets.piiKeys,
    PII_KEY_CURRENT: secrets.piiKeyCurrent,
  }
}

export interface ClusterOptions {
  databaseUrl: string
  secrets: ClusterSecrets
  backends?: number
  gateways?: number
  /** Instance logs go here (appended across restarts). */
  logDir: string
  /** Extra backend variables (CERT_TEST_CHALLENGE, IDENTITY_VERIFIER, …). */
  backendEnv?: Record<string, string>
  /** Extra gateway variables (CLUSTER_REMINDERS=1, H5_DIR, …). */
  gatewayEnv?: Record<string, string>
  backendPort?: number
  gatewayPort?: number
}

export interface LocalCluster {
  backends: ClusterInstance[]
  gateways: ClusterInstance[]
  backendProxy: RoundRobinProxy
  gatewayProxy: RoundRobinProxy
  stop(): Promise<void>
}

function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  // jest's and the caller's own settings must not leak into the instances.
  for (const k of ['NODE_OPTIONS', 'JEST_WORKER_ID', 'SQLITE_PATH', 'BACKEND_URL', 'APP_PORT', 'BACKEND_PORT', 'CLUSTER_REMINDERS']) delete env[k]
  return env
}

export async function startCluster(opts: ClusterOptions): Promise<LocalCluster> {
  mkdirSync(opts.logDir, { recursive: true })
  const dataDir = join(opts.logDir, 'data')
  mkdirSync(dataDir, { recursive: true })
  const shared = sharedEnv(opts.secrets, opts.databaseUrl)
  const backends = Array.from(
    { length: opts.backends ?? 3 },
    (_, i) =>
      new ClusterInstance({
        label: `backend-${i + 1}`,
        entry: 'server/server.ts',
        portVar: 'BACKEND_PORT',
        logFile: join(opts.logDir, `backend-${i + 1}.log`),
        env: {
          ...baseEnv(),
          ...shared,
          NODE_ENV: 'development',
          BACKEND_HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          DEMO_SEED: 'false',
          LOG_LEVEL: 'warn',
          REMINDER_SEND_WINDOW: '00:00-24:00',
          ...opts.backendEnv,
        },
      }),
  )
  const cluster: Partial<LocalCluster> & { backends: ClusterInstance[]; gateways: ClusterInstance[] } = { backends, gateways: [] }
  const stopAll = async () => {
    await Promise.allSettled([...cluster.gateways, ...cluster.backends].map((i) => i.stop()))
    await Promise.allSettled([cluster.gatewayProxy?.close(), cluster.backendProxy?.close()])
  }
  try {
    await Promise.all(backends.map((b) => b.start()))
    const backendProxy = await startProxy(
      backends.map((b) => ({ host: '127.0.0.1', port: b.port })),
      { port: opts.backendPort },
    )
    cluster.backendProxy = backendProxy
    cluster.gateways = Array.from(
      { length: opts.gateways ?? 2 },
      (_, i) =>
        new ClusterInstance({
          label: `gateway-${i + 1}`,
          entry: 'scripts/cluster/gateway-instance.ts',
          portVar: 'APP_PORT',
          logFile: join(opts.logDir, `gateway-${i + 1}.log`),
          env: {
            ...baseEnv(),
            NODE_ENV: 'development',
            APP_HOST: '127.0.0.1',
            DATA_DIR: dataDir,
            BACKEND_URL: backendProxy.url,
            BACKEND_HMAC_KEY_ID: opts.secrets.hmacKeyId,
            BACKEND_HMAC_SECRET: opts.secrets.hmacSecret,
            DATABASE_URL: opts.databaseUrl,
            ...opts.gatewayEnv,
          },
        }),
    )
    await Promise.all(cluster.gateways.map((g) => g.start()))
    cluster.gatewayProxy = await startProxy(
      cluster.gateways.map((g) => ({ host: '127.0.0.1', port: g.port })),
      { port: opts.gatewayPort },
    )
  } catch (err) {
    await stopAll()
    throw err
  }
  return { ...(cluster as LocalCluster), stop: stopAll }
}
