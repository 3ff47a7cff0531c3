/**
 * Build-time configuration read from the environment, validated in one place.
 *
 * The appid: project.config.json at the repository root carries the documented placeholder
 * `touristappid` (WeChat DevTools accepts it as a test account; cloud functions need a real appid).
 * `WEAPP_APPID=wx0123456789abcdef npm run build:weapp` puts a real appid into the build's own
 * dist/weapp/project.config.json (through Taro's TARO_APP_ID mechanism, plus the plugin below) and
 * into the APP constant `process.env.YL_WEAPP_APPID`; the repository file is never rewritten.
 */
import fs from 'node:fs'
import path from 'node:path'

export const PLACEHOLDER_APPID = 'touristappid'
const APPID_PATTERN = /^(wx[0-9a-f]{16}|touristappid)$/

export interface BuildEnv {
  appId: string
  /** Whether the liveness engineer's dev page exists (src/packages/dev/calibrate/index.*). */
  hasDevCalibrate: boolean
  cloudEnv: string
  apiBase: string
  sscChannel: 'local' | 'national'
}

export function resolveBuildEnv(env: Record<string, string | undefined>): BuildEnv {
  const appId = (env.WEAPP_APPID ?? env.TARO_APP_ID ?? '').trim() || PLACEHOLDER_APPID
  if (!APPID_PATTERN.test(appId)) {
    throw new Error(`WEAPP_APPID must look like wx followed by 16 hex digits (or be ${PLACEHOLDER_APPID}); got "${appId}"`)
  }
  const sscChannel = env.YL_SSC_CHANNEL === 'national' ? 'national' : 'local'
  return {
    appId,
    hasDevCalibrate: devCalibrateExists(),
    cloudEnv: (env.WEAPP_CLOUD_ENV ?? '').trim(),
    apiBase: (env.YL_API_BASE ?? '').trim().replace(/\/+$/, ''),
    sscChannel,
  }
}

const DEV_CALIBRATE_DIR = path.resolve(__dirname, '..', 'src', 'packages', 'dev', 'calibrate')

export function devCalibrateExists(): boolean {
  return ['index.tsx', 'index.ts', 'index.jsx', 'index.js'].some((f) => fs.existsSync(path.join(DEV_CALIBRATE_DIR, f)))
}

/** Constants replaced in the client code at build time (webpack DefinePlugin). */
export function buildConstants(env: BuildEnv): Record<string, string> {
  return {
    'process.env.YL_WEAPP_APPID': JSON.stringify(env.appId),
    'process.env.YL_CLOUD_ENV': JSON.stringify(env.cloudEnv),
    'process.env.YL_API_BASE': JSON.stringify(env.apiBase),
    'process.env.YL_SSC_CHANNEL': JSON.stringify(env.sscChannel),
    // Read by src/app.config.ts (evaluated at build time) to register packages/dev only when present.
    'process.env.YL_DEV_PAGES': JSON.stringify(env.hasDevCalibrate ? 'true' : 'false'),
  }
}

interface Compiler {
  options: { output: { path?: string } }
  hooks: { afterEmit: { tap(name: string, fn: () => void): void } }
}

/**
 * Taro copies the root project.config.json into dist/weapp with miniprogramRoot './'. Two fields
 * need fixing there so DevTools / miniprogram-ci opened on dist/weapp see the same project: the
 * appid (when overridden) and cloudfunctionRoot, which is relative to the project folder.
 */
export class ProjectConfigPlugin {
  constructor(private readonly opts: { appId: string }) {}
  apply(compiler: Compiler): void {
    compiler.hooks.afterEmit.tap('YlProjectConfigPlugin', () => {
      const out = compiler.options.output.path
      if (!out) return
      const file = path.join(out, 'project.config.json')
      if (!fs.existsSync(file)) return
      try {
        const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
        json.appid = this.opts.appId
        json.miniprogramRoot = './'
        json.cloudfunctionRoot = '../../build/cloudfunctions/'
        fs.writeFileSync(file, JSON.stringify(json, null, 2))
      } catch {
        // The dist copy is a convenience; the root project.config.json stays authoritative.
      }
    })
  }
}
