/**
 * `npm run weapp:preview` / `weapp:upload` with miniprogram-ci injected: the arguments, the refusals
 * (no key, the placeholder appid, a bad version …), the size checks first, and the exact options
 * given to Project / upload / preview. Nothing here reaches WeChat (or any network).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PACKAGE_LIMIT_BYTES, type AnalyseFile, type QualityItem } from '../../scripts/weapp-check'
import { runRelease, type PackageInfo, type PreviewOptions, type ReleaseCi, type UploadOptions } from '../../scripts/weapp-release/release'
import { EXIT } from '../../scripts/support/refusal'

const ROOT = path.resolve(__dirname, '../..')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')
const APPID = 'wx0123456789abcdef'
const KEY_TEXT = '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX\n-----END RSA PRIVATE KEY-----\n'

interface FakeCi {
  ci: ReleaseCi
  /** Every call in order: 'Project', 'checkCodeQuality', 'analyseCode', 'upload', 'preview'. */
  order: string[]
  projects: { options: Record<string, unknown>; instance: object }[]
  uploads: UploadOptions[]
  previews: PreviewOptions[]
}

function fakeCi(opts: { sizes?: Record<string, number>; upload?: () => Promise<PackageInfo>; preview?: () => Promise<PackageInfo> } = {}): FakeCi {
  const f: FakeCi = { ci: undefined as unknown as ReleaseCi, order: [], projects: [], uploads: [], previews: [] }
  class Project {
    constructor(options: Record<string, unknown>) {
      f.order.push('Project')
      f.projects.push({ options, instance: this })
    }
  }
  const sizes = opts.sizes ?? { __APP__: 300_000, 'packages/certify/': 500_000 }
  f.ci = {
    Project,
    async checkCodeQuality(): Promise<QualityItem[]> {
      f.order.push('checkCodeQuality')
      return [
        { name: 'PACKAGE_SIZE_LIMIT', success: Object.values(sizes).every((s) => s <= PACKAGE_LIMIT_BYTES), detail: sizes },
        { name: 'JS_COMPRESS_OPEN', success: true },
      ]
    },
    async analyseCode(): Promise<{ files: AnalyseFile[] }> {
      f.order.push('analyseCode')
      return { files: [{ path: 'app.js', size: 10, subPackage: null }] }
    },
    async upload(options) {
      f.order.push('upload')
      f.uploads.push(options)
      return opts.upload ? opts.upload() : { subPackageInfo: [{ name: '__FULL__', size: 800_000 }] }
    },
    async preview(options) {
      f.order.push('preview')
      f.previews.push(options)
      return opts.preview ? opts.preview() : {}
    },
  }
  return f
}

let cwd: string
let keyPath: string
let dist: string

function writeBuild(appid: string): void {
  fs.mkdirSync(dist, { recursive: true })
  fs.writeFileSync(
    path.join(dist, 'app.json'),
    JSON.stringify({ pages: ['pages/index/index'], subPackages: [{ root: 'packages/certify/', pages: ['index', 'camera/index'] }] }),
  )
  fs.writeFileSync(path.join(dist, 'project.config.json'), JSON.stringify({ appid, miniprogramRoot: './', setting: { minified: true } }))
}

beforeEach(() => {
  cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'weapp-release-'))
  dist = path.join(cwd, 'dist/weapp')
  keyPath = path.join(cwd, 'keys', `private.${APPID}.key`)
  fs.mkdirSync(path.dirname(keyPath))
  fs.writeFileSync(keyPath, KEY_TEXT)
  fs.writeFileSync(path.join(cwd, 'package.json'), JSON.stringify({ version: '3.4.5' }))
  writeBuild(APPID)
})

afterEach(() => {
  fs.rmSync(cwd, { recursive: true, force: true })
})

async function run(mode: 'preview' | 'upload', argv: string[], env: Record<string, string | undefined> = { WEAPP_UPLOAD_KEY_PATH: keyPath }, f = fakeCi()) {
  const lines: string[] = []
  const code = await runRelease(mode, argv, { ci: f.ci, env, cwd, log: (l) => lines.push(l) })
  return { code, out: lines.join('\n'), f }
}

