/**
 * Mini-program codes for printed notices (DESIGN §2: every platform capability behind a port).
 *   production: WechatMiniProgramCodes — wxacode.getUnlimited over HTTPS from the backend
 *               (POST /wxa/getwxacodeunlimit?access_token=…), see server/wechat/wxacode/wechat.ts;
 *   local:      LocalQrCodes — a plain QR code (npm `qrcode`) pointing at the H5 entry page.
 * Both take the same request: the page (no leading "/", no query) and the scene (≤ 32 allowed chars).
 */
export interface MiniProgramCodeRequest {
  /** e.g. "n=Ab3dE5gH7jK9" */
  scene: string
  /** e.g. "packages/certify/index" */
  page: string
}

export interface MiniProgramCodeImage {
  bytes: Buffer
  format: 'png' | 'jpeg'
}

export interface MiniProgramCodePort {
  readonly kind: 'wechat' | 'local'
  render(request: MiniProgramCodeRequest): Promise<MiniProgramCodeImage>
}

/** Image bytes → format by magic number (PNG 89 50 4E 47, JPEG FF D8 FF), or undefined. */
export function sniffImage(bytes: Buffer): MiniProgramCodeImage['format'] | undefined {
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png'
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  return undefined
}
