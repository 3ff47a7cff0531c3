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
import { importRosterBytes } from '../roster/import-file'
import { writeReport } from '../roster/report'
import { shanghaiDate } from '../time/clock'
import { runCsvImport, runIfMain } from './csv-import'

export function main(argv: string[]): Promise<number> {
  return runCsvImport(argv, {
    usage: '用法 / usage: npm run roster:import -- <名单.csv> [--report <报告.csv>] [--skip-invalid]',
    barFormat: '导入 {bar} {value}/{total} 行',
    run: async ({ args, bytes, reportPath, config, db, pii, now, bar }) => {
      let started = false
      const file = await importRosterBytes(db, bytes, {
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
    },
  })
}

runIfMain(module, main)
