/**
 * The 478-point Human mesh (MediaPipe FaceMesh 468 + 10 iris points, as @vladmandic/human 3.3.6 writes
 * it into face-trace/1) -> the common 106-point layout VisionKit is assumed to use.
 *
 * Target layout (WECHAT-FACTS §1.3; WeChat does NOT document it): the SenseTime / Face++ / JD-landmark
 * style 106 layout, numbered across the IMAGE from left to right: 0-32 contour (0 at the image-left
 * temple, 16 chin, 32 image-right temple); 33-37 image-left brow top edge, outer corner 33 to inner
 * corner 37, 64-67 its lower edge left to right; 38-42 image-right brow top (inner 38 to outer 42),
 * 68-71 its lower edge; 43-46 nose ridge (43 between the eyes, 46 tip); 47-51 nostril base (49 centre);
 * 52-57 image-left eye (52 outer corner, 53/54 upper lid, 55 inner corner, 56/57 lower lid), 72/73 its
 * upper/lower lid centre, 74 its centre; 58-63 image-right eye (58 inner, 59/60 upper, 61 outer, 62/63
 * lower), 75/76/77 likewise; 78-83 nose sides (78/79 beside the upper ridge, 80/81 lower, 82/83 the
 * alae); 84-95 outer lip clockwise from the image-left corner (84, 87 top centre, 90 right corner, 93
 * bottom centre); 96-103 inner lip (96 and 100 corners, 97-99 upper, 101-103 lower, right to left);
 * 104/105 pupils. Named indices agree with CainKernel/CainCamera
 * `landmarklibrary/.../FaceLandmark.java` (33/37 left brow corners, 35/65 its upper/lower middle, 40/70
 * the right brow's, 52/55 + 72/73/74 left eye, 58/61 + 75/76/77 right eye, 43 两眼中心, 46 鼻尖, 49 两鼻孔中心,
 * 82/83 鼻子左右, 84/90 mouth corners, 87/93 outer lip centres, 98/102 inner lip centres, 16 chin) and
 * with this project's `visionkit-106` table (src/core/liveness/adapters/layouts.ts).
 *
 * Mesh indices: MediaPipe's face_mesh_connections.py (FACEMESH_LIPS, _RIGHT_EYE, _LEFT_EYE, _RIGHT_EYEBROW,
 * _LEFT_EYEBROW, _FACE_OVAL) and the canonical mesh map (mediapipe_face_landmark_fullsize.png). In an
 * unmirrored image MediaPipe's "right" features (33, 133, 70 …) lie on the image LEFT. Human 3.3.6 puts
 * its iris points the other way round from MediaPipe: 468-472 circle the image-RIGHT eye and 473-477
 * the image-left one (checked on cap12_edit: 468 lies between 362 and 263).
 *
 * Kinds of correspondence:
 *  - exact: the 106 point IS one mesh point (eyes, mouth, nose tip, brow tops, chin, temples) — every
 *    point the engine reads (eye EAR points, inner-lip points, nose tip) is exact, and picks the same mesh
 *    points as the `mediapipe-478` table, so both layouts give the same eye/mouth/nose observations;
 *  - mean: the mean of a few mesh points (brow corners: the top and bottom edge ends; eye centres);
 *  - resample: evenly spaced by arc length along a mesh polyline, where the 106 layout has evenly spaced
 *    points and the mesh has no point at that spot (contour, nose ridge between 43 and 46, lip thirds,
 *    lower brow edges). Contour: each half (temple to chin) resampled to 17 points;
 *  - nearest: the mesh point nearest to where the layout draws the point (nose sides 78-83; nothing reads
 *    them).
 */

export type Rule =
  | { kind: 'exact'; mesh: number }
  | { kind: 'mean'; mesh: readonly number[] }
  /** Position `at` (0..1) by arc length along a polyline of mesh points; entries may be 'mean' rules. */
  | { kind: 'resample'; path: readonly (number | readonly number[])[]; at: number }
  | { kind: 'nearest'; mesh: number }

const exact = (mesh: number): Rule => ({ kind: 'exact', mesh })
const mean = (...mesh: number[]): Rule => ({ kind: 'mean', mesh })
const nearest = (mesh: number): Rule => ({ kind: 'nearest', mesh })
const along = (path: readonly (number | readonly number[])[], n: number): Rule[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'resample', path, at: n === 1 ? 0 : i / (n - 1) }) as Rule)
/** The inner points of `along(path, n + 2)` (both ends dropped). */
const between = (path: readonly (number | readonly number[])[], n: number): Rule[] => along(path, n + 2).slice(1, -1)

