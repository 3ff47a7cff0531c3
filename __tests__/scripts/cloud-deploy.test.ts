/**
 * `npm run cloud:deploy` with the command runner injected: the exact argv it runs (tcb check, the
 * build, one `tcb fn deploy` per function), its refusals and exit codes. The CloudBase CLI is not
 * installed here and nothing reaches the network.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { deployArgs, runCloudDeploy, spawnRunner, type RunResult } from '../../scripts/cloud-deploy'
import { EXIT } from '../../scripts/support/refusal'
import { DEPLOYED_FUNCTIONS } from '../../src/core/contracts/endpoints'

const ROOT = path.resolve(__dirname, '../..')
const FUNCTIONS = Object.keys(DEPLOYED_FUNCTIONS).sort()

type Call = [string, string[], string]

let root: string
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cloud-deploy-'))
})
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

/** Answers like the real commands: tcb present, the build writes build/cloudfunctions/<name>/index.js. */
function fakeRunner(answers: { tcbVersion?: RunResult; build?: RunResult; buildWrites?: string[]; deploy?: (name: string) => RunResult } = {}) {
  const calls: Call[] = []
  const run = async (command: string, args: string[], options: { cwd: string }): Promise<RunResult> => {
    calls.push([command, args, options.cwd])
    if (command === 'tcb' && args[0] === '--version') return answers.tcbVersion ?? { code: 0 }
    if (command === 'npm') {
      for (const name of answers.buildWrites ?? FUNCTIONS) {
        fs.mkdirSync(path.join(options.cwd, 'build/cloudfunctions', name), { recursive: true })
        fs.writeFileSync(path.join(options.cwd, 'build/cloudfunctions', name, 'index.js'), '')
      }
      return answers.build ?? { code: 0 }
    }
    return answers.deploy ? answers.deploy(args[2]) : { code: 0 }
  }
  return { run, calls }
}

async function deploy(argv: string[], env: Record<string, string | undefined>, runner = fakeRunner()) {
  const lines: string[] = []
  const code = await runCloudDeploy(argv, { run: runner.run, env, root, log: (l) => lines.push(l) })
  return { code, out: lines.join('\n'), calls: runner.calls }
}

test('checks tcb, builds, then deploys every function with the documented command', async () => {
  const { code, out, calls } = await deploy([], { WEAPP_CLOUD_ENV: 'prod-1a2b3c' })
  expect(code).toBe(EXIT.ok)
  expect(FUNCTIONS).toContain('api')
  expect(calls).toEqual([
    ['tcb', ['--version'], root],
    ['npm', ['run', 'build:cloud'], root],
    ...FUNCTIONS.map((name): Call => ['tcb', ['fn', 'deploy', name, '--dir', `build/cloudfunctions/${name}`, '-e', 'prod-1a2b3c', '--force'], root]),
  ])
  expect(deployArgs('api', 'prod-1a2b3c')).toEqual(['fn', 'deploy', 'api', '--dir', 'build/cloudfunctions/api', '-e', 'prod-1a2b3c', '--force'])
  expect(out).toContain('$ npm run build:cloud')
  expect(out).toContain('$ tcb fn deploy api --dir build/cloudfunctions/api -e prod-1a2b3c --force')
  expect(out).toContain(`✓ 已部署到 prod-1a2b3c：${FUNCTIONS.join(', ')}`)
})

test('--env wins over WEAPP_CLOUD_ENV; --only builds and deploys just those', async () => {
  const { code, calls } = await deploy(['--env', 'test-9z', '--only', 'api'], { WEAPP_CLOUD_ENV: 'prod-1a2b3c' })
  expect(code).toBe(EXIT.ok)
  expect(calls.map(([c, a]) => [c, a])).toEqual([
    ['tcb', ['--version']],
    ['npm', ['run', 'build:cloud', '--', '--only', 'api']],
    ['tcb', ['fn', 'deploy', 'api', '--dir', 'build/cloudfunctions/api', '-e', 'test-9z', '--force']],
  ])
})

