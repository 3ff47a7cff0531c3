/**
 * Local adapter: a plain QR code (npm `qrcode`, error correction M) pointing at the H5 entry page,
 * ${APP_PUBLIC_URL}/packages/certify/index?scene=n%3D<code> — what a phone camera or the browser opens
 * when there is no WeChat. The modules are written as an 8-bit grayscale PNG without alpha, which
 * pdfkit embeds as is (qrcode's own PNG is RGBA, which pdfkit has to split and re-compress per page).
 */
import { deflateSync } from 'node:zlib'
import QRCode from 'qrcode'
import { type MiniProgramCodeImage, type MiniProgramCodePort, type MiniProgramCodeRequest } from './port'

export interface LocalQrOptions {
  /** APP_PUBLIC_URL */
  publicUrl: string
  /** Pixels per module (default 6). */
  scale?: number
  /** Quiet zone in modules (default 4, as the QR standard asks). */
  margin?: number
}

/** The H5 address for a page and scene: the scene travels URL-encoded in `?scene=` like WeChat's. */
export function h5UrlFor(publicUrl: string, req: MiniProgramCodeRequest): string {
  return `${publicUrl.replace(/\/+$/, '')}/${req.page}?scene=${encodeURIComponent(req.scene)}`
}

export class LocalQrCodes implements MiniProgramCodePort {
  readonly kind = 'local' as const

  constructor(private readonly opts: LocalQrOptions) {}

  url(req: MiniProgramCodeRequest): string {
    return h5UrlFor(this.opts.publicUrl, req)
  }

  async render(req: MiniProgramCodeRequest): Promise<MiniProgramCodeImage> {
    // A fixed mask pattern: any of the 8 is valid for decoders; letting qrcode score all 8 costs ~15×.
    const qr = QRCode.create(this.url(req), { errorCorrectionLevel: 'M', maskPattern: 2 })
    return { bytes: grayPng(qr.modules.size, (x, y) => qr.modules.get(x, y) === 1, this.opts.scale ?? 6, this.opts.margin ?? 4), format: 'png' }
  }
}

// ───────── a minimal PNG writer: 8-bit grayscale, filter 0, one IDAT ─────────

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

function crc32(buf: Buffer): number {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

export function grayPng(modules: number, dark: (x: number, y: number) => boolean, scale: number, margin: number): Buffer {
  const side = (modules + 2 * margin) * scale
  const stride = side + 1
  const raw = Buffer.alloc(stride * side, 0xff)
  for (let my = 0; my < modules; my++) {
    // one pixel row per module row, then copied `scale` times
    const first = (margin + my) * scale * stride
    raw[first] = 0 // filter: none
    for (let mx = 0; mx < modules; mx++) {
      if (dark(mx, my)) raw.fill(0, first + 1 + (margin + mx) * scale, first + 1 + (margin + mx + 1) * scale)
    }
    for (let k = 1; k < scale; k++) raw.copy(raw, first + k * stride, first, first + stride)
  }
  for (let y = 0; y < side; y++) raw[y * stride] = 0 // filter byte of every row: none
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(side, 0)
  ihdr.writeUInt32BE(side, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 0 // grayscale
  ihdr[10] = 0
  ihdr[11] = 0
  ihdr[12] = 0
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}
