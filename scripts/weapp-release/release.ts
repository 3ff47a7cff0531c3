/**
 * `npm run weapp:preview` and `npm run weapp:upload`: the weapp build to WeChat with miniprogram-ci.
 *
 * Order: arguments → the build exists → appid and upload key (configuration) → the same per-package
 * size and code-quality checks as `npm run weapp:check` (its own code) → miniprogram-ci's Project with
 * the real key → upload / preview. Any refusal stops before anything is sent.
 *
 * miniprogram-ci has surfaced network failures as unhandled rejections that kill node (TOOLCHAIN):
 * while upload / preview run, such a rejection is taken as that call's failure.
 */
import fs from 'node:fs'
import path from 'node:path'
import { formatSummary, loadMiniprogramCi, runWeappCheck, withTimeout, type CheckCi } from '../weapp-check'
import { parseReleaseArgs, type ReleaseArgs, type ReleaseMode } from './args'
import { resolveReleaseConfig } from './config'
import { EXIT, errorText, refuse, runRefusing, type ExitCode } from '../support/refusal'

type ProgressTask = { id?: string; message?: string; status?: string } | string

interface CommonOptions {
  project: unknown
  version: string
  desc?: string
  robot: number
  setting: { useProjectConfig: boolean }
  onProgressUpdate: (task: ProgressTask) => void
}

export interface UploadOptions extends CommonOptions {
  desc: string
}

export interface PreviewOptions extends CommonOptions {
  qrcodeFormat: 'image'
  qrcodeOutputDest: string
  pagePath?: string
  searchQuery?: string
}

export interface PackageInfo {
  subPackageInfo?: { name: string; size: number }[]
}

/** The part of miniprogram-ci a release uses; tests inject a stand-in that records every call. */
export interface ReleaseCi extends CheckCi {
  upload(options: UploadOptions): Promise<PackageInfo>
  preview(options: PreviewOptions): Promise<PackageInfo>
}

export interface ReleaseDeps {
  ci?: ReleaseCi
  env?: Record<string, string | undefined>
  cwd?: string
  log?: (line: string) => void
  /** How long upload / preview may take before the command gives up (default 10 minutes). */
  timeoutMs?: number
}

/** Compile settings: the build's own project.config.json (minify JS/WXML/WXSS, as weapp:check expects). */
export const COMPILE_SETTING = { useProjectConfig: true } as const
export const PROJECT_IGNORES = ['node_modules/**/*']

function packageVersion(cwd: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(cwd, 'package.json'), 'utf8')) as { version?: string }).version || '0.0.0'
  } catch {
    return '0.0.0'
  }
}

/** Every page of the build's app.json, main package and subpackages. */
export function buildPages(dir: string): string[] {
  const app = JSON.parse(fs.readFileSync(path.join(dir, 'app.json'), 'utf8')) as {
    pages?: string[]
    subPackages?: { root: string; pages: string[] }[]
    subpackages?: { root: string; pages: string[] }[]
  }
  const subs = app.subPackages ?? app.subpackages ?? []
  return [...(app.pages ?? []), ...subs.flatMap((s) => s.pages.map((p) => path.posix.join(s.root, p)))]
}

/** Runs a miniprogram-ci call; a rejection nobody handled while it runs counts as its failure. */
async function guarded<T>(what: string, call: () => Promise<T>, timeoutMs: number): Promise<T> {
  let onUnhandled: ((reason: unknown) => void) | undefined
  const unhandled = new Promise<never>((_, reject) => {
    onUnhandled = (reason: unknown) => reject(reason instanceof Error ? reason : new Error(errorText(reason)))
    process.on('unhandledRejection', onUnhandled)
  })
  try {
    return await withTimeout(Promise.race([Promise.resolve().then(call), unhandled]), timeoutMs, what)
  } finally {
    if (onUnhandled) process.off('unhandledRejection', onUnhandled)
  }
}

function progressLogger(log: (line: string) => void): (task: ProgressTask) => void {
  return (task) => {
    if (typeof task === 'string') log(`  … ${task}`)
    else if (task.status === 'done' || task.status === 'fail' || task.status === 'warn') log(`  ${task.status === 'done' ? '✓' : '!'} ${task.message ?? task.id ?? ''}`)
  }
}

