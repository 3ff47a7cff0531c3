/**
 * The console's files at /agency/: index.html for every page path (never cached, strict CSP),
 * hashed assets cached for a year, a Chinese page when the console is not built, API 404s stay
 * JSON, no path escapes the build folder. Through the whole app on both stores.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { startHarness, type Harness } from '../helpers/harness'

const INDEX = '<!doctype html><html><head><script type="module" src="/agency/assets/main-ABC123.js"></script></head><body><div id="root"></div></body></html>'
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))})`

describe.each(DIALECTS)('agency console files (%s)', (dialect) => {
  let h: Harness
  let built: string
  let missing: string
  let other: Harness

  beforeAll(async () => {
    built = mkdtempSync(join(tmpdir(), 'console-'))
    mkdirSync(join(built, 'assets'))
    writeFileSync(join(built, 'index.html'), INDEX)
    writeFileSync(join(built, 'assets', 'main-ABC123.js'), SCRIPT)
    writeFileSync(join(built, 'secret.txt'), 'outside assets')
    missing = join(built, 'not-there')
    h = await startHarness(dialect, { build: { consoleDir: built } })
    other = await startHarness(dialect, { build: { consoleDir: missing } })
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => {
    await h?.close()
    await other?.close()
    rmSync(built, { recursive: true, force: true })
  })

  it('answers index.html for the root and every page path, never cached, with a CSP allowing only own scripts', async () => {
    for (const url of ['/agency/', '/agency/reviews', '/agency/persons/42']) {
      const res = await h.app.inject({ method: 'GET', url })
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toContain('text/html')
      expect(res.headers['cache-control']).toBe('no-cache')
      expect(res.body).toBe(INDEX)
      const csp = String(res.headers['content-security-policy'])
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toMatch(/script-src[^;]*unsafe/)
    }
    const bare = await h.app.inject({ method: 'GET', url: '/agency' })
    expect(bare.statusCode).toBe(301)
    expect(bare.headers.location).toBe('/agency/')
  })

  it('serves hashed assets for a year, gzipped when asked', async () => {
    const plain = await h.app.inject({ method: 'GET', url: '/agency/assets/main-ABC123.js' })
    expect(plain.statusCode).toBe(200)
    expect(plain.headers['content-type']).toContain('text/javascript')
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(plain.body).toBe(SCRIPT)
    const zipped = await h.app.inject({ method: 'GET', url: '/agency/assets/main-ABC123.js', headers: { 'accept-encoding': 'gzip, deflate' } })
    expect(zipped.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(SCRIPT)
  })

  it('answers 404 for unknown assets and never leaves the assets folder', async () => {
    for (const url of ['/agency/assets/main-NOPE.js', '/agency/assets/..%2Fsecret.txt', '/agency/assets/%2e%2e%2fsecret.txt', '/agency/assets/..%5Csecret.txt']) {
      const res = await h.app.inject({ method: 'GET', url })
      expect(res.statusCode).toBe(404)
      expect(res.body).not.toContain('outside assets')
    }
  })

  it('keeps unknown API paths as JSON 404s', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/agency/api/no-such-thing' })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: expect.objectContaining({ code: 'NOT_FOUND' }) })
  })

  it('says in Chinese how to build the console when it is not built', async () => {
    const res = await other.app.inject({ method: 'GET', url: '/agency/overdue' })
    expect(res.statusCode).toBe(503)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.body).toContain('npm run build:console')
    expect(res.body).toContain('还没有构建')
  })
})
