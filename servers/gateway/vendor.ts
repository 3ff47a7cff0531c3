/**
 * Serves the H5 face tracker's third-party files from our own origin (never a CDN):
 *
 *   GET /vendor/human/<human version>/models/<file>   blazeface, facemesh, iris (.json + .bin) from
 *                                                     node_modules/@vladmandic/human/models/
 *   GET /vendor/tfjs-wasm/<tfjs version>/<file>.wasm  node_modules/@tensorflow/tfjs-backend-wasm/dist/
 *
 * Only the listed files (src/liveness/h5/vendor-paths.ts) at the installed versions; anything else
 * under /vendor/ is a 404 (never the single-page app). The versions are in the URL, so the answers
 * are cached for a year as immutable.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs'
import { dirname, extname, join } from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { appError } from '../../src/core/errors'
import { HUMAN_MODEL_FILES, TFJS_WASM_FILES, VENDOR_PREFIX, humanModelsPath, tfjsWasmPath } from '../../src/liveness/h5/vendor-paths'

const TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
}

export const VENDOR_CACHE_CONTROL = 'public, max-age=31536000, immutable'

export interface VendorFile {
  path: string
  size: number
  mtime: Date
  etag: string
  type: string
}

export interface VendorOptions {
  /** Folder of @vladmandic/human (default: resolved from node_modules). */
  humanDir?: string
  /** Folder of @tensorflow/tfjs-backend-wasm (default: resolved from node_modules). */
  tfjsWasmDir?: string
}

/** The root folder of an installed package (its `exports` may hide package.json, so walk up from its entry). */
function packageRoot(name: string): string {
  let dir = dirname(require.resolve(name))
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }
      if (pkg.name === name) return dir
    } catch {
      // keep walking up
    }
    dir = dirname(dir)
  }
  throw new Error(`vendor: cannot find the folder of ${name}`)
}

function packageVersion(dir: string): string {
  return String((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version)
}

/** URL path → file on disk, for exactly the files the H5 tracker needs. */
export function vendorFiles(opts: VendorOptions = {}): Map<string, VendorFile> {
  const humanDir = opts.humanDir ?? packageRoot('@vladmandic/human')
  const wasmDir = opts.tfjsWasmDir ?? packageRoot('@tensorflow/tfjs-backend-wasm')
  const files = new Map<string, VendorFile>()
  const add = (url: string, path: string) => {
    const st = statSync(path)
    files.set(url, {
      path,
      size: st.size,
      mtime: st.mtime,
      etag: `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`,
      type: TYPES[extname(path)] ?? 'application/octet-stream',
    })
  }
  const modelsUrl = humanModelsPath(packageVersion(humanDir))
  for (const f of HUMAN_MODEL_FILES) add(modelsUrl + f, join(humanDir, 'models', f))
  const wasmUrl = tfjsWasmPath(packageVersion(wasmDir))
  for (const f of TFJS_WASM_FILES) add(wasmUrl + f, join(wasmDir, 'dist', f))
  return files
}

/** Registers GET/HEAD /vendor/* on the gateway. */
export function registerVendorRoutes(app: FastifyInstance, opts: VendorOptions = {}): void {
  const files = vendorFiles(opts)
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0]
    const file = files.get(path)
    if (!file) return reply.code(404).header('cache-control', 'no-store').send({ ok: false, error: appError('NOT_FOUND') })
    reply
      .header('cache-control', VENDOR_CACHE_CONTROL)
      .header('etag', file.etag)
      .header('last-modified', file.mtime.toUTCString())
      .type(file.type)
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send()
    reply.header('content-length', String(file.size))
    if (request.method === 'HEAD') return reply.send()
    return reply.send(createReadStream(file.path))
  }
  app.get(`${VENDOR_PREFIX}*`, handler)
}
