/**
 * @jest-environment node
 *
 * The weapp evidence ring and its JPEG encoder, on frames shaped like CameraContext.onCameraFrame's
 * (RGBA ArrayBuffer, width, height). Every JPEG is decoded again with jpeg-js (the decoder the
 * backend uses) and its pixels compared with what was put in.
 */
import { EVIDENCE_FRAME_MAX_CHARS } from '@/core/contracts/certification'
import { EvidenceRing, RING_MS, RING_PX, RING_SIZE } from '@/liveness/weapp/evidence-ring'
import { createJpegEncoder, toBase64 } from '@/liveness/weapp/jpeg'
import jpeg from 'jpeg-js'

type RGB = [number, number, number]

function decode(b64: string) {
  return jpeg.decode(Buffer.from(b64, 'base64'), { useTArray: true })
}

/** Mean colour of a rectangle of decoded RGBA pixels. */
function meanRGB(img: { data: Uint8Array; width: number }, x0: number, y0: number, x1: number, y1: number): RGB {
  const sum = [0, 0, 0]
  let n = 0
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const p = (y * img.width + x) * 4
      for (let c = 0; c < 3; c++) sum[c] += img.data[p + c]
      n++
    }
  return sum.map((v) => v / n) as RGB
}

function expectClose(actual: RGB, expected: RGB, tol = 4) {
  for (let c = 0; c < 3; c++) expect(Math.abs(actual[c] - expected[c])).toBeLessThanOrEqual(tol)
}

/** A camera frame filled with one colour. */
function solidFrame(width: number, height: number, rgb: RGB) {
  const px = new Uint8Array(width * height * 4)
  for (let i = 0; i < px.length; i += 4) {
    px[i] = rgb[0]
    px[i + 1] = rgb[1]
    px[i + 2] = rgb[2]
    px[i + 3] = 255
  }
  return { width, height, data: px.buffer }
}

/** A camera frame of four quadrants (top-left, top-right, bottom-left, bottom-right colours). */
function quadrantFrame(width: number, height: number, q: [RGB, RGB, RGB, RGB]) {
  const px = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const c = q[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)]
      const p = (y * width + x) * 4
      px[p] = c[0]
      px[p + 1] = c[1]
      px[p + 2] = c[2]
      px[p + 3] = 255
    }
  return { width, height, data: px.buffer }
}

/** A distinct colour per frame number. */
const colourOf = (k: number): RGB => [40 + ((k * 53) % 180), 40 + ((k * 97) % 180), 40 + ((k * 29) % 180)]

const QUADS: [RGB, RGB, RGB, RGB] = [
  [220, 40, 40],
  [40, 200, 60],
  [30, 60, 210],
  [230, 220, 50],
]

describe('JPEG encoder', () => {
  test('a 262×320 frame (width not a multiple of 8) decodes to the same size and colours', () => {
    const f = quadrantFrame(262, 320, QUADS)
    const b64 = createJpegEncoder(80).encodeBase64(new Uint8Array(f.data), 262, 320)
    expect(b64.startsWith('/9j/')).toBe(true)
    const img = decode(b64)
    expect([img.width, img.height]).toEqual([262, 320])
    // Away from the edges between quadrants (JPEG blurs across an 8-px block).
    expectClose(meanRGB(img, 8, 8, 120, 150), QUADS[0])
    expectClose(meanRGB(img, 142, 8, 254, 150), QUADS[1])
    expectClose(meanRGB(img, 8, 170, 120, 312), QUADS[2])
    expectClose(meanRGB(img, 142, 170, 254, 312), QUADS[3])
  })

  test('the reused output buffer gives identical JPEGs on repeated calls; higher quality is larger', () => {
    const f = quadrantFrame(100, 75, QUADS)
    const px = new Uint8Array(f.data)
    const enc = createJpegEncoder(80)
    const a = enc.encodeBase64(px, 100, 75)
    enc.encodeBase64(new Uint8Array(solidFrame(300, 300, [1, 2, 3]).data), 300, 300)
    expect(enc.encodeBase64(px, 100, 75)).toBe(a)
    const noise = new Uint8Array(64 * 64 * 4).map((_, i) => (i * 7919) % 251)
    expect(createJpegEncoder(95).encodeBase64(noise, 64, 64).length).toBeGreaterThan(createJpegEncoder(60).encodeBase64(noise, 64, 64).length)
  })

  test('a worst-case 320-px frame (noise) stays under EVIDENCE_FRAME_MAX_CHARS', () => {
    const noise = new Uint8Array(RING_PX * RING_PX * 4).map((_, i) => (i * 2654435761) >>> 24)
    const b64 = createJpegEncoder(80).encodeBase64(noise, RING_PX, RING_PX)
    expect(decode(b64).width).toBe(RING_PX)
    expect(b64.length).toBeLessThan(EVIDENCE_FRAME_MAX_CHARS)
  })

  test('base64 matches Node for every padding length', () => {
    const bytes = Uint8Array.from([0, 255, 17, 250, 3, 128, 64])
    for (let n = 0; n <= bytes.length; n++) expect(toBase64(bytes, n)).toBe(Buffer.from(bytes.subarray(0, n)).toString('base64'))
  })
})

