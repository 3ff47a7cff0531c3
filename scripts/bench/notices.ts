/**
 * npm run bench:notices [-- --count 10000] — printed-notice PDF rate. Measured in the same run, on
 * the same synthetic notices (fictional names, no store):
 *   baseline  pdfkit writing the same A4 pages (text, steps, frame) WITHOUT the code image
 *   full      the same pages with the local QR code (qrcode → grayscale PNG → embedded image), as
 *             `npm run notices` makes them with MINIPROGRAM_CODE_ADAPTER=local
 * Reports notices/s, the ratio full/baseline, the PDF size and the peak RSS (memory must stay flat:
 * pages are streamed). Needs fonts-noto-cjk (npm run setup:system).
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CERTIFY_ENTRY_PAGE } from '../../src/core/contracts/share'
import { noticeScene } from '../../src/core/contracts/notices'
import { DEFAULT_APP_PUBLIC_URL, DEFAULT_NOTICE_FONT_PATH } from '../../server/notices/config'
import { NoticePdfWriter, type NoticePage } from '../../server/notices/pdf'
import { LocalQrCodes } from '../../server/wechat/wxacode/local'
import { generateNoticeCode } from '../../server/services/notices'

const countArg = process.argv.indexOf('--count')
const COUNT = countArg > 0 ? Number(process.argv[countArg + 1]) : 10_000
const FONT = process.env.NOTICE_FONT_PATH ?? DEFAULT_NOTICE_FONT_PATH

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'
const GIVEN = '秀英桂兰建国德福玉梅淑珍德胜春华志强丽娟国庆红霞明华金凤'
function fictionalName(i: number): string {
  const g = Array.from(GIVEN)
  return SURNAMES[i % SURNAMES.length] + g[(i * 7) % g.length] + (i % 3 === 0 ? '' : g[(i * 13 + 5) % g.length])
}

let peakRss = 0
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}

async function run(label: string, withImage: boolean, dir: string): Promise<{ rate: number; bytes: number; seconds: number; peakMb: number }> {
  const file = join(dir, `${label}.pdf`)
  const writer = new NoticePdfWriter(createWriteStream(file), { fontPath: FONT, hotline: '12333' })
  const codes = new LocalQrCodes({ publicUrl: DEFAULT_APP_PUBLIC_URL })
  peakRss = 0
  const timer = setInterval(sampleRss, 50)
  const started = process.hrtime.bigint()
  for (let i = 0; i < COUNT; i++) {
    const page: NoticePage = { name: fictionalName(i), nextDueMonthLabel: `${2027 + (i % 2)}年${(i % 12) + 1}月` }
    if (withImage) page.image = (await codes.render({ scene: noticeScene(generateNoticeCode()), page: CERTIFY_ENTRY_PAGE })).bytes
    await writer.add(page)
    if (i % 500 === 0) sampleRss()
  }
  await writer.end()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  clearInterval(timer)
  sampleRss()
  return { rate: COUNT / seconds, bytes: statSync(file).size, seconds, peakMb: peakRss / 1024 / 1024 }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'yl-bench-notices-'))
  try {
    process.stdout.write(`printed notices: ${COUNT} A4 pages per run, font ${FONT}\n`)
    const baseline = await run('baseline', false, dir)
    const full = await run('full', true, dir)
    const row = (name: string, r: typeof full, ratio: string) =>
      `${name.padEnd(10)} ${r.rate.toFixed(0).padStart(7)} notices/s  ${r.seconds.toFixed(1).padStart(6)} s  ${(r.bytes / 1024 / 1024).toFixed(1).padStart(6)} MB PDF  peak RSS ${r.peakMb.toFixed(0).padStart(4)} MB  ${ratio}\n`
    process.stdout.write(row('baseline', baseline, 'ratio 1.00'))
    process.stdout.write(row('full', full, `ratio ${(full.rate / baseline.rate).toFixed(2)} of baseline`))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
