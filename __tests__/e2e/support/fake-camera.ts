/**
 * A recorded face clip as Chromium's camera: converts __tests__/fixtures/videos/<clip>.mp4 with
 * Debian's ffmpeg into a Y4M file for
 *   --use-fake-ui-for-media-stream --use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file>
 * Chromium plays the file at the frame rate in its header and loops it.
 *
 * Y4M, not MJPEG: Chromium reads the frame rate from a Y4M header, whereas its MJPEG reader assumes a
 * fixed rate, which would replay the clip faster or slower than it was recorded (durations matter to
 * the liveness engine). The price is size (uncompressed 4:2:0, ~180 KB per 400×300 frame), so files are
 * made once and cached in .tmp/fake-camera/ (git-ignored), keyed by clip, options and the source file.
 *
 * `still: true` is a photo held up to the camera: one frontal frame of the clip repeated for 10 s with
 * light, changing sensor noise (so consecutive frames are not byte-identical, as with a real camera
 * filming a print). It shows no action and no motion and must never pass certification.
 *
 * `actionLoop: true` (cap13_edit2 only) is the clip's own footage cut into a 16.4 s loop in which the
 * challenge `turn_left,blink` comes round again and again (ACTION_LOOP below: two left turns and three
 * blinks per loop, calm frontal stretches between them). The whole clip shows each of those actions
 * about once in 30.6 s, so a tracker starved of CPU (a busy machine: 4-6 fps instead of 12) that
 * missed one had to wait for the next loop, past the 2 x 15 s the engine allows. Every frame is a
 * real recorded frame at its recorded pace: the liveness engine and its thresholds judge it as they
 * judge the whole clip (__tests__/e2e/fake-camera-loop.test.ts replays the same cut of the clip's
 * trace through the engine).
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './system'

export type FakeCameraClip = 'cap12_edit' | 'cap13_edit2'

export interface FakeCameraOptions {
  /** One frame of the clip held for the whole file (a photo in front of the camera). */
  still?: boolean
  /** Output frame rate (default: the clip's own 25 fps; still: 10 fps). Real time is kept either way. */
  fps?: number
  /** The clip's challenged actions cut into a short loop (ACTION_LOOP; cap13_edit2 at its own 25 fps only). */
  actionLoop?: boolean
}

/** Frames per second of both clips (PROVENANCE.md). */
export const CLIP_FPS = 25

/**
 * The action loop: [start, end) in seconds of cap13_edit2, played in this order and looped. Cut
 * points are frontal moments (|yaw - rest| < 2 deg, mouth closed) so a cut moves the face by less than
 * the tracker's frame-to-frame wobble and reads as no action. What each piece shows (the labels in
 * __tests__/fixtures/liveness/labels/cap13_edit2.json):
 */
export const ACTION_LOOP: readonly { from: number; to: number; shows: string }[] = [
  // The first turn comes ~6 s after the prompt appears: a person who listens to the whole instruction
  // first (the prompt clip, 第 1 个动作，共 2 个, the caption 向您自己的左边转头). Not calmer for longer:
  // 8 s without any movement is the still-photo rule (no_liveness), so the wait ends in an expression.
  { from: 5.2, to: 10.4, shows: 'frontal, calm: positioning, the baselines, the spoken instruction' },
  { from: 15.2, to: 16.8, shows: 'mouth_open 15.56-16.76 s (not challenged: ignored, but alive)' },
  // The clip's second left turn: it rises over ~0.4 s, so a 5-fps tracker sees the head on its way
  // (the first one, at 20.08 s, jumps 9 deg in 0.12 s and a slow tracker often sees no way there).
  { from: 22.16, to: 23.8, shows: 'turn_left 22.36-23.08 s, from and back to frontal' },
  { from: 5.6, to: 6.6, shows: 'frontal, calm' },
  { from: 22.16, to: 23.8, shows: 'turn_left again' },
  { from: 5.6, to: 7.0, shows: 'frontal, calm: the blink baseline after the turn' },
  { from: 16.88, to: 17.52, shows: 'blink 17.04-17.16 s (after the mouth closes at 16.76 s, before it opens at 17.80 s)' },
  { from: 7.6, to: 8.6, shows: 'frontal, calm' },
  { from: 16.88, to: 17.52, shows: 'blink again' },
  { from: 8.6, to: 9.6, shows: 'frontal, calm' },
  { from: 16.88, to: 17.52, shows: 'blink a third time (a 160-ms blink is the action a slow tracker misses most)' },
]

const VIDEOS = join(ROOT, '__tests__', 'fixtures', 'videos')
export const FAKE_CAMERA_DIR = join(ROOT, '.tmp', 'fake-camera')

/** A frontal, neutral, eyes-open moment of each clip (checked on the landmark traces: |yaw|,|pitch| < 5°). */
const STILL_AT_S: Record<FakeCameraClip, number> = { cap12_edit: 2.0, cap13_edit2: 9.0 }
const STILL_SECONDS = 10
/** A conversion not used for this long is no longer in use by a test run (a browser test takes minutes). */
const STALE_AFTER_MS = 3 * 3600_000

function ffmpegAvailable(): boolean {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore' })
  return !r.error && r.status === 0
}

