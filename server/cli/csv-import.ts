/**
 * The shape shared by the CSV import commands (`npm run roster:import`, `npm run signals:import`):
 * <file.csv> [--report <path>] [--skip-invalid]; read the file, open the store named by the
 * environment (as the backend: DATABASE_URL or SQLITE_PATH, PII_KEYS…), migrate, import, write the
 * per-row report (default: <file>.errors.csv next to the input) and a summary line. Each command keeps
 * its own import, progress bar and messages (`run`).
 * Exit codes: 0 imported, 1 rows refused / nothing imported, 2 usage or configuration error.
 */
import { existsSync, readFileSync } from 'node:fs'
import { SingleBar, Presets } from 'cli-progress'
import { ConfigError, loadConfig, type AppConfig } from '../config/env'
import { PiiCipher } from '../crypto/pii'
import { openStore } from '../db/connect'
import { migrateToLatest } from '../db/migrate'
import type { Db } from '../repositories/types'

export interface ImportArgs {
  file: string
  report?: string
  skipInvalid: boolean
}

function parseArgs(argv: string[], usage: string): ImportArgs | string {
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
  if (!file) return usage
  return { file, report, skipInvalid }
}

export interface ImportRun<E> {
  args: ImportArgs
  bytes: Buffer
  reportPath: string
  config: AppConfig
  /** What readExtra read (signals: the 静默认证 policy). */
  extra: E
  db: Db
  pii: PiiCipher
  now: Date
  /** Stopped again when the command ends, whatever happens. */
  bar: SingleBar
}

export interface CsvImportCommand<E> {
  usage: string
  /** The progress bar's format (cli-progress tokens). */
  barFormat: string
  /**
   * More configuration read after the store's; any Error it throws is a configuration error (exit 2).
   * Without it, only the store's own ConfigError is (anything else is a crash).
   */
  readExtra?: () => E
  run: (run: ImportRun<E>) => Promise<number>
}

export async function runCsvImport<E = undefined>(argv: string[], command: CsvImportCommand<E>): Promise<number> {
  const args = parseArgs(argv, command.usage)
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`)
    return 2
  }
  if (!existsSync(args.file)) {
    process.stderr.write(`找不到文件 / file not found: ${args.file}\n`)
    return 2
  }
  let config: AppConfig
  let extra: E
  try {
    config = loadConfig(process.env, { warn: (m) => process.stderr.write(`${m}\n`) })
    extra = command.readExtra ? command.readExtra() : (undefined as E)
  } catch (err) {
    if (err instanceof ConfigError || (command.readExtra && err instanceof Error)) {
      process.stderr.write(`${err.message}\n`)
      return 2
    }
    throw err
  }
  const reportPath = args.report ?? args.file.replace(/(\.csv)?$/i, '.errors.csv')
  const store = openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath })
  const bar = new SingleBar({ stream: process.stderr, format: command.barFormat, hideCursor: true }, Presets.shades_classic)
  try {
    await migrateToLatest(store)
    const now = new Date()
    const pii = new PiiCipher({ keys: config.piiKeys, current: config.piiKeyCurrent, indexVersion: config.piiIndexKeyVersion })
    return await command.run({ args, bytes: readFileSync(args.file), reportPath, config, extra, db: store.db, pii, now, bar })
  } finally {
    bar.stop()
    await store.db.destroy()
  }
}

/** Runs a command's main when its file is run directly: its exit code, or 1 with the crash's message. */
export function runIfMain(mod: NodeModule, main: (argv: string[]) => Promise<number>): void {
  if (require.main !== mod) return
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`导入失败 / import failed: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    },
  )
}
