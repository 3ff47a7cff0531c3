/**
 * Runs the whole system exactly as `npm start` does (backend child on SQLite, gateway, H5 app),
 * on free ports and a throw-away data directory. The H5 build comes from `npm test` (scripts/test.sh
 * builds it before jest); without dist/h5 the test fails with a message saying so.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort } from '../../../scripts/support/free-port'
export { freePort }

export const ROOT = resolve(__dirname, '../../..')
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')

export interface RunningSystem {
  url: string
  dataDir: string
  output: () => string
  stop: () => Promise<void>
}


/** The message scripts/start.ts ends with when a port it was given is taken. */
const PORT_TAKEN = '已被占用'

/**
 * Starts the system; if a port picked for it was taken meanwhile (another test process bound it
 * between our pick and the start), starts it again on new ports.
 */
export async function startSystem(extraEnv: Record<string, string> = {}): Promise<RunningSystem> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(extraEnv)
    } catch (err) {
      if (attempt >= 3 || !String((err as Error).message).includes(PORT_TAKEN)) throw err
    }
  }
}

async function startOnce(extraEnv: Record<string, string>): Promise<RunningSystem> {
  // H5_DIR (E2E_H5_DIR in the tests) serves another build: that one must be there, not dist/h5.
  const h5Dir = extraEnv.H5_DIR ? resolve(ROOT, extraEnv.H5_DIR) : join(ROOT, 'dist', 'h5')
  if (!existsSync(join(h5Dir, 'index.html'))) {
    throw new Error(`${h5Dir} has no index.html: run \`npm run build:h5\` (npm test does this before jest)`)
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'yl-e2e-'))
  const [appPort, backendPort] = [await freePort(), await freePort()]
  let out = ''
  const proc: ChildProcess = spawn(process.execPath, [TSX, 'scripts/start.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATA_DIR: dataDir,
      APP_PORT: String(appPort),
      BACKEND_PORT: String(backendPort),
      START_SKIP_H5_BUILD: '1',
      // A starved test machine is not an overloaded server: never answer 503 because the loop lagged.
      SHED_LOOP_DELAY_MS: '0',
      ...extraEnv,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.stdout?.on('data', (c) => (out += c))
  proc.stderr?.on('data', (c) => (out += c))
  const exited = new Promise<void>((r) => proc.on('exit', () => r()))

  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null && proc.pid) {
      try {
        process.kill(-proc.pid, 'SIGTERM')
      } catch {
        /* already gone */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
      try {
        process.kill(-proc.pid, 'SIGKILL')
      } catch {
        /* already gone */
      }
    }
    // Grandchildren may still hold the pipes; close our ends so jest can exit.
    proc.stdout?.destroy()
    proc.stderr?.destroy()
    rmSync(dataDir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 60_000
  for (;;) {
    const m = /请用浏览器打开：(http:\/\/\S+)/.exec(out)
    if (m) return { url: m[1], dataDir, output: () => out, stop }
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`npm start did not come up:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}
