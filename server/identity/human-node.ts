/**
 * Face embeddings in Node with @vladmandic/human 3.3.6 on the tfjs wasm backend (tfjs-node cannot
 * be installed here). One lazily-initialised instance per process; calls are serialised.
 *
 * Snags handled here (see ../shared/TOOLCHAIN.md):
 *  - the package's `exports` block `@vladmandic/human/dist/human.node-wasm.js`: we resolve the
 *    package's main file and require the wasm build next to it by absolute path;
 *  - Node 20's fetch cannot read file://: while the models load, file:// URLs are answered from disk
 *    (models ship inside the npm package; nothing is downloaded);
 *  - Human's Node builds take a tfjs tensor, not a JPEG: JPEG is decoded in pure JS with jpeg-js.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Config, Human, Tensor } from '@vladmandic/human'
import { HUMAN_TRACE_SETTINGS } from '../../src/core/liveness/adapters/human-settings'

export interface DetectedFace {
  /** Detector confidence 0–1. */
  score: number
  /** [x, y, width, height] in pixels of the decoded image. */
  box: [number, number, number, number]
  /** Face description vector (Human `face.embedding`, 1024 floats for faceres). */
  embedding: number[]
  /**
   * Face mesh as face-trace/1 points: flat [x0, y0, …] divided by the image width/height (478 points:
   * mesh + iris), so the liveness engine's adapter (normaliseFrame, layout mediapipe-478) reads it.
   */
  points?: number[]
  /** Human's head angles in radians (as the browser tracker reports them), when known. */
  angle?: { pitch: number; yaw: number; roll: number } | null
}

/** One analysed image: its size and every face in it (highest score first). */
export interface FaceAnalysis {
  width: number
  height: number
  faces: DetectedFace[]
}

export interface FaceEmbedder {
  /** Identifies the embedding model; references from another model are never compared. */
  readonly model: string
  /** Decodes one JPEG and returns every face found, highest score first. */
  embed(jpeg: Uint8Array): Promise<DetectedFace[]>
  /** Similarity 0–1 of two embeddings (Human's normalised similarity; ≥ 0.5 ≈ match by its guidance). */
  similarity(a: number[], b: number[]): number
}

/** The image is not a decodable JPEG (or is too large): the sender's fault, not the verifier's. */
export class ImageDecodeError extends Error {
  constructor(reason: string) {
    super(`image not decodable: ${reason}`)
    this.name = 'ImageDecodeError'
  }
}

/** Human or its models could not be loaded: the verifier is unavailable. */
export class EmbedderUnavailableError extends Error {
  constructor(reason: string) {
    super(`face embedder unavailable: ${reason}`)
    this.name = 'EmbedderUnavailableError'
  }
}

/** Largest decoded image accepted (megapixels) and longest side fed to Human after downscaling. */
export const MAX_IMAGE_MEGAPIXELS = 16
export const MAX_SIDE_PX = 1280

type JpegJs = typeof import('jpeg-js')

function loadJpegJs(): JpegJs {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('jpeg-js') as JpegJs
  } catch {
    throw new EmbedderUnavailableError('jpeg-js is not installed')
  }
}

export interface DecodedImage {
  width: number
  height: number
  /** RGB, 3 bytes per pixel. */
  rgb: Uint8Array
}

export function decodeJpeg(bytes: Uint8Array): DecodedImage {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new ImageDecodeError('not a JPEG')
  const jpeg = loadJpegJs()
  try {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_IMAGE_MEGAPIXELS, maxMemoryUsageInMB: 256 })
    if (img.width <= 0 || img.height <= 0 || img.data.length !== img.width * img.height * 3) throw new Error('bad dimensions')
    return { width: img.width, height: img.height, rgb: img.data }
  } catch (err) {
    throw new ImageDecodeError(err instanceof Error ? err.message.slice(0, 120) : 'decode failed')
  }
}

/** Where the packages live (resolved, never guessed from the working directory). */
function packagePaths(): { humanWasmBuild: string; models: string; wasmDir: string } {
  const humanMain = require.resolve('@vladmandic/human') // dist/human.node.js (resolving does not load it)
  const humanRoot = dirname(dirname(humanMain))
  const wasmMain = require.resolve('@tensorflow/tfjs-backend-wasm') // dist/index.js or dist/tf-backend-wasm.node.js
  return { humanWasmBuild: join(humanRoot, 'dist', 'human.node-wasm.js'), models: join(humanRoot, 'models'), wasmDir: dirname(wasmMain) }
}

