/**
 * One backend or gateway process of a local cluster: started as `node --import tsx <entry>` (ONE
 * process — the tsx CLI would put node in a child, and a SIGKILL of the CLI would leave that child
 * serving), in its own process group, output appended to a log file. It keeps its port across
 * restarts, so the proxy's list never changes.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { createServer } from 'node:net'
import { resolve } from 'node:path'

export const ROOT = resolve(__dirname, '..', '..')
/** Generous: three instances compiling TypeScript at once on a busy 2-core machine. */
export const READY_TIMEOUT_MS = 120_000
const STOP_GRACE_MS = 10_000

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolvePort(port))
    })
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface InstanceSpec {
  label: string
  /** Entry file relative to the repository root. */
  entry: string
  /** The variable the entry reads its port from (BACKEND_PORT, APP_PORT). */
  portVar: string
  env: NodeJS.ProcessEnv
  logFile: string
}

export class ClusterInstance {
  readonly label: string
  port = 0
  starts = 0
  kills = 0
  private proc: ChildProcess | null = null
  private exited: Promise<void> = Promise.resolve()

  constructor(private readonly spec: InstanceSpec) {
    this.label = spec.label
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get pid(): number | undefined {
    return this.proc?.pid
  }

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null
  }

  /** Starts the process (on its old port when it had one) and waits until GET /readyz answers 200. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.label} is already running`)
    if (!this.port) this.port = await freePort()
    const log = openSync(this.spec.logFile, 'a')
    const proc = spawn(process.execPath, ['--import', 'tsx', this.spec.entry], {
      cwd: ROOT,
      env: { ...this.spec.env, [this.spec.portVar]: String(this.port) },
      stdio: ['ignore', log, log],
      detached: true,
    })
    closeSync(log)
    this.proc = proc
    this.starts++
    let gone = false
    this.exited = new Promise((r) =>
      proc.once('exit', () => {
        gone = true
        r()
      }),
    )
    const deadline = Date.now() + READY_TIMEOUT_MS
    while (Date.now() < deadline) {
      if (gone) throw new Error(`${this.label} exited while starting (log: ${this.spec.logFile})`)
      try {
        const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(3000) })
        if (res.status === 200) return
      } catch {
        /* not listening yet */
      }
      await sleep(200)
    }
    throw new Error(`${this.label} not ready after ${READY_TIMEOUT_MS / 1000} s (log: ${this.spec.logFile})`)
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.proc?.pid
    if (!pid || !this.running) return
    try {
      process.kill(-pid, signal)
    } catch {
      this.proc?.kill(signal)
    }
  }

  /** SIGKILL, as a crashed machine or the OOM killer would: no close handlers, no goodbyes. */
  async kill9(): Promise<void> {
    if (!this.running) return
    this.kills++
    this.signal('SIGKILL')
    await this.exited
  }

  async restart(): Promise<void> {
    await this.kill9()
    await this.start()
  }

  /** SIGTERM (graceful close), SIGKILL after a grace period. */
  async stop(): Promise<void> {
    if (!this.running) return
    this.signal('SIGTERM')
    const timer = setTimeout(() => this.signal('SIGKILL'), STOP_GRACE_MS)
    await this.exited
    clearTimeout(timer)
  }
}
