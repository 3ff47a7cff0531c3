/**
 * npm run weapp:check — miniprogram-ci's OFFLINE checks on the weapp build (dist/weapp):
 *   - checkCodeQuality: per-package size and the other code-quality checks (minify, lazy loading, …)
 *   - analyseCode: per-file sizes and which package each file belongs to
 * Prints each package's size and every check; exits 1 when any package is over 2 MB, any check
 * fails, or a check cannot run. Never calls upload/preview (those need WeChat's servers).
 *
 * A private key is required by miniprogram-ci's Project even for offline work: a throw-away dummy
 * key is written to a temp folder and removed afterwards.
 *
 * Options: --dir <path> (default dist/weapp), --json <file> (also write the summary as JSON).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const PACKAGE_LIMIT_BYTES = 2 * 1024 * 1024
export const MAIN_PACKAGE = '__APP__'

export interface CheckLine {
  name: string
  passed: boolean
  text: string
}

export interface PackageSize {
  name: string
  bytes: number
  overLimit: boolean
}

export interface WeappCheckSummary {
  dir: string
  appid: string
  packages: PackageSize[]
  checks: CheckLine[]
  analysedFiles: number
  errors: string[]
  passed: boolean
}

export interface QualityItem {
  name: string
  success: boolean
  text?: string
  detail?: unknown
}

export interface AnalyseFile {
  path: string
  size: number
  subPackage: string | null
}

/** The part of miniprogram-ci these checks use; tests inject a stand-in. */
export interface CheckCi {
  Project: new (opts: Record<string, unknown>) => unknown
  checkCodeQuality(p: unknown): Promise<QualityItem[]>
  analyseCode(p: unknown, o?: { silent: boolean }): Promise<{ files: AnalyseFile[] } | undefined>
}

/** The real miniprogram-ci module (about 2 s to load). */
export function loadMiniprogramCi<T = CheckCi>(): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('miniprogram-ci') as T
}

const DUMMY_KEY = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu',
  'KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm',
  'o3qGy0t6z09AIJtH+5OeRV1be+N4cDYJKffGzDa88vQENZiRm0GRq6a+HPGQMd2k',
  'TQIhAKMSvzIBnni7ot/OSie2TmJLY4SwTQAevXysE2RbFDYdAiEBCUEaRQnMnbp7',
  '9mxDXDf6AU0cN/RPBjb9qSHDcWZHGzUCIG2Es59z8ugGrDY+pxLQnwfotadxd+Uy',
  'v/Ow5T0q5gIJAiEAyS4RaI9YG8EWx/2w0T67ZUVAw8eOMB6BIUg0Xcu+3okCIBOs',
  '/5OiPgoTdSy7bcF9IGpSE8ZgGKzgYQVZeN97YE00',
  '-----END RSA PRIVATE KEY-----',
  '',
].join('\n')

export function packagesFromQuality(items: QualityItem[]): PackageSize[] {
  const size = items.find((i) => i.name === 'PACKAGE_SIZE_LIMIT')
  const detail = (size?.detail ?? {}) as Record<string, unknown>
  return Object.entries(detail)
    .filter(([, v]) => typeof v === 'number')
    .map(([name, v]) => ({ name, bytes: v as number, overLimit: (v as number) > PACKAGE_LIMIT_BYTES }))
}

/** Fallback when the quality check gives no size detail: sum analyseCode's files per package. */
export function packagesFromAnalysis(files: AnalyseFile[]): PackageSize[] {
  const sums = new Map<string, number>()
  for (const f of files) {
    const key = f.subPackage ?? MAIN_PACKAGE
    sums.set(key, (sums.get(key) ?? 0) + (f.size || 0))
  }
  return [...sums.entries()].map(([name, bytes]) => ({ name, bytes, overLimit: bytes > PACKAGE_LIMIT_BYTES }))
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms)
    p.then(
      (v) => {
        clearTimeout(t)
        resolve(v)
      },
      (e: unknown) => {
        clearTimeout(t)
        reject(e)
      },
    )
  })
}

/** The appid the build in `dir` was made for (its project.config.json), or the placeholder. */
export function readAppid(dir: string): string {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'project.config.json'), 'utf8')) as { appid?: string }
    return json.appid || 'touristappid'
  } catch {
    return 'touristappid'
  }
}