function humanVersion(): string {
  try {
    const root = dirname(dirname(require.resolve('@vladmandic/human')))
    return String((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown')
  } catch {
    return 'unknown'
  }
}

function humanConfig(paths: { models: string; wasmDir: string }): Partial<Config> {
  return {
    backend: 'wasm',
    wasmPath: paths.wasmDir + '/',
    modelBasePath: pathToFileURL(paths.models).href + '/',
    debug: false,
    async: false,
    cacheModels: false,
    // Every call is a new, unrelated image: never reuse a cached result (cacheSensitivity 0, shared).
    ...HUMAN_TRACE_SETTINGS,
    face: {
      ...HUMAN_TRACE_SETTINGS.face,
      // Rotation correction and the mesh give the description model an aligned crop (Human's guidance).
      detector: { ...HUMAN_TRACE_SETTINGS.face.detector, minConfidence: 0.5 },
      // Iris (in the shared settings) completes the 478 points of the browser tracker: evidence frames
      // are read with the liveness engine's own adapter (services/evidence-checks.ts). It does not
      // change embeddings.
      description: { enabled: true },
    },
  } as Partial<Config>
}

/** Answers file:// URLs from disk while `fn` runs (Node 20's fetch has no file: scheme). */
async function withFileFetch<T>(fn: () => Promise<T>): Promise<T> {
  const realFetch = globalThis.fetch
  const fileFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (url.startsWith('file://')) {
      const body = readFileSync(new URL(url))
      return new Response(body, { status: 200, headers: { 'content-type': url.endsWith('.json') ? 'application/json' : 'application/octet-stream' } })
    }
    return realFetch(input, init)
  }
  globalThis.fetch = fileFetch as typeof fetch
  try {
    return await fn()
  } finally {
    if (globalThis.fetch === fileFetch) globalThis.fetch = realFetch
  }
}

export class HumanFaceEmbedder implements FaceEmbedder {
  private human?: Human
  private loading?: Promise<Human>
  private queue: Promise<unknown> = Promise.resolve()
  private version?: string
  /** Milliseconds per embed() call, last 50 (for the report and for monitoring). */
  readonly timings: number[] = []
  loadMs = 0

  get model(): string {
    this.version ??= humanVersion()
    return `human-${this.version}/faceres`
  }

  /** Loads Human and its models once; later calls share the same promise. */
  load(): Promise<Human> {
    if (this.human) return Promise.resolve(this.human)
    this.loading ??= (async () => {
      const started = Date.now()
      try {
        const paths = packagePaths()
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(paths.humanWasmBuild) as { Human?: new (c: Partial<Config>) => Human; default?: new (c: Partial<Config>) => Human }
        const HumanClass = mod.Human ?? mod.default
        if (!HumanClass) throw new Error('Human class not found in the wasm build')
        const human = new HumanClass(humanConfig(paths))
        await withFileFetch(() => human.load())
        if (!human.models.models.faceres) throw new Error('face description model did not load')
        this.human = human
        this.loadMs = Date.now() - started
        return human
      } catch (err) {
        this.loading = undefined
        throw err instanceof EmbedderUnavailableError ? err : new EmbedderUnavailableError(err instanceof Error ? err.message : String(err))
      }
    })()
    return this.loading
  }

  embed(jpegBytes: Uint8Array): Promise<DetectedFace[]> {
    return this.analyse(jpegBytes).then((a) => a.faces)
  }

  /** Faces with embedding, mesh points and head angles, and the decoded image's size. */
  analyse(jpegBytes: Uint8Array): Promise<FaceAnalysis> {
    const run = this.queue.then(() => this.analyseNow(jpegBytes))
    this.queue = run.catch(() => undefined)
    return run
  }

  private async analyseNow(jpegBytes: Uint8Array): Promise<FaceAnalysis> {
    const img = decodeJpeg(jpegBytes)
    const human = await this.load()
    const started = Date.now()
    const tf = human.tf
    let input: Tensor = tf.tensor3d(img.rgb, [img.height, img.width, 3], 'int32')
    let scale = 1
    const longest = Math.max(img.width, img.height)
    if (longest > MAX_SIDE_PX) {
      scale = MAX_SIDE_PX / longest
      const resized = tf.image.resizeBilinear(input as never, [Math.round(img.height * scale), Math.round(img.width * scale)]) as Tensor
      tf.dispose(input)
      input = resized
    }
    try {
      const result = await human.detect(input)
      // Mesh coordinates are in the pixels of the (possibly downscaled) input tensor.
      const w = img.width * scale
      const h = img.height * scale
      const faces = result.face
        .filter((f) => Array.isArray(f.embedding) && f.embedding.length > 0)
        .map((f) => {
          const points: number[] = []
          for (const p of f.mesh ?? []) points.push(p[0] / w, p[1] / h)
          const a = f.rotation?.angle
          return {
            score: f.score,
            box: [f.box[0] / scale, f.box[1] / scale, f.box[2] / scale, f.box[3] / scale] as [number, number, number, number],
            embedding: Array.from(f.embedding as number[]),
            points,
            angle: a ? { pitch: a.pitch, yaw: a.yaw, roll: a.roll } : null,
          }
        })
        .sort((a, b) => b.score - a.score)
      this.timings.push(Date.now() - started)
      if (this.timings.length > 50) this.timings.shift()
      return { width: img.width, height: img.height, faces }
    } finally {
      tf.dispose(input)
    }
  }

  similarity(a: number[], b: number[]): number {
    if (this.human) return this.human.match.similarity(a, b)
    return similarity(a, b)
  }
}

/**
 * Human 3.3.6's `match.similarity` with its defaults (order 2, multiplier 25, normalised to
 * 0.2…0.8, clamped, 2 decimals), ported so references can be compared without a loaded instance.
 * A test checks it against Human's own function.
 */
export function similarity(a: number[], b: number[]): number {
  if (a.length === 0 || a.length !== b.length) return 0
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2
  const distance = Math.round(100 * 25 * sum) / 100
  if (distance === 0) return 1
  const min = 0.2
  const max = 0.8
  const norm = (1 - Math.sqrt(distance) / 100 - min) / (max - min)
  return Math.round(100 * Math.max(Math.min(norm, 1), 0)) / 100
}

let shared: HumanFaceEmbedder | undefined
/** The process-wide embedder (one Human instance, created on first use). */
export function sharedHumanEmbedder(): HumanFaceEmbedder {
  shared ??= new HumanFaceEmbedder()
  return shared
}