/** Image-left half of the face oval, temple to chin (FACEMESH_FACE_OVAL, from 127 down to 152). */
const CONTOUR_LEFT = [127, 234, 93, 132, 58, 172, 136, 150, 149, 176, 148, 152]
/** Image-right half, chin to temple (152 up to 356). */
const CONTOUR_RIGHT = [152, 377, 400, 378, 379, 365, 397, 288, 361, 323, 454, 356]

/** Brow corners: the ends of the top and bottom edge (FACEMESH_RIGHT/LEFT_EYEBROW). */
const BROW_L_OUTER = [70, 46]
const BROW_L_INNER = [107, 55]
const BROW_R_INNER = [336, 285]
const BROW_R_OUTER = [300, 276]

/** Nose ridge from between the eyes to the tip (6 197 195 5 4 1). */
const RIDGE = [6, 197, 195, 5, 4, 1]

/** Outer lip quarters (FACEMESH_LIPS outer ring): corner 61 / 291, centres 0 (top) and 17 (bottom). */
const LIP_UL = [61, 185, 40, 39, 37, 0]
const LIP_UR = [0, 267, 269, 270, 409, 291]
const LIP_LR = [291, 375, 321, 405, 314, 17]
const LIP_LL = [17, 84, 181, 91, 146, 61]

function buildTable(): Rule[] {
  const t: Rule[] = []
  // 0-32 contour
  t.push(...along(CONTOUR_LEFT, 17))
  t.push(...along(CONTOUR_RIGHT, 17).slice(1))
  // 33-37 image-left brow top edge, outer corner to inner corner (top edge 70 63 105 66 107)
  t.push(mean(...BROW_L_OUTER), exact(63), exact(105), exact(66), mean(...BROW_L_INNER))
  // 38-42 image-right brow top edge, inner corner to outer corner (top edge 336 296 334 293 300)
  t.push(mean(...BROW_R_INNER), exact(296), exact(334), exact(293), mean(...BROW_R_OUTER))
  // 43-46 nose ridge: 43 = 6 (between the eyes), 46 = 1 (the tip, as `mediapipe-478`'s noseTip)
  t.push(...along(RIDGE, 4))
  // 47-51 nostril base, image left to right (98 97 2 326 327; 49 = 2, subnasale)
  t.push(exact(98), exact(97), exact(2), exact(326), exact(327))
  // 52-57 image-left eye = mediapipe-478's eyeImageLeft [33 160 158 133 153 144]
  t.push(exact(33), exact(160), exact(158), exact(133), exact(153), exact(144))
  // 58-63 image-right eye = eyeImageRight [362 385 387 263 373 380]
  t.push(exact(362), exact(385), exact(387), exact(263), exact(373), exact(380))
  // 64-67 image-left brow lower edge (46 53 52 65 55), 68-71 image-right (285 295 282 283 276)
  t.push(...between([BROW_L_OUTER, 53, 52, 65, BROW_L_INNER], 4))
  t.push(...between([BROW_R_INNER, 295, 282, 283, BROW_R_OUTER], 4))
  // 72/73 image-left eye lid centres, 74 its centre; 75/76/77 the image-right eye's
  t.push(exact(159), exact(145), mean(33, 133, 159, 145))
  t.push(exact(386), exact(374), mean(362, 263, 386, 374))
  // 78-83 nose sides, image-left then image-right: beside the upper ridge, lower, alae
  t.push(nearest(114), nearest(343), nearest(198), nearest(420), nearest(129), nearest(358))
  // 84-95 outer lip clockwise: 84 corner, 85/86, 87 top centre, 88/89, 90 corner, 91/92, 93 bottom, 94/95
  t.push(...along(LIP_UL, 4), ...along(LIP_UR, 4).slice(1), ...along(LIP_LR, 4).slice(1), ...along(LIP_LL, 4).slice(1, 3))
  // 96-103 inner lip: corners 78 / 308, upper 82 13 312, lower (right to left) 317 14 87 — the
  // `mediapipe-478` mouth corners and pairs (13,14) (82,87) (312,317)
  t.push(exact(78), exact(82), exact(13), exact(312), exact(308), exact(317), exact(14), exact(87))
  // 104/105 pupils: Human's iris centres (473 image-left eye, 468 image-right eye; see above)
  t.push(exact(473), exact(468))
  return t
}

/** VK106[i] = how the i-th of the 106 points comes from the mesh. */
export const VK106_FROM_MESH: readonly Rule[] = Object.freeze(buildTable())

/**
 * Mirror partner of each 106 point (the point that takes its place when the image is flipped
 * left-right): contour i <-> 32-i, image-left features <-> image-right ones, centre-line points themselves.
 */
