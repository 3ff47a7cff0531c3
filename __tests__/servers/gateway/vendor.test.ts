/**
 * The gateway serves the H5 face tracker's files (Human's models, tfjs .wasm) itself, at versioned
 * URLs with long cache headers and the right content types, and nothing else under /vendor/.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Fastify from 'fastify'
import { buildGateway } from '../../../servers/gateway/app'
import { VENDOR_CACHE_CONTROL, registerVendorRoutes, vendorFiles } from '../../../servers/gateway/vendor'
import { HUMAN_MODEL_FILES, TFJS_WASM_FILES, humanModelsPath, tfjsWasmPath } from '../../../src/liveness/h5/vendor-paths'

const root = join(__dirname, '..', '..', '..')
const humanVersion = JSON.parse(readFileSync(join(root, 'node_modules/@vladmandic/human/package.json'), 'utf8')).version as string
const wasmVersion = JSON.parse(readFileSync(join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/package.json'), 'utf8')).version as string

function app() {
  const a = Fastify()
  registerVendorRoutes(a)
  return a
}

test('the URL set is exactly the tracker models and the tfjs wasm binaries, at the installed versions', () => {
  const urls = [...vendorFiles().keys()].sort()
  const expected = [
    ...HUMAN_MODEL_FILES.map((f) => humanModelsPath(humanVersion) + f),
    ...TFJS_WASM_FILES.map((f) => tfjsWasmPath(wasmVersion) + f),
  ].sort()
  expect(urls).toEqual(expected)
  expect(humanModelsPath(humanVersion)).toBe(`/vendor/human/${humanVersion}/models/`)
  expect(tfjsWasmPath(wasmVersion)).toBe(`/vendor/tfjs-wasm/${wasmVersion}/`)
})

test('model JSON, model weights and wasm are served with their types and a year of immutable caching', async () => {
  const a = app()
  const json = await a.inject({ method: 'GET', url: humanModelsPath(humanVersion) + 'facemesh.json' })
  expect(json.statusCode).toBe(200)
  expect(json.headers['content-type']).toBe('application/json; charset=utf-8')
  expect(json.headers['cache-control']).toBe(VENDOR_CACHE_CONTROL)
  expect(JSON.parse(json.body).weightsManifest).toBeDefined()

  const bin = await a.inject({ method: 'GET', url: humanModelsPath(humanVersion) + 'blazeface.bin' })
  expect(bin.statusCode).toBe(200)
  expect(bin.headers['content-type']).toBe('application/octet-stream')
  expect(bin.rawPayload.length).toBe(Number(bin.headers['content-length']))

  const wasm = await a.inject({ method: 'GET', url: tfjsWasmPath(wasmVersion) + 'tfjs-backend-wasm-simd.wasm' })
  expect(wasm.statusCode).toBe(200)
  expect(wasm.headers['content-type']).toBe('application/wasm')
  expect(wasm.headers['cache-control']).toBe(VENDOR_CACHE_CONTROL)
  // WebAssembly magic number: \0asm
  expect([...wasm.rawPayload.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d])

  // Revalidation with the ETag → 304, no body.
  const again = await a.inject({ method: 'GET', url: tfjsWasmPath(wasmVersion) + 'tfjs-backend-wasm-simd.wasm', headers: { 'if-none-match': String(wasm.headers.etag) } })
  expect(again.statusCode).toBe(304)
  expect(again.body).toBe('')
  await a.close()
})

test('anything else under /vendor/ is a 404: unused models, other versions, traversal, package files', async () => {
  const a = app()
  for (const url of [
    humanModelsPath(humanVersion) + 'faceres.json', // a model the tracker does not use
    humanModelsPath('0.0.1') + 'facemesh.json', // another version
    tfjsWasmPath('0.0.1') + 'tfjs-backend-wasm.wasm',
    humanModelsPath(humanVersion) + '../package.json',
    humanModelsPath(humanVersion) + '..%2F..%2Fpackage.json',
    '/vendor/human/',
    '/vendor/',
  ]) {
    const res = await a.inject({ method: 'GET', url })
    expect({ url, status: res.statusCode }).toEqual({ url, status: 404 })
    expect(res.headers['cache-control']).toBe('no-store')
  }
  await a.close()
})

test('the gateway registers the vendor routes next to its API and the H5 build', async () => {
  const gw = buildGateway({ backendUrl: 'http://127.0.0.1:9', hmacKeyId: 'k', hmacSecret: 'test-secret', h5Dir: null, nodeEnv: 'test' })
  const res = await gw.inject({ method: 'GET', url: humanModelsPath(humanVersion) + 'iris.json' })
  expect(res.statusCode).toBe(200)
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
  expect(res.headers['x-content-type-options']).toBe('nosniff')
  const missing = await gw.inject({ method: 'GET', url: '/vendor/human/x/models/iris.json' })
  expect(missing.statusCode).toBe(404)
  expect(missing.headers['content-type']).toMatch(/^application\/json/)
  await gw.close()
})