test('without an env id it refuses before running anything', async () => {
  const { code, out, calls } = await deploy([], {})
  expect(code).toBe(EXIT.refused)
  expect(out).toMatch(/^✗ \[DEPLOY_ENV_MISSING\] 没有配置云开发环境 ID/)
  expect(calls).toEqual([])
})

test('a bad env id, an unknown argument or function is refused before running anything', async () => {
  for (const [argv, code] of [
    [['--env', 'prod env'], 'DEPLOY_ENV_INVALID'],
    [['--yes'], 'DEPLOY_ARG_UNKNOWN'],
    [['--only', 'api,nothere'], 'DEPLOY_FUNCTION_UNKNOWN'],
    [['--env'], 'DEPLOY_ARG_VALUE_MISSING'],
  ] as [string[], string][]) {
    const r = await deploy(argv, { WEAPP_CLOUD_ENV: 'prod-1' })
    expect([r.code, r.out.split(']')[0]]).toEqual([EXIT.refused, `✗ [${code}`])
    expect(r.calls).toEqual([])
  }
})

test('without the tcb CLI it refuses plainly and builds nothing', async () => {
  const runner = fakeRunner({ tcbVersion: { code: null, missing: true, error: 'spawn tcb ENOENT' } })
  const { code, out, calls } = await deploy([], { WEAPP_CLOUD_ENV: 'prod-1' }, runner)
  expect(code).toBe(EXIT.refused)
  expect(out).toContain('[DEPLOY_CLI_MISSING] 没有找到 tcb 命令（CloudBase CLI）：请先 npm i -g @cloudbase/cli')
  expect(calls).toEqual([['tcb', ['--version'], root]])
})

test('a failed build deploys nothing (exit 3)', async () => {
  const failed = await deploy([], { WEAPP_CLOUD_ENV: 'prod-1' }, fakeRunner({ build: { code: 1 }, buildWrites: [] }))
  expect(failed.code).toBe(EXIT.checksFailed)
  expect(failed.out).toContain('[DEPLOY_BUILD_FAILED] 云函数打包没有成功（退出码 1）')
  expect(failed.calls.map(([c]) => c)).toEqual(['tcb', 'npm'])

  const partial = await deploy([], { WEAPP_CLOUD_ENV: 'prod-1' }, fakeRunner({ buildWrites: ['api'] }))
  expect(partial.code).toBe(EXIT.checksFailed)
  expect(partial.out).toMatch(/\[DEPLOY_BUILD_FAILED\] 打包后缺少 build\/cloudfunctions\/\w+\/index\.js/)
  expect(partial.calls).toHaveLength(2)
})

test('a failed deploy stops there and says what was deployed (exit 4)', async () => {
  const runner = fakeRunner({ deploy: (name) => (name === FUNCTIONS[1] ? { code: 1 } : { code: 0 }) })
  const { code, out, calls } = await deploy([], { WEAPP_CLOUD_ENV: 'prod-1' }, runner)
  expect(code).toBe(EXIT.remoteFailed)
  expect(out).toContain(`[DEPLOY_FUNCTION_FAILED] 云函数 ${FUNCTIONS[1]} 部署没有成功（退出码 1；若未登录请先 tcb login）。已部署：${FUNCTIONS[0]}`)
  expect(calls).toHaveLength(2 + 2)
})

test('the default runner reports a missing command and passes exit codes through', async () => {
  expect(await spawnRunner('yl-no-such-command-here', [], { cwd: root })).toMatchObject({ code: null, missing: true })
  expect(await spawnRunner(process.execPath, ['-e', 'process.exit(3)'], { cwd: root })).toEqual({ code: 3 })
})

test('npm run cloud:deploy without WEAPP_CLOUD_ENV exits 2 (the real command)', () => {
  const env = { ...process.env }
  delete env.WEAPP_CLOUD_ENV
  const r = spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['scripts/cloud-deploy.ts'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 })
  expect(r.status).toBe(2)
  expect(r.stderr).toContain('[DEPLOY_ENV_MISSING]')
})
