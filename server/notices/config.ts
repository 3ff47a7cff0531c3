/**
 * Printed-notice and mini-program-code settings (APP_PUBLIC_URL, MINIPROGRAM_CODE_ADAPTER, WXACODE_*,
 * NOTICE_*), read by loadConfig (server/config/env.ts). Names, defaults and meaning: the one table in
 * server/config/variables.ts (docs/configuration.md).
 */
import { bilingual, readInt, type Env } from '../config/read-env'

export const DEFAULT_APP_PUBLIC_URL = 'http://127.0.0.1:10086'
export const DEFAULT_NOTICE_FONT_PATH = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'
/** PostScript name of the Simplified Chinese face inside the collection. */
export const NOTICE_FONT_NAME = 'NotoSansCJKsc-Regular'

export interface NoticesConfig {
  publicUrl: string
  codeAdapter: 'local' | 'wechat'
  envVersion: 'release' | 'trial' | 'develop'
  checkPath: boolean
  width: number
  hotline: string
  fontPath: string
}

export function defaultNoticesConfig(): NoticesConfig {
  return { publicUrl: DEFAULT_APP_PUBLIC_URL, codeAdapter: 'local', envVersion: 'release', checkPath: true, width: 430, hotline: '12333', fontPath: DEFAULT_NOTICE_FONT_PATH }
}

export function readNoticesConfig(env: Env, production: boolean, problems: string[]): NoticesConfig {
  const c = defaultNoticesConfig()
  const url = env.APP_PUBLIC_URL?.trim()
  if (url) {
    let ok = false
    try {
      const u = new URL(url)
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && !u.search && !u.hash
    } catch {
      ok = false
    }
    if (!ok) problems.push(bilingual('APP_PUBLIC_URL 必须是 http(s)://主机[:端口][/路径]', 'APP_PUBLIC_URL must be http(s)://host[:port][/path]'))
    else if (production && !url.startsWith('https://')) problems.push(bilingual('生产环境的 APP_PUBLIC_URL 必须使用 https', 'APP_PUBLIC_URL must use https in production'))
    c.publicUrl = url.replace(/\/+$/, '')
  }
  const adapter = env.MINIPROGRAM_CODE_ADAPTER?.trim()
  if (adapter) {
    if (adapter !== 'local' && adapter !== 'wechat') problems.push(bilingual('MINIPROGRAM_CODE_ADAPTER 只能是 local 或 wechat', 'MINIPROGRAM_CODE_ADAPTER must be local or wechat'))
    else c.codeAdapter = adapter
  }
  if (c.codeAdapter === 'wechat' && (!env.WECHAT_APPID || !env.WECHAT_SECRET)) {
    problems.push(bilingual('MINIPROGRAM_CODE_ADAPTER=wechat 需要设置 WECHAT_APPID 和 WECHAT_SECRET', 'MINIPROGRAM_CODE_ADAPTER=wechat needs WECHAT_APPID and WECHAT_SECRET'))
  }
  const envVersion = env.WXACODE_ENV_VERSION?.trim()
  if (envVersion) {
    if (envVersion !== 'release' && envVersion !== 'trial' && envVersion !== 'develop') {
      problems.push(bilingual('WXACODE_ENV_VERSION 只能是 release、trial 或 develop', 'WXACODE_ENV_VERSION must be release, trial or develop'))
    } else c.envVersion = envVersion
  }
  const checkPath = env.WXACODE_CHECK_PATH?.trim()
  if (checkPath) {
    if (!['true', 'false', '1', '0'].includes(checkPath)) problems.push(bilingual('WXACODE_CHECK_PATH 只能是 true 或 false', 'WXACODE_CHECK_PATH must be true or false'))
    else c.checkPath = checkPath === 'true' || checkPath === '1'
  }
  c.width = readInt(env, 'WXACODE_WIDTH', 280, 1280, c.width, problems)
  const hotline = env.NOTICE_HOTLINE?.trim()
  if (hotline) {
    if (!/^[0-9+\-() ]{3,30}$/.test(hotline)) problems.push(bilingual('NOTICE_HOTLINE 只能含数字、空格和 +-()', 'NOTICE_HOTLINE: digits, spaces and +-() only'))
    else c.hotline = hotline
  }
  const font = env.NOTICE_FONT_PATH?.trim()
  if (font) c.fontPath = font
  return c
}
