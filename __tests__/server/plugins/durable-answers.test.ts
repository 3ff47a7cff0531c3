/**
 * On a SQLite file the backend answers nobody before the commits made so far are on disk
 * (server/plugins/durable-answers.ts): a binding's answer waits for the WAL sync after its commit; a read
 * with nothing unsynced does not wait and syncs nothing; a read that would show someone else's unsynced
 * commit waits for it too; a failed sync withholds the answer (503 SERVICE_UNAVAILABLE in Chinese,
 * logged) and the retry succeeds without doing the write twice. The store runs as the server runs it,
 * with the worker connection (nonces and read-audit rows go there and are not waited for).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../../server/app'
import { openStore, type Store } from '../../../server/db/connect'
import type { WalSync } from '../../../server/db/durable-commits'
import { testConfig } from '../helpers/config'
import { DEFAULT_NOW, newCaller, TEST_PROTECTION } from '../helpers/harness'
import { DEMO } from '../helpers/demo'
import { signedHeaders } from '../helpers/signing'

jest.setTimeout(60_000)

/** Syncs at once, unless held; then each call waits for the test. */
class GatedSync implements WalSync {
  held = false
  count = 0
  readonly waiting: { resolve: () => void; reject: (err: Error) => void }[] = []
  sync(): Promise<void> {
    this.count++
    if (!this.held) return Promise.resolve()
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }))
  }
  async close(): Promise<void> {}
}

async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r))
}

/** Settles `p` into a box the test can look at without awaiting it. */
function watch<T>(p: Promise<T>): { done: boolean; value?: T } {
  const box: { done: boolean; value?: T } = { done: false }
  void p.then((v) => {
    box.done = true
    box.value = v
  })
  return box
}

describe('answers wait for the WAL sync (SQLite file)', () => {
  let dir: string
  let store: Store
  let app: FastifyInstance
  const wal = new GatedSync()
  const lines: string[] = []
  const post = (path: string, body: unknown): Promise<LightMyRequestResponse> => {
    const payload = JSON.stringify(body)
    return app.inject({ method: 'POST', url: path, payload, headers: { 'content-type': 'application/json', ...signedHeaders('POST', path, payload, { timestamp: DEFAULT_NOW.getTime() }) } })
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yl-durable-app-'))
    store = openStore({ sqlitePath: join(dir, 'app.sqlite'), workerConnection: true, walSync: () => wal })
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk))
        cb()
      },
    })
    app = await buildApp({ config: testConfig(), store, clock: () => DEFAULT_NOW, logger: { stream }, protection: TEST_PROTECTION })
  })
  afterAll(async () => {
    await app?.close()
    await store?.db.destroy()
    rmSync(dir, { recursive: true, force: true })
  })

  beforeEach(async () => {
    // Start each test with everything on disk and the sync free.
    wal.held = false
    await store.durable!.settled()
  })

  /** A caller whose account exists, with everything on disk and the next sync held. */
  async function callerWithSyncHeld(): Promise<ReturnType<typeof newCaller>> {
    const caller = newCaller()
    await post('/v1/status', { caller })
    await store.durable!.settled()
    wal.held = true
    return caller
  }
  // The nonce insert goes through the worker thread: wait for what must happen, not for a number of turns
  // (bounded only so a broken build fails instead of hanging).
  const until = async (cond: () => boolean): Promise<void> => {
    for (let waited = 0; !cond() && waited < 20_000; waited += 2) await new Promise((r) => setTimeout(r, 2))
  }
  const untilSyncAsked = (): Promise<void> => until(() => wal.waiting.length > 0)
  const untilAnswered = (res: { done: boolean }): Promise<void> => until(() => res.done)

  it('a binding is answered only after the sync that follows its commit', async () => {
    const caller = await callerWithSyncHeld()
    const before = wal.count
    const res = watch(post('/v1/bindings/manual', { caller, ...DEMO.wang }))
    await untilSyncAsked()
    expect(wal.count).toBe(before + 1)
    await turns()
    expect(res.done).toBe(false) // committed, not yet answered
    expect(await store.db.selectFrom('bindings').select('id').where('unbound_at', 'is', null).execute()).not.toHaveLength(0)
    wal.waiting.shift()!.resolve()
    await untilAnswered(res)
    expect(res.value!.statusCode).toBe(200)
  })

  it('a read with nothing unsynced syncs nothing and waits for nothing', async () => {
    const caller = await callerWithSyncHeld()
    const before = wal.count
    const res = await post('/v1/status', { caller })
    expect(res.statusCode).toBe(200)
    expect(wal.count).toBe(before)
  })

  it("a read waits while someone else's commit is not yet on disk", async () => {
    const caller = await callerWithSyncHeld()
    await store.db.updateTable('accounts').set({ last_seen_at: DEFAULT_NOW.toISOString() }).where('platform', '=', 'local').where('openid', '=', caller.openid).execute()
    const res = watch(post('/v1/status', { caller }))
    await untilSyncAsked()
    await turns()
    expect(res.done).toBe(false)
    wal.waiting.shift()!.resolve()
    await untilAnswered(res)
    expect(res.value!.statusCode).toBe(200)
  })

  it('a failed sync withholds the answer with 503 in Chinese; the retry binds once', async () => {
    const caller = await callerWithSyncHeld()
    const res = watch(post('/v1/bindings/manual', { caller, ...DEMO.li }))
    await untilSyncAsked()
    wal.waiting.shift()!.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
    await untilAnswered(res)
    expect(res.value!.statusCode).toBe(503)
    expect(res.value!.json()).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
    expect(lines.join('')).toContain('WAL sync failed')
    wal.held = false
    const retry = await post('/v1/bindings/manual', { caller, ...DEMO.li })
    expect(retry.statusCode).toBe(200)
    const account = await store.db.selectFrom('accounts').select('id').where('openid', '=', caller.openid).executeTakeFirstOrThrow()
    const bindings = await store.db.selectFrom('bindings').select('id').where('account_id', '=', account.id).where('unbound_at', 'is', null).execute()
    expect(bindings).toHaveLength(1)
  })
})
