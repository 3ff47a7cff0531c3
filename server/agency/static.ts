/**
 * Serves the built agency console (dist/console, `npm run build:console`) at /agency/: hashed
 * assets cached for a year, index.html never cached and answered for every page path (the console
 * routes by path), under a Content-Security-Policy that allows only this origin's scripts. Without
 * a build, a plain Chinese page says how to build it. /agency/api/* is never answered here.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'

export const DEFAULT_CONSOLE_DIR = resolve(__dirname, '..', '..', 'dist', 'console')

/**
 * Scripts only from this origin (no inline script, no eval). Ant Design writes its styles as
 * <style> elements at run time, hence 'unsafe-inline' for styles only. data:/blob: images: the
 * enrolment QR code and evidence photos.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
}
const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.txt', '.svg'])
/** esbuild's hashed names: letters, digits, dot, dash (never a path). */
const ASSET_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.[a-z0-9]+$/

export interface ConsoleStaticOptions {
  /** The built console; default dist/console. */
  dir?: string
}

interface Loaded {
  mtimeMs: number
  body: Buffer
  gzip: Buffer | null
}

export const agencyConsole: FastifyPluginAsync<ConsoleStaticOptions> = async (app, opts) => {
  const dir = opts.dir ?? DEFAULT_CONSOLE_DIR
  // Files are small and few; keep them (and their gzip) until the build replaces them.
  const cache = new Map<string, Loaded>()
  const load = async (path: string): Promise<Loaded | null> => {
    let mtimeMs: number
    try {
      const st = await stat(path)
      if (!st.isFile()) return null
      mtimeMs = st.mtimeMs
    } catch {
      return null
    }
    const hit = cache.get(path)
    if (hit && hit.mtimeMs === mtimeMs) return hit
    const body = await readFile(path)
    const loaded = { mtimeMs, body, gzip: COMPRESSIBLE.has(extname(path)) && body.length > 1024 ? gzipSync(body) : null }
    cache.set(path, loaded)
    return loaded
  }
  const send = (req: FastifyRequest, reply: FastifyReply, file: Loaded, type: string) => {
    reply.header('content-type', type)
    reply.header('content-security-policy', CONSOLE_CSP)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('vary', 'accept-encoding')
    if (file.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      reply.header('content-encoding', 'gzip')
      return reply.send(file.gzip)
    }
    return reply.send(file.body)
  }
  const notBuilt = (reply: FastifyReply) =>
    reply
      .code(503)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', CONSOLE_CSP)
      .send(NOT_BUILT_PAGE)
  const index = async (req: FastifyRequest, reply: FastifyReply) => {
    const file = await load(join(dir, 'index.html'))
    if (!file) return notBuilt(reply)
    reply.header('cache-control', 'no-cache')
    return send(req, reply, file, TYPES['.html'])
  }
  // Static files are not API calls: the per-caller rate limit would only slow a page load.
  const config = { rateLimit: false as const }

  app.get('/agency', { config }, async (_req, reply) => reply.redirect('/agency/', 301))
  app.get('/agency/', { config }, index)
  app.get<{ Params: { name: string } }>('/agency/assets/:name', { config }, async (req, reply) => {
    const name = req.params.name
    const file = ASSET_NAME.test(name) ? await load(join(dir, 'assets', name)) : null
    if (!file) return reply.code(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('没有这个文件')
    reply.header('cache-control', 'public, max-age=31536000, immutable')
    return send(req, reply, file, TYPES[extname(name)] ?? 'application/octet-stream')
  })
  app.get('/agency/*', { config }, async (req, reply) => {
    // An unknown API path stays a JSON 404, never the app's page.
    if (req.url.startsWith('/agency/api/') || req.url === '/agency/api') return reply.callNotFound()
    return index(req, reply)
  })
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>工作台尚未构建</title>
<style>body{font:16px/1.7 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#1f2329}code{background:#f0f2f5;padding:2px 6px;border-radius:4px}</style>
</head><body>
<h1>经办机构工作台还没有构建</h1>
<p>服务器已经在运行，但还没有找到工作台的页面文件（dist/console）。</p>
<p>请在项目目录运行 <code>npm run build:console</code>，完成后刷新本页。用 <code>npm start</code> 启动时会自动构建。</p>
</body></html>
`
