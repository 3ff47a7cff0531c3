/**
 * Arguments of `npm run weapp:preview` and `npm run weapp:upload` (after `--`), checked before anything
 * else runs. Every refusal is plain Chinese with a stable code.
 *
 *   --version x.y.z   upload: required, semantic version (semver.org), at most 64 characters
 *                     preview: optional (default: package.json's version)
 *   --desc "…"        upload: required, 1–100 characters; preview: optional
 *   --robot N         which of the 30 CI robots uploads (1–30, default 1)
 *   --dir <path>      the weapp build (default dist/weapp)
 *   --qrcode <file>   preview only: where the QR code image goes (default .tmp/weapp-preview.jpg)
 *   --page <path>     preview only: the page the QR code opens (e.g. packages/certify/index)
 *   --query <a=b&c=d> preview only: that page's query
 */
import path from 'node:path'
import { refuse } from '../support/refusal'

export type ReleaseMode = 'preview' | 'upload'

export interface ReleaseArgs {
  mode: ReleaseMode
  version: string | null
  desc: string | null
  robot: number
  dir: string
  qrcode: string
  page: string | null
  query: string | null
}

export const DESC_MAX_CHARS = 100
export const VERSION_MAX_CHARS = 64
export const ROBOT_MIN = 1
export const ROBOT_MAX = 30
export const DEFAULT_QRCODE = '.tmp/weapp-preview.jpg'

/** semver.org's own pattern (2.0.0), without the leading "v". */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/

const COMMON = ['--version', '--desc', '--robot', '--dir']
const PREVIEW_ONLY = ['--qrcode', '--page', '--query']

export function isSemver(v: string): boolean {
  return SEMVER.test(v)
}

/** Characters as people count them (a Chinese character is one). */
function charCount(s: string): number {
  return [...s].length
}

export function parseReleaseArgs(mode: ReleaseMode, argv: string[], cwd = process.cwd()): ReleaseArgs {
  const values = new Map<string, string>()
  const allowed = mode === 'preview' ? [...COMMON, ...PREVIEW_ONLY] : COMMON
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const eq = arg.indexOf('=')
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    if (!allowed.includes(name)) {
      if (PREVIEW_ONLY.includes(name)) refuse('RELEASE_ARG_UNKNOWN', `${name} 只用于预览（npm run weapp:preview），上传不需要它`)
      refuse('RELEASE_ARG_UNKNOWN', `不认识的参数：${arg}（可用：${allowed.join(' ')}）`)
    }
    if (values.has(name)) refuse('RELEASE_ARG_REPEATED', `参数 ${name} 给了两次`)
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i]
    if (value === undefined || (eq < 0 && value.startsWith('--'))) refuse('RELEASE_ARG_VALUE_MISSING', `参数 ${name} 后面缺少值`)
    values.set(name, value)
  }

  const version = values.get('--version')?.trim() ?? null
  if (version === null && mode === 'upload') {
    refuse('RELEASE_VERSION_MISSING', '上传需要版本号：npm run weapp:upload -- --version 1.2.0 --desc "本次更新说明"')
  }
  if (version !== null) {
    if (!isSemver(version)) refuse('RELEASE_VERSION_INVALID', `版本号应为 主.次.修订 的形式，如 1.2.0（收到 "${version}"）`)
    if (version.length > VERSION_MAX_CHARS) refuse('RELEASE_VERSION_INVALID', `版本号不能超过 ${VERSION_MAX_CHARS} 个字符`)
  }

  const rawDesc = values.get('--desc')
  const desc = rawDesc === undefined ? null : rawDesc.trim()
  if (mode === 'upload' && !desc) refuse('RELEASE_DESC_MISSING', '上传需要版本说明：--desc "本次更新说明"（审核人员和同事在版本管理里看到它）')
  if (desc !== null && charCount(desc) > DESC_MAX_CHARS) {
    refuse('RELEASE_DESC_TOO_LONG', `版本说明最多 ${DESC_MAX_CHARS} 个字，现在是 ${charCount(desc)} 个字`)
  }

  const rawRobot = values.get('--robot')
  let robot = ROBOT_MIN
  if (rawRobot !== undefined) {
    robot = /^\d+$/.test(rawRobot.trim()) ? Number(rawRobot.trim()) : NaN
    if (!Number.isInteger(robot) || robot < ROBOT_MIN || robot > ROBOT_MAX) {
      refuse('RELEASE_ROBOT_INVALID', `机器人编号应为 ${ROBOT_MIN} 到 ${ROBOT_MAX} 的整数（收到 "${rawRobot}"）`)
    }
  }

  const qrcode = path.resolve(cwd, values.get('--qrcode') ?? DEFAULT_QRCODE)
  if (!/\.(jpe?g|png)$/i.test(qrcode)) refuse('RELEASE_QRCODE_PATH_INVALID', `二维码文件名应以 .jpg 或 .png 结尾（收到 "${values.get('--qrcode')}"）`)

  const page = values.get('--page')?.trim().replace(/^\/+/, '') || null
  const query = values.get('--query')?.trim().replace(/^\?/, '') || null
  if (query !== null && page === null) refuse('RELEASE_QUERY_WITHOUT_PAGE', '--query 需要和 --page 一起给出')

  return { mode, version, desc, robot, dir: path.resolve(cwd, values.get('--dir') ?? 'dist/weapp'), qrcode, page, query }
}
