/**
 * The production mini-program code adapter against a local fake of wxacode.getUnlimited as documented
 * (WECHAT-FACTS §7): POST /wxa/getwxacodeunlimit?access_token= {scene ≤ 32 allowed chars, page without
 * "/" or query, check_path, env_version, width 280–1280} → image bytes, or JSON {errcode, errmsg}.
 * Fake-side errcodes: 41001 no token, 40001 bad token, 40169 scene invalid, 41030 page not found
 * (check_path true and the page unpublished), 40097 invalid args, 45009 frequency limit.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { StableTokenProvider, WechatApiError, WechatUnavailableError } from '../../../server/wechat/access-token'
import { WechatMiniProgramCodes } from '../../../server/wechat/wxacode/wechat'

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)])
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)])
const SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/

class FakeWxacode {
  base = ''
  calls: { path: string; token?: string; body: Record<string, unknown> }[] = []
  published = new Set(['packages/certify/index'])
  tokens = new Set<string>()
  next: number[] = []
  private n = 0
  private server?: Server

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r))
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }
  stop = () => new Promise<void>((r) => this.server!.close(() => r()))

  private json(res: ServerResponse, body: unknown) {
    res.writeHead(200, { 'content-type': 'application/json; encoding=utf-8' }).end(JSON.stringify(body))
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const url = new URL(req.url!, this.base)
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>
    const token = url.searchParams.get('access_token') ?? undefined
    this.calls.push({ path: url.pathname, token, body })
    if (url.pathname === '/cgi-bin/stable_token') {
      const t = `tok${++this.n}`
      this.tokens.add(t)
      return this.json(res, { access_token: t, expires_in: 7200 })
    }
    if (url.pathname !== '/wxa/getwxacodeunlimit') return this.json(res, { errcode: 404 })
    if (!token) return this.json(res, { errcode: 41001, errmsg: 'access_token missing' })
    if (!this.tokens.has(token)) return this.json(res, { errcode: 40001, errmsg: 'invalid credential' })
    const forced = this.next.shift()
    if (forced !== undefined) return this.json(res, { errcode: forced, errmsg: 'forced' })
    const { scene, page, check_path, env_version, width } = body
    if (typeof scene !== 'string' || !SCENE.test(scene)) return this.json(res, { errcode: 40169, errmsg: 'invalid length for scene' })
    if (typeof page !== 'string' || page.startsWith('/') || page.includes('?')) return this.json(res, { errcode: 40097, errmsg: 'invalid args' })
    if (check_path !== false && !this.published.has(page)) return this.json(res, { errcode: 41030, errmsg: 'invalid page' })
    if (!['release', 'trial', 'develop'].includes(String(env_version)) || typeof width !== 'number' || width < 280 || width > 1280) return this.json(res, { errcode: 40097, errmsg: 'invalid args' })
    res.writeHead(200, { 'content-type': env_version === 'develop' ? 'image/png' : 'image/jpeg' }).end(env_version === 'develop' ? PNG : JPEG)
  }
}

describe('WechatMiniProgramCodes (wxacode.getUnlimited over HTTPS) against a local fake', () => {
  const fake = new FakeWxacode()
  beforeAll(() => fake.start())
  afterAll(() => fake.stop())
  const adapter = (over: Partial<ConstructorParameters<typeof WechatMiniProgramCodes>[0]> = {}) => {
    const tokens = new StableTokenProvider({ apiBase: fake.base, appId: 'wx0123456789abcdef', secret: '0123456789abcdef0123456789abcdef' })
    return { tokens, codes: new WechatMiniProgramCodes({ apiBase: fake.base, tokens, envVersion: 'release', checkPath: true, width: 430, ...over }) }
  }
  const req = { scene: 'n=Ab3dE5gH7jK9', page: 'packages/certify/index' }

  it('sends exactly the documented fields and returns the image bytes', async () => {
    const { codes } = adapter()
    const img = await codes.render(req)
    expect(img).toEqual({ bytes: JPEG, format: 'jpeg' })
    expect(fake.calls.at(-1)).toEqual({
      path: '/wxa/getwxacodeunlimit',
      token: expect.stringMatching(/^tok/),
      body: { scene: 'n=Ab3dE5gH7jK9', page: 'packages/certify/index', check_path: true, env_version: 'release', width: 430 },
    })
    const dev = await adapter({ envVersion: 'develop', checkPath: false, width: 280 }).codes.render(req)
    expect(dev.format).toBe('png')
  })

  it('refreshes a refused token once and retries', async () => {
    const { codes, tokens } = adapter()
    await codes.render(req)
    fake.tokens.clear() // every issued token now answers 40001
    const before = fake.calls.length
    expect((await codes.render(req)).format).toBe('jpeg')
    expect(fake.calls.slice(before).map((c) => c.path)).toEqual(['/wxa/getwxacodeunlimit', '/cgi-bin/stable_token', '/wxa/getwxacodeunlimit'])
    void tokens
  })

  it('page not published (check_path) → WechatApiError 41030; rate limit 45009 → unavailable (retry later)', async () => {
    const { codes } = adapter()
    await expect(codes.render({ ...req, page: 'packages/unpublished/index' })).rejects.toEqual(new WechatApiError(41030, 'getwxacodeunlimit'))
    fake.next.push(45009)
    await expect(codes.render(req)).rejects.toBeInstanceOf(WechatUnavailableError)
  })

  it('refuses a scene WeChat would refuse, before calling', async () => {
    const { codes } = adapter()
    const before = fake.calls.length
    await expect(codes.render({ ...req, scene: 'n=' + 'A'.repeat(31) })).rejects.toBeInstanceOf(RangeError)
    await expect(codes.render({ ...req, scene: 'n=中文' })).rejects.toBeInstanceOf(RangeError)
    await expect(codes.render({ ...req, page: '/packages/certify/index' })).rejects.toBeInstanceOf(RangeError)
    expect(fake.calls.length).toBe(before)
  })
})
