/**
 * A small baseline JPEG encoder (8-bit, 4:4:4, the standard Annex K quantisation and Huffman tables)
 * for the weapp evidence frames: RGBA pixels in, base64 JPEG out.
 *
 * Why in JS: the mini-program has no documented way to encode a JPEG from pixels that works off
 * screen on every base library the project targets — OffscreenCanvas documents only getContext and
 * createImage (no toDataURL), wx.canvasToTempFilePath says 暂不支持离屏 canvas in the copies of its docs
 * we have, and an on-page <canvas> would need the camera page. This needs no platform API, behaves the
 * same on every phone, and runs only for the frames picked as evidence (at most 7 per session), never
 * per camera frame. Tables are built once per encoder; the output buffer is reused between calls.
 */

const ZIGZAG = [
  0, 1, 5, 6, 14, 15, 27, 28, 2, 4, 7, 13, 16, 26, 29, 42, 3, 8, 12, 17, 25, 30, 41, 43, 9, 11, 18, 24, 31, 40, 44, 53, 10, 19, 23, 32, 39, 45, 52,
  54, 20, 22, 33, 38, 46, 51, 55, 60, 21, 34, 37, 47, 50, 56, 59, 61, 35, 36, 48, 49, 57, 58, 62, 63,
]

// JPEG Annex K.1 (natural order).
const Y_QT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68,
  109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
]
const C_QT = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
]

// JPEG Annex K.3: counts of codes of length 1..16, then the symbols.
const DC_Y_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
const DC_C_BITS = [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
const DC_VALS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
const AC_Y_BITS = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d]
const AC_Y_VALS = [
  0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
  0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
  0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
  0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
  0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
  0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
  0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
]
const AC_C_BITS = [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77]
const AC_C_VALS = [
  0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91,
  0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
  0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
  0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
  0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
  0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
  0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
]

const AAN = [1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.5411961, 0.275899379]
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Huffman code and length per symbol (index = symbol). */
interface Huff {
  code: Uint16Array
  len: Uint8Array
}

function huffman(bits: number[], vals: number[]): Huff {
  const code = new Uint16Array(256)
  const len = new Uint8Array(256)
  let c = 0
  let k = 0
  for (let l = 1; l <= 16; l++) {
    for (let i = 0; i < bits[l - 1]; i++) {
      code[vals[k]] = c
      len[vals[k]] = l
      k++
      c++
    }
    c <<= 1
  }
  return { code, len }
}

function quantTable(base: number[], quality: number): Uint8Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)))
  const sf = q < 50 ? Math.floor(5000 / q) : 200 - q * 2
  const zz = new Uint8Array(64) // zigzag order, as written in DQT
  for (let i = 0; i < 64; i++) zz[ZIGZAG[i]] = Math.min(255, Math.max(1, Math.floor((base[i] * sf + 50) / 100)))
  return zz
}

/** Reciprocal AAN-scaled divisors in natural order, for fdct + quantisation in one multiply. */
function divisors(zz: Uint8Array): Float64Array {
  const d = new Float64Array(64)
  for (let row = 0; row < 8; row++) for (let col = 0; col < 8; col++) d[row * 8 + col] = 1 / (zz[ZIGZAG[row * 8 + col]] * AAN[row] * AAN[col] * 8)
  return d
}

