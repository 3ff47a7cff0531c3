/**
 * Runs the real `npm run weapp:check` (miniprogram-ci offline checks) on the weapp build, building
 * it first when dist/weapp is missing (~20–50 s).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { formatSummary, MAIN_PACKAGE, PACKAGE_LIMIT_BYTES, packagesFromAnalysis, packagesFromQuality, type WeappCheckSummary } from '../../scripts/weapp-check'

const ROOT = path.resolve(__dirname, '../..')
const DIST = path.join(ROOT, 'dist/weapp')
const TSX = path.join(ROOT, 'node_modules/.bin/tsx')

jest.setTimeout(300_000)

function ensureBuilt(): void {
  if (fs.existsSync(path.join(DIST, 'app.json'))) return
  execFileSync('npm', ['run', 'build:weapp'], { cwd: ROOT, stdio: 'pipe', timeout: 240_000 })
}

describe('npm run weapp:check', () => {
  let tmp: string
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weapp-check-test-'))
  })
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true })
  })

  test('passes on the build and reports every package size', () => {
    ensureBuilt()
    const jsonFile = path.join(tmp, 'summary.json')
    const run = spawnSync(TSX, ['scripts/weapp-check.ts', '--json', jsonFile], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 })
    const out = `${run.stdout}\n${run.stderr}`
    expect(out).toContain('weapp check PASSED')
    expect(run.status).toBe(0)
    expect(out).toMatch(/main package\s+\d+ B/)

    const summary = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as WeappCheckSummary
    const names = summary.packages.map((p) => p.name)
    expect(names).toEqual(expect.arrayContaining([MAIN_PACKAGE, 'packages/bind/', 'packages/records/', 'packages/certify/']))
    for (const p of summary.packages) {
      expect(p.bytes).toBeGreaterThan(0)
      expect(p.bytes).toBeLessThanOrEqual(PACKAGE_LIMIT_BYTES)
      expect(out).toContain(String(p.bytes))
    }
    for (const name of ['PACKAGE_SIZE_LIMIT', 'JS_COMPRESS_OPEN', 'WXML_COMPRESS_OPEN', 'WXSS_COMPRESS_OPEN', 'LAZYCODE_LOADING_OPEN', 'ANALYSE_CODE']) {
      expect(summary.checks.find((c) => c.name === name)?.passed).toBe(true)
    }
    expect(summary.analysedFiles).toBeGreaterThan(10)
  })

  test('fails (exit 1) when there is no build to check', () => {
    const run = spawnSync(TSX, ['scripts/weapp-check.ts', '--dir', tmp], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })
    expect(run.status).toBe(1)
    expect(run.stdout).toContain('npm run build:weapp')
    expect(run.stdout).toContain('weapp check FAILED')
  })
})

describe('weapp-check rules', () => {
  test('a package over 2 MB fails', () => {
    const packages = packagesFromQuality([{ name: 'PACKAGE_SIZE_LIMIT', success: true, detail: { __APP__: 300_000, 'packages/big/': PACKAGE_LIMIT_BYTES + 1 } }])
    expect(packages.find((p) => p.name === 'packages/big/')?.overLimit).toBe(true)
    expect(packages.find((p) => p.name === MAIN_PACKAGE)?.overLimit).toBe(false)
    const text = formatSummary({ dir: 'd', appid: 'touristappid', packages, checks: [], analysedFiles: 1, errors: [], passed: false })
    expect(text).toContain('OVER 2 MB')
    expect(text).toContain('weapp check FAILED')
  })

  test('sizes can be summed from analyseCode files per package', () => {
    expect(
      packagesFromAnalysis([
        { path: 'app.js', size: 10, subPackage: null },
        { path: 'taro.js', size: 5, subPackage: null },
        { path: 'packages/bind/index.js', size: 7, subPackage: 'packages/bind/' },
      ]),
    ).toEqual([
      { name: MAIN_PACKAGE, bytes: 15, overLimit: false },
      { name: 'packages/bind/', bytes: 7, overLimit: false },
    ])
  })

  test('a failed check is printed with its text', () => {
    const text = formatSummary({
      dir: 'd',
      appid: 'a',
      packages: [{ name: MAIN_PACKAGE, bytes: 1, overLimit: false }],
      checks: [{ name: 'JS_COMPRESS_OPEN', passed: false, text: 'JS compression is not turned on' }],
      analysedFiles: 1,
      errors: [],
      passed: false,
    })
    expect(text).toContain('✘ FAIL JS_COMPRESS_OPEN — JS compression is not turned on')
  })
})
