/**
 * Who the release is for and with which key, from the environment only — nothing here is committed.
 *
 *   WEAPP_APPID            the mini-program's appid (default: the appid the build was made with, read
 *                          from <dir>/project.config.json); the placeholder `touristappid` is refused
 *   WEAPP_UPLOAD_KEY_PATH  path of the 代码上传密钥 downloaded from 微信公众平台 → 开发管理 → 开发设置
 *                          (keep it outside the repository, or as private.*.key, which git ignores)
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { PLACEHOLDER_APPID, resolveBuildEnv } from '../../config/build-env'
import { readAppid } from '../weapp-check'
import { Refusal, refuse } from '../support/refusal'

export interface ReleaseConfig {
  appid: string
  privateKeyPath: string
}

export const KEY_PATH_VARIABLE = 'WEAPP_UPLOAD_KEY_PATH'

/** The appid, checked against the build: the appid is compiled into the app, so they must agree. */
export function resolveAppid(env: Record<string, string | undefined>, buildDir: string): string {
  const fromEnv = (env.WEAPP_APPID ?? '').trim()
  const built = readAppid(buildDir)
  let appid = built
  if (fromEnv) {
    try {
      appid = resolveBuildEnv({ WEAPP_APPID: fromEnv }).appId
    } catch {
      refuse('RELEASE_APPID_INVALID', `WEAPP_APPID 应为 wx 加 16 位十六进制数字（收到 "${fromEnv}"）`)
    }
  }
  if (appid === PLACEHOLDER_APPID) {
    refuse(
      'RELEASE_APPID_PLACEHOLDER',
      `appid 还是占位的 ${PLACEHOLDER_APPID}，不能上传或预览：请用 WEAPP_APPID=wx… npm run build:weapp 构建，再用同样的 WEAPP_APPID 运行本命令`,
    )
  }
  if (appid !== built) {
    refuse('RELEASE_APPID_MISMATCH', `构建产物 ${buildDir} 是用 appid ${built} 构建的，与 WEAPP_APPID=${appid} 不一致：请用 WEAPP_APPID=${appid} npm run build:weapp 重新构建`)
  }
  return appid
}

/** The upload key: configured, a readable file, and a PEM private key. Its content is never printed. */
export function resolveKeyPath(env: Record<string, string | undefined>, cwd = process.cwd()): string {
  const configured = (env[KEY_PATH_VARIABLE] ?? '').trim()
  if (!configured) {
    refuse(
      'RELEASE_KEY_NOT_CONFIGURED',
      `没有配置代码上传密钥：请在 微信公众平台 → 开发管理 → 开发设置 → 小程序代码上传 下载密钥，并把它的路径设为 ${KEY_PATH_VARIABLE}`,
    )
  }
  const keyPath = path.resolve(cwd, configured)
  let text: string
  try {
    if (!fs.statSync(keyPath).isFile()) refuse('RELEASE_KEY_UNREADABLE', `${KEY_PATH_VARIABLE} 指向的不是文件：${keyPath}`)
    text = fs.readFileSync(keyPath, 'utf8')
  } catch (e) {
    if (e instanceof Refusal) throw e
    const code = (e as NodeJS.ErrnoException).code
    refuse(
      'RELEASE_KEY_UNREADABLE',
      code === 'ENOENT' ? `找不到代码上传密钥文件：${keyPath}（${KEY_PATH_VARIABLE}）` : `读不了代码上传密钥文件：${keyPath}（${code ?? '未知原因'}）`,
    )
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    refuse('RELEASE_KEY_INVALID', `${keyPath} 不是代码上传密钥（应以 -----BEGIN RSA PRIVATE KEY----- 开头）`)
  }
  if (trackableByGit(keyPath)) {
    refuse('RELEASE_KEY_IN_REPOSITORY', `代码上传密钥 ${keyPath} 在 git 仓库里且没有被忽略，可能被提交：请把它移到仓库外，或改名为 private.<appid>.key（已在 .gitignore 里）`)
  }
  return keyPath
}

/** True when the file is inside a git work tree and not ignored there (so `git add` would take it). */
export function trackableByGit(file: string): boolean {
  const r = spawnSync('git', ['check-ignore', '-q', '--no-index', path.basename(file)], { cwd: path.dirname(file), stdio: 'ignore' })
  // 0: ignored; 1: not ignored; 128 (or no git at all): not in a repository.
  return r.status === 1
}

export function resolveReleaseConfig(env: Record<string, string | undefined>, buildDir: string, cwd = process.cwd()): ReleaseConfig {
  return { appid: resolveAppid(env, buildDir), privateKeyPath: resolveKeyPath(env, cwd) }
}
