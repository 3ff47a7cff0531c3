/**
 * Clips for evaluation: traces in a directory paired with their label files, optionally resampled in
 * memory (thin / blend / jitter, see src/core/liveness/resample.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { LivenessInputError } from '../../src/core/liveness/errors'
import { labelsNameFor, type LabelFile } from '../../src/core/liveness/eval'
import { resampleFrames, resampleName, type ResampleOptions } from '../../src/core/liveness/resample'
import type { Trace } from '../../src/core/liveness/trace/format'
import { readLabels, readTraceCached } from './trace-io'

export interface Clip {
  /** Trace file name without .jsonl[.gz] (e.g. cap13_edit2, lp_d0.blur.10). */
  name: string
  trace: Trace
  labels: LabelFile
}

export type Resample = Omit<ResampleOptions, 'sourceFps'>

const TRACE_RE = /\.jsonl(\.gz)?$/

/** Trace files of a directory (sorted), optionally only the names ending in `.<variant>` (e.g. thin.15). */
export function listTraces(tracesDir: string, variant?: string): { name: string; path: string }[] {
  let files: string[]
  try {
    if (!statSync(tracesDir).isDirectory()) throw new Error('not a directory')
    files = readdirSync(tracesDir).filter((n) => TRACE_RE.test(n)).sort()
  } catch {
    throw new LivenessInputError('FILE_NOT_FOUND', tracesDir)
  }
  return files
    .map((f) => ({ name: basename(f).replace(TRACE_RE, ''), path: join(tracesDir, f) }))
    .filter((c) => variant === undefined || c.name.endsWith(`.${variant}`))
}

/** The label file for a trace name: `<labelsDir>/<name>.json`, or the original clip's for a lowfps variant; first dir that has it. */
export function findLabels(name: string, labelsDirs: readonly string[]): string {
  const candidates = [name, labelsNameFor(name)]
  for (const dir of labelsDirs) for (const c of candidates) if (existsSync(join(dir, `${c}.json`))) return join(dir, `${c}.json`)
  throw new LivenessInputError('FILE_NOT_FOUND', join(labelsDirs[0] ?? '.', `${labelsNameFor(name)}.json`))
}

/** 32-bit FNV-1a of a string (to give every clip its own jitter seed). */
export function hashName(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/**
 * A trace resampled in memory. The header's fps becomes the target rate and its source gets the variant
 * suffix; a jittered trace gets the seed seed + hash(clip name), so clips differ but runs repeat.
 */
export function resampleTrace(trace: Trace, name: string, r: Resample): Trace {
  const seed = ((r.seed ?? 1) + hashName(name)) >>> 0
  const frames = resampleFrames(trace.frames, { ...r, seed, sourceFps: typeof trace.header.fps === 'number' ? trace.header.fps : undefined })
  const suffix = resampleName(r)
  return { header: { ...trace.header, fps: r.fps, source: `${trace.header.source ?? name}#${suffix}` }, frames }
}

/** Load every trace of a directory with its labels, resampled when asked. */
export function loadClips(tracesDir: string, labelsDirs: readonly string[], opts: { variant?: string; resample?: Resample } = {}): Clip[] {
  return listTraces(tracesDir, opts.variant).map(({ name, path }) => {
    const labels = readLabels(findLabels(name, labelsDirs))
    const trace = readTraceCached(path)
    return { name, labels, trace: opts.resample ? resampleTrace(trace, name, opts.resample) : trace }
  })
}

/** The rate of a trace: the header's fps, else 1000 / the median frame gap, else 30. */
export function traceFps(trace: Trace): number {
  if (typeof trace.header.fps === 'number' && trace.header.fps > 0) return trace.header.fps
  const f = trace.frames
  if (f.length < 2) return 30
  const gaps = f.slice(1).map((x, i) => x.t - f[i].t).sort((a, b) => a - b)
  const g = gaps[gaps.length >> 1]
  return g > 0 ? 1000 / g : 30
}
