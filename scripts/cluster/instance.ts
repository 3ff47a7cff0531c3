/**
 * One backend or gateway process of a local cluster: started as `node --import tsx <entry>` (ONE
 * process — the tsx CLI would put node in a child, and a SIGKILL of the CLI would leave that child
 * serving), in its own process group, output appended to a log file. It keeps its port across
 * restarts, so the proxy's list never changes.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { resolve } from 'node:path'
import { freePort } from '../support/free-port'
export { freePort }

export const ROOT = resolve(__dirname, '..', '..')
/** Generous: three instances compiling TypeScript at once on a busy 2-core machine. */
export const READY_TIMEOUT_MS = 120_000
const STOP_GRACE_MS = 10_000


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

class ExitedWhileStarting extends Error {}

/**
 * Instances live in their own process groups (so a kill reaches the whole instance), which also
 * means they outlive a launcher that dies without stopping them. Last resort: kill them on exit.
 */
const live = new Set<ClusterInstance>()
process.once('exit', () => live.forEach((i) => i.killNow()))

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

  /**
   * Starts the process (on its old port when it had one) and waits until GET /readyz answers 200.
   * A first start that dies at once is tried again on another port: the free port found may have
   * been taken in between by some other program on this machine.
   */
  async start(): Promise<void> {
    if (this.port) return this.startOnce()
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort()
      try {
        return await this.startOnce()
      } catch (err) {
        if (!(err instanceof ExitedWhileStarting) || attempt >= 3) throw err
      }
    }
  }

  private async startOnce(): Promise<void> {
    if (this.running) throw new Error(`${this.label} is already running`)
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
    live.add(this)
    proc.once('exit', () => live.delete(this))
    let gone = false
    this.exited = new Promise((r) =>
      proc.once('exit', () => {
        gone = true
        r()
      }),
    )
    const deadline = Date.now() + READY_TIMEOUT_MS
    while (Date.now() < deadline) {
      if (gone) throw new ExitedWhileStarting(`${this.label} exited while starting (log: ${this.spec.logFile})`)
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

  /** Synchronous SIGKILL for the exit handler (no waiting, no counting). */
  killNow(): void {
    this.signal('SIGKILL')
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
