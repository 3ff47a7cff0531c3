/**
 * The printed notice: one A4 page per person, drawn with pdfkit in Noto Sans CJK SC (Debian's
 * fonts-noto-cjk). Pages are written to the output stream as they are made (pdfkit flushes each page
 * when the next begins), so memory stays flat for any number of notices; only the font subset grows,
 * bounded by the characters used.
 *
 * Page: title, "<full name> 您好", the reason, the deadline as a day (请在2027年3月31日前完成认证) — or, for a
 * suspended person, that payment is suspended and comes back the month after certifying —, three large steps (微信扫码 → 按提示眨眼转头 →
 * 看到认证通过), the code image, the agency hotline. The full name is printed because the notice is
 * mailed to that person by the agency; the code itself carries no personal data.
 */
import { existsSync } from 'node:fs'
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import PDFDocument from 'pdfkit'
import { NOTICE_FONT_NAME } from './config'

export const A4 = { width: 595.28, height: 841.89 } as const
export const MARGIN = 56
export const NOTICE_TITLE = '养老保险待遇资格认证通知'
/** Where the title is drawn (for tests that compare glyph rendering): centred line at this y, this size. */
export const TITLE_Y = 64
export const TITLE_SIZE = 26
export const STEPS = ['微信扫码', '按提示眨眼转头', '看到认证通过'] as const
export const CODE_SIZE = 190

export class NoticeFontMissingError extends Error {
  constructor(readonly fontPath: string) {
    super(
      `缺少中文字体 ${fontPath}（Debian 软件包 fonts-noto-cjk）。请先运行 npm run setup:system 安装，或用 NOTICE_FONT_PATH 指定字体文件。` +
        ` / Chinese font missing: ${fontPath} (Debian package fonts-noto-cjk). Run npm run setup:system, or set NOTICE_FONT_PATH.`,
    )
    this.name = 'NoticeFontMissingError'
  }
}

export interface NoticePage {
  /** Full name: the notice is mailed to this person. */
  name: string
  /** 下次认证日期, e.g. 2027年3月 (printed only when deadlineLabel is missing). */
  nextDueMonthLabel: string
  /** The last day to certify, e.g. 2027年3月31日. */
  deadlineLabel?: string
  /** Set when payment is suspended: since when, e.g. 2026年9月. */
  suspendedSinceLabel?: string
  /** The code image (PNG or JPEG); omitted only by the benchmark's baseline. */
  image?: Buffer
}

export interface NoticePdfOptions {
  fontPath: string
  hotline: string
  /** Stop writing pages while this many bytes wait in pdfkit's buffer (default 1 MB). */
  highWaterBytes?: number
}

export class NoticePdfWriter {
  private readonly doc: PDFKit.PDFDocument
  private readonly finished: Promise<void>
  pages = 0

  constructor(
    private readonly out: Writable,
    private readonly opts: NoticePdfOptions,
  ) {
    if (!existsSync(opts.fontPath)) throw new NoticeFontMissingError(opts.fontPath)
    this.doc = new PDFDocument({ size: 'A4', autoFirstPage: false, margin: MARGIN, info: { Title: NOTICE_TITLE, Creator: '银龄认证' } })
    this.doc.registerFont('cjk', opts.fontPath, NOTICE_FONT_NAME)
    this.finished = new Promise((resolve, reject) => {
      out.once('finish', resolve)
      out.once('error', reject)
      this.doc.once('error', reject)
    })
    this.doc.pipe(out)
  }

  async add(page: NoticePage): Promise<void> {
    drawNotice(this.doc, page, this.opts.hotline)
    this.pages++
    // Let the output catch up: pdfkit pushes without looking at backpressure, so wait while its
    // buffer is over the limit (for the output's 'drain' when it is the slow one).
    const limit = this.opts.highWaterBytes ?? 1024 * 1024
    while (this.doc.readableLength > limit) {
      if (this.out.writableNeedDrain) await once(this.out, 'drain')
      else await new Promise((r) => setImmediate(r))
    }
  }

  async end(): Promise<void> {
    this.doc.end()
    await this.finished
  }

  /** Aborts: the output is left incomplete (the caller removes it). */
  destroy(): void {
    this.doc.unpipe(this.out)
    this.out.destroy()
  }
}

/** Draws one notice on a new page. */
export function drawNotice(doc: PDFKit.PDFDocument, page: NoticePage, hotline: string): void {
  doc.addPage({ size: 'A4', margin: MARGIN })
  const width = A4.width - 2 * MARGIN
  doc.font('cjk').fillColor('#000000')

  doc.fontSize(TITLE_SIZE).text(NOTICE_TITLE, MARGIN, TITLE_Y, { width, align: 'center', lineBreak: false })
  doc.moveTo(MARGIN, TITLE_Y + 44).lineTo(A4.width - MARGIN, TITLE_Y + 44).lineWidth(1.5).stroke('#0A58A8')

  doc.fillColor('#000000').fontSize(20).text(`${page.name} 您好：`, MARGIN, 130, { width })
  const reason = page.suspendedSinceLabel
    ? `您的养老金已从${page.suspendedSinceLabel}起暂停发放。完成认证后次月恢复发放，并补发暂停期间的养老金。`
    : '请您按时完成本年度养老保险待遇资格认证。逾期未认证的，将暂停发放养老金；认证通过后次月恢复发放并补发。'
  doc.fontSize(15).text(reason, MARGIN, 166, { width, lineGap: 6 })
  const headline = page.suspendedSinceLabel
    ? '养老金已暂停发放，请尽快认证'
    : page.deadlineLabel
      ? `请在${page.deadlineLabel}前完成认证`
      : `下次认证日期：${page.nextDueMonthLabel}`
  doc.fontSize(22).text(headline, MARGIN, 236, { width })

  doc.fontSize(18).text('只需三步：', MARGIN, 288, { width })
  STEPS.forEach((step, i) => {
    const y = 322 + i * 40
    doc.circle(MARGIN + 16, y + 12, 15).fill('#0A58A8')
    doc.fillColor('#FFFFFF').fontSize(18).text(String(i + 1), MARGIN + 1, y + 1, { width: 30, align: 'center', lineBreak: false })
    doc.fillColor('#000000').fontSize(20).text(step, MARGIN + 44, y, { width: width - 44, lineBreak: false })
  })

  const codeY = 452
  const codeX = (A4.width - CODE_SIZE) / 2
  if (page.image) doc.image(page.image, codeX, codeY, { width: CODE_SIZE, height: CODE_SIZE })
  else doc.rect(codeX, codeY, CODE_SIZE, CODE_SIZE).lineWidth(1).stroke('#999999')
  doc.fillColor('#000000').fontSize(16).text('请用微信“扫一扫”扫描上方二维码', MARGIN, codeY + CODE_SIZE + 12, { width, align: 'center' })

  doc.fontSize(18).text(`咨询电话：${hotline}`, MARGIN, 700, { width, align: 'center', lineBreak: false })
  doc
    .fontSize(11)
    .fillColor('#444444')
    .text('本通知由社会保险经办机构寄送。二维码仅用于您本人的资格认证，请勿转给他人。', MARGIN, 740, { width, align: 'center', lineBreak: false })
  doc.text('认证全程免费。社保部门的工作人员不会向您要银行卡号、密码或短信验证码，谨防诈骗。', MARGIN, 758, { width, align: 'center', lineBreak: false })
}
