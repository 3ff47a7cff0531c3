/**
 * The liveness CLI commands as functions returning their stdout lines (so tests can call them
 * without spawning processes). Errors are thrown as LivenessInputError; cli.ts prints them.
 */
import { readdirSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { detectActions, runSession, sourceFromHeader } from '../../src/core/liveness/engine'
import { LivenessInputError } from '../../src/core/liveness/errors'
import { addCounts, countMatches, emptyCounts, scores, type ActionScore } from '../../src/core/liveness/eval'
import { ACTION_NAMES, isActionName, type ActionEvent, type ActionName } from '../../src/core/liveness/types'
import { readLabels, readTrace } from './trace-io'

export function detectCommand(tracePath: string): string[] {
  const trace = readTrace(tracePath)
  const events = detectActions(sourceFromHeader(trace.header), trace.frames)
  return events.map((e) => JSON.stringify({ action: e.action, startMs: e.startMs, endMs: e.endMs }))
}

export function parseChallenge(text: string | undefined): ActionName[] {
  if (!text) throw new LivenessInputError('CHALLENGE_INVALID')
  const list = text.split(',').map((s) => s.trim())
  if (list.length === 0 || !list.every(isActionName)) throw new LivenessInputError('CHALLENGE_INVALID', text)
  return list as ActionName[]
}

export function sessionCommand(tracePath: string, challenge: ActionName[], withSummary = false): string[] {
  const trace = readTrace(tracePath)
  const { events, verdict } = runSession(sourceFromHeader(trace.header), trace.frames, challenge)
  const lines = events.filter((e) => e.type !== 'verdict').map((e) => JSON.stringify(e))
  const { summary, ...rest } = verdict
  lines.push(JSON.stringify({ type: 'final', ...rest, summaryFrames: summary.n, ...(withSummary ? { summary } : {}) }))
  return lines
}

const TRACE_RE = /\.jsonl(\.gz)?$/

/** Pair every trace in tracesDir with labelsDir/<name>.json (name = file name without .jsonl[.gz]). */
export function evaluateDirs(tracesDir: string, labelsDir: string): { perClip: { name: string; events: ActionEvent[] }[]; table: ActionScore[] } {
  let names: string[]
  try {
    if (!statSync(tracesDir).isDirectory()) throw new Error('not a directory')
    names = readdirSync(tracesDir).filter((n) => TRACE_RE.test(n)).sort()
  } catch {
    throw new LivenessInputError('FILE_NOT_FOUND', tracesDir)
  }
  const total = emptyCounts()
  const perClip: { name: string; events: ActionEvent[] }[] = []
  for (const file of names) {
    const name = basename(file).replace(TRACE_RE, '')
    const labels = readLabels(join(labelsDir, `${name}.json`))
    const trace = readTrace(join(tracesDir, file))
    const events = detectActions(sourceFromHeader(trace.header), trace.frames)
    perClip.push({ name, events })
    addCounts(total, countMatches(events, labels.segments, 200))
  }
  return { perClip, table: scores(total) }
}

export function evalCommand(tracesDir: string, labelsDir: string): string[] {
  const { table } = evaluateDirs(tracesDir, labelsDir)
  const f = (x: number) => x.toFixed(3)
  const lines = ['action       labelled  tp  fp  fn  precision  recall  f1']
  for (const s of table) {
    lines.push(
      `${s.action.padEnd(12)} ${String(s.labelled).padStart(8)} ${String(s.tp).padStart(3)} ${String(s.fp).padStart(3)} ${String(s.fn).padStart(3)}  ${f(s.precision).padStart(9)}  ${f(s.recall).padStart(6)}  ${f(s.f1)}`,
    )
  }
  return lines
}

export { ACTION_NAMES }
