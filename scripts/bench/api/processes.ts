/** Child processes for npm run bench:api: each server runs alone, so the load client never shares its event loop. */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { freePort } from '../../support/free-port'
export { freePort }

export const ROOT = join(__dirname, '..', '..', '..')

export interface Child {
  url: string
  proc: ChildProcess
  stop(): Promise<void>
}


async function waitReady(url: string, proc: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${url}: process exited ${proc.exitCode}: ${stderr()}`)
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${url}: not ready within 60 s: ${stderr()}`)
}

/** Runs a TypeScript entry with tsx on a free port (BENCH_PORT, and the backend's BACKEND_PORT). */
export async function startNode(file: string, env: Record<string, string>): Promise<Child> {
  const port = await freePort()
  let err = ''
  // BENCH_PROFILE_DIR: the backend writes a V8 CPU profile there when it stops (for finding what is slow).
  const profile = process.env.BENCH_PROFILE_DIR && file === 'server/server.ts' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []
  const proc = spawn(process.execPath, [...profile, '--import', 'tsx', join(ROOT, file)], {
    cwd: ROOT,
    env: { ...process.env, ...env, BENCH_PORT: String(port), BACKEND_PORT: String(port), BACKEND_HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  proc.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000)
  })
  const url = `http://127.0.0.1:${port}`
  await waitReady(url, proc, () => err)
  return {
    url,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve()
        const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000)
        proc.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        proc.kill('SIGTERM')
      }),
  }
}
