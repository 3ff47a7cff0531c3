/**
 * Composes the certification backend. Everything with state or time is injectable (config, clock,
 * store, nonce store, 电子社保卡 adapter, log stream) so tests drive it through inject().
 * Process concerns (listen, signals) live in server.ts.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import type { AppConfig } from './config/env'
import { PiiCipher } from './crypto/pii'
import { openStore, type Store } from './db/connect'
import { migrateToLatest } from './db/migrate'
import { backfillNameHashes } from './roster/name-hash-backfill'
import { runExclusive } from './jobs/run-exclusive'
import { seedDemoRoster } from './demo/seed'
import { seedDemoAgencyUsers } from './demo/agency-users'
import { DEFAULT_AGENCY_AUTH } from './agency/config'
import { SecretCipher } from './agency/secret-cipher'
import { DbNonceStore } from './nonces/db'
import { MemoryNonceStore } from './nonces/memory'
import type { NonceStore } from './nonces/store'
import { AuditBuffer } from './repositories/audit'
import { BACKEND_HTTP_LIMITS } from './config/http-limits'
import { connectionGuard } from './plugins/connection-limits'
import { installDurableAnswers } from './plugins/durable-answers'
import { installErrorHandling } from './plugins/error-handler'
import { registerProtection, type ProtectionOptions } from './plugins/protection'
import { installSignatureCheck } from './plugins/signature'
import { accountRoutes } from './routes/accounts'
import { bindingRoutes } from './routes/bindings'
import { certificationRoutes } from './routes/certifications'
import { healthRoutes } from './routes/health'
import type { RouteOptions } from './routes/options'
import { recordRoutes } from './routes/records'
import { reminderRoutes } from './routes/reminders'
import { defaultRemindersConfig } from './reminders/config'
import { queueResultNotices } from './reminders/sweep'
import { sscRoutes } from './routes/ssc'
import { statusRoutes } from './routes/status'
import { noticeRoutes } from './routes/notices'
import { queryRoutes } from './routes/queries'
import { relativeRoutes } from './routes/relatives'
import { appealRoutes } from './routes/appeals'
import { shareRoutes } from './routes/shares'
import { unitAdminRoutes } from './routes/unit-admins'
import { agencyApi } from './routes/agency'
import { agencyConsole } from './agency/static'
import { familyDepsFor } from './services/relatives-common'
import type { CertificationDeps } from './services/certification'
import { DEFAULT_CERTIFICATION_CONFIG } from './services/certification-config'
import type { ServiceContext } from './services/context'
import { createIdentityVerifier, identityConfigOf } from './identity'
import type { IdentityVerifier } from './identity/port'
import { createSscAuth } from './ssc'
import type { SocialSecurityCardAuth } from './ssc/port'
import { systemClock, type Clock } from './time/clock'
import { CertificationPool, PooledFaceEmbedder } from './workers/certification-pool'
import { HumanFaceEmbedder } from './identity/human-node'

export const BODY_LIMIT_BYTES = 64 * 1024

/** Log paths that could carry personal data or secrets: always censored. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-yl-signature"]',
  ...['body', 'req.body', 'input', 'event'].flatMap((root) => ['idNumber', 'name', 'cardNumber', 'authorization'].map((f) => `${root}.${f}`)),
]

export interface BuildAppOptions {
  config: AppConfig
  clock?: Clock
  /** An open store; when absent one is opened from config and closed with the app. */
  store?: Store
  nonceStore?: NonceStore
  sscAuth?: SocialSecurityCardAuth
  /** false: no logging; a stream: JSON lines go there (tests capture them). Default: stdout. */
  logger?: false | { stream?: DestinationStream }
  protection?: ProtectionOptions
  /** Overrides config.demoSeed. */
  demoSeed?: boolean
  /** Identity verification for certifications; default: chosen by config (IDENTITY_VERIFIER). */
  identityVerifier?: IdentityVerifier
  /** Random integer in [0, max) for challenge picking; default crypto.randomInt. */
  randomInt?: (max: number) => number
  /**
   * Worker threads for completions (summary examination, Human on evidence frames); default: a pool
   * of CERT_WORKERS (default 1), created here and closed with the app.
   */
  certificationPool?: CertificationPool
  /** The built agency console served at /agency/; default dist/console. */
  consoleDir?: string
}

declare module 'fastify' {
  interface FastifyInstance {
    store: Store
    services: ServiceContext
  }
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = opts
  const clock = opts.clock ?? systemClock
  const ownsStore = !opts.store
  const store = opts.store ?? openStore({ databaseUrl: config.databaseUrl, preparedStatements: config.databasePreparedStatements, sqlitePath: config.sqlitePath, workerConnection: true })

