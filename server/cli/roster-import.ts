/**
 * npm run roster:import -- <file.csv> [--report <path>] [--skip-invalid]
 *
 * Imports the agency's roster into the store named by the environment (same variables as the
 * backend: DATABASE_URL or SQLITE_PATH, PII_KEYS…). Every row is checked; the import is one
 * transaction. A large file is checked and encrypted by worker threads (one per core beyond the
 * first). Without --skip-invalid, one bad row means nothing is imported (exit code 1). Per-row errors
 * go to the report CSV (default: <file>.errors.csv next to the input).
 * Exit codes: 0 imported, 1 rows refused / nothing imported, 2 usage or configuration error.
 */
import { existsSync, readFileSync } from 'node:fs'
import { SingleBar, Presets } from 'cli-progress'
import { ConfigError, loadConfig } from '../config/env'
import { PiiCipher } from '../crypto/pii'
import { openStore } from '../db/connect'
import { migrateToLatest } from '../db/migrate'
import { importRosterBytes } from '../roster/import-file'
import { writeReport } from '../roster/report'
import { shanghaiDate } from '../time/clock'

interface Args {
  file: string
  report?: string
  skipInvalid: boolean
}

const USAGE = '用法 / usage: npm run roster:import -- <名单.csv> [--report <报告.csv>] [--skip-invalid]'

function parseArgs(argv: string[]): Args | string {
  let file: string | undefined
  let report: string | undefined
  let skipInvalid = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--skip-invalid') skipInvalid = true
    else if (a === '--report') {
      report = argv[++i]
      if (!report) return '--report 后面需要文件路径 / --report needs a path'
    } else if (a.startsWith('--report=')) report = a.slice('--report='.length)
    else if (a.startsWith('--')) return `未知选项 / unknown option: ${a}`
    else if (file) return '只能导入一个文件 / one file at a time'
    else file = a
  }
  if (!file) return USAGE
  return { file, report, skipInvalid }
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv)
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`)
    return 2
  }
  if (!existsSync(args.file)) {
    process.stderr.write(`找不到文件 / file not found: ${args.file}\n`)
    return 2
  }
  let config
  try {
    config = loadConfig(process.env, { warn: (m) => process.stderr.write(`${m}\n`) })
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      return 2
    }
    throw err
  }
  const reportPath = args.report ?? args.file.replace(/(\.csv)?$/i, '.errors.csv')
  const store = openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath })
  const bar = new SingleBar({ stream: process.stderr, format: '导入 {bar} {value}/{total} 行', hideCursor: true }, Presets.shades_classic)
  try {
    await migrateToLatest(store)
    const now = new Date()
    const pii = new PiiCipher({ keys: config.piiKeys, current: config.piiKeyCurrent, indexVersion: config.piiIndexKeyVersion })
    let started = false
    const file = await importRosterBytes(store.db, readFileSync(args.file), {
      pii,
      today: shanghaiDate(now),
      now: now.toISOString(),
      cyclePolicy: config.cyclePolicy,
      skipInvalid: args.skipInvalid,
      actor: 'cli',
      onProgress: (done, total) => {
        if (!started) {
          bar.start(total, 0)
          started = true
        }
        bar.update(done)
      },
    })
    if (started) bar.stop()
    if (!file.summary) {
      writeReport(reportPath, file.fatal)
      process.stdout.write(`未导入：文件格式有误（${file.fatal.map((e) => e.reason).join('；')}）。明细：${reportPath}\n`)
      return 1
    }
    const summary = file.summary
    if (summary.errors.length > 0) writeReport(reportPath, summary.errors)
    const counts = `新增 inserted ${summary.inserted}，更新 updated ${summary.updated}，未变 unchanged ${summary.unchanged}，拒绝 rejected ${summary.rejected}`
    const enc = `编码 ${file.encoding}`
    if (!summary.committed) {
      process.stdout.write(`未导入任何数据：${summary.rejected} 行有误（未使用 --skip-invalid）。${counts}。${enc}。错误明细：${reportPath}\n`)
      return 1
    }
    process.stdout.write(`导入完成：${counts}。${enc}${summary.errors.length > 0 ? `。错误明细：${reportPath}` : ''}\n`)
    return 0
  } finally {
    bar.stop()
    await store.db.destroy()
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`导入失败 / import failed: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    },
  )
}
