/**
 * `npm start`: the whole system on this machine.
 *
 *   1. DATA_DIR exists (SQLite file and local keys live there)
 *   2. the certification backend starts as a child process (`tsx server/server.ts`, SQLite by
 *      default) unless BACKEND_URL points at one that is already running; we wait for its /healthz
 *   3. the H5 app is built if dist/h5 is missing or older than src/ (skip: START_SKIP_H5_BUILD=1)
 *   4. the local gateway (same cloud-function handlers over HTTP + the H5 files) starts on APP_PORT
 *   5. the local reminder sender (servers/scheduler/): the sendReminders handler with the local openapi
 *      adapter, on the function's timer schedule, every REMINDERS_LOCAL_CRON, and once at start
 *   6. the agency console is built if dist/console is missing or older than console/ or the endpoint
 *      table (skip: START_SKIP_CONSOLE_BUILD=1); the backend serves it at <backend>/agency/, and its
 *      address is printed with the demo sign-ins the backend logged (lines starting 演示账号)
 *
 * Ctrl-C / SIGTERM stops everything; a child that dies stops everything with a clear message.
 * Every variable: docs/configuration.md.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, relative, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { GatewayConfigError, parsePort, readGatewayConfig, DEFAULT_APP_HOST, DEFAULT_APP_PORT, DEFAULT_BACKEND_PORT, DEFAULT_DATA_DIR, DEFAULT_H5_DIR } from '../servers/gateway/config'
import { PortInUseError, startGateway, type RunningGateway } from '../servers/gateway/server'
import { startRemindersForStart, type LocalScheduler } from '../servers/scheduler/start'
import { buildConsole, consoleBuildReason } from '../console/build'

const ROOT = resolve(__dirname, '..')
const HEALTH_TIMEOUT_MS = 60_000
const STOP_GRACE_MS = 5_000

class StartError extends Error {}

const say = (line: string) => console.log(line)
/** A path relative to the current folder when it is inside it, absolute otherwise. */
const shortPath = (path: string) => {
  const rel = relative(process.cwd(), path)
  return rel && !rel.startsWith('..') ? rel : path
}
const shout = (line: string) => console.error(`\n✗ ${line}\n`)

interface Child {
  label: string
  proc: ChildProcess
  /** True once we asked it to stop, so its exit is not reported as a crash. */
  stopping: boolean
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const children = new Set<Child>()
let gateway: RunningGateway | null = null
let reminders: LocalScheduler | null = null
let shuttingDown = false
/** The backend's demo sign-in lines (演示账号…), repeated next to the console address at the end. */
const demoSignIns: string[] = []

/** A backend log line (JSON from pino, or plain) → its message when it announces a demo sign-in. */
function demoSignInOf(line: string): string | null {
  let msg = line
  try {
    const parsed = JSON.parse(line) as { msg?: unknown }
    if (typeof parsed.msg === 'string') msg = parsed.msg
  } catch {
    /* plain text */
  }
  return msg.trimStart().startsWith('演示账号') ? msg.trim() : null
}

function startChild(label: string, args: string[], env: NodeJS.ProcessEnv, output: 'prefix' | { log: string }): Child {
  // Own process group (detached) so a stop reaches grandchildren (tsx runs node in a child; taro
  // runs webpack workers) and Ctrl-C is handled once, here.
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  if (output === 'prefix') {
    for (const stream of [proc.stdout, proc.stderr]) {
      if (!stream) continue
      createInterface({ input: stream }).on('line', (line) => {
        if (!line.trim()) return
        console.log(`[${label}] ${line}`)
        const demo = demoSignInOf(line)
        if (demo) demoSignIns.push(demo)
      })
    }
  } else {
    const file = createWriteStream(output.log)
    proc.stdout?.pipe(file)
    proc.stderr?.pipe(file)
  }
  const child: Child = {
    label,
    proc,
    stopping: false,
    exited: new Promise((resolveExit) => proc.on('exit', (code, signal) => resolveExit({ code, signal }))),
  }
  proc.on('error', (err) => {
    if (!shuttingDown) void shutdown(1, `${label}无法启动：${err.message}`)
  })
  children.add(child)
  void child.exited.then(() => children.delete(child))
  return child
}

function signalGroup(child: Child, signal: NodeJS.Signals): void {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null || child.proc.pid === undefined) return
  try {
    process.kill(-child.proc.pid, signal)
  } catch {
    try {
      child.proc.kill(signal)
    } catch {
      /* already gone */
    }
  }
}

async function stopChild(child: Child): Promise<void> {
  child.stopping = true
  signalGroup(child, 'SIGTERM')
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_GRACE_MS)
  await child.exited
  clearTimeout(timer)
}

async function shutdown(code: number, reason?: string): Promise<never> {
  if (shuttingDown) return new Promise<never>(() => {})
  shuttingDown = true
  if (reason) (code === 0 ? say : shout)(reason)
  say('正在停止全部服务…')
  reminders?.stop()
  await Promise.allSettled([gateway?.close(), ...[...children].map(stopChild)])
  say(code === 0 ? '已全部停止。' : '已全部停止。请根据上面的提示处理后重新运行 npm start。')
  process.exit(code)
}

