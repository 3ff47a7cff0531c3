/**
 * npm run signals:import -- <file.csv> [--report <path>] [--skip-invalid]
 *
 * Imports evidence-of-life signals from other departments (个人编号 or 身份证号, 来源, 发生日期) into
 * the store named by the environment (as the backend: DATABASE_URL or SQLITE_PATH, PII_KEYS…) and
 * applies the 静默认证 policy (SIGNALS_* variables). Same encodings, checks and per-row report as
 * `npm run roster:import`. One transaction: a file with a bad row imports nothing (exit 1) unless
 * --skip-invalid. The same file twice changes nothing, and says so.
 * Exit codes: 0 imported, 1 rows refused / nothing imported, 2 usage or configuration error.
 */
import { existsSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { SingleBar, Presets } from 'cli-progress'
import { ConfigError, loadConfig } from '../config/env'
import { PiiCipher } from '../crypto/pii'
import { openStore } from '../db/connect'
import { migrateToLatest } from '../db/migrate'
import { writeReport } from '../roster/report'
import { readSignalPolicy } from '../signals/config'
import { importSignalsBytes } from '../signals/import'
import { shanghaiDate } from '../time/clock'

const USAGE = '用法 / usage: npm run signals:import -- <比对数据.csv> [--report <报告.csv>] [--skip-invalid]'

function parseArgs(argv: string[]): { file: string; report?: string; skipInvalid: boolean } | string {
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
  let policy
  try {
    config = loadConfig(process.env, { warn: (m) => process.stderr.write(`${m}\n`) })
    policy = readSignalPolicy(process.env)
  } catch (err) {
    if (err instanceof ConfigError || err instanceof Error) {
      process.stderr.write(`${err.message}\n`)
      return 2
    }
    throw err
  }
  const reportPath = args.report ?? args.file.replace(/(\.csv)?$/i, '.errors.csv')
  const store = openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath })
  const bar = new SingleBar({ stream: process.stderr, format: '{phase} {bar} {value}/{total} 行', hideCursor: true }, Presets.shades_classic)
  let phase: string | undefined
  try {
    await migrateToLatest(store)
    const now = new Date()
    const pii = new PiiCipher({ keys: config.piiKeys, current: config.piiKeyCurrent, indexVersion: config.piiIndexKeyVersion })
    const result = await importSignalsBytes(store.db, readFileSync(args.file), {
      pii,
      today: shanghaiDate(now),
      now: now.toISOString(),
      cyclePolicy: config.cyclePolicy,
      policy,
      filename: basename(args.file),
      actor: 'cli',
      skipInvalid: args.skipInvalid,
      onProgress: (p, done, total) => {
        const label = p === 'check' ? '检查' : '写入'
        if (phase !== label) {
          if (phase) bar.stop()
          bar.start(total, 0, { phase: label })
          phase = label
        }
        bar.update(done)
      },
    })
    if (phase) bar.stop()
    const enc = `编码 ${result.encoding}`
    if (result.fatal.length > 0) {
      writeReport(reportPath, result.fatal)
      process.stdout.write(`未导入：文件格式有误（${result.fatal.map((e) => e.reason).join('；')}）。明细：${reportPath}\n`)
      return 1
    }
    if (result.errors.length > 0) writeReport(reportPath, result.errors)
    if (!result.applied) {
      process.stdout.write(`未导入任何数据：${result.rejected} 行有误（未使用 --skip-invalid）。共 ${result.total} 行。${enc}。错误明细：${reportPath}\n`)
      return 1
    }
    const a = result.applied
    const counts = `共 ${result.total} 行：新增信号 ${a.inserted}，已导入过 ${a.alreadyKnown}，拒绝 ${result.rejected}；静默认证通过 ${a.certified} 人，死亡/殡葬待核查 ${a.flagged} 人（其中暂停发放 ${a.suspended} 人，信号冲突 ${a.conflicts} 人）`
    if (a.inserted === 0) {
      process.stdout.write(`没有新数据：这些信号都已导入过，没有任何改变。${counts}。${enc}\n`)
      return 0
    }
    process.stdout.write(`导入完成：${counts}。${enc}${result.errors.length > 0 ? `。错误明细：${reportPath}` : ''}\n`)
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
