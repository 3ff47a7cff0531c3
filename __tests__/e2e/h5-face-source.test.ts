/**
 * The H5 face source in headless Chromium, with a recorded face clip (cap13_edit2) as the camera:
 * the real gateway (buildGateway) serves a minimal page bundled from src/liveness/h5 with esbuild at
 * test time, plus Human's models and the tfjs .wasm from /vendor/. Checks the frames (one face,
 * 478 points, plausible angles, luma), that they replay through the liveness engine with the clip's
 * labelled actions at their times, evidence JPEGs, stop() releasing the camera, and the failures.
 *
 * Prints the measured numbers (backend, fps, time to first frame). YL_H5_BACKEND=webgl|wasm forces
 * a backend (for measurements; default auto).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { gunzipSync } from 'node:zlib'
import { join } from 'node:path'
import { build } from 'esbuild'
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import { detectActions, parseTrace, type ActionEvent, type TrackerFrame } from '@/core/liveness'
import { buildGateway } from '../../servers/gateway/app'
import { openBrowser, type Browser } from './support/browser'
import { fakeCameraArgs, fakeCameraFile } from './support/fake-camera'
import { ROOT } from './support/system'

jest.setTimeout(180_000)

const BACKEND = process.env.YL_H5_BACKEND ?? 'auto'
/** Long enough for cap13's blink (17.0 s) and its three turns (20.1-23.1 s); the clip loops at 30.6 s. */
const COLLECT_MS = 24_500