/** In-place AAN forward DCT of an 8x8 block (natural order). */
function fdct(d: Float64Array): void {
  for (let pass = 0; pass < 2; pass++) {
    const step = pass === 0 ? 1 : 8
    const next = pass === 0 ? 8 : 1
    for (let i = 0, off = 0; i < 8; i++, off += next) {
      const d0 = d[off]
      const d1 = d[off + step]
      const d2 = d[off + 2 * step]
      const d3 = d[off + 3 * step]
      const d4 = d[off + 4 * step]
      const d5 = d[off + 5 * step]
      const d6 = d[off + 6 * step]
      const d7 = d[off + 7 * step]
      const t0 = d0 + d7
      const t7 = d0 - d7
      const t1 = d1 + d6
      const t6 = d1 - d6
      const t2 = d2 + d5
      const t5 = d2 - d5
      const t3 = d3 + d4
      const t4 = d3 - d4
      let t10 = t0 + t3
      const t13 = t0 - t3
      let t11 = t1 + t2
      let t12 = t1 - t2
      d[off] = t10 + t11
      d[off + 4 * step] = t10 - t11
      const z1 = (t12 + t13) * 0.707106781
      d[off + 2 * step] = t13 + z1
      d[off + 6 * step] = t13 - z1
      t10 = t4 + t5
      t11 = t5 + t6
      t12 = t6 + t7
      const z5 = (t10 - t12) * 0.382683433
      const z2 = 0.5411961 * t10 + z5
      const z4 = 1.306562965 * t12 + z5
      const z3 = t11 * 0.707106781
      const z11 = t7 + z3
      const z13 = t7 - z3
      d[off + 5 * step] = z13 + z2
      d[off + 3 * step] = z13 - z2
      d[off + step] = z11 + z4
      d[off + 7 * step] = z11 - z4
    }
  }
}

export interface JpegEncoder {
  /**
   * Encodes `width`×`height` RGBA pixels (`rgba`, rows of `width` pixels, alpha ignored) as a
   * baseline JPEG, returned as base64 without a data: prefix.
   */
  encodeBase64(rgba: Uint8Array, width: number, height: number): string
}