async function release(mode: ReleaseMode, argv: string[], deps: ReleaseDeps): Promise<ExitCode> {
  const cwd = deps.cwd ?? process.cwd()
  const env = deps.env ?? process.env
  const log = deps.log ?? ((line: string) => console.log(line))
  const args: ReleaseArgs = parseReleaseArgs(mode, argv, cwd)

  if (!fs.existsSync(path.join(args.dir, 'app.json'))) {
    refuse('RELEASE_BUILD_MISSING', `${args.dir} 里没有小程序构建产物：请先 WEAPP_APPID=wx… npm run build:weapp`)
  }
  if (args.page !== null && !buildPages(args.dir).includes(args.page)) {
    refuse('RELEASE_PAGE_UNKNOWN', `构建里没有页面 ${args.page}（看 ${path.join(args.dir, 'app.json')} 的 pages 和 subPackages）`)
  }
  const config = resolveReleaseConfig(env, args.dir, cwd)

  let ci: ReleaseCi
  try {
    ci = deps.ci ?? loadMiniprogramCi<ReleaseCi>()
  } catch (e) {
    refuse('RELEASE_CI_MISSING', `miniprogram-ci 加载失败：${errorText(e)}`)
  }

  log(`检查包大小和代码质量（与 npm run weapp:check 相同）：${args.dir}`)
  const summary = await runWeappCheck(args.dir, { ci })
  log(formatSummary(summary))
  if (!summary.passed) refuse('RELEASE_CHECK_FAILED', '包大小或代码质量检查没有通过，没有上传任何内容', EXIT.checksFailed)

  const project = new ci.Project({ appid: config.appid, type: 'miniProgram', projectPath: args.dir, privateKeyPath: config.privateKeyPath, ignores: PROJECT_IGNORES })
  const common: CommonOptions = {
    project,
    version: args.version ?? packageVersion(cwd),
    robot: args.robot,
    setting: { ...COMPILE_SETTING },
    onProgressUpdate: progressLogger(log),
  }
  if (args.desc) common.desc = args.desc
  const timeoutMs = deps.timeoutMs ?? 600_000

  let result: PackageInfo
  try {
    if (mode === 'upload') {
      log(`上传 appid ${config.appid} 版本 ${common.version}（机器人 ${args.robot}）…`)
      result = await guarded('upload', () => ci.upload({ ...common, desc: args.desc as string }), timeoutMs)
    } else {
      fs.mkdirSync(path.dirname(args.qrcode), { recursive: true })
      const options: PreviewOptions = { ...common, qrcodeFormat: 'image', qrcodeOutputDest: args.qrcode }
      if (args.page) options.pagePath = args.page
      if (args.query) options.searchQuery = args.query
      log(`生成预览 appid ${config.appid}（机器人 ${args.robot}）…`)
      result = await guarded('preview', () => ci.preview(options), timeoutMs)
    }
  } catch (e) {
    refuse(
      mode === 'upload' ? 'RELEASE_UPLOAD_FAILED' : 'RELEASE_PREVIEW_FAILED',
      `${mode === 'upload' ? '上传' : '预览'}没有成功：${errorText(e)}（检查网络、密钥是否有效、本机 IP 是否在公众平台的 IP 白名单里）`,
      EXIT.remoteFailed,
    )
  }

  for (const p of result?.subPackageInfo ?? []) log(`  ${p.name.padEnd(28)} ${String(p.size).padStart(9)} B`)
  if (mode === 'upload') log(`✓ 已上传版本 ${common.version}：请到 微信公众平台 → 管理 → 版本管理 设为体验版或提交审核`)
  else log(`✓ 预览二维码已写到 ${args.qrcode}（用已绑定的开发者微信扫码）`)
  return EXIT.ok
}

/** Runs one release command; returns the exit code and prints a plain message on refusal. */
export async function runRelease(mode: ReleaseMode, argv: string[], deps: ReleaseDeps = {}): Promise<ExitCode> {
  return runRefusing(() => release(mode, argv, deps), 'RELEASE_FAILED', '发布中断', deps.log ?? ((line: string) => console.error(line)))
}
