/** Command-line flags of the liveness CLI. Bad flags throw LivenessInputError('USAGE', <Chinese detail>). */
import { LivenessInputError } from '../../src/core/liveness/errors'
import { isResampleFps } from '../../src/core/liveness/resample'
import type { Resample } from './dataset'

const VALUE_FLAGS = ['--challenge', '--lead', '--fps', '--seed', '--variant'] as const
const BOOL_FLAGS = ['--summary', '--blend', '--jitter', '--json'] as const

export interface ParsedArgs {
  positional: string[]
  values: Partial<Record<(typeof VALUE_FLAGS)[number], string>>
  flags: Set<string>
}

export function parseArgs(args: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { positional: [], values: {}, flags: new Set() }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if ((VALUE_FLAGS as readonly string[]).includes(a)) {
      // a missing value is reported by the flag's own check (e.g. CHALLENGE_INVALID for --challenge)
      const v = args[i + 1]
      if (v !== undefined && !v.startsWith('--')) {
        out.values[a as (typeof VALUE_FLAGS)[number]] = v
        i++
      } else out.values[a as (typeof VALUE_FLAGS)[number]] = ''
    } else if ((BOOL_FLAGS as readonly string[]).includes(a)) out.flags.add(a)
    else if (a.startsWith('--')) throw new LivenessInputError('USAGE', `不认识的选项 ${a}`)
    else out.positional.push(a)
  }
  return out
}

/** Only these flags may be given to a command. */
export function allowOnly(p: ParsedArgs, allowed: readonly string[]): void {
  for (const k of [...Object.keys(p.values), ...p.flags]) if (!allowed.includes(k)) throw new LivenessInputError('USAGE', `这个命令不能用选项 ${k}`)
}

export function parseSeed(p: ParsedArgs): number | undefined {
  const s = p.values['--seed']
  if (s === undefined) return undefined
  if (!/^\d{1,9}$/.test(s)) throw new LivenessInputError('USAGE', '--seed 应是非负整数')
  return Number(s)
}

/** --fps 15|10|7.5 [--blend] [--jitter] [--seed n]; undefined when --fps is not given. */
export function parseResample(p: ParsedArgs): Resample | undefined {
  const f = p.values['--fps']
  const blend = p.flags.has('--blend')
  const jitter = p.flags.has('--jitter')
  if (f === undefined) {
    if (blend || jitter) throw new LivenessInputError('USAGE', '--blend 和 --jitter 要和 --fps 一起用')
    return undefined
  }
  const fps = Number(f)
  if (f === '' || !isResampleFps(fps)) throw new LivenessInputError('USAGE', '--fps 只能是 15、10 或 7.5')
  return { fps, blend, jitter, seed: parseSeed(p) }
}

export function parseLead(p: ParsedArgs): number | undefined {
  const s = p.values['--lead']
  if (s === undefined) return undefined
  const n = Number(s)
  if (s === '' || !Number.isFinite(n) || n < 0 || n > 600000) throw new LivenessInputError('USAGE', '--lead 应是 0 到 600000 之间的毫秒数')
  return n
}

export function parseVariant(p: ParsedArgs): string | undefined {
  const s = p.values['--variant']
  if (s === undefined) return undefined
  if (!/^(thin|blur)\.\d+(\.\d+)?$/.test(s)) throw new LivenessInputError('USAGE', '--variant 应是 thin.15、blur.12 这样的名字（thin 或 blur，加帧率）')
  return s
}