function buildMirror(): number[] {
  const m = Array.from({ length: 106 }, (_, i) => i)
  const pair = (a: number, b: number) => {
    m[a] = b
    m[b] = a
  }
  for (let i = 0; i < 16; i++) pair(i, 32 - i)
  for (let i = 0; i < 5; i++) pair(33 + i, 42 - i) // brow tops
  for (let i = 0; i < 4; i++) pair(64 + i, 71 - i) // brow lower edges
  pair(47, 51)
  pair(48, 50)
  // eyes: outer 52<->61, upper 53<->60, 54<->59, inner 55<->58, lower 56<->63, 57<->62
  pair(52, 61)
  pair(53, 60)
  pair(54, 59)
  pair(55, 58)
  pair(56, 63)
  pair(57, 62)
  pair(72, 75)
  pair(73, 76)
  pair(74, 77)
  pair(78, 79)
  pair(80, 81)
  pair(82, 83)
  // outer lip: 84<->90, 85<->89, 86<->88, 91<->95, 92<->94 (87, 93 centre)
  for (let i = 1; i <= 3; i++) pair(87 - i, 87 + i)
  pair(91, 95)
  pair(92, 94)
  // inner lip: 96<->100, 97<->99, 101<->103 (98, 102 centre)
  pair(96, 100)
  pair(97, 99)
  pair(101, 103)
  pair(104, 105)
  return m
}

export const VK106_MIRROR: readonly number[] = Object.freeze(buildMirror())

type Pt = [number, number]

function meshPoint(p: readonly number[], ref: number | readonly number[]): Pt {
  if (typeof ref === 'number') return [p[2 * ref], p[2 * ref + 1]]
  let x = 0
  let y = 0
  for (const i of ref) {
    x += p[2 * i]
    y += p[2 * i + 1]
  }
  return [x / ref.length, y / ref.length]
}

/** Point at fraction `at` of a polyline's length (distances in normalised units, aspect applied). */
function resample(pts: readonly Pt[], at: number, aspect: number): Pt {
  const seg: number[] = []
  let total = 0
  for (let i = 1; i < pts.length; i++) {
    const d = Math.hypot((pts[i][0] - pts[i - 1][0]) * aspect, pts[i][1] - pts[i - 1][1])
    seg.push(d)
    total += d
  }
  if (!(total > 0)) return pts[0]
  let want = at * total
  for (let i = 0; i < seg.length; i++) {
    if (want <= seg[i] || i === seg.length - 1) {
      const f = seg[i] > 0 ? Math.min(1, want / seg[i]) : 0
      return [pts[i][0] + (pts[i + 1][0] - pts[i][0]) * f, pts[i][1] + (pts[i + 1][1] - pts[i][1]) * f]
    }
    want -= seg[i]
  }
  return pts[pts.length - 1]
}

/**
 * The 106 points (flat [x0, y0, …], same normalisation as the input) of one 478-point mesh.
 * `aspect` = frame width / height, so arc lengths are measured in square pixels.
 */
export function meshTo106(mesh: readonly number[], aspect = 1): number[] {
  if (mesh.length < 478 * 2) throw new Error(`a 478-point mesh has 956 numbers, got ${mesh.length}`)
  const out = new Array<number>(212)
  VK106_FROM_MESH.forEach((r, i) => {
    let pt: Pt
    if (r.kind === 'exact' || r.kind === 'nearest') pt = meshPoint(mesh, r.mesh)
    else if (r.kind === 'mean') pt = meshPoint(mesh, r.mesh)
    else pt = resample(r.path.map((ref) => meshPoint(mesh, ref)), r.at, aspect)
    out[2 * i] = pt[0]
    out[2 * i + 1] = pt[1]
  })
  return out
}

/** 106 points of a left-right flipped image: x -> 1 - x, and every point takes its mirror partner's place. */
export function mirror106(points: readonly number[]): number[] {
  const out = new Array<number>(points.length)
  for (let i = 0; i < 106; i++) {
    const j = VK106_MIRROR[i]
    out[2 * i] = 1 - points[2 * j]
    out[2 * i + 1] = points[2 * j + 1]
  }
  return out
}

const refText = (ref: number | readonly number[]) => (typeof ref === 'number' ? String(ref) : `mean(${ref.join(' ')})`)

/** One line per 106 point, `| i | kind | mesh |`, for the README's correspondence table. */
export function correspondenceRows(): string[] {
  return VK106_FROM_MESH.map((r, i) => {
    const mesh =
      r.kind === 'exact' || r.kind === 'nearest'
        ? String(r.mesh)
        : r.kind === 'mean'
          ? refText(r.mesh)
          : `${Math.round(r.at * 1000) / 1000} along ${r.path.map(refText).join(' → ')}`
    return `| ${i} | ${r.kind} | ${mesh} |`
  })
}
