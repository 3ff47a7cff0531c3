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
import { basename } from 'node:path'
import { writeReport } from '../roster/report'
import { readSignalPolicy } from '../signals/config'
import { importSignalsBytes } from '../signals/import'
import { shanghaiDate } from '../time/clock'
import { runCsvImport, runIfMain } from './csv-import'

export function main(argv: string[]): Promise<number> {
  return runCsvImport(argv, {
    usage: '用法 / usage: npm run signals:import -- <比对数据.csv> [--report <报告.csv>] [--skip-invalid]',
    barFormat: '{phase} {bar} {value}/{total} 行',
    // The SIGNALS_* policy: a bad value is a configuration error, like the store's.
    readExtra: () => readSignalPolicy(process.env),
    run: async ({ args, bytes, reportPath, config, extra: policy, db, pii, now, bar }) => {
      let phase: string | undefined
      const result = await importSignalsBytes(db, bytes, {
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
    },
  })
}

runIfMain(module, main)
