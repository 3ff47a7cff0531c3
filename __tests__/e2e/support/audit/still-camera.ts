/**
 * Still-photo cameras that are different photos to the backend. The backend refuses a summary that
 * matches an earlier one of the same person (TRACE_REUSED: its fingerprint is the tracker's small
 * movements and noise), and support/fake-camera.ts's still file always carries the same noise — so
 * a second still-photo failure of the same person would be refused as a replay, never counted. Each
 * seed here gives the same frame with its own ±2 luma sensor noise (the converter's settings
 * otherwise), i.e. another print held up to the camera.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { FAKE_CAMERA_DIR } from '../fake-camera'
import { ROOT } from '../system'

const SRC = join(ROOT, '__tests__', 'fixtures', 'videos', 'cap13_edit2.mp4')
/** A frontal, neutral moment of cap13_edit2 (as fake-camera.ts). */
const AT_S = 9.0
const FPS = 10
const SECONDS = 10

export function stillCameraFile(seed: number): string {
  const st = statSync(SRC)
  const out = join(FAKE_CAMERA_DIR, `audit-still-${seed}-${st.size}-${Math.floor(st.mtimeMs)}.y4m`)
  if (existsSync(out)) return out
  mkdirSync(FAKE_CAMERA_DIR, { recursive: true })
  const partial = `${out}.${process.pid}.partial`
  const frames = FPS * SECONDS
  const r = spawnSync(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-ss', String(AT_S), '-t', '0.04', '-i', SRC, '-an',
      '-vf', `loop=loop=${frames - 1}:size=1:start=0,setpts=N/${FPS}/TB,noise=alls=2:allf=t:all_seed=${seed}`,
      '-r', String(FPS), '-frames:v', String(frames),
      '-pix_fmt', 'yuv420p', '-f', 'yuv4mpegpipe', partial,
    ],
    { encoding: 'utf8' },
  )
  if (r.status !== 0 || !existsSync(partial)) {
    rmSync(partial, { force: true })
    throw new Error(`still camera ${seed}: ffmpeg failed: ${r.error?.message ?? r.stderr}`)
  }
  renameSync(partial, out)
  return out
}
