/**
 * Child process for weapp-release.test.ts: a real node process (jest takes over unhandled rejections
 * itself) whose injected miniprogram-ci upload leaves a rejection unhandled, as the real one has done
 * on a network failure. Prints the release output; exits with the release's exit code.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { runRelease, type PackageInfo, type ReleaseCi } from '../../scripts/weapp-release/release'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weapp-release-child-'))
const dist = path.join(dir, 'dist/weapp')
fs.mkdirSync(dist, { recursive: true })
fs.writeFileSync(path.join(dist, 'app.json'), JSON.stringify({ pages: ['pages/index/index'] }))
fs.writeFileSync(path.join(dist, 'project.config.json'), JSON.stringify({ appid: 'wx0123456789abcdef' }))
fs.writeFileSync(path.join(dir, 'upload.key'), '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n')

const ci: ReleaseCi = {
  Project: class {},
  checkCodeQuality: async () => [{ name: 'PACKAGE_SIZE_LIMIT', success: true, detail: { __APP__: 1000 } }],
  analyseCode: async () => ({ files: [{ path: 'app.js', size: 1000, subPackage: null }] }),
  upload: () => {
    void Promise.reject(new Error('getaddrinfo ENOTFOUND servicewechat.com'))
    return new Promise<PackageInfo>(() => undefined)
  },
  preview: async () => ({}),
}

void runRelease('upload', ['--version', '1.2.0', '--desc', '说明'], { ci, cwd: dir, env: { WEAPP_UPLOAD_KEY_PATH: 'upload.key' } }).then((code) => {
  fs.rmSync(dir, { recursive: true, force: true })
  process.exit(code)
})