/** A child exiting on its own (not because we stopped it) stops everything. */
function watchForCrash(child: Child, what: string): void {
  void child.exited.then(({ code, signal }) => {
    if (child.stopping || shuttingDown) return
    void shutdown(1, `${what}意外退出（${signal ? `信号 ${signal}` : `退出码 ${code}`}），所以停止全部服务。请查看上面 [${child.label}] 开头的输出。`)
  })
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer()
    server.once('error', () => resolveFree(false))
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolveFree(true)))
  })
}

async function waitForHealth(url: string, backend: Child | null): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS
  let exited = false
  void backend?.exited.then(() => (exited = true))
  while (Date.now() < deadline) {
    if (exited) throw new StartError('后端服务启动失败（进程已退出），请查看上面 [后端] 开头的输出。')
    try {
      const res = await fetch(`${url.replace(/\/+$/, '')}/healthz`, { signal: AbortSignal.timeout(2000) })
      if (res.ok) return
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new StartError(`等了 ${HEALTH_TIMEOUT_MS / 1000} 秒，后端 ${url}/healthz 仍没有响应。`)
}

/** Newest modification time under the given paths (files or folders), ignoring node_modules. */
function newestMtime(paths: string[]): number {
  let newest = 0
  const visit = (path: string) => {
    let st
    try {
      st = statSync(path)
    } catch {
      return
    }
    if (st.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules' && !entry.startsWith('.')) visit(join(path, entry))
    } else if (st.mtimeMs > newest) newest = st.mtimeMs
  }
  paths.forEach(visit)
  return newest
}

export function h5BuildReason(h5Dir: string): string | null {
  const index = join(h5Dir, 'index.html')
  if (!existsSync(index)) return '还没有 H5 构建'
  const built = statSync(index).mtimeMs
  const sources = newestMtime(['src', 'config', 'package.json', 'tsconfig.json', 'babel.config.js'].map((p) => join(ROOT, p)))
  return sources > built ? '源代码比 H5 构建新' : null
}

async function buildH5(logFile: string): Promise<void> {
  const taroCli = join(ROOT, 'node_modules', '@tarojs', 'cli', 'bin', 'taro')
  if (!existsSync(taroCli)) throw new StartError('找不到 Taro 命令行（node_modules/@tarojs/cli）。请先运行 npm install。')
  const started = Date.now()
  say(`正在构建 H5 应用（npx taro build --type h5，通常需要 30–40 秒），日志：${shortPath(logFile)}`)
  const env = { ...process.env }
  delete env.NODE_ENV // let Taro choose its production build mode
  const child = startChild('H5 构建', [taroCli, 'build', '--type', 'h5'], env, { log: logFile })
  const ticker = setInterval(() => say(`  …仍在构建 H5，已用 ${Math.round((Date.now() - started) / 1000)} 秒`), 5000)
  const { code, signal } = await child.exited
  clearInterval(ticker)
  if (shuttingDown) return
  if (code !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).slice(-25).join('\n  ')
    throw new StartError(`H5 构建失败（${signal ? `信号 ${signal}` : `退出码 ${code}`}）。日志最后几行：\n  ${tail}`)
  }
  say(`✓ H5 应用构建完成，用时 ${Math.round((Date.now() - started) / 1000)} 秒`)
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0, '收到 Ctrl-C，正在退出。'))
  process.on('SIGTERM', () => void shutdown(0, '收到 SIGTERM，正在退出。'))
  // Last resort if we die some other way: do not leave children running.
  process.on('exit', () => children.forEach((c) => signalGroup(c, 'SIGKILL')))

  const env = process.env
  if (env.NODE_ENV === 'production') {
    throw new StartError('npm start 只用于本机演示和开发：本地登录在 NODE_ENV=production 时被拒绝。生产部署请见 README 的部署说明。')
  }
  const problems: string[] = []
  const appPort = parsePort(env.APP_PORT, DEFAULT_APP_PORT, 'APP_PORT', problems)
  const backendPort = parsePort(env.BACKEND_PORT, DEFAULT_BACKEND_PORT, 'BACKEND_PORT', problems)
  if (problems.length > 0) throw new StartError(problems.join('\n  '))
  const appHost = env.APP_HOST?.trim() || DEFAULT_APP_HOST
  const dataDir = resolve(ROOT, env.DATA_DIR?.trim() || DEFAULT_DATA_DIR)
  const h5Dir = resolve(ROOT, env.H5_DIR?.trim() || DEFAULT_H5_DIR)
  const externalBackend = env.BACKEND_URL?.trim()
  const backendUrl = externalBackend || `http://127.0.0.1:${backendPort}`

  mkdirSync(dataDir, { recursive: true })
  say('银龄认证 · 本机启动')
  say(`  数据目录：${dataDir}`)

  if (!(await portFree(appHost, appPort))) throw new PortInUseError(appHost, appPort, 'APP_PORT')

  let backend: Child | null = null
  if (externalBackend) {
    say(`使用已在运行的后端：${externalBackend}（设置了 BACKEND_URL，不另外启动后端）`)
  } else {
    if (!(await portFree('127.0.0.1', backendPort))) {
      throw new StartError(`后端端口 ${backendPort} 已被占用。请关闭占用它的程序，或换一个端口，例如：BACKEND_PORT=${backendPort + 1} npm start`)
    }
    say(`正在启动后端（SQLite，端口 ${backendPort}）…`)
    const tsxCli = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')
    if (!existsSync(tsxCli)) throw new StartError('找不到 tsx（node_modules/tsx）。请先运行 npm install。')
    backend = startChild(
      '后端',
      [tsxCli, 'server/server.ts'],
      {
        ...env,
        BACKEND_HOST: '127.0.0.1',
        BACKEND_PORT: String(backendPort),
        DATA_DIR: dataDir,
        LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
        // Local demo: reminders may go out at any hour (production: 09:00-20:00); see docs/reminders.md.
        REMINDER_SEND_WINDOW: env.REMINDER_SEND_WINDOW ?? '00:00-24:00',
      },
      'prefix',
    )
    watchForCrash(backend, '后端服务')
  }
  await waitForHealth(backendUrl, backend)
  say(`✓ 后端已就绪：${backendUrl}`)

  const customH5Dir = resolve(ROOT, DEFAULT_H5_DIR) !== h5Dir
  if (env.START_SKIP_H5_BUILD === '1') {
    say('跳过 H5 构建（START_SKIP_H5_BUILD=1）')
  } else if (customH5Dir) {
    say(`使用 H5_DIR=${h5Dir}，不自动构建（Taro 总是构建到 ${DEFAULT_H5_DIR}）`)
  } else {
    const reason = h5BuildReason(h5Dir)
    if (reason) {
      say(`${reason}。`)
      await buildH5(join(dataDir, 'h5-build.log'))
    } else {
      say('✓ H5 构建是最新的，不需要重新构建')
    }
  }
  if (!existsSync(join(h5Dir, 'index.html'))) say(`⚠ ${h5Dir} 里没有 index.html：网页会提示先构建 H5（npm run build:h5）`)

  if (env.START_SKIP_CONSOLE_BUILD === '1') {
    say('跳过经办机构工作台构建（START_SKIP_CONSOLE_BUILD=1）')
  } else {
    const reason = consoleBuildReason()
    if (reason) {
      say(`${reason}，正在构建经办机构工作台…`)
      try {
        const built = await buildConsole()
        say(`✓ 工作台构建完成（${(built.gzipBytes / 1024).toFixed(0)} KB gzip）`)
      } catch (err) {
        throw new StartError(`经办机构工作台构建失败：${err instanceof Error ? err.message : String(err)}\n  可单独运行 npm run build:console 查看详情。`)
      }
    } else {
      say('✓ 经办机构工作台构建是最新的')
    }
  }

  let config
  try {
    config = readGatewayConfig({ ...env, APP_PORT: String(appPort), APP_HOST: appHost, BACKEND_URL: backendUrl, DATA_DIR: dataDir, H5_DIR: h5Dir }, ROOT)
  } catch (err) {
    throw new StartError(err instanceof GatewayConfigError ? err.message : String(err))
  }
  gateway = await startGateway(config)
  // 4. the reminder sender on the cloud function's timer schedule (+ REMINDERS_LOCAL_CRON), once now.
  reminders = startRemindersForStart(config, env, say)

  const demoDoc = join(ROOT, 'docs', 'demo-identities.md')
  say('')
  say('==============================================================')
  say(`  ✓ 银龄认证已在本机启动。请用浏览器打开：${gateway.url}`)
  say(`  演示用的退休人员身份（均为虚构）：${shortPath(demoDoc)}`)
  say(`  后端：${backendUrl}    数据：${shortPath(dataDir)}`)
  // Served by the backend itself: the console's session cookie is SameSite=Strict and its API is
  // the backend's /agency/api, so one origin needs no proxy (the gateway is the mini-program's).
  say(`  经办机构工作台：${backendUrl.replace(/\/+$/, '')}/agency/`)
  if (demoSignIns.length > 0) for (const line of demoSignIns) say(`    ${line}`)
  else if (!externalBackend) say('    （后端没有打印演示账号：数据库里已有工作台账号时不再创建；新建账号：npm run agency:user -- add <用户名> --role admin --region <区划>）')
  say('  按 Ctrl-C 停止全部服务')
  say('==============================================================')
}

if (require.main === module) main().catch((err) => {
  const message =
    err instanceof StartError || err instanceof PortInUseError ? err.message : `启动失败：${err instanceof Error ? (err.stack ?? err.message) : String(err)}`
  void shutdown(1, message)
})