describe('EvidenceRing', () => {
  const W = 288
  const H = 352

  test('keeps a 320-px copy: 288×352 "small" frames become 262×320 with the picture intact', async () => {
    const ring = new EvidenceRing()
    ring.keep(quadrantFrame(W, H, QUADS), 1000)
    const got = await ring.capture(1000)
    expect(got?.t).toBe(1000)
    const img = decode(got!.jpeg)
    expect([img.width, img.height]).toEqual([Math.round((W * RING_PX) / H), RING_PX])
    expectClose(meanRGB(img, 8, 8, 120, 150), QUADS[0])
    expectClose(meanRGB(img, 142, 8, 254, 150), QUADS[1])
    expectClose(meanRGB(img, 8, 170, 120, 312), QUADS[2])
    expectClose(meanRGB(img, 142, 170, 254, 312), QUADS[3])
  })

  test('frames already within 320 px are kept at their size', async () => {
    const ring = new EvidenceRing()
    ring.keep(solidFrame(160, 120, [10, 200, 90]), 5)
    const img = decode((await ring.capture(5))!.jpeg)
    expect([img.width, img.height]).toEqual([160, 120])
    expectClose(meanRGB(img, 0, 0, 160, 120), [10, 200, 90])
  })

  test('returns the kept frame nearest to t, with that frame’s own time', async () => {
    const ring = new EvidenceRing()
    // 15 tracked frames a second (every 2nd camera frame at 30 fps): t = 0, 67, 133, …
    const ts = Array.from({ length: 15 }, (_, k) => Math.round((k * 1000) / 15))
    ts.forEach((t, k) => ring.keep(solidFrame(W, H, colourOf(k)), t))
    for (const [asked, k] of [
      [400, 6],
      [433, 6],
      [434, 7],
      [0, 0],
      [5000, 14],
    ] as const) {
      const got = await ring.capture(asked)
      expect(got?.t).toBe(ts[k])
      const img = decode(got!.jpeg)
      expectClose(meanRGB(img, 0, 0, img.width, img.height), colourOf(k))
    }
  })

  test('holds at most RING_SIZE frames and only the last RING_MS; slots are reused, not reallocated', async () => {
    const ring = new EvidenceRing()
    for (let k = 0; k < RING_SIZE; k++) ring.keep(solidFrame(W, H, colourOf(k)), k * 50)
    const full = ring.bytes
    expect(full).toBe(RING_SIZE * 262 * 320 * 4)
    for (let k = RING_SIZE; k < 100; k++) ring.keep(solidFrame(W, H, colourOf(k)), k * 50)
    expect(ring.bytes).toBe(full)
    expect(ring.kept).toBe(100)
    // Frame 79 (t 3950) was overwritten: the oldest left is frame 80 (t 4000).
    expect((await ring.capture(3950))?.t).toBe(4000)
    // At 5 fps the window, not the slot count, is the limit.
    const slow = new EvidenceRing()
    for (let k = 0; k < 15; k++) slow.keep(solidFrame(W, H, colourOf(k)), k * 200)
    expect((await slow.capture(0))?.t).toBe(2800 - RING_MS)
  })

  test('a picked frame is pinned until encoded: later frames do not overwrite it', async () => {
    const queued: (() => void)[] = []
    const ring = new EvidenceRing({ defer: (fn) => queued.push(fn) })
    for (let k = 0; k < RING_SIZE; k++) ring.keep(solidFrame(W, H, colourOf(k)), k * 50)
    const pending = ring.capture(50) // frame 1
    // A whole ring's worth of newer frames arrives before the encode runs.
    for (let k = RING_SIZE; k < RING_SIZE * 2; k++) ring.keep(solidFrame(W, H, colourOf(k)), k * 50)
    expect(queued).toHaveLength(1)
    queued[0]()
    const got = await pending
    expect(got?.t).toBe(50)
    const img = decode(got!.jpeg)
    expectClose(meanRGB(img, 0, 0, img.width, img.height), colourOf(1))
    // Unpinned again: the slot takes new frames.
    for (let k = RING_SIZE * 2; k < RING_SIZE * 3; k++) ring.keep(solidFrame(W, H, colourOf(k)), k * 50)
    expect(ring.nearest(50)).toBe(RING_SIZE * 2 * 50)
  })

  test('empty, cleared, or fed malformed frames: no evidence and no memory', async () => {
    const ring = new EvidenceRing()
    expect(await ring.capture(0)).toBeUndefined()
    ring.keep({ width: W, height: H, data: new ArrayBuffer(16) }, 0)
    ring.keep({ width: 0, height: H, data: new ArrayBuffer(0) }, 0)
    expect(ring.kept).toBe(0)
    expect(await ring.capture(0)).toBeUndefined()
    ring.keep(solidFrame(W, H, [1, 2, 3]), 10)
    expect(ring.bytes).toBeGreaterThan(0)
    ring.clear()
    expect(ring.bytes).toBe(0)
    expect(await ring.capture(10)).toBeUndefined()
  })

  test('a change of frame size starts afresh (older frames are not mixed in)', async () => {
    const ring = new EvidenceRing()
    ring.keep(solidFrame(W, H, [200, 10, 10]), 0)
    ring.keep(solidFrame(480, 640, [10, 10, 200]), 100)
    const got = await ring.capture(0)
    expect(got?.t).toBe(100)
    const img = decode(got!.jpeg)
    expect([img.width, img.height]).toEqual([240, 320])
    expectClose(meanRGB(img, 0, 0, 240, 320), [10, 10, 200])
  })
})
