/**
 * npm run notices -- --region <行政区划> --cycle <year> --out notices.pdf [--hotline 12333]
 *                     [--include-certified] [--links <file.tsv>]
 *
 * Prints A4 notices (one page per person of the region who has not yet passed in that year): full
 * name, 下次认证日期, three steps, the mini-program code (scene n=<code>) and the agency hotline.
 * Codes are issued once per person and cycle and reused on later runs. The code image comes from
 * MINIPROGRAM_CODE_ADAPTER (local: a QR code to APP_PUBLIC_URL; wechat: wxacode.getUnlimited).
 * Same environment as the backend (DATABASE_URL / SQLITE_PATH, PII_KEYS…). The PDF is written to
 * <out>.partial and renamed when complete. --links writes "page<TAB>scene<TAB>H5 URL" per notice
 * (no personal data) for checking codes by hand or in tests.
 * Exit codes: 0 written, 1 failed (e.g. the Chinese font is missing: npm run setup:system), 2 usage or configuration.
 */
import { createWriteStream, existsSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { Presets, SingleBar } from 'cli-progress'
import { noticeH5Url } from '../../src/core/contracts/notices'
import { ConfigError, loadConfig } from '../config/env'
import { PiiCipher } from '../crypto/pii'
import { openStore } from '../db/connect'
import { migrateToLatest } from '../db/migrate'
import { defaultNoticesConfig } from '../notices/config'
import { generateNotices, REGION_PATTERN } from '../notices/generate'
import { NoticeFontMissingError } from '../notices/pdf'
import { createMiniProgramCodes } from '../wechat/wxacode'

interface Args {
  region: string
  cycle: number
  out: string
  hotline?: string
  includeCertified: boolean
  links?: string
}

const USAGE = '用法 / usage: npm run notices -- --region <行政区划代码> --cycle <年份> --out <notices.pdf> [--hotline 12333] [--include-certified] [--links <file.tsv>]'

function parseArgs(argv: string[]): Args | string {
  const a: Partial<Args> & { includeCertified: boolean } = { includeCertified: false }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined]
    const value = () => inline ?? argv[++i]
    if (flag === '--region') a.region = value()
    else if (flag === '--cycle') a.cycle = Number(value())
    else if (flag === '--out') a.out = value()
    else if (flag === '--hotline') a.hotline = value()
    else if (flag === '--links') a.links = value()
    else if (flag === '--include-certified') a.includeCertified = true
    else return `未知参数 / unknown option: ${argv[i]}\n${USAGE}`
  }
  if (!a.region || !REGION_PATTERN.test(a.region)) return `--region 必须是 2–12 位行政区划代码（前缀），例如 110101 / --region must be 2–12 digits\n${USAGE}`
  if (!a.cycle || !Number.isInteger(a.cycle) || a.cycle < 2000 || a.cycle > 2100) return `--cycle 必须是年份，例如 2027 / --cycle must be a year\n${USAGE}`
  if (!a.out) return `缺少 --out / --out is required\n${USAGE}`
  if (a.hotline !== undefined && !/^[0-9+\-() ]{3,30}$/.test(a.hotline)) return `--hotline 只能含数字、空格和 +-() / digits, spaces and +-() only`
  if (a.links === '') return '--links 后面需要文件路径 / --links needs a path'
  return a as Args
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(argv)
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`)
    return 2
  }
  let config
  try {
    config = loadConfig(env, { warn: (m) => process.stderr.write(`${m}\n`) })
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      return 2
    }
    throw err
  }
  const notices = config.notices ?? defaultNoticesConfig()
  if (!existsSync(notices.fontPath)) {
    process.stderr.write(`${new NoticeFontMissingError(notices.fontPath).message}\n`)
    return 1
  }
  const store = openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath })
  const bar = new SingleBar({ stream: process.stderr, format: '打印通知 {bar} {value}/{total} 人 | {eta_formatted}', hideCursor: true }, Presets.shades_classic)
  const partial = `${args.out}.partial`
  const links: string[] = []
  let started = false
  try {
    await migrateToLatest(store)
    const pii = new PiiCipher({ keys: config.piiKeys, current: config.piiKeyCurrent, indexVersion: config.piiIndexKeyVersion })
    const codes = createMiniProgramCodes(config)
    const began = Date.now()
    const result = await generateNotices({
      db: store.db,
      pii,
      clock: () => new Date(),
      cyclePolicy: config.cyclePolicy,
      codes,
      out: createWriteStream(partial),
      fontPath: notices.fontPath,
      hotline: args.hotline ?? notices.hotline,
      region: args.region,
      cycle: args.cycle,
      includeCertified: args.includeCertified,
      onProgress: (done, total) => {
        if (!started) {
          bar.start(total, 0)
          started = true
        }
        bar.update(done)
      },
      onNotice: args.links ? ({ page, scene, page_path }) => links.push(`${page}\t${scene}\t${codes.kind === 'local' ? noticeH5Url(notices.publicUrl, scene.slice(2)) : page_path}`) : undefined,
    })
    if (started) bar.stop()
    renameSync(partial, args.out)
    if (args.links) writeFileSync(args.links, links.length ? `${links.join('\n')}\n` : '')
    const secs = (Date.now() - began) / 1000
    process.stdout.write(
      `已生成 ${args.out}：${result.printed} 份通知（区划 ${args.region}，${args.cycle} 年度；本年度已认证跳过 ${result.skippedCertified} 人；` +
        `二维码 ${codes.kind === 'local' ? `本地，指向 ${notices.publicUrl}` : '微信小程序码'}；用时 ${secs.toFixed(1)} 秒）\n`,
    )
    return 0
  } catch (err) {
    if (started) bar.stop()
    rmSync(partial, { force: true })
    if (err instanceof NoticeFontMissingError) {
      process.stderr.write(`${err.message}\n`)
      return 1
    }
    process.stderr.write(`生成失败 / failed: ${err instanceof Error ? err.message : String(err)}\n`)
    return 1
  } finally {
    bar.stop()
    await store.db.destroy()
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`生成失败 / failed: ${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    },
  )
}
