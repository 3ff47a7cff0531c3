/**
 * URLs under which the local gateway serves the face tracker's files (servers/gateway/vendor.ts),
 * shared by the gateway and the H5 face source. The versions are part of the URL, so the files can be
 * cached for a year (`immutable`) and an upgrade of @vladmandic/human or tfjs changes the URL.
 * Nothing is ever fetched from a CDN.
 */

export const VENDOR_PREFIX = '/vendor/'

/** Human's model files (blazeface, facemesh, iris): `/vendor/human/<human version>/models/`. */
export function humanModelsPath(humanVersion: string): string {
  return `${VENDOR_PREFIX}human/${humanVersion}/models/`
}

/** tfjs-backend-wasm's .wasm binaries: `/vendor/tfjs-wasm/<tfjs version>/` (must end with '/'). */
export function tfjsWasmPath(tfjsVersion: string): string {
  return `${VENDOR_PREFIX}tfjs-wasm/${tfjsVersion}/`
}

/** The model files the H5 tracker's configuration loads (detector, mesh, iris); nothing else is served. */
export const HUMAN_MODEL_FILES: readonly string[] = [
  'blazeface.json',
  'blazeface.bin',
  'facemesh.json',
  'facemesh.bin',
  'iris.json',
  'iris.bin',
]

/** tfjs-backend-wasm binaries (plain, SIMD, threaded SIMD: tfjs picks one at run time). */
export const TFJS_WASM_FILES: readonly string[] = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
]
