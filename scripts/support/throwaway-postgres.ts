/**
 * A real, throw-away PostgreSQL server (for the tests, `npm run cluster:local` and the benchmarks): initdb + pg_ctl from Debian's packages
 * (/usr/lib/postgresql/<version>/bin, else PATH), in a temp dir, on a free port, listening on
 * 127.0.0.1 only, trust auth, durability off for speed. initdb refuses to run as root, so as root
 * the cluster is created and run by the `postgres` OS user (runuser -u postgres).
 * No binaries → a clear failure that says to run `npm run setup:system`; never a silent skip.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port'

export interface TestPostgres {
  url: string
  dir: string
  binDir: string
  runAs?: string
}

export const PG_URL_ENV = 'YL_TEST_PG_URL'
export const PG_DIR_ENV = 'YL_TEST_PG_DIR'

function findBinDir(): string {
  const root = '/usr/lib/postgresql'
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a))
    if (versions.length > 0) return join(root, versions[0], 'bin')
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir
  }
  throw new Error(
    '未找到 PostgreSQL（initdb/pg_ctl），无法运行 PostgreSQL 测试。请先运行 `npm run setup:system`。\n' +
      'PostgreSQL binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or PATH: run `npm run setup:system` first.',
  )
}


function userIds(name: string): { uid: number; gid: number } | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${name}:`))
    if (!line) return undefined
    const [, , uid, gid] = line.split(':')
    return { uid: Number(uid), gid: Number(gid) }
  } catch {
    return undefined
  }
}

function run(binDir: string, runAs: string | undefined, tool: string, args: string[]): void {
  const bin = join(binDir, tool)
  const [cmd, argv] = runAs ? ['runuser', ['-u', runAs, '--', bin, ...args]] : [bin, args]
  try {
    execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 })
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer; message: string }
    throw new Error(`${tool} failed: ${e.stderr?.toString() || e.stdout?.toString() || e.message}`)
  }
}

/** `settings`: more server settings (name → value), e.g. a bench's shared_preload_libraries. */
export async function startTestPostgres(settings: Record<string, string> = {}): Promise<TestPostgres> {
  const more = Object.entries(settings)
    .map(([name, value]) => ` -c ${name}=${value}`)
    .join('')
  const binDir = findBinDir()
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  let runAs: string | undefined
  const dir = mkdtempSync(join(tmpdir(), 'yl-pg-'))
  if (isRoot) {
    const ids = userIds('postgres')
    if (!ids) {
      rmSync(dir, { recursive: true, force: true })
      throw new Error('以 root 运行测试需要系统用户 postgres（initdb 拒绝以 root 运行）。请运行 `npm run setup:system`。 / Running as root needs the `postgres` OS user: run `npm run setup:system`.')
    }
    chownSync(dir, ids.uid, ids.gid)
    chmodSync(dir, 0o700)
    runAs = 'postgres'
  }
  const data = join(dir, 'data')
  run(binDir, runAs, 'initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'])
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    try {
      run(binDir, runAs, 'pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'server.log'),
        '-w',
        '-t',
        '60',
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200${more}`,
        'start',
      ])
      return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, binDir, runAs }
    } catch (err) {
      lastError = err // most likely the port was taken in between: try another
    }
  }
  rmSync(dir, { recursive: true, force: true })
  throw lastError
}

export function stopTestPostgres(pg: Pick<TestPostgres, 'dir' | 'binDir' | 'runAs'>): void {
  try {
    run(pg.binDir, pg.runAs, 'pg_ctl', ['-D', join(pg.dir, 'data'), '-m', 'immediate', '-w', 'stop'])
  } finally {
    rmSync(pg.dir, { recursive: true, force: true })
  }
}