/** Path of a Y4M file Chromium can use as its camera; made on first use and cached. */
export async function fakeCameraFile(clip: FakeCameraClip, opts: FakeCameraOptions = {}): Promise<string> {
  const src = join(VIDEOS, `${clip}.mp4`)
  if (!existsSync(src)) throw new Error(`fake camera: ${src} is missing (see __tests__/fixtures/videos/PROVENANCE.md)`)
  if (!ffmpegAvailable()) {
    throw new Error('fake camera: ffmpeg is not installed; run `npm run setup:system` (installs Debian ffmpeg and chromium)')
  }
  const still = opts.still === true
  const actionLoop = opts.actionLoop === true
  const fps = opts.fps ?? (still ? 10 : undefined)
  if (fps !== undefined && !(fps >= 1 && fps <= 60)) throw new Error(`fake camera: fps must be 1-60, got ${fps}`)
  if (actionLoop && (clip !== 'cap13_edit2' || still || fps !== undefined)) {
    throw new Error('fake camera: actionLoop is cut from cap13_edit2 at its own frame rate (no still, no fps)')
  }

  const st = statSync(src)
  const tag = createHash('sha256')
    // The loop's pieces only in its own key: the other variants keep their cached files.
    .update(JSON.stringify({ clip, still, fps, ...(actionLoop ? { loop: ACTION_LOOP } : {}), size: st.size, mtime: Math.floor(st.mtimeMs), v: 3 }))
    .digest('hex')
    .slice(0, 10)
  const stem = `${clip}${still ? '-still' : ''}${actionLoop ? '-actions' : ''}${fps ? `-${fps}fps` : ''}`
  const out = join(FAKE_CAMERA_DIR, `${stem}-${tag}.y4m`)
  if (existsSync(out)) {
    // Marks it as in use, so a run of another version does not drop it as stale (below).
    const now = new Date()
    utimesSync(out, now, now)
    return out
  }

  mkdirSync(FAKE_CAMERA_DIR, { recursive: true })
  // Older conversions of the same variant (an older clip, converter or loop) are large: drop them,
  // once nobody can still be using them (a run of another checkout's version may have just opened one).
  for (const f of readdirSync(FAKE_CAMERA_DIR)) {
    if (!f.startsWith(`${stem}-`) || !/^[0-9a-f]{10}\.y4m$/.test(f.slice(stem.length + 1))) continue
    const old = join(FAKE_CAMERA_DIR, f)
    const made = statSync(old, { throwIfNoEntry: false })?.mtimeMs
    if (made !== undefined && Date.now() - made > STALE_AFTER_MS) rmSync(old, { force: true })
  }
  // Written beside the target and renamed, so a parallel run never sees half a file.
  const partial = `${out}.${process.pid}.partial`
  const frames = fps ? Math.round(STILL_SECONDS * fps) : 0
  const conv = still
    ? [
        '-hide_banner', '-loglevel', 'error', '-y',
        '-ss', String(STILL_AT_S[clip]), '-t', '0.04', '-i', src, '-an',
        // One frame repeated, then light temporal noise (different in every frame), like a sensor
        // filming a printed photo. ±2 luma: the engine's still-face noise levels were measured with
        // ±1 (layouts.ts); at ±6 the tracker's pitch on this 400x300 clip spreads right up to the
        // threshold, and whether a run crossed it would depend on which frames a busy machine tracked.
        '-vf', `loop=loop=${frames - 1}:size=1:start=0,setpts=N/${fps}/TB,noise=alls=2:allf=t`,
        '-r', String(fps), '-frames:v', String(frames),
        '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', partial,
      ]
    : actionLoop
    ? [
        '-hide_banner', '-loglevel', 'error', '-y', '-i', src, '-an',
        '-filter_complex', actionLoopFilter(),
        '-map', '[loop]', '-r', String(CLIP_FPS),
        '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', partial,
      ]
    : [
        '-hide_banner', '-loglevel', 'error', '-y', '-i', src, '-an',
        ...(fps ? ['-vf', `fps=${fps}`] : []),
        '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', partial,
      ]
  const r = spawnSync('ffmpeg', conv, { encoding: 'utf8' })
  if (r.status !== 0 || !existsSync(partial)) {
    rmSync(partial, { force: true })
    throw new Error(`fake camera: ffmpeg could not convert ${clip}: ${r.error?.message ?? r.stderr}`)
  }
  renameSync(partial, out)
  return out
}

/** First and last-plus-one source frame of each piece of the action loop. */
export function actionLoopFrames(): { start: number; end: number }[] {
  return ACTION_LOOP.map((p) => ({ start: Math.round(p.from * CLIP_FPS), end: Math.round(p.to * CLIP_FPS) }))
}

/** ffmpeg filter graph: each piece trimmed by frame number (exact), re-timed from 0, then joined. */
function actionLoopFilter(): string {
  const pieces = actionLoopFrames()
  const split = `[0:v]split=${pieces.length}${pieces.map((_, i) => `[in${i}]`).join('')}`
  const trims = pieces.map((p, i) => `[in${i}]trim=start_frame=${p.start}:end_frame=${p.end},setpts=PTS-STARTPTS[p${i}]`)
  return [split, ...trims, `${pieces.map((_, i) => `[p${i}]`).join('')}concat=n=${pieces.length}:v=1:a=0[loop]`].join(';')
}

/** Chromium flags that make `file` the only camera, allowed without a permission prompt. */
export function fakeCameraArgs(file: string): string[] {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${file}`]
}