const ENTRY = `
import { createH5FaceSource, preloadH5FaceTracker } from ${JSON.stringify(join(ROOT, 'src/liveness/h5/index.ts'))}
const streams = []
const realGUM = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices)
navigator.mediaDevices.getUserMedia = async (c) => {
  if (window.__denyCamera) throw new DOMException('denied', 'NotAllowedError')
  const s = await realGUM(c)
  streams.push(s)
  return s
}
const state = { frames: [], failures: [], firstFrameAt: null, source: null }
window.__yl = {
  state,
  async start(opts) {
    const source = createH5FaceSource({ container: 'cam', facingMode: 'user', ...opts })
    state.source = source
    const t = performance.now()
    const res = await source.start({
      onFrame: (f) => { if (state.firstFrameAt === null) state.firstFrameAt = performance.now(); state.frames.push(f) },
      onFailure: (f) => state.failures.push(f),
    })
    return { ...res, startCalledAt: t, startMs: performance.now() - t }
  },
  preload: () => preloadH5FaceTracker(),
  evidence: () => state.source.captureEvidence(),
  stats: () => state.source.stats(),
  stop: () => state.source.stop(),
  tracks: () => streams.flatMap((s) => s.getTracks().map((t) => t.readyState)),
  video: () => {
    const v = document.querySelector('#cam video')
    return v ? { transform: getComputedStyle(v).transform, w: v.clientWidth, h: v.clientHeight, playsInline: v.playsInline, muted: v.muted } : null
  },
}
`

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>h5 face source</title></head>
<body style="margin:0"><div id="cam" style="width:360px;height:480px;overflow:hidden;background:#000"></div>
<script type="module" src="/entry.js"></script></body></html>`

let dir: string
let gateway: FastifyInstance
let browser: Browser
let url: string

interface Collected {
  start: { ok: boolean; info?: { layout: string; mirrored: boolean; aspect: number }; failure?: string; startCalledAt: number; startMs: number }
  frames: TrackerFrame[]
  failures: string[]
  firstFrameAt: number | null
  stats: { backend: string; frames: number; meanDetectMs: number; videoWidth: number; videoHeight: number; firstFrameMs: number; trackerLoadMs: number }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yl-h5-face-'))
  writeFileSync(join(dir, 'entry.ts'), ENTRY)
  await build({
    entryPoints: { entry: join(dir, 'entry.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    outdir: dir,
    absWorkingDir: ROOT,
    tsconfig: join(ROOT, 'tsconfig.json'),
    logLevel: 'error',
  })
  writeFileSync(join(dir, 'index.html'), HTML)
  gateway = buildGateway({ backendUrl: 'http://127.0.0.1:9', hmacKeyId: 'test', hmacSecret: 'h5-face-source-test', h5Dir: dir, nodeEnv: 'test' })
  url = await gateway.listen({ host: '127.0.0.1', port: 0 })
  browser = await openBrowser(fakeCameraArgs(await fakeCameraFile('cap13_edit2')))
})

afterAll(async () => {
  await browser?.close()
  await gateway?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function openPage(): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.context.newPage()
  const requests: string[] = []
  page.on('request', (r) => requests.push(r.url()))
  await page.goto(url)
  await page.waitForFunction(() => !!(window as unknown as { __yl?: unknown }).__yl)
  return { page, requests }
}

test('frames from a recorded face: one face, 478 points, angles, luma; evidence; replay through the engine; stop releases the camera', async () => {
  const { page, requests } = await openPage()
  const start = await page.evaluate((backend) => (window as any).__yl.start({ backend }), BACKEND)
  expect(start).toMatchObject({ ok: true, info: { layout: 'mediapipe-478', mirrored: false } })
  await page.waitForTimeout(COLLECT_MS)

  const evidence: string | undefined = await page.evaluate(() => (window as any).__yl.evidence())
  const video = await page.evaluate(() => (window as any).__yl.video())
  const collected: Collected = await page.evaluate(() => {
    const y = (window as any).__yl
    return { frames: y.state.frames, failures: y.state.failures, firstFrameAt: y.state.firstFrameAt, stats: y.stats() }
  }).then((c) => ({ ...c, start }))
  await page.evaluate(() => (window as any).__yl.stop())
  const afterStop = await page.evaluate(() => ({ tracks: (window as any).__yl.tracks(), video: (window as any).__yl.video(), frames: (window as any).__yl.state.frames.length }))
  await page.waitForTimeout(500)
  const framesLater = await page.evaluate(() => (window as any).__yl.state.frames.length)
  await page.close()

  const { frames, stats } = collected
  if (process.env.YL_H5_DUMP) writeFileSync(process.env.YL_H5_DUMP, frames.map((f) => JSON.stringify(f)).join('\n'))
  const span = frames[frames.length - 1].t - frames[0].t
  const fps = ((frames.length - 1) * 1000) / span
  // The numbers the docs and the closing note report.
  console.log(
    `[h5-face-source] backend=${stats.backend} video=${stats.videoWidth}x${stats.videoHeight} frames=${frames.length} ` +
      `fps=${fps.toFixed(1)} meanDetectMs=${stats.meanDetectMs.toFixed(0)} start()=${start.startMs.toFixed(0)}ms ` +
      `trackerLoad=${stats.trackerLoadMs.toFixed(0)}ms firstFrame(from start())=${stats.firstFrameMs.toFixed(0)}ms ` +
      `firstFrame(from page open)=${collected.firstFrameAt?.toFixed(0)}ms`,
  )

  // The camera and the stream's properties (the clip is 400×300).
  expect(collected.failures).toEqual([])
  expect(stats.backend).toBe(BACKEND === 'auto' ? stats.backend : BACKEND)
  expect(['webgl', 'wasm']).toContain(stats.backend)
  expect(start.info!.aspect).toBeCloseTo(stats.videoWidth / stats.videoHeight, 6)
  expect(start.info!.aspect).toBeCloseTo(4 / 3, 2)
  // The preview fills its container and is mirrored (front camera); the frames are not.
  expect(video).toMatchObject({ w: 360, h: 480, playsInline: true, muted: true })
  expect(video.transform).toBe('matrix(-1, 0, 0, 1, 0, 0)')

  // Frames: monotonic t, at a usable rate, the first 5 s each with one face of 478 points.
  expect(frames.length).toBeGreaterThan(50)
  for (let i = 1; i < frames.length; i++) expect(frames[i].t).toBeGreaterThan(frames[i - 1].t)
  // (a 2-core machine shared with other test runs reaches 5-6 fps; quiet, ~10.5)
  expect(fps).toBeGreaterThan(3)
  expect(fps).toBeLessThan(13.5)
  const first5 = frames.filter((f) => f.t - frames[0].t <= 5000)
  expect(first5.length).toBeGreaterThanOrEqual(5)
  for (const f of first5) {
    expect(f.faces).toHaveLength(1)
    const face = f.faces[0]
    expect(face.points).toHaveLength(956)
    expect(face.score).toBeGreaterThan(0.8)
    for (const v of face.points) {
      expect(v).toBeGreaterThan(-0.05)
      expect(v).toBeLessThan(1.05)
    }
    const [x, y, w, h] = face.box
    expect(w).toBeGreaterThan(0.15)
    expect(h).toBeGreaterThan(0.15)
    expect(x + w).toBeLessThanOrEqual(1.05)
    expect(y + h).toBeLessThanOrEqual(1.05)
    const a = face.angle as { pitch: number; yaw: number; roll: number }
    // radians, a person facing the camera
    for (const k of ['pitch', 'yaw', 'roll'] as const) expect(Math.abs(a[k])).toBeLessThan(0.6)
    expect(f.luma).toBeGreaterThan(30)
    expect(f.luma).toBeLessThan(230)
  }
  // Nearly every frame of the whole run has the face.
  expect(frames.filter((f) => f.faces.length === 1).length / frames.length).toBeGreaterThan(0.95)

  // Same tracker output as the traces the engine was tuned on: compare with the project's trace of
  // cap13 (Human in Node, every clip frame). t counts from the camera opening; Chromium starts the
  // file about then, but on a loaded machine its fake camera falls behind real time, so the clip's
  // offset is fitted (on yaw), then landmarks and angles must agree.
  const ref = parseTrace(gunzipSync(readFileSync(join(ROOT, '__tests__/fixtures/liveness/traces/cap13_edit2.jsonl.gz'))).toString('utf8'))
  const refAt = (clipMs: number) => ref.frames[Math.min(ref.frames.length - 1, Math.max(0, Math.round(clipMs / 40)))]
  const yawOf = (f: TrackerFrame) => ((f.faces[0]?.angle as { yaw: number } | undefined)?.yaw ?? NaN) * (180 / Math.PI)
  const median = (xs: number[]) => {
    const v = xs.filter(Number.isFinite).sort((p, q) => p - q)
    return v.length ? v[Math.floor(v.length / 2)] : NaN
  }
  const yawErr = (off: number) => median(frames.map((f) => Math.abs(yawOf(f) - yawOf(refAt(f.t - off)))))
  let offset = 0
  for (let off = -1000; off <= 4000; off += 20) if (yawErr(off) < yawErr(offset)) offset = off
  const pointErr = median(
    frames.map((f) => {
      const a = f.faces[0]?.points
      const b = refAt(f.t - offset).faces[0]?.points
      if (!a || !b || a.length !== b.length) return NaN
      let sum = 0
      for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i])
      return sum / a.length
    }),
  )
  console.log(`[h5-face-source] vs reference trace: clip offset ${offset} ms, median |Δyaw| ${yawErr(offset).toFixed(2)}°, median |Δpoint| ${(pointErr * 400).toFixed(2)} px`)
  expect(yawErr(offset)).toBeLessThan(1.5)
  expect(pointErr).toBeLessThan(2 / 400)

  // Replay through the engine: cap13's turns (left 20.1 s, right 21.2 s, left 22.4 s) and wide mouth
  // openings at the labelled times; no turn before 19 s (expressions only). What this checks is the
  // wiring from the browser's tracker to the engine (angles, their sign, mirroring, aspect): a turn is
  // found the right way round, never the wrong way, and nothing turns where the person did not. Whether
  // EVERY labelled turn is found depends on how many frames the machine delivered inside it (a loaded
  // machine starves the tracker, and gaps of 150-450 ms inside a 0.6 s turn happen), so that is reported,
  // not asserted; the engine's rates at 6-30 fps and with irregular gaps are held on the traces
  // (quality-floors.test.ts).
  const labels = JSON.parse(readFileSync(join(ROOT, '__tests__/fixtures/liveness/labels/cap13_edit2.json'), 'utf8')) as {
    segments: { action: string; startMs: number; endMs: number; uncertain?: boolean }[]
  }
  const events = detectActions({ layout: 'mediapipe-478', aspect: start.info!.aspect, mirrored: false }, frames)
  console.log(
    `[h5-face-source] detected (clip time): ` +
      events.map((e: ActionEvent) => `${e.action}@${((e.startMs - offset) / 1000).toFixed(2)}-${((e.endMs - offset) / 1000).toFixed(2)}s`).join(' '),
  )
  expect(frames[frames.length - 1].t).toBeGreaterThan(23_200 + offset)
  const near = (e: ActionEvent, s: { startMs: number; endMs: number }) => e.startMs <= s.endMs + offset + 400 && e.endMs >= s.startMs + offset - 400
  const found = (s: { action: string; startMs: number; endMs: number }) => events.some((e) => e.action === s.action && near(e, s))
  const within = (from: number, to: number) => frames.filter((f) => f.t >= from + offset && f.t <= to + offset)
  const restingYaw = median(within(5_000, 15_000).map(yawOf))
  const confirmed = labels.segments.filter((x) => !x.uncertain)
  const turns = confirmed.filter((x) => x.action.startsWith('turn_'))
  for (const s of turns) {
    const seg = within(s.startMs, s.endMs).map(yawOf)
    // the frames' own yaw goes the labelled way (when the tracker saw the turn at all)
    if (seg.length > 0) {
      const peak = s.action === 'turn_left' ? restingYaw - Math.min(...seg) : Math.max(...seg) - restingYaw
      expect({ ...s, peakOver4deg: peak > 4 }).toMatchObject({ peakOver4deg: true })
    }
    const around = within(s.startMs - 300, s.endMs + 300)
    let maxGap = 0
    for (let i = 1; i < around.length; i++) maxGap = Math.max(maxGap, around[i].t - around[i - 1].t)
    console.log(`[h5-face-source] ${s.action}@${s.startMs / 1000}s: ${found(s) ? 'found' : 'not found'}, ${seg.length} frames inside, largest gap around it ${maxGap.toFixed(0)} ms`)
  }
  // Never the wrong way round: at every turn the engine reports, the frames' own yaw is on that side of rest
  // (turn_left: yaw below it). A sign or mirroring slip between the tracker and the engine fails here.
  const yawAt = (t: number) => yawOf(frames.reduce((a, b) => (Math.abs(b.t - t) < Math.abs(a.t - t) ? b : a)))
  const wrongWay = events
    .filter((e) => e.action.startsWith('turn_'))
    .map((e) => ({ action: e.action, atClipS: (e.peakMs - offset) / 1000, yawFromRest: yawAt(e.peakMs) - restingYaw }))
    .filter((x) => (x.action === 'turn_left' ? x.yawFromRest >= 0 : x.yawFromRest <= 0))
  expect(wrongWay).toEqual([])
  expect(confirmed.filter((x) => x.action === 'turn_left').some(found)).toBe(true)
  expect(confirmed.filter((x) => x.action === 'mouth_open').some(found)).toBe(true)
  expect(events.filter((e) => e.action.startsWith('turn_') && e.endMs < 19_000 + offset)).toEqual([])

  // Evidence: a JPEG of the current frame, base64 without a data: prefix, at most 640 px.
  expect(typeof evidence).toBe('string')
  const jpeg = Buffer.from(evidence!, 'base64')
  expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])
  expect(jpeg.length).toBeGreaterThan(5_000)
  expect(jpeg.length).toBeLessThan(200_000)

  // stop(): camera released, preview removed, no more frames.
  expect(afterStop.tracks.length).toBeGreaterThan(0)
  expect(afterStop.tracks.every((s: string) => s === 'ended')).toBe(true)
  expect(afterStop.video).toBeNull()
  expect(framesLater).toBe(afterStop.frames)

  // Everything came from our own origin: the page, Human's chunk, the models, the wasm.
  const origin = new URL(url).origin
  expect(requests.filter((r) => !r.startsWith(origin) && !r.startsWith('data:') && !r.startsWith('blob:'))).toEqual([])
  const vendor = requests.filter((r) => r.includes('/vendor/')).map((r) => new URL(r).pathname.replace(/^\/vendor\/[^/]+\/[^/]+\/(models\/)?/, ''))
  expect(vendor).toEqual(expect.arrayContaining(['blazeface.json', 'facemesh.json', 'iris.json']))
  if (stats.backend === 'wasm') expect(vendor.some((f) => f.endsWith('.wasm'))).toBe(true)
})

test('a refused camera is camera_denied; unreachable models are tracker_unsupported (and the camera is released)', async () => {
  const denied = await openPage()
  await denied.page.evaluate(() => ((window as any).__denyCamera = true))
  await expect(denied.page.evaluate((backend) => (window as any).__yl.start({ backend }), BACKEND)).resolves.toMatchObject({ ok: false, failure: 'camera_denied' })
  await denied.page.close()

  const page = await browser.context.newPage()
  await page.route('**/vendor/human/**', (route) => route.fulfill({ status: 404, body: 'gone' }))
  await page.goto(url)
  await page.waitForFunction(() => !!(window as unknown as { __yl?: unknown }).__yl)
  const res = await page.evaluate((backend) => (window as any).__yl.start({ backend }), BACKEND)
  expect(res).toMatchObject({ ok: false, failure: 'tracker_unsupported' })
  const after = await page.evaluate(() => ({ tracks: (window as any).__yl.tracks(), video: (window as any).__yl.video() }))
  expect(after.tracks.every((s: string) => s === 'ended')).toBe(true)
  expect(after.video).toBeNull()
  await page.close()
})

test('a preloaded tracker (e.g. during 认证须知): the first frame follows start() quickly', async () => {
  const { page } = await openPage()
  const t0 = Date.now()
  await expect(page.evaluate(() => (window as any).__yl.preload())).resolves.toBe(true)
  const preloadMs = Date.now() - t0
  const start = await page.evaluate(() => (window as any).__yl.start({}))
  expect(start).toMatchObject({ ok: true })
  await page.waitForFunction(() => (window as any).__yl.state.frames.length > 0, undefined, { timeout: 10_000 })
  const stats = await page.evaluate(() => (window as any).__yl.stats())
  await page.evaluate(() => (window as any).__yl.stop())
  await page.close()
  console.log(`[h5-face-source] preload=${preloadMs}ms then start()=${start.startMs.toFixed(0)}ms firstFrame(from start())=${stats.firstFrameMs.toFixed(0)}ms backend=${stats.backend}`)
  expect(stats.firstFrameMs).toBeLessThan(2_000)
})
