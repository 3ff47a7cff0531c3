/**
 * `npm run cloud:deploy`: builds the cloud functions (`npm run build:cloud`) and deploys each folder
 * of build/cloudfunctions/ to the WeChat cloud environment with the CloudBase CLI (`tcb`,
 * npm package @cloudbase/cli, after `tcb login`), one documented command per function:
 *
 *   tcb fn deploy <name> --dir build/cloudfunctions/<name> -e <envId> --force
 *
 * (docs.cloudbase.net, CLI → 云函数 → 部署: `-e, --envId`, `--dir` the function's folder, `--force`
 * overwrites the function of the same name instead of asking.)
 *
 * Options: --env <envId> (default WEAPP_CLOUD_ENV), --only <name>[,<name>…].
 * Exit codes: 0 done, 2 refused (no env id, no tcb, bad argument), 3 the build failed, 4 a deploy failed.
 * Commands run through an injectable runner, so tests record them and never reach the network.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { discoverFunctions } from './build-cloud'
import { EXIT, refuse, runRefusing, type ExitCode } from './support/refusal'

export interface RunResult {
  /** Exit status; null when the command could not start. */
  code: number | null
  /** The command does not exist (ENOENT). */
  missing?: boolean
  error?: string
}

export type Runner = (command: string, args: string[], options: { cwd: string }) => Promise<RunResult>

export interface CloudDeployDeps {
  run?: Runner
  env?: Record<string, string | undefined>
  /** Repository root: where `npm run build:cloud` runs and build/cloudfunctions/ is. */
  root?: string
  log?: (line: string) => void
}

export const TCB = 'tcb'
export const BUILD_DIR = 'build/cloudfunctions'
const ENV_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/

/** Runs a command with the terminal attached; never throws. */
export const spawnRunner: Runner = (command, args, options) =>
  new Promise((resolve) => {
    let done = false
    const finish = (r: RunResult) => {
      if (!done) {
        done = true
        resolve(r)
      }
    }
    const child = spawn(command, args, { cwd: options.cwd, stdio: 'inherit' })
    child.on('error', (e: NodeJS.ErrnoException) => finish({ code: null, missing: e.code === 'ENOENT', error: e.message }))
    child.on('close', (code) => finish({ code }))
  })

/** The deploy command of one built function (argv after `tcb`). */
export function deployArgs(name: string, envId: string): string[] {
  return ['fn', 'deploy', name, '--dir', `${BUILD_DIR}/${name}`, '-e', envId, '--force']
}

export function showCommand(command: string, args: string[]): string {
  return [command, ...args.map((a) => (/^[\w./,:=@-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))].join(' ')
}

interface DeployArgs {
  envId: string | null
  only: string[] | null
}

export function parseDeployArgs(argv: string[]): DeployArgs {
  const out: DeployArgs = { envId: null, only: null }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a !== '--env' && a !== '--only') refuse('DEPLOY_ARG_UNKNOWN', `不认识的参数：${a}（可用：--env <环境ID> --only <云函数名,…>）`)
    const value = argv[++i]
    if (value === undefined || value.startsWith('--')) refuse('DEPLOY_ARG_VALUE_MISSING', `参数 ${a} 后面缺少值`)
    if (a === '--env') out.envId = value.trim()
    else out.only = value.split(',').map((s) => s.trim()).filter(Boolean)
  }
  return out
}

async function deploy(argv: string[], deps: CloudDeployDeps): Promise<ExitCode> {
  const run = deps.run ?? spawnRunner
  const env = deps.env ?? process.env
  const root = deps.root ?? path.resolve(__dirname, '..')
  const log = deps.log ?? ((line: string) => console.log(line))
  const args = parseDeployArgs(argv)

  const envId = args.envId || (env.WEAPP_CLOUD_ENV ?? '').trim()
  if (!envId) refuse('DEPLOY_ENV_MISSING', '没有配置云开发环境 ID：请设置 WEAPP_CLOUD_ENV（与构建小程序时相同），或用 --env <环境ID>')
  if (!ENV_ID.test(envId)) refuse('DEPLOY_ENV_INVALID', `云开发环境 ID 只能有字母、数字和横线（收到 "${envId}"）`)

  const all = discoverFunctions()
  const names = args.only ?? all
  const unknown = names.filter((n) => !all.includes(n))
  if (unknown.length > 0) refuse('DEPLOY_FUNCTION_UNKNOWN', `没有这些云函数：${unknown.join(', ')}（可选：${all.join(', ')}）`)
  if (names.length === 0) refuse('DEPLOY_FUNCTION_UNKNOWN', `--only 没有给出云函数名（可选：${all.join(', ')}）`)

  const cli = await run(TCB, ['--version'], { cwd: root })
  if (cli.missing || cli.code !== 0) {
    refuse(
      'DEPLOY_CLI_MISSING',
      cli.missing
        ? '没有找到 tcb 命令（CloudBase CLI）：请先 npm i -g @cloudbase/cli，再 tcb login 登录有该环境权限的腾讯云账号'
        : `tcb --version 没有成功（${cli.error ?? `退出码 ${cli.code}`}）：请检查 CloudBase CLI 的安装`,
    )
  }

  const buildArgs = ['run', 'build:cloud', ...(args.only ? ['--', '--only', names.join(',')] : [])]
  log(`$ ${showCommand('npm', buildArgs)}`)
  const built = await run('npm', buildArgs, { cwd: root })
  if (built.code !== 0) refuse('DEPLOY_BUILD_FAILED', `云函数打包没有成功（${built.error ?? `退出码 ${built.code}`}），没有部署任何云函数`, EXIT.checksFailed)
  const absent = names.filter((n) => !fs.existsSync(path.join(root, BUILD_DIR, n, 'index.js')))
  if (absent.length > 0) refuse('DEPLOY_BUILD_FAILED', `打包后缺少 ${absent.map((n) => `${BUILD_DIR}/${n}/index.js`).join(', ')}，没有部署任何云函数`, EXIT.checksFailed)

  const deployed: string[] = []
  for (const name of names) {
    const tcbArgs = deployArgs(name, envId)
    log(`$ ${showCommand(TCB, tcbArgs)}`)
    const r = await run(TCB, tcbArgs, { cwd: root })
    if (r.code !== 0) {
      refuse(
        'DEPLOY_FUNCTION_FAILED',
        `云函数 ${name} 部署没有成功（${r.error ?? `退出码 ${r.code}`}；若未登录请先 tcb login）。${deployed.length ? `已部署：${deployed.join(', ')}` : '其他云函数没有部署'}`,
        EXIT.remoteFailed,
      )
    }
    deployed.push(name)
  }
  log(`✓ 已部署到 ${envId}：${deployed.join(', ')}`)
  log('  云函数的环境变量（BACKEND_URL 等）和 sendReminders 的定时触发器请在云开发控制台或开发者工具里确认（见 README）')
  return EXIT.ok
}

export async function runCloudDeploy(argv: string[], deps: CloudDeployDeps = {}): Promise<ExitCode> {
  return runRefusing(() => deploy(argv, deps), 'DEPLOY_FAILED', '部署中断', deps.log ?? ((line: string) => console.error(line)))
}

if (require.main === module) {
  void runCloudDeploy(process.argv.slice(2)).then((code) => process.exit(code))
}