  // Timeouts and keep-alive limits act on real sockets only (inject() has none).
  const guard = connectionGuard(config.http ?? BACKEND_HTTP_LIMITS, (error) => ({ error }))
  const app = Fastify({
    ...guard.serverOptions,
    bodyLimit: BODY_LIMIT_BYTES,
    logger:
      opts.logger === false
        ? false
        : { level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' }, ...(opts.logger?.stream ? { stream: opts.logger.stream } : {}) },
  })

  guard.install(app)

  try {
    await migrateToLatest(store)
    const pii = new PiiCipher({ keys: config.piiKeys, current: config.piiKeyCurrent, indexVersion: config.piiIndexKeyVersion })
    const services: ServiceContext = {
      db: store.db,
      dialect: store.dialect,
      pii,
      clock,
      cyclePolicy: config.cyclePolicy,
      ssc: opts.sscAuth ?? createSscAuth(config.sscAuthAdapter, config.hmacSecret),
      nonces: opts.nonceStore ?? (config.nonceStore === 'memory' ? new MemoryNonceStore() : new DbNonceStore(store.db, { clock, writes: store.background, onPurgeError: (err) => app.log.warn({ err }, 'nonce purge failed') })),
      readAudit: new AuditBuffer(store.db, { writes: store.background, onError: (err, dropped) => app.log.error({ err, dropped }, 'read audit rows not written') }),
      ...(config.notices ? { defaultHotline: config.notices.hotline } : {}),
    }
    if (opts.demoSeed ?? config.demoSeed) {
      const seeded = await seedDemoRoster(store.db, pii, clock(), config.cyclePolicy)
      if (seeded) app.log.warn(`已载入演示名单（虚构人员）/ demo roster loaded: ${seeded.inserted} persons`)
      for (const line of await seedDemoAgencyUsers({ db: store.db, clock }, config.nodeEnv === 'production')) app.log.warn(line)
    }

    app.decorate('store', store)
    app.decorate('services', services)
    installErrorHandling(app)
    if (store.durable) installDurableAnswers(app, store.durable)
    await registerProtection(app, { ...(config.shedLoopDelayMs !== undefined && { maxEventLoopDelayMs: config.shedLoopDelayMs }), ...opts.protection })
    await app.register(healthRoutes, { ctx: services })

    const routeOptions: RouteOptions = { ctx: services, production: config.nodeEnv === 'production' }
    const family = familyDepsFor(config.hmacSecret)
    const remindersConfig = config.reminders ?? defaultRemindersConfig(config.nodeEnv === 'production')
    // Face matching and the summary checks run in worker threads, never on the event loop.
    const pool = opts.certificationPool ?? new CertificationPool({ size: config.certification?.workers ?? DEFAULT_CERTIFICATION_CONFIG.workers })
    if (!opts.certificationPool) app.addHook('onClose', async () => pool.close())
    const faces = new PooledFaceEmbedder(pool, new HumanFaceEmbedder().model)
    const cert: CertificationDeps = {
      identity: opts.identityVerifier ?? createIdentityVerifier(config, { db: store.db, clock, logger: app.log, embedder: faces }),
      work: { examineSummary: (input) => pool.examineSummary(input), analyse: (jpeg) => faces.analyse(jpeg) },
      config: config.certification ?? DEFAULT_CERTIFICATION_CONFIG,
      weappFrameUpload: identityConfigOf(config).weappFrameUpload,
      randomInt: opts.randomInt,
      family,
      afterRecord: async (recordId) => {
        const n = await queueResultNotices({ ctx: services, config: remindersConfig, log: app.log }, recordId)
        if (n > 0) app.log.info({ recordId, queued: n }, 'result notices queued')
      },
    }
    if (cert.config.testChallenge) app.log.warn(`认证测试模式：每次认证的动作固定为 ${cert.config.testChallenge.join(',')} / CERT_TEST_CHALLENGE is set`)
    await app.register(
      async (v1) => {
        installSignatureCheck(v1, { keys: { [config.hmacKeyId]: config.hmacSecret }, nonces: services.nonces, clock })
        await v1.register(accountRoutes, routeOptions)
        await v1.register(bindingRoutes, routeOptions)
        await v1.register(statusRoutes, routeOptions)
        await v1.register(recordRoutes, routeOptions)
        await v1.register(sscRoutes, routeOptions)
        await v1.register(certificationRoutes, { ...routeOptions, cert })
        await v1.register(relativeRoutes, routeOptions)
        await v1.register(appealRoutes, routeOptions)
        await v1.register(shareRoutes, { ...routeOptions, family })
        await v1.register(unitAdminRoutes, { ...routeOptions, family })
        await v1.register(noticeRoutes, routeOptions)
        await v1.register(queryRoutes, routeOptions)
        await v1.register(reminderRoutes, { ...routeOptions, reminders: remindersConfig })
      },
      { prefix: '/v1' },
    )
    // The agency console's API: its own sign-in (session cookies, CSRF), never the cloud functions' signatures.
    await app.register(agencyApi, { ctx: services, production: config.nodeEnv === 'production', reminders: remindersConfig, afterRecord: cert.afterRecord!, auth: { config: config.agency ?? DEFAULT_AGENCY_AUTH, secrets: new SecretCipher(config.piiKeys, config.piiKeyCurrent) }, prefix: '/agency/api' })
    await app.register(agencyConsole, { dir: opts.consoleDir })
    if (ownsStore) app.addHook('onClose', async () => store.db.destroy())
    // Not awaited: the first start after migration 016 decrypts every stored name, minutes at a
    // provincial scale, and a backend that is not listening that long fails its health checks.
    // Until a person's row is filled, search finds them by 个人编号 or ID number, not by name.
    // One instance at a time (a lease), stopped between batches when the app closes.
    let closing = false
    const backfill = runExclusive(store, 'name-hash-backfill', 60_000, () => backfillNameHashes(store.db, pii, { stop: () => closing }))
      .then((r) => {
        if (r.ran && (r.value.filled > 0 || r.value.unreadable > 0)) app.log.info(r.value, 'persons.name_hash filled')
      })
      .catch((err) => app.log.error({ err }, 'persons.name_hash backfill failed; the next start tries again'))
    // Added last, so it runs first (onClose hooks run in reverse): buffered rows go in before the store closes.
    app.addHook('onClose', async () => {
      closing = true
      await backfill
      await services.readAudit?.close()
      await services.nonces.close?.()
    })
  } catch (err) {
    if (ownsStore) await store.db.destroy()
    await app.close()
    throw err
  }
  return app
}
