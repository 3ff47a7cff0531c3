/**
 * `npm start` as a real process tree: backend child on SQLite, gateway in-process, the H5 build
 * skipped (START_SKIP_H5_BUILD=1). SIGTERM stops everything; a busy port is a clear message.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort } from '../../scripts/support/free-port'

jest.setTimeout(90_000)

const ROOT = resolve(__dirname, '../..')
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')

let dataDir: string
const started: ChildProcess[] = []

beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'yl-start-'))))
afterAll(() => {
  for (const p of started) if (p.exitCode === null && p.signalCode === null && p.pid) try { process.kill(-p.pid, 'SIGKILL') } catch { /* gone */ }
  rmSync(dataDir, { recursive: true, force: true })
})


function start(env: Record<string, string>): { proc: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let out = ''
  const proc = spawn(process.execPath, [TSX, 'scripts/start.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, START_SKIP_H5_BUILD: '1', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.push(proc)
  proc.stdout?.on('data', (c) => (out += c))
  proc.stderr?.on('data', (c) => (out += c))
  return { proc, output: () => out, exited: new Promise((r) => proc.on('exit', (code) => r(code))) }
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok
  } catch {
    return false
  }
}

test('starts backend and gateway, serves the functions, stops everything on SIGTERM', async () => {
  const appPort = await freePort()
  const backendPort = await freePort()
  const run = start({ APP_PORT: String(appPort), BACKEND_PORT: String(backendPort) })
  await waitFor(() => run.output().includes('请用浏览器打开') || run.proc.exitCode !== null, 60_000)
  expect(run.output()).toContain(`请用浏览器打开：http://127.0.0.1:${appPort}/`)
  expect(run.output()).toContain('docs/demo-identities.md')
  expect(run.output()).toContain('跳过 H5 构建')

  const base = `http://127.0.0.1:${appPort}`
  expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok', service: 'gateway' })
  const { token } = (await (await fetch(`${base}/auth/local-login`, { method: 'POST' })).json()).data
  const status = await fetch(`${base}/fn/getStatus`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' })
  expect(await status.json()).toEqual({ ok: true, data: { bound: false } })
  expect(await answers(`http://127.0.0.1:${backendPort}/healthz`)).toBe(true)
  expect(await answers(`http://127.0.0.1:${backendPort}/readyz`)).toBe(true)
  expect(await answers(`${base}/readyz`)).toBe(true)

  run.proc.kill('SIGTERM')
  expect(await run.exited).toBe(0)
  expect(run.output()).toContain('已全部停止')
  expect(await answers(`http://127.0.0.1:${backendPort}/healthz`)).toBe(false)
  expect(await answers(`${base}/healthz`)).toBe(false)
})

test('a busy APP_PORT stops the start with a message naming APP_PORT', async () => {
  const blocker: Server = createServer()
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
  const busy = (blocker.address() as AddressInfo).port
  try {
    const run = start({ APP_PORT: String(busy), BACKEND_PORT: String(await freePort()) })
    expect(await run.exited).toBe(1)
    expect(run.output()).toContain(`端口 ${busy} 已被占用`)
    expect(run.output()).toContain('APP_PORT=')
  } finally {
    await new Promise((r) => blocker.close(r))
  }
})

test('NODE_ENV=production is refused', async () => {
  const run = start({ NODE_ENV: 'production', APP_PORT: String(await freePort()) })
  expect(await run.exited).toBe(1)
  expect(run.output()).toContain('NODE_ENV=production')
})