export async function runWeappCheck(dirArg = 'dist/weapp', options: { ci?: CheckCi } = {}): Promise<WeappCheckSummary> {
  const dir = path.resolve(dirArg)
  const summary: WeappCheckSummary = { dir, appid: '', packages: [], checks: [], analysedFiles: 0, errors: [], passed: false }
  if (!fs.existsSync(path.join(dir, 'app.json'))) {
    summary.errors.push(`${dir}/app.json not found: run "npm run build:weapp" first`)
    return summary
  }
  summary.appid = readAppid(dir)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'weapp-check-'))
  const keyPath = path.join(tmp, 'private.dummy.key')
  fs.writeFileSync(keyPath, DUMMY_KEY, { mode: 0o600 })
  // miniprogram-ci has been seen to surface failures as unhandled rejections: record, never crash.
  const onUnhandled = (e: unknown) => summary.errors.push(`unhandled: ${e instanceof Error ? e.message : String(e)}`)
  process.on('unhandledRejection', onUnhandled)
  try {
    const ci: CheckCi = options.ci ?? loadMiniprogramCi<CheckCi>()
    const project = new ci.Project({ appid: summary.appid, type: 'miniProgram', projectPath: dir, privateKeyPath: keyPath, ignores: ['node_modules/**/*'] })

    try {
      const quality = await withTimeout(ci.checkCodeQuality(project), 180000, 'checkCodeQuality')
      summary.checks = quality.map((q) => ({ name: q.name, passed: q.success === true, text: q.text ?? '' }))
      summary.packages = packagesFromQuality(quality)
    } catch (e) {
      summary.errors.push(`checkCodeQuality failed: ${e instanceof Error ? e.message : String(e)}`)
    }

    try {
      const analysis = await withTimeout(ci.analyseCode(project, { silent: true }), 180000, 'analyseCode')
      const files = analysis?.files ?? []
      summary.analysedFiles = files.length
      if (files.length === 0) summary.errors.push('analyseCode returned no files')
      if (summary.packages.length === 0) summary.packages = packagesFromAnalysis(files)
      summary.checks.push({ name: 'ANALYSE_CODE', passed: files.length > 0, text: `${files.length} files analysed` })
    } catch (e) {
      summary.errors.push(`analyseCode failed: ${e instanceof Error ? e.message : String(e)}`)
    }
  } catch (e) {
    summary.errors.push(`miniprogram-ci could not start: ${e instanceof Error ? e.message : String(e)}`)
  } finally {
    process.off('unhandledRejection', onUnhandled)
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  if (summary.packages.length === 0) summary.errors.push('no package sizes reported')
  summary.passed = summary.errors.length === 0 && summary.checks.every((c) => c.passed) && summary.packages.every((p) => !p.overLimit)
  return summary
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`

export function formatSummary(s: WeappCheckSummary): string {
  const lines: string[] = []
  lines.push(`weapp check: ${s.dir} (appid ${s.appid || '?'})`)
  lines.push('Package sizes (limit 2048.0 KB each):')
  for (const p of [...s.packages].sort((a, b) => (a.name === MAIN_PACKAGE ? -1 : b.name === MAIN_PACKAGE ? 1 : a.name.localeCompare(b.name)))) {
    const label = p.name === MAIN_PACKAGE ? 'main package' : p.name
    lines.push(`  ${p.overLimit ? '✘' : '✔'} ${label.padEnd(24)} ${String(p.bytes).padStart(9)} B  ${kb(p.bytes).padStart(10)}${p.overLimit ? '  OVER 2 MB' : ''}`)
  }
  const total = s.packages.reduce((a, p) => a + p.bytes, 0)
  lines.push(`  total ${kb(total)}`)
  lines.push('Checks:')
  for (const c of s.checks) lines.push(`  ${c.passed ? '✔ pass' : '✘ FAIL'} ${c.name}${c.passed ? '' : ` — ${c.text}`}`)
  for (const e of s.errors) lines.push(`  ✘ ERROR ${e}`)
  lines.push(s.passed ? 'weapp check PASSED' : 'weapp check FAILED')
  return lines.join('\n')
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const summary = await runWeappCheck(argValue(args, '--dir') ?? 'dist/weapp')
  console.log(formatSummary(summary))
  const jsonOut = argValue(args, '--json')
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(summary, null, 2))
  // miniprogram-ci leaves watchers open; exit explicitly.
  process.exit(summary.passed ? 0 : 1)
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error('weapp check FAILED:', e instanceof Error ? e.message : String(e))
    process.exit(1)
  })
}
