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
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './system'

export type FakeCameraClip = 'cap12_edit' | 'cap13_edit2'

export interface FakeCameraOptions {
  /** One frame of the clip held for the whole file (a photo in front of the camera). */
  still?: boolean
  /** Output frame rate (default: the clip's own 25 fps; still: 10 fps). Real time is kept either way. */
  fps?: number
}

const VIDEOS = join(ROOT, '__tests__', 'fixtures', 'videos')
export const FAKE_CAMERA_DIR = join(ROOT, '.tmp', 'fake-camera')

/** A frontal, neutral, eyes-open moment of each clip (checked on the landmark traces: |yaw|,|pitch| < 5°). */
const STILL_AT_S: Record<FakeCameraClip, number> = { cap12_edit: 2.0, cap13_edit2: 9.0 }
const STILL_SECONDS = 10

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
  const fps = opts.fps ?? (still ? 10 : undefined)
  if (fps !== undefined && !(fps >= 1 && fps <= 60)) throw new Error(`fake camera: fps must be 1-60, got ${fps}`)

  const st = statSync(src)
  const tag = createHash('sha256')
    .update(JSON.stringify({ clip, still, fps, size: st.size, mtime: Math.floor(st.mtimeMs), v: 3 }))
    .digest('hex')
    .slice(0, 10)
  const stem = `${clip}${still ? '-still' : ''}${fps ? `-${fps}fps` : ''}`
  const out = join(FAKE_CAMERA_DIR, `${stem}-${tag}.y4m`)
  if (existsSync(out)) return out

  mkdirSync(FAKE_CAMERA_DIR, { recursive: true })
  // Older conversions of the same variant (an older clip or converter) are large: drop them.
  for (const f of readdirSync(FAKE_CAMERA_DIR)) {
    if (f.startsWith(`${stem}-`) && /^[0-9a-f]{10}\.y4m$/.test(f.slice(stem.length + 1))) rmSync(join(FAKE_CAMERA_DIR, f), { force: true })
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

/** Chromium flags that make `file` the only camera, allowed without a permission prompt. */
export function fakeCameraArgs(file: string): string[] {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${file}`]
}
