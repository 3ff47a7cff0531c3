/**
 * Loads @vladmandic/human in the browser, once per page, on first use. Human (~2 MB with its bundled
 * tfjs) is a dynamic import so it becomes its own chunk and never lands in the main bundle; the models
 * and .wasm binaries come from our gateway (vendor-paths.ts).
 *
 * Backend: WebGL on a hardware GPU, else the WASM backend (tfjs' WebGL on a software rasteriser such
 * as SwiftShader is slower than WASM; see docs/h5-face-tracker.md for the numbers). When the first
 * choice fails to initialise or to load the models, the other one is tried.
 */
import type { Human as HumanInstance } from '@vladmandic/human'
import { humanConfig, REQUIRED_MODELS, type TrackerBackend } from './human-config'

export type BackendPreference = 'auto' | TrackerBackend

export interface LoadedTracker {
  human: HumanInstance
  backend: TrackerBackend
  /** Milliseconds spent importing Human, initialising the backend and loading the models. */
  loadMs: number
}

export class TrackerUnsupportedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TrackerUnsupportedError'
  }
}

interface WebglProbe {
  available: boolean
  software: boolean
  renderer: string
}

/** Whether WebGL exists here and whether it is a software rasteriser (SwiftShader, llvmpipe…). */
export function probeWebgl(): WebglProbe {
  try {
    const canvas = document.createElement('canvas')
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null
    if (!gl) return { available: false, software: false, renderer: '' }
    const ext = gl.getExtension('WEBGL_debug_renderer_info')
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER))
    gl.getExtension('WEBGL_lose_context')?.loseContext()
    return { available: true, software: /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer), renderer }
  } catch {
    return { available: false, software: false, renderer: '' }
  }
}

/** Backends to try, in order. */
export function backendOrder(pref: BackendPreference, webgl: WebglProbe, hasWasm: boolean): TrackerBackend[] {
  if (pref !== 'auto') return [pref]
  const order: TrackerBackend[] = webgl.available && !webgl.software ? ['webgl', 'wasm'] : ['wasm', 'webgl']
  return order.filter((b) => (b === 'webgl' ? webgl.available : hasWasm))
}

type HumanModule = typeof import('@vladmandic/human')

async function importHuman(): Promise<HumanModule> {
  // The browser ESM build (tfjs bundled in). Its package `exports` map resolves the bare name to
  // dist/human.esm.js for bundlers ("module"/"import" conditions).
  return import(/* webpackChunkName: "human" */ '@vladmandic/human')
}

async function tryBackend(mod: HumanModule, backend: TrackerBackend): Promise<HumanInstance> {
  const Human = (mod.Human ?? mod.default) as unknown as new (cfg?: object) => HumanInstance
  // A first instance only tells the bundled versions (they name the vendor URLs).
  const versions = new Human({ backend })
  const human = new Human(
    humanConfig({ backend, humanVersion: versions.version, tfjsVersion: String(versions.tf.version_core) }),
  )
  await human.load()
  const active = String(human.tf.getBackend())
  if (active !== backend) throw new TrackerUnsupportedError(`backend ${backend} did not start (active: ${active})`)
  // models.loaded() also lists a model whose download failed (Human keeps the empty GraphModel), so
  // read the per-model load stats instead.
  const stats = human.models.stats().modelStats
  const missing = REQUIRED_MODELS.filter((m) => !stats.some((st) => st.name === m && st.loaded))
  if (missing.length) throw new TrackerUnsupportedError(`models not loaded: ${missing.join(', ')}`)
  // One tiny op proves the backend computes (a WebGL context can exist and still fail here).
  const probe = human.tf.tidy(() => human.tf.add(human.tf.scalar(1), human.tf.scalar(1)))
  const two = (await probe.data())[0]
  probe.dispose()
  if (two !== 2) throw new TrackerUnsupportedError(`backend ${backend} computes wrong results`)
  // One detection on Human's built-in sample face runs every model once (kernel set-up, shader or
  // wasm warm-up: ~1 s here), so the camera's first frame is not the slow one. As in the traces.
  await human.warmup({ warmup: 'face' })
  return human
}

async function loadTracker(pref: BackendPreference): Promise<LoadedTracker> {
  const t0 = performance.now()
  const hasWasm = typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function'
  const order = backendOrder(pref, probeWebgl(), hasWasm)
  if (!order.length) throw new TrackerUnsupportedError('neither WebGL nor WebAssembly is available')
  let mod: HumanModule
  try {
    mod = await importHuman()
  } catch (e) {
    throw new TrackerUnsupportedError(`face tracker code failed to load: ${(e as Error)?.message ?? e}`)
  }
  const problems: string[] = []
  for (const backend of order) {
    try {
      const human = await tryBackend(mod, backend)
      return { human, backend, loadMs: performance.now() - t0 }
    } catch (e) {
      problems.push(`${backend}: ${(e as Error)?.message ?? e}`)
    }
  }
  throw new TrackerUnsupportedError(problems.join('; '))
}

const cache = new Map<BackendPreference, Promise<LoadedTracker>>()

/** The page's tracker (loaded once; a failed load is retried on the next call). */
export function getTracker(pref: BackendPreference = 'auto'): Promise<LoadedTracker> {
  let p = cache.get(pref)
  if (!p) {
    p = loadTracker(pref)
    cache.set(pref, p)
    p.catch(() => cache.delete(pref))
  }
  return p
}
