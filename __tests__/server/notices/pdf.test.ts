/**
 * `npm run notices` end to end on a SQLite store with the demo roster: the PDF has one A4 page per
 * person, its Chinese text round-trips (pdftotext), and page 1 rendered to an image (pdftoppm) is
 * neither blank nor tofu: the title's glyphs match a reference rendering made here with the same font,
 * and the ink differs from glyph to glyph (tofu boxes would all look alike). Needs fonts-noto-cjk and
 * poppler-utils: `npm run setup:system`.
 */
import { execFileSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import PDFDocument from 'pdfkit'
import { main } from '../../../server/cli/notices'
import { PiiCipher } from '../../../server/crypto/pii'
import { openStore } from '../../../server/db/connect'
import { migrateToLatest } from '../../../server/db/migrate'
import { seedDemoRoster } from '../../../server/demo/seed'
import { DEFAULT_NOTICE_FONT_PATH, NOTICE_FONT_NAME } from '../../../server/notices/config'
import { A4, MARGIN, NOTICE_TITLE, NoticePdfWriter, TITLE_SIZE, TITLE_Y, CODE_SIZE } from '../../../server/notices/pdf'
import { TEST_HMAC_SECRET, TEST_KEY_V1 } from '../helpers/config'
import { DEMO } from '../helpers/demo'

jest.setTimeout(120_000)

const SETUP = '缺少 PDF 测试所需的系统软件包：请先运行 npm run setup:system（安装 fonts-noto-cjk 和 poppler-utils）'
function requireSystem(): void {
  const missing: string[] = []
  if (!existsSync(DEFAULT_NOTICE_FONT_PATH)) missing.push(`fonts-noto-cjk (${DEFAULT_NOTICE_FONT_PATH})`)
  for (const tool of ['pdftoppm', 'pdftotext']) {
    try {
      execFileSync(tool, ['-v'], { stdio: 'ignore' })
    } catch {
      missing.push(`poppler-utils (${tool})`)
    }
  }
  if (missing.length) throw new Error(`${SETUP}. Missing: ${missing.join(', ')}`)
}

interface Gray {
  width: number
  height: number
  px: Buffer
}

/** Renders one page at 72 dpi (1 px = 1 pt) to an 8-bit grayscale PGM and parses it. */
function renderPage(pdf: string, page: number, dir: string, name: string): Gray {
  const prefix = join(dir, name)
  execFileSync('pdftoppm', ['-f', String(page), '-l', String(page), '-r', '72', '-gray', '-singlefile', pdf, prefix])
  const buf = readFileSync(`${prefix}.pgm`)
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(buf.subarray(0, 40).toString('latin1'))
  if (!header) throw new Error('not a PGM')
  const width = Number(header[1])
  const height = Number(header[2])
  return { width, height, px: buf.subarray(header[0].length, header[0].length + width * height) }
}

const inkIn = (g: Gray, x0: number, y0: number, x1: number, y1: number): number => {
  let n = 0
  for (let y = Math.max(0, y0); y < Math.min(g.height, y1); y++) for (let x = Math.max(0, x0); x < Math.min(g.width, x1); x++) if (g.px[y * g.width + x] < 128) n++
  return n
}

describe('npm run notices (PDF with Chinese text and code images)', () => {
  let dir: string
  let env: NodeJS.ProcessEnv
  const out = () => join(dir, 'notices.pdf')
  let stdout: string
  let stderr: string

  beforeAll(async () => {
    requireSystem()
    dir = mkdtempSync(join(tmpdir(), 'yl-notices-'))
    env = {
      NODE_ENV: 'test',
      SQLITE_PATH: join(dir, 'store.sqlite'),
      DATA_DIR: dir,
      PII_KEYS: JSON.stringify({ v1: TEST_KEY_V1.toString('base64') }),
      PII_KEY_CURRENT: 'v1',
      BACKEND_HMAC_SECRET: TEST_HMAC_SECRET,
      APP_PUBLIC_URL: 'http://127.0.0.1:10086',
    }
    const store = openStore({ sqlitePath: env.SQLITE_PATH! })
    await migrateToLatest(store)
    await seedDemoRoster(store.db, new PiiCipher({ keys: { v1: TEST_KEY_V1 }, current: 'v1', indexVersion: 'v1' }), new Date('2026-11-27T02:00:00Z'), 'rolling12')
    await store.db.destroy()

    const w = { out: [] as string[], err: [] as string[] }
    const so = jest.spyOn(process.stdout, 'write').mockImplementation((c) => (w.out.push(String(c)), true))
    const se = jest.spyOn(process.stderr, 'write').mockImplementation((c) => (w.err.push(String(c)), true))
    try {
      const code = await main(['--region', '110101', '--cycle', '2027', '--out', out(), '--hotline', '12345', '--links', join(dir, 'links.tsv')], env)
      stdout = w.out.join('')
      stderr = w.err.join('')
      if (code !== 0) throw new Error(`notices exited ${code}: ${stderr}`)
    } finally {
      so.mockRestore()
      se.mockRestore()
    }
  })
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }))

  it('writes one A4 page per person of the region, in 个人编号 order, and says so', () => {
    const info = execFileSync('pdfinfo', [out()]).toString()
    expect(info).toMatch(/Pages:\s+3\b/)
    expect(info).toMatch(/Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/)
    expect(stdout).toContain('3 份通知')
    expect(existsSync(`${out()}.partial`)).toBe(false)
    const names = [1, 2, 3].map((p) => execFileSync('pdftotext', ['-f', String(p), '-l', String(p), out(), '-']).toString())
    expect(names[0]).toContain(DEMO.wang.name)
    expect(names[1]).toContain(DEMO.liu.name)
    expect(names[2]).toContain(DEMO.sun.name)
  })

  it('page 1’s Chinese text round-trips: name, the deadline as a day, the three steps, the hotline, the anti-fraud line', () => {
    const text = execFileSync('pdftotext', ['-f', '1', '-l', '1', out(), '-']).toString().replace(/[ \t]+/g, ' ')
    for (const s of [NOTICE_TITLE, `${DEMO.wang.name} 您好`, '请在2027年3月31日前完成认证', '微信扫码', '按提示眨眼转头', '看到认证通过', '咨询电话：12345', '不会向您要银行卡号、密码或短信验证码']) expect(text).toContain(s)
    // the ID number is never printed
    expect(text).not.toContain(DEMO.wang.idNumber)
  })

  it('page 1 renders with ink (not blank) and a code image full of modules', () => {
    const g = renderPage(out(), 1, dir, 'page1')
    expect(Math.abs(g.width - A4.width)).toBeLessThan(1.5)
    expect(Math.abs(g.height - A4.height)).toBeLessThan(1.5)
    const total = inkIn(g, 0, 0, g.width, g.height) / (g.width * g.height)
    expect(total).toBeGreaterThan(0.02)
    const codeX = Math.round((A4.width - CODE_SIZE) / 2)
    const codeInk = inkIn(g, codeX + 25, 452 + 25, codeX + CODE_SIZE - 25, 452 + CODE_SIZE - 25) / ((CODE_SIZE - 50) ** 2)
    expect(codeInk).toBeGreaterThan(0.25)
    expect(codeInk).toBeLessThan(0.75)
  })

  it('the title’s glyphs match a reference rendering with the same font, and differ from glyph to glyph (no tofu)', async () => {
    const ref = join(dir, 'reference.pdf')
    await new Promise<void>((resolve, reject) => {
      const doc = new PDFDocument({ size: 'A4', margin: MARGIN })
      const s = createWriteStream(ref)
      s.on('finish', resolve).on('error', reject)
      doc.pipe(s)
      doc.registerFont('cjk', DEFAULT_NOTICE_FONT_PATH, NOTICE_FONT_NAME)
      doc.font('cjk').fontSize(TITLE_SIZE).text(NOTICE_TITLE, MARGIN, TITLE_Y, { width: A4.width - 2 * MARGIN, align: 'center', lineBreak: false })
      doc.end()
    })
    const page = renderPage(out(), 1, dir, 'title-page')
    const refImg = renderPage(ref, 1, dir, 'title-ref')
    const y0 = TITLE_Y - 4
    const y1 = TITLE_Y + 38
    let diff = 0
    let inkPage = 0
    for (let y = y0; y < y1; y++) {
      for (let x = 0; x < page.width; x++) {
        const a = page.px[y * page.width + x]
        const b = refImg.px[y * refImg.width + x]
        diff += Math.abs(a - b)
        if (a < 128) inkPage++
      }
    }
    expect(inkPage).toBeGreaterThan(400)
    expect(diff / ((y1 - y0) * page.width)).toBeLessThan(2) // mean grey-level difference

    // Per-glyph ink along the centred title: 12 full-width glyphs of TITLE_SIZE points each.
    const chars = Array.from(NOTICE_TITLE)
    const left = Math.round((A4.width - chars.length * TITLE_SIZE) / 2)
    const cells = chars.map((_, i) => inkIn(page, left + i * TITLE_SIZE, y0, left + (i + 1) * TITLE_SIZE, y1))
    expect(Math.min(...cells)).toBeGreaterThan(20)
    const mean = cells.reduce((a, b) => a + b, 0) / cells.length
    const sd = Math.sqrt(cells.reduce((a, b) => a + (b - mean) ** 2, 0) / cells.length)
    expect(sd / mean).toBeGreaterThan(0.08)
    expect(new Set(cells).size).toBeGreaterThan(6)
  })

  it('a suspended person’s notice says payment is suspended and how it resumes, not a past date', async () => {
    const file = join(dir, 'suspended.pdf')
    const writer = new NoticePdfWriter(createWriteStream(file), { fontPath: DEFAULT_NOTICE_FONT_PATH, hotline: '12333' })
    await writer.add({ name: '张桂兰', nextDueMonthLabel: '2026年8月', deadlineLabel: '2026年8月31日', suspendedSinceLabel: '2026年9月' })
    await writer.add({ name: '李建国', nextDueMonthLabel: '2026年12月', deadlineLabel: '2026年12月31日' })
    await writer.end()
    const [suspended, due] = [1, 2].map((p) => execFileSync('pdftotext', ['-f', String(p), '-l', String(p), file, '-']).toString().replace(/\s+/g, ''))
    expect(suspended).toContain('您的养老金已从2026年9月起暂停发放')
    expect(suspended).toContain('完成认证后次月恢复发放，并补发暂停期间的养老金')
    expect(suspended).toContain('养老金已暂停发放，请尽快认证')
    expect(suspended).not.toContain('2026年8月')
    expect(due).toContain('请在2026年12月31日前完成认证')
    expect(due).not.toContain('暂停发放，请尽快认证')
  })

  it('the generator marks a person suspended on the roster (张桂兰, region 320102)', async () => {
    const file = join(dir, 'region320102.pdf')
    const quiet = [jest.spyOn(process.stdout, 'write').mockImplementation(() => true), jest.spyOn(process.stderr, 'write').mockImplementation(() => true)]
    try {
      expect(await main(['--region', '320102', '--cycle', '2027', '--out', file], env)).toBe(0)
    } finally {
      quiet.forEach((q) => q.mockRestore())
    }
    const first = execFileSync('pdftotext', ['-f', '1', '-l', '1', file, '-']).toString().replace(/\s+/g, '')
    expect(first).toContain(DEMO.zhang.name)
    expect(first).toContain('您的养老金已从2026年9月起暂停发放')
    expect(first).toContain('养老金已暂停发放，请尽快认证')
  })

  it('the link list names pages and scenes only: H5 URLs with scene=n%3D<code>, no personal data', () => {
    const links = readFileSync(join(dir, 'links.tsv'), 'utf8').trim().split('\n')
    expect(links).toHaveLength(3)
    for (const line of links) expect(line).toMatch(/^\d\tn=[0-9A-Za-z]{12}\thttp:\/\/127\.0\.0\.1:10086\/packages\/certify\/index\?scene=n%3D[0-9A-Za-z]{12}$/)
    const all = links.join('\n') + stdout + stderr
    for (const p of Object.values(DEMO)) {
      expect(all).not.toContain(p.name)
      expect(all).not.toContain(p.idNumber)
    }
  })

  it('a second run reuses the same codes; a missing font fails clearly naming npm run setup:system', async () => {
    const second = join(dir, 'again.pdf')
    const quiet = [jest.spyOn(process.stdout, 'write').mockImplementation(() => true), jest.spyOn(process.stderr, 'write').mockImplementation(() => true)]
    let errors = ''
    try {
      expect(await main(['--region', '110101', '--cycle', '2027', '--out', second, '--links', join(dir, 'links2.tsv')], env)).toBe(0)
      quiet[1].mockImplementation((c) => ((errors += String(c)), true))
      expect(await main(['--region', '110101', '--cycle', '2027', '--out', join(dir, 'nofont.pdf')], { ...env, NOTICE_FONT_PATH: join(dir, 'missing.ttc') })).toBe(1)
      expect(await main(['--region', 'abc', '--cycle', '2027', '--out', join(dir, 'x.pdf')], env)).toBe(2)
    } finally {
      quiet.forEach((s) => s.mockRestore())
    }
    expect(readFileSync(join(dir, 'links2.tsv'), 'utf8')).toBe(readFileSync(join(dir, 'links.tsv'), 'utf8'))
    expect(errors).toContain('npm run setup:system')
    expect(existsSync(join(dir, 'nofont.pdf'))).toBe(false)
    expect(existsSync(join(dir, 'nofont.pdf.partial'))).toBe(false)
  })
})