/** `quality` 1-100 (the IJG scale: 80 ≈ canvas toDataURL's 0.8). */
export function createJpegEncoder(quality: number): JpegEncoder {
  const qY = quantTable(Y_QT, quality)
  const qC = quantTable(C_QT, quality)
  const dY = divisors(qY)
  const dC = divisors(qC)
  const hDcY = huffman(DC_Y_BITS, DC_VALS)
  const hAcY = huffman(AC_Y_BITS, AC_Y_VALS)
  const hDcC = huffman(DC_C_BITS, DC_VALS)
  const hAcC = huffman(AC_C_BITS, AC_C_VALS)
  const bY = new Float64Array(64)
  const bU = new Float64Array(64)
  const bV = new Float64Array(64)
  const zz = new Int32Array(64)

  let out = new Uint8Array(64 * 1024)
  let pos = 0
  let acc = 0
  let nacc = 0

  const ensure = (n: number) => {
    if (pos + n <= out.length) return
    const grown = new Uint8Array(Math.max(out.length * 2, pos + n))
    grown.set(out.subarray(0, pos))
    out = grown
  }
  const byte = (b: number) => {
    ensure(1)
    out[pos++] = b
  }
  const word = (w: number) => {
    byte((w >> 8) & 0xff)
    byte(w & 0xff)
  }
  const bitsOut = (code: number, len: number) => {
    acc = (acc << len) | (code & ((1 << len) - 1))
    nacc += len
    while (nacc >= 8) {
      nacc -= 8
      const b = (acc >> nacc) & 0xff
      byte(b)
      if (b === 0xff) byte(0) // byte stuffing
    }
    acc &= (1 << nacc) - 1
  }

  const writeHeaders = (width: number, height: number) => {
    word(0xffd8) // SOI
    word(0xffe0) // APP0 JFIF 1.1, no density, no thumbnail
    word(16)
    for (const c of [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]) byte(c)
    word(0xffdb) // DQT
    word(132)
    byte(0)
    for (let i = 0; i < 64; i++) byte(qY[i])
    byte(1)
    for (let i = 0; i < 64; i++) byte(qC[i])
    word(0xffc0) // SOF0
    word(17)
    byte(8)
    word(height)
    word(width)
    byte(3)
    for (const [id, tq] of [
      [1, 0],
      [2, 1],
      [3, 1],
    ]) {
      byte(id)
      byte(0x11)
      byte(tq)
    }
    word(0xffc4) // DHT
    word(2 + 4 * 17 + DC_VALS.length * 2 + AC_Y_VALS.length + AC_C_VALS.length)
    const tables: [number, number[], number[]][] = [
      [0x00, DC_Y_BITS, DC_VALS],
      [0x10, AC_Y_BITS, AC_Y_VALS],
      [0x01, DC_C_BITS, DC_VALS],
      [0x11, AC_C_BITS, AC_C_VALS],
    ]
    for (const [cls, bits, vals] of tables) {
      byte(cls)
      for (const b of bits) byte(b)
      for (const v of vals) byte(v)
    }
    word(0xffda) // SOS
    word(12)
    byte(3)
    for (const [id, t] of [
      [1, 0x00],
      [2, 0x11],
      [3, 0x11],
    ]) {
      byte(id)
      byte(t)
    }
    byte(0)
    byte(63)
    byte(0)
  }

  /** Magnitude category and the value's bits, as in JPEG F.1.2.1. */
  const emitValue = (v: number, h: Huff, runHigh: number) => {
    const a = v < 0 ? -v : v
    let cat = 0
    while (a >> cat) cat++
    const sym = (runHigh << 4) | cat
    bitsOut(h.code[sym], h.len[sym])
    if (cat) bitsOut(v < 0 ? v + (1 << cat) - 1 : v, cat)
  }

  const block = (b: Float64Array, div: Float64Array, prevDc: number, dc: Huff, ac: Huff): number => {
    fdct(b)
    for (let i = 0; i < 64; i++) {
      const v = b[i] * div[i]
      zz[ZIGZAG[i]] = v > 0 ? Math.floor(v + 0.5) : -Math.floor(-v + 0.5)
    }
    const diff = zz[0] - prevDc
    if (diff === 0) bitsOut(dc.code[0], dc.len[0])
    else emitValue(diff, dc, 0)
    let last = 63
    while (last > 0 && zz[last] === 0) last--
    let run = 0
    for (let i = 1; i <= last; i++) {
      const v = zz[i]
      if (v === 0) {
        run++
        continue
      }
      while (run >= 16) {
        bitsOut(ac.code[0xf0], ac.len[0xf0]) // ZRL
        run -= 16
      }
      emitValue(v, ac, run)
      run = 0
    }
    if (last < 63) bitsOut(ac.code[0], ac.len[0]) // EOB
    return zz[0]
  }

  return {
    encodeBase64(rgba, width, height) {
      pos = 0
      acc = 0
      nacc = 0
      ensure(700 + width * height)
      writeHeaders(width, height)
      let dcY = 0
      let dcU = 0
      let dcV = 0
      for (let by = 0; by < height; by += 8) {
        for (let bx = 0; bx < width; bx += 8) {
          for (let k = 0; k < 64; k++) {
            // Edge blocks repeat the last row / column.
            const y = Math.min(by + (k >> 3), height - 1)
            const x = Math.min(bx + (k & 7), width - 1)
            const p = (y * width + x) * 4
            const r = rgba[p]
            const g = rgba[p + 1]
            const b = rgba[p + 2]
            bY[k] = 0.299 * r + 0.587 * g + 0.114 * b - 128
            bU[k] = -0.16874 * r - 0.33126 * g + 0.5 * b
            bV[k] = 0.5 * r - 0.41869 * g - 0.08131 * b
          }
          dcY = block(bY, dY, dcY, hDcY, hAcY)
          dcU = block(bU, dC, dcU, hDcC, hAcC)
          dcV = block(bV, dC, dcV, hDcC, hAcC)
        }
      }
      if (nacc > 0) bitsOut((1 << (8 - nacc)) - 1, 8 - nacc) // pad the last byte with 1s
      word(0xffd9) // EOI
      return toBase64(out, pos)
    },
  }
}

/** Base64 of the first `n` bytes (no btoa/Buffer on the mini-program's JS engine). */
export function toBase64(bytes: Uint8Array, n: number): string {
  const parts: string[] = []
  let chunk = ''
  let i = 0
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2]
    chunk += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63]
    if (chunk.length >= 8192) {
      parts.push(chunk)
      chunk = ''
    }
  }
  if (i < n) {
    const v = (bytes[i] << 16) | (i + 1 < n ? bytes[i + 1] << 8 : 0)
    chunk += B64[v >> 18] + B64[(v >> 12) & 63] + (i + 1 < n ? B64[(v >> 6) & 63] : '=') + '='
  }
  parts.push(chunk)
  return parts.join('')
}
