/**
 * The @vladmandic/human configuration of the H5 face tracker: the SAME face settings the liveness
 * traces were made with (../shared/liveness/tools/trace.js), because the engine was tuned on them:
 * blazeface detector with rotation and up to 3 faces, mesh + iris (478 points), no frame-skip caching
 * (`cacheSensitivity: 0`), no input filter, every other model off.
 *
 * Only the backend and the URLs differ from the traces: WebGL or WASM in the browser, and the model
 * and .wasm files come from our own gateway (see vendor-paths.ts), never from Human's default CDN.
 */
import type { Config } from '@vladmandic/human'
import { HUMAN_TRACE_SETTINGS } from '../../core/liveness/adapters/human-settings'
import { humanModelsPath, tfjsWasmPath } from './vendor-paths'

export type TrackerBackend = 'webgl' | 'wasm'

/** The models the configuration below loads (Human's names; checked after load). */
export const REQUIRED_MODELS: readonly string[] = ['blazeface', 'facemesh', 'iris']

export interface HumanConfigInput {
  backend: TrackerBackend
  /** Human's version (`human.version`): part of the model URL. */
  humanVersion: string
  /** The tfjs version bundled in Human (`human.tf.version_core`): part of the .wasm URL. */
  tfjsVersion: string
}

export function humanConfig({ backend, humanVersion, tfjsVersion }: HumanConfigInput): Partial<Config> {
  return {
    backend,
    modelBasePath: humanModelsPath(humanVersion),
    wasmPath: tfjsWasmPath(tfjsVersion),
    wasmPlatformFetch: false,
    // Versioned URLs + long HTTP cache instead of Human's IndexedDB cache (keyed by model name only,
    // so it would survive an upgrade of the models).
    cacheModels: false,
    debug: false,
    async: false,
    warmup: 'none',
    ...HUMAN_TRACE_SETTINGS,
  } as Partial<Config>
}