describe('weapp:upload', () => {
  test('runs the size checks, then uploads with exactly these options', async () => {
    const { code, out, f } = await run('upload', ['--version', '1.2.0', '--desc', '修复认证记录的日期显示', '--robot', '7'], {
      WEAPP_APPID: APPID,
      WEAPP_UPLOAD_KEY_PATH: 'keys/private.wx0123456789abcdef.key',
    })
    expect(code).toBe(EXIT.ok)
    expect(f.order).toEqual(['Project', 'checkCodeQuality', 'analyseCode', 'Project', 'upload'])
    // The checks use weapp:check's throw-away key; only the release Project gets the real one.
    expect(f.projects[0].options.privateKeyPath).not.toBe(keyPath)
    expect(f.projects[1].options).toStrictEqual({ appid: APPID, type: 'miniProgram', projectPath: dist, privateKeyPath: keyPath, ignores: ['node_modules/**/*'] })
    expect(f.uploads).toHaveLength(1)
    const { onProgressUpdate, ...rest } = f.uploads[0]
    expect(rest).toStrictEqual({ project: f.projects[1].instance, version: '1.2.0', desc: '修复认证记录的日期显示', robot: 7, setting: { useProjectConfig: true } })
    expect(typeof onProgressUpdate).toBe('function')
    expect(out).toContain('main package')
    expect(out).toContain('weapp check PASSED')
    expect(out).toContain('已上传版本 1.2.0')
    expect(out).toMatch(/__FULL__\s+800000 B/)
  })

  test('robot defaults to 1 and --key=value works; the appid comes from the build when WEAPP_APPID is unset', async () => {
    const { code, f } = await run('upload', ['--version=2.0.0-rc.1', '--desc=首页改版'])
    expect(code).toBe(EXIT.ok)
    expect(f.projects[1].options.appid).toBe(APPID)
    expect(f.uploads[0]).toMatchObject({ version: '2.0.0-rc.1', desc: '首页改版', robot: 1 })
  })

  test('a package over 2 MB stops the release before anything is sent', async () => {
    const f = fakeCi({ sizes: { __APP__: 300_000, 'packages/certify/': PACKAGE_LIMIT_BYTES + 1 } })
    const { code, out } = await run('upload', ['--version', '1.2.0', '--desc', '说明'], undefined, f)
    expect(code).toBe(EXIT.checksFailed)
    expect(out).toContain('OVER 2 MB')
    expect(out).toContain('[RELEASE_CHECK_FAILED]')
    expect(f.order).toEqual(['Project', 'checkCodeQuality', 'analyseCode'])
    expect(f.uploads).toEqual([])
  })

  test('a failed upload is a plain message and exit code 4', async () => {
    const f = fakeCi({ upload: () => Promise.reject({ code: 20003, errMsg: 'invalid ip: 1.2.3.4, reference: https://developers.weixin.qq.com/…' }) })
    const { code, out } = await run('upload', ['--version', '1.2.0', '--desc', '说明'], undefined, f)
    expect(code).toBe(EXIT.remoteFailed)
    expect(out).toContain('[RELEASE_UPLOAD_FAILED] 上传没有成功：20003 invalid ip')
  })

  test('a rejection miniprogram-ci leaves unhandled while uploading fails the upload instead of killing node (a real node process)', () => {
    const r = spawnSync(TSX, [path.join(__dirname, 'weapp-release-unhandled.child.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
    expect(r.stderr).toContain('[RELEASE_UPLOAD_FAILED] 上传没有成功：getaddrinfo ENOTFOUND servicewechat.com')
    expect(r.status).toBe(EXIT.remoteFailed)
  })
})

describe('weapp:preview', () => {
  test('writes the QR code to the given file with exactly these options', async () => {
    const { code, out, f } = await run('preview', ['--qrcode', 'out/qr/preview.png', '--page', '/packages/certify/index', '--query', 'scene=abc&from=notice', '--robot', '30'])
    expect(code).toBe(EXIT.ok)
    expect(f.order).toEqual(['Project', 'checkCodeQuality', 'analyseCode', 'Project', 'preview'])
    const qrcode = path.join(cwd, 'out/qr/preview.png')
    expect(fs.statSync(path.dirname(qrcode)).isDirectory()).toBe(true)
    const { onProgressUpdate, ...rest } = f.previews[0]
    expect(rest).toStrictEqual({
      project: f.projects[1].instance,
      version: '3.4.5',
      robot: 30,
      setting: { useProjectConfig: true },
      qrcodeFormat: 'image',
      qrcodeOutputDest: qrcode,
      pagePath: 'packages/certify/index',
      searchQuery: 'scene=abc&from=notice',
    })
    expect(typeof onProgressUpdate).toBe('function')
    expect(out).toContain(`预览二维码已写到 ${qrcode}`)
  })

  test('defaults: robot 1, .tmp/weapp-preview.jpg, no page', async () => {
    const { code, f } = await run('preview', [])
    expect(code).toBe(EXIT.ok)
    const { onProgressUpdate: _, ...rest } = f.previews[0]
    expect(rest).toStrictEqual({
      project: f.projects[1].instance,
      version: '3.4.5',
      robot: 1,
      setting: { useProjectConfig: true },
      qrcodeFormat: 'image',
      qrcodeOutputDest: path.join(cwd, '.tmp/weapp-preview.jpg'),
    })
  })
})

describe('refusals: nothing is checked or sent, exit code 2', () => {
  const ok = ['--version', '1.2.0', '--desc', '说明']
  const cases: [string, 'preview' | 'upload', string[], Record<string, string | undefined> | 'default', string][] = [
    ['no upload key configured', 'upload', ok, {}, 'RELEASE_KEY_NOT_CONFIGURED'],
    ['key file missing', 'upload', ok, { WEAPP_UPLOAD_KEY_PATH: 'keys/none.key' }, 'RELEASE_KEY_UNREADABLE'],
    ['key path is a folder', 'upload', ok, { WEAPP_UPLOAD_KEY_PATH: 'keys' }, 'RELEASE_KEY_UNREADABLE'],
    ['key file is not a private key', 'upload', ok, { WEAPP_UPLOAD_KEY_PATH: 'package.json' }, 'RELEASE_KEY_INVALID'],
    ['preview without a key', 'preview', [], {}, 'RELEASE_KEY_NOT_CONFIGURED'],
    ['placeholder appid asked for', 'upload', ok, { WEAPP_APPID: 'touristappid' }, 'RELEASE_APPID_PLACEHOLDER'],
    ['appid not an appid', 'upload', ok, { WEAPP_APPID: 'wx123' }, 'RELEASE_APPID_INVALID'],
    ['appid other than the build', 'upload', ok, { WEAPP_APPID: 'wxfedcba9876543210' }, 'RELEASE_APPID_MISMATCH'],
    ['no version', 'upload', ['--desc', '说明'], 'default', 'RELEASE_VERSION_MISSING'],
    ['version 1.2', 'upload', ['--version', '1.2', '--desc', '说明'], 'default', 'RELEASE_VERSION_INVALID'],
    ['version v1.2.0', 'upload', ['--version', 'v1.2.0', '--desc', '说明'], 'default', 'RELEASE_VERSION_INVALID'],
    ['version 01.2.0', 'preview', ['--version', '01.2.0'], 'default', 'RELEASE_VERSION_INVALID'],
    ['no desc', 'upload', ['--version', '1.2.0'], 'default', 'RELEASE_DESC_MISSING'],
    ['blank desc', 'upload', ['--version', '1.2.0', '--desc', '  '], 'default', 'RELEASE_DESC_MISSING'],
    ['desc of 101 characters', 'upload', ['--version', '1.2.0', '--desc', '改'.repeat(101)], 'default', 'RELEASE_DESC_TOO_LONG'],
    ['robot 0', 'upload', [...ok, '--robot', '0'], 'default', 'RELEASE_ROBOT_INVALID'],
    ['robot 31', 'upload', [...ok, '--robot', '31'], 'default', 'RELEASE_ROBOT_INVALID'],
    ['robot 1.5', 'preview', ['--robot', '1.5'], 'default', 'RELEASE_ROBOT_INVALID'],
    ['unknown argument', 'upload', [...ok, '--force'], 'default', 'RELEASE_ARG_UNKNOWN'],
    ['preview-only argument on upload', 'upload', [...ok, '--qrcode', 'a.jpg'], 'default', 'RELEASE_ARG_UNKNOWN'],
    ['argument without its value', 'upload', ['--desc', '说明', '--version'], 'default', 'RELEASE_ARG_VALUE_MISSING'],
    ['QR code not an image file', 'preview', ['--qrcode', 'qr.txt'], 'default', 'RELEASE_QRCODE_PATH_INVALID'],
    ['page not in the build', 'preview', ['--page', 'packages/nowhere/index'], 'default', 'RELEASE_PAGE_UNKNOWN'],
    ['query without page', 'preview', ['--query', 'a=1'], 'default', 'RELEASE_QUERY_WITHOUT_PAGE'],
    ['no build', 'upload', [...ok, '--dir', 'dist/none'], 'default', 'RELEASE_BUILD_MISSING'],
  ]
  test.each(cases)('%s', async (_name, mode, argv, env, code) => {
    const f = fakeCi()
    const r = await run(mode, argv, env === 'default' ? { WEAPP_UPLOAD_KEY_PATH: keyPath } : env, f)
    expect(r.code).toBe(EXIT.refused)
    expect(r.out).toMatch(new RegExp(`^✗ \\[${code}\\] \\S`))
    expect(r.out).toMatch(/[\u4e00-\u9fff]/)
    expect(f.order).toEqual([])
  })

  test('the key content is never printed', async () => {
    fs.writeFileSync(keyPath, 'SECRET-NOT-A-KEY')
    const r = await run('upload', ok)
    expect(r.out).toContain('[RELEASE_KEY_INVALID]')
    expect(r.out).not.toContain('SECRET')
  })

  test('a build made with the placeholder appid is refused without WEAPP_APPID', async () => {
    writeBuild('touristappid')
    const r = await run('upload', ok)
    expect(r.code).toBe(EXIT.refused)
    expect(r.out).toContain('[RELEASE_APPID_PLACEHOLDER]')
    expect(r.out).toContain('WEAPP_APPID=wx… npm run build:weapp')
  })

  test('a key inside a git work tree that git would add is refused; private.*.key (git-ignored) is accepted', async () => {
    expect(spawnSync('git', ['init', '-q', cwd]).status).toBe(0)
    fs.writeFileSync(path.join(cwd, '.gitignore'), fs.readFileSync(path.join(ROOT, '.gitignore')))
    fs.copyFileSync(keyPath, path.join(cwd, 'upload.key'))
    const tracked = await run('upload', ok, { WEAPP_UPLOAD_KEY_PATH: 'upload.key' })
    expect(tracked.code).toBe(EXIT.refused)
    expect(tracked.out).toMatch(/^✗ \[RELEASE_KEY_IN_REPOSITORY\] 代码上传密钥 .*upload\.key 在 git 仓库里且没有被忽略/)
    expect(tracked.f.order).toEqual([])
    // keys/private.wx0123456789abcdef.key is ignored by the repository's own .gitignore rule.
    expect((await run('upload', ok)).code).toBe(EXIT.ok)
  })

  test('100 characters of desc and robot 30 are accepted', async () => {
    const r = await run('upload', ['--version', '1.0.0', '--desc', '改'.repeat(100), '--robot', '30'])
    expect(r.code).toBe(EXIT.ok)
    expect(r.f.uploads[0]).toMatchObject({ desc: '改'.repeat(100), robot: 30 })
  })
})

test('npm run weapp:upload exits 2 with the message on a bad version (the real command, before miniprogram-ci loads)', () => {
  const r = spawnSync(TSX, ['scripts/weapp-release/cli.ts', 'upload', '--version', '1.2', '--desc', 'x'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
  expect(r.status).toBe(2)
  expect(r.stderr).toContain('[RELEASE_VERSION_INVALID]')
})
