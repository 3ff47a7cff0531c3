/**
 * The liveness CLI commands as functions returning their stdout lines (so tests can call them
 * without spawning processes). Errors are thrown as LivenessInputError; cli.ts prints them.
 */
import { basename } from 'node:path'
import type { Trace } from '../../src/core/liveness/trace/format'
import { detectActions, runSession, sourceFromHeader } from '../../src/core/liveness/engine'
import { LivenessInputError } from '../../src/core/liveness/errors'
import { addCounts, countMatches, emptyCounts, scores, type ActionScore } from '../../src/core/liveness/eval'
import { ACTION_NAMES, isActionName, type ActionEvent, type ActionName } from '../../src/core/liveness/types'
import { loadClips, resampleTrace, type Clip, type Resample } from './dataset'
import { DEFAULT_LEAD_MS, evaluateSessions, formatSessions, type SessionsResult } from './sessions'
import { readTrace } from './trace-io'

/** A trace file, resampled in memory when asked (--fps …). */
function readMaybeResampled(tracePath: string, resample?: Resample): Trace {
  const trace = readTrace(tracePath)
  return resample ? resampleTrace(trace, basename(tracePath).replace(/\.jsonl(\.gz)?$/, ''), resample) : trace
}

export function detectCommand(tracePath: string, resample?: Resample): string[] {
  const trace = readMaybeResampled(tracePath, resample)
  const events = detectActions(sourceFromHeader(trace.header), trace.frames)
  return events.map((e) => JSON.stringify({ action: e.action, startMs: e.startMs, endMs: e.endMs }))
}

export function parseChallenge(text: string | undefined): ActionName[] {
  if (!text) throw new LivenessInputError('CHALLENGE_INVALID')
  const list = text.split(',').map((s) => s.trim())
  if (list.length === 0 || !list.every(isActionName)) throw new LivenessInputError('CHALLENGE_INVALID', text)
  return list as ActionName[]
}

export function sessionCommand(tracePath: string, challenge: ActionName[], withSummary = false, resample?: Resample): string[] {
  const trace = readMaybeResampled(tracePath, resample)
  const { events, verdict } = runSession(sourceFromHeader(trace.header), trace.frames, challenge)
  const lines = events.filter((e) => e.type !== 'verdict').map((e) => JSON.stringify(e))
  const { summary, ...rest } = verdict
  lines.push(JSON.stringify({ type: 'final', ...rest, summaryFrames: summary.n, ...(withSummary ? { summary } : {}) }))
  return lines
}

/** Event scoring of loaded clips: detections per clip, and precision / recall / F1 per action over all. */
export function evaluateClips(clips: readonly Clip[]): { perClip: { name: string; events: ActionEvent[] }[]; table: ActionScore[] } {
  const total = emptyCounts()
  const perClip: { name: string; events: ActionEvent[] }[] = []
  for (const clip of clips) {
    const events = detectActions(sourceFromHeader(clip.trace.header), clip.trace.frames)
    perClip.push({ name: clip.name, events })
    addCounts(total, countMatches(events, clip.labels.segments, 200))
  }
  return { perClip, table: scores(total) }
}

/**
 * Pair every trace in tracesDir with <labels dir>/<name>.json (name = file name without .jsonl[.gz]; a
 * lowfps variant <clip>.<thin|blur>.<fps> uses <clip>.json), the first of labelsDirs that has it.
 */
export function evaluateDirs(
  tracesDir: string,
  labelsDir: string | readonly string[],
  opts: { variant?: string; resample?: Resample } = {},
): { perClip: { name: string; events: ActionEvent[] }[]; table: ActionScore[] } {
  return evaluateClips(loadClips(tracesDir, typeof labelsDir === 'string' ? [labelsDir] : labelsDir, opts))
}

export interface EvalCommandOptions {
  variant?: string
  resample?: Resample
  json?: boolean
}

export function evalTableLines(table: readonly ActionScore[]): string[] {
  const f = (x: number) => x.toFixed(3)
  const lines = ['action       labelled  tp  fp  fn  precision  recall  f1']
  for (const s of table) {
    lines.push(
      `${s.action.padEnd(12)} ${String(s.labelled).padStart(8)} ${String(s.tp).padStart(3)} ${String(s.fp).padStart(3)} ${String(s.fn).padStart(3)}  ${f(s.precision).padStart(9)}  ${f(s.recall).padStart(6)}  ${f(s.f1)}`,
    )
  }
  return lines
}

export function evalCommand(tracesDir: string, labelsDir: string | readonly string[], opts: EvalCommandOptions = {}): string[] {
  const { table, perClip } = evaluateDirs(tracesDir, labelsDir, opts)
  if (opts.json) return [JSON.stringify({ clips: perClip.map((c) => c.name), resample: opts.resample ?? null, table })]
  return evalTableLines(table)
}

export interface SessionsCommandOptions {
  leadMs?: number
  variant?: string
  resample?: Resample
  /** Seed of the controls' jitter (and of --jitter). */
  seed?: number
  json?: boolean
}

/** `sessions`: genuine session pass rates per action plus the controls (see sessions.ts). */
export function sessionsCommand(tracesDir: string, labelsDir: string | readonly string[], opts: SessionsCommandOptions = {}): { result: SessionsResult; lines: string[] } {
  const clips = loadClips(tracesDir, typeof labelsDir === 'string' ? [labelsDir] : labelsDir, { variant: opts.variant, resample: opts.resample })
  const result = evaluateSessions(clips, { leadMs: opts.leadMs ?? DEFAULT_LEAD_MS, seed: opts.seed })
  const lines = opts.json ? [JSON.stringify({ resample: opts.resample ?? null, ...result })] : formatSessions(result)
  return { result, lines }
}

export { ACTION_NAMES }
