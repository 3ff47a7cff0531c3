/**
 * npm run db:copy -- --to <postgres://…> [--from <file.sqlite>] [--verify]
 *
 * Moves the embedded store to PostgreSQL: copies every table of the SQLite file (default
 * $SQLITE_PATH, else $DATA_DIR/yinling.sqlite) into an EMPTY PostgreSQL database, migrated first by
 * the project's migrations, values as stored (no key needed), then compares row counts and checksums
 * of every table before committing. --verify only compares an earlier copy. Progress goes to stderr,
 * the summary to stdout. Stop the backend first (docs/db-copy.md).
 * Exit codes: 0 copied (or equal), 1 copy failed and was rolled back, 2 usage / source / connection
 * problem, 3 target not empty or schemas differ, 4 counts or checksums differ (rolled back).
 */
import { join } from 'node:path'
import { copySqliteToPostgres, verifyCopy, type CopyProgress, type TableResult } from '../db/copy/copy'
import { CopyError } from '../db/copy/errors'

interface Args {
  from: string
  to: string
  verify: boolean
}

export interface CliIo {
  stdout: { write(s: string): unknown }
  stderr: { write(s: string): unknown }
  env: NodeJS.ProcessEnv
  /** Milliseconds, for the elapsed time and rate in the summary. */
  now?: () => number
}

const USAGE = '用法：npm run db:copy -- --to postgres://用户:密码@主机/数据库 [--from 文件.sqlite] [--verify]'

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Args | CopyError {
  let from: string | undefined
  let to: string | undefined
  let verify = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
    if (flag === '--verify' && inline === undefined) verify = true
    else if (flag === '--from' || flag === '--to') {
      const value = inline ?? argv[++i]
      if (!value || value.startsWith('--')) return new CopyError('DB_COPY_USAGE', `${flag} 后面需要写上${flag === '--to' ? '数据库地址' : '文件路径'}。\n${USAGE}`)
      if (flag === '--from') from = value
      else to = value
    } else return new CopyError('DB_COPY_USAGE', `不认识的参数：${a}\n${USAGE}`)
  }
  if (!to) return new CopyError('DB_COPY_USAGE', `缺少 --to：请写上目标 PostgreSQL 数据库的地址。\n${USAGE}`)
  if (!/^postgres(ql)?:\/\//.test(to)) return new CopyError('DB_COPY_USAGE', `--to 需要 postgres:// 开头的地址。\n${USAGE}`)
  from ??= env.SQLITE_PATH ?? join(env.DATA_DIR ?? 'data', 'yinling.sqlite')
  return { from, to, verify }
}

/** host:port/database, never the user or password. */
export function describeTarget(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname}:${u.port || 5432}${u.pathname}`
  } catch {
    return 'PostgreSQL'
  }
}

/** Progress lines: one per batch of a large table would flood a terminal, so every tenth of it. */
function progressPrinter(io: CliIo): (p: CopyProgress) => void {
  let lastTable = ''
  let lastTenth = -1
  return (p) => {
    if (p.kind === 'migrate') io.stderr.write(`按项目迁移建立表结构（到 ${p.upTo}）…\n`)
    else if (p.kind === 'verify') io.stderr.write(`核对 ${p.table} …\n`)
    else if (p.kind === 'analyze') io.stderr.write(`为 ${p.tables} 张表收集查询统计信息 …\n`)
    else if (p.kind === 'indexes') io.stderr.write(`建立 ${p.table} 的索引（${p.count} 个）…\n`)
    else {
      if (p.table !== lastTable) {
        lastTable = p.table
        lastTenth = -1
      }
      const tenth = p.total === 0 ? 10 : Math.floor((p.done * 10) / p.total)
      if (tenth === lastTenth) return
      lastTenth = tenth
      io.stderr.write(`复制 ${p.table}：${p.done} / ${p.total} 行\n`)
    }
  }
}

function table(results: readonly TableResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length), 4)
  return results.map((r) => `  ${r.name.padEnd(width)}  ${String(r.rows).padStart(9)} 行  校验和 ${r.checksum.slice(0, 16)}`).join('\n')
}

export async function main(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const now = io.now ?? Date.now
  const args = parseArgs(argv, io.env)
  try {
    if (args instanceof CopyError) throw args
    const target = describeTarget(args.to)
    const started = now()
    if (args.verify) {
      io.stderr.write(`核对 ${args.from} 与 ${target} …\n`)
      const results = await verifyCopy({ from: args.from, to: args.to, onProgress: progressPrinter(io) })
      io.stdout.write(`核对一致：每张表的行数和校验和都相同。\n${table(results)}\n`)
      return 0
    }
    io.stderr.write(`从 ${args.from} 复制到 ${target} …\n`)
    const report = await copySqliteToPostgres({ from: args.from, to: args.to, onProgress: progressPrinter(io) })
    const seconds = (now() - started) / 1000
    const rows = report.tables.reduce((n, t) => n + t.rows, 0)
    const lines = [
      `复制完成，已核对：${report.tables.length} 张表共 ${rows} 行，每张表的行数和校验和两边相同。用时 ${seconds.toFixed(1)} 秒（每秒 ${Math.round(rows / Math.max(seconds, 0.001))} 行）。`,
      table(report.tables),
    ]
    if (report.targetOnly.length > 0) lines.push(`只有 PostgreSQL 有的表（保持为空）：${report.targetOnly.join('、')}`)
    if (report.migratedAfter.length > 0) lines.push(`SQLite 文件来自旧版本：复制后已把 PostgreSQL 升级到当前版本（${report.migratedAfter.join('、')}）。`)
    lines.push('下一步：用 DATABASE_URL 指向这个数据库启动后端。')
    io.stdout.write(`${lines.join('\n')}\n`)
    return 0
  } catch (err) {
    const e = err instanceof CopyError ? err : new CopyError('DB_COPY_FAILED', `复制失败：${(err as Error).message}`)
    io.stderr.write(`[${e.code}] ${e.message}\n`)
    return e.exitCode
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`[DB_COPY_FAILED] ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    },
  )
}
