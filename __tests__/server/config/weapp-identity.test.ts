/**
 * Production refuses a weapp channel whose identity verifier would judge identity from face images of
 * the camera frames (WeChat's rule: a mini-program collecting face biometrics must use 人脸核身),
 * unless IDENTITY_WEAPP_FRAME_UPLOAD is explicitly true. The weapp channel has no switch: the cloud
 * functions always reach the backend, so the check applies to every production configuration.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ConfigError, FRAME_IDENTITY_VERIFIERS, IDENTITY_VERIFIERS, loadConfig } from '../../../server/config/env'
import { createIdentityVerifier, DEFAULT_IDENTITY_CONFIG } from '../../../server/identity'
import type { Db } from '../../../server/repositories/types'
import { testConfig } from '../helpers/config'

const ROOT = resolve(__dirname, '../../..')
const key = Buffer.alloc(32, 7).toString('base64')

/** A production environment that loads (secrets set); each test adds the identity settings. */
const production = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  NODE_ENV: 'production',
  DATA_DIR: mkdtempSync(join(tmpdir(), 'yl-weapp-id-')),
  PII_KEYS: JSON.stringify({ v1: key }),
  PII_KEY_CURRENT: 'v1',
  BACKEND_HMAC_SECRET: 'x'.repeat(40),
  APP_PUBLIC_URL: 'https://yinling.example.gov.cn',
  ...extra,
})

const WECHAT = { WECHAT_APPID: 'wx0123456789abcdef', WECHAT_SECRET: '0123456789abcdef0123456789abcdef' }

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env)
    return []
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
}

describe('production refuses face-frame identity on the weapp channel', () => {
  it('refuses local-face-match without IDENTITY_WEAPP_FRAME_UPLOAD, saying why and what to set, in Chinese and English', () => {
    for (const upload of [undefined, 'false', '0']) {
      const env = production({ IDENTITY_VERIFIER: 'local-face-match', ...(upload ? { IDENTITY_WEAPP_FRAME_UPLOAD: upload } : {}) })
      const problems = problemsOf(env)
      expect(problems).toHaveLength(1)
      const [p] = problems
      // why: WeChat's rule, VisionKit is not for identity
      expect(p).toContain('微信规定收集人脸等生物特征的小程序必须使用微信人脸核身')
      expect(p).toContain('VisionKit 的人脸关键点不能用来核验身份')
      expect(p).toContain("WeChat's rule is that a mini-program collecting face biometrics must use WeChat 人脸核身")
      // what to set instead, and the explicit way out
      expect(p).toContain('IDENTITY_VERIFIER=wechat-facial-verify（同时设置 WECHAT_APPID 和 WECHAT_SECRET）')
      expect(p).toContain('Set IDENTITY_VERIFIER=wechat-facial-verify (with WECHAT_APPID and WECHAT_SECRET) or manual-review instead')
      expect(p).toContain('IDENTITY_WEAPP_FRAME_UPLOAD=true')
      expect(() => loadConfig(env)).toThrow(/^配置有误 \/ invalid configuration:\n {2}- 生产环境不能让小程序使用 IDENTITY_VERIFIER=local-face-match/)
    }
  })

  it('starts local-face-match in production only when frame upload is explicitly allowed', () => {
    for (const upload of ['true', '1']) {
      const c = loadConfig(production({ IDENTITY_VERIFIER: 'local-face-match', IDENTITY_WEAPP_FRAME_UPLOAD: upload }))
      expect(c.identity).toMatchObject({ verifier: 'local-face-match', weappFrameUpload: true })
    }
  })

  it('starts the verifiers that never use camera frames: wechat-facial-verify, manual-review, and the unset default', () => {
    expect(loadConfig(production({ IDENTITY_VERIFIER: 'wechat-facial-verify', ...WECHAT })).identity).toMatchObject({ verifier: 'wechat-facial-verify', weappFrameUpload: false })
    expect(loadConfig(production({ IDENTITY_VERIFIER: 'manual-review' })).identity?.verifier).toBe('manual-review')
    expect(loadConfig(production({})).identity?.verifier).toBe('manual-review')
  })

  it('leaves development as it was: local-face-match by default, frames off on weapp (npm start)', () => {
    const c = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'yl-weapp-id-')) })
    expect(c.identity).toMatchObject({ verifier: 'local-face-match', weappFrameUpload: false })
  })

  it('names exactly the verifiers whose adapter needs evidence frames', () => {
    const deps = {
      db: {} as Db,
      embedder: { model: 'stub', embed: async () => [], similarity: () => 0 },
      tokens: { getAccessToken: async () => 't', invalidate: () => {} },
    }
    for (const verifier of IDENTITY_VERIFIERS) {
      const adapter = createIdentityVerifier(testConfig({ identity: { verifier, ...DEFAULT_IDENTITY_CONFIG } }), deps)
      expect([verifier, FRAME_IDENTITY_VERIFIERS.includes(verifier)]).toEqual([verifier, adapter.needsEvidenceFrames])
    }
  })

  it('the backend process exits with the refusal as its boot error (npm run server)', async () => {
    const env = { ...process.env, ...production({ IDENTITY_VERIFIER: 'local-face-match' }), NODE_OPTIONS: '' }
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'server/server.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    child.stdout.resume()
    const code = await new Promise<number | null>((done) => child.on('close', done))
    expect(code).toBe(2)
    expect(stderr).toContain('配置有误 / invalid configuration')
    expect(stderr).toContain('生产环境不能让小程序使用 IDENTITY_VERIFIER=local-face-match')
    expect(stderr).toContain("WeChat's rule")
  }, 120_000)
})
