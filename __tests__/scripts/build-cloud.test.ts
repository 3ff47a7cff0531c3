/**
 * Runs `npm run build:cloud` (into a temp dir) and checks each deployable folder: a CommonJS
 * index.js that requires nothing but node built-ins and wx-server-sdk, a package.json whose only
 * dependency is wx-server-sdk, the function's config.json — and that the bundle actually runs.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { DEPLOYED_FUNCTIONS, openapiPermissionsOf, type DeployedFunction } from '../../src/core/contracts/endpoints'
import { TIMER_FUNCTIONS } from '../../cloudfunctions/handlers'

/** Every deployable function: the routed `api` clients call, and the timer-triggered ones. */
const ALL_FUNCTIONS = ['api', ...TIMER_FUNCTIONS]

jest.setTimeout(120_000)

const run = promisify(execFile)
const ROOT = resolve(__dirname, '../..')
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')

let out: string
let stdout: string

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'yl-cloud-'))
  const result = await run(process.execPath, [TSX, 'scripts/build-cloud.ts', '--out', join(out, 'functions')], { cwd: ROOT })
  stdout = result.stdout
})
afterAll(() => rmSync(out, { recursive: true, force: true }))

test('builds exactly the functions the endpoint table deploys and prints each size', () => {
  expect([...ALL_FUNCTIONS].sort()).toEqual(Object.keys(DEPLOYED_FUNCTIONS).sort())
  expect(readdirSync(join(out, 'functions')).sort()).toEqual([...ALL_FUNCTIONS].sort())
  for (const name of ALL_FUNCTIONS) expect(stdout).toMatch(new RegExp(`✓ ${name}\\s+index\\.js\\s+[\\d.]+ KB`))
})

describe.each(ALL_FUNCTIONS)('%s', (name) => {
  const dir = () => join(out, 'functions', name)

  test('has index.js, package.json and config.json', () => {
    for (const f of ['index.js', 'package.json', 'config.json']) expect(existsSync(join(dir(), f))).toBe(true)
  })

  test('package.json depends on wx-server-sdk only', () => {
    const pkg = JSON.parse(readFileSync(join(dir(), 'package.json'), 'utf8'))
    expect(pkg.main).toBe('index.js')
    expect(Object.keys(pkg.dependencies)).toEqual(['wx-server-sdk'])
    expect(pkg.dependencies['wx-server-sdk']).toMatch(/^[~^]?\d+\.\d+\.\d+$/)
    expect(pkg.devDependencies).toBeUndefined()
  })

  test('config.json is the source config with permissions.openapi', () => {
    const built = JSON.parse(readFileSync(join(dir(), 'config.json'), 'utf8'))
    expect(built).toEqual(JSON.parse(readFileSync(join(ROOT, 'cloudfunctions', name, 'config.json'), 'utf8')))
    expect(Array.isArray(built.permissions.openapi)).toBe(true)
    expect([...built.permissions.openapi].sort()).toEqual(openapiPermissionsOf(name as DeployedFunction))
  })

  test('index.js is CommonJS and requires only node built-ins and wx-server-sdk', () => {
    const code = readFileSync(join(dir(), 'index.js'), 'utf8')
    expect(code).not.toMatch(/^\s*(import|export)\s/m)
    expect(code).not.toMatch(/\bimport\s*\(/)
    const required = [...code.matchAll(/\brequire\(\s*(["'`])([^"'`]+)\1\s*\)/g)].map((m) => m[2])
    expect(required).toContain('wx-server-sdk')
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))
    expect(required.filter((r) => r !== 'wx-server-sdk' && !builtins.has(r))).toEqual([])
    // Dynamic requires would escape the scan.
    expect(code).not.toMatch(/\brequire\(\s*[^"'`\s)]/)
    // No secrets or local paths baked in.
    expect(code).not.toContain(ROOT)
    expect(code).not.toMatch(/local-keys\.json/)
  })
})

describe('the bundles run with a stand-in wx-server-sdk', () => {
  async function invoke(name: string, event: unknown, env: Record<string, string>, openid?: string): Promise<unknown> {
    const sdk = join(out, 'functions', 'node_modules', 'wx-server-sdk')
    mkdirSync(sdk, { recursive: true })
    writeFileSync(
      join(sdk, 'index.js'),
      `module.exports = { DYNAMIC_CURRENT_ENV: Symbol('env'), init() {}, getWXContext() { return ${JSON.stringify(openid ? { OPENID: openid } : {})} } }\n`,
    )
    const script = `require(${JSON.stringify(join(out, 'functions', name, 'index.js'))}).main(${JSON.stringify(event)}, {}).then((r) => process.stdout.write(JSON.stringify(r)))`
    const { stdout: printed } = await run(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', ...env } })
    return JSON.parse(printed)
  }

  const backendDown = { BACKEND_URL: 'http://127.0.0.1:9', BACKEND_HMAC_SECRET: 'bundle-test-secret-0123456789abcdefgh', BACKEND_TIMEOUT_MS: '500' }

  test('exports.main answers a typed result; backend unreachable → SERVICE_UNAVAILABLE', async () => {
    expect(await invoke('api', { name: 'getStatus', data: {} }, backendDown, 'oAbCdEfGhIjKlMnOpQrStUvWxYz0')).toEqual({
      ok: false,
      error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' },
    })
  })

  test('validation runs inside the bundle', async () => {
    expect(await invoke('api', { name: 'bindIdentity', data: { method: 'manual', name: '王秀英', idNumber: '110101195203140128', cardNumber: 'A00000001', insuranceType: 'enterprise' } }, backendDown, 'oAbCdEfGhIjKlMnOpQrStUvWxYz0')).toEqual({
      ok: false,
      error: { code: 'ID_CHECKSUM', message: '身份证号校验位错误，请核对最后一位', field: 'idNumber' },
    })
  })

  test('no OPENID → UNAUTHENTICATED; localSscAuthorize refused by default', async () => {
    expect(await invoke('api', { name: 'login', data: {} }, backendDown)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await invoke('api', { name: 'localSscAuthorize', data: { name: '王秀英', idNumber: '110101195203140127' } }, backendDown, 'oAbCdEfGhIjKlMnOpQrStUvWxYz0')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_IN_PRODUCTION' },
    })
  })
})

test('fails clearly on a bad request', async () => {
  await expect(run(process.execPath, [TSX, 'scripts/build-cloud.ts', '--out', join(out, 'x'), '--only', 'noSuchFunction'], { cwd: ROOT })).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('没有这些云函数：noSuchFunction'),
  })
})
