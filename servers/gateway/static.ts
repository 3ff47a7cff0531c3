/**
 * Serves the H5 build (dist/h5) from the gateway's own origin, with a single-page-app fallback to
 * index.html. Small on purpose: no directory listings, no dotfiles, nothing outside the root.
 */
import { createReadStream, existsSync, realpathSync, statSync, type Stats } from 'node:fs'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { appError } from '../../src/core/errors'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.bin': 'application/octet-stream',
}

/** Paths owned by the gateway's API: never answered with the SPA page. */
const API_PREFIXES = ['/fn/', '/auth/', '/healthz', '/readyz']

export const H5_NOT_BUILT_MESSAGE = 'H5 应用还没有构建。请运行 npm run build:h5 后刷新页面。'

export function createStaticHandler(h5Dir: string | null | undefined) {
  const root = h5Dir && existsSync(h5Dir) ? realpathSync(resolve(h5Dir)) : null

  return async function serveStatic(request: FastifyRequest, reply: FastifyReply) {
    const rawPath = request.url.split('?')[0].split('#')[0]
    if (API_PREFIXES.some((p) => rawPath === p.replace(/\/$/, '') || rawPath.startsWith(p))) {
      return reply.code(404).send({ ok: false, error: appError('NOT_FOUND') })
    }
    let urlPath: string
    try {
      urlPath = decodeURIComponent(rawPath)
    } catch {
      return reply.code(400).send({ ok: false, error: appError('BAD_REQUEST') })
    }
    if (urlPath.includes('\0') || urlPath.includes('\\')) return reply.code(400).send({ ok: false, error: appError('BAD_REQUEST') })

    const index = root ? join(root, 'index.html') : null
    if (!root || !index || !existsSync(index)) {
      return reply.code(503).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(H5_NOT_BUILT_MESSAGE)
    }

    const segments = urlPath.split('/').filter(Boolean)
    const hidden = segments.some((s) => s.startsWith('.'))
    if (!hidden) {
      const candidate = resolve(root, normalize(segments.join('/')) || '.')
      const file = existingFile(root, candidate) ?? existingFile(root, join(candidate, 'index.html'))
      if (file) return sendFile(request, reply, file.path, file.stats)
    }
    // A path that names a file (has an extension) and is missing is a real 404; anything else is a
    // client-side route of the single-page app.
    if (hidden || extname(urlPath) !== '') {
      return reply.code(404).type('text/plain; charset=utf-8').send('未找到该文件')
    }
    return sendFile(request, reply, index, statSync(index))
  }
}

function existingFile(root: string, candidate: string): { path: string; stats: Stats } | null {
  if (candidate !== root && !candidate.startsWith(root + sep)) return null
  try {
    const real = realpathSync(candidate)
    if (real !== root && !real.startsWith(root + sep)) return null
    const stats = statSync(real)
    return stats.isFile() ? { path: real, stats } : null
  } catch {
    return null
  }
}

function sendFile(request: FastifyRequest, reply: FastifyReply, path: string, stats: Stats) {
  const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`
  reply
    .header('etag', etag)
    .header('last-modified', stats.mtime.toUTCString())
    // Local builds change often; always revalidate (answered cheaply with 304).
    .header('cache-control', 'no-cache')
    .type(TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream')
  if (request.headers['if-none-match'] === etag) return reply.code(304).send()
  reply.header('content-length', String(stats.size))
  return reply.send(createReadStream(path))
}
