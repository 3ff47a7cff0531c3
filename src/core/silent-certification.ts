/**
 * 静默认证 (data comparison): evidence-of-life signals from other departments (医保结算, 交通出行, 民政,
 * 公安 …) certify a person without a face check, under a configurable policy: which sources count,
 * how recent a signal must be, how many distinct signals and sources are needed. A death or 殡葬 signal
 * NEVER certifies: it suspends payment and flags the person for review; a life signal dated after a
 * death signal is a conflict for the agency to resolve (still never a pass). Pure logic, no I/O.
 */
import type { CertStatus } from './contracts/common'

export const SIGNAL_SOURCES = ['medical', 'transport', 'civil_affairs', 'police', 'funeral', 'death'] as const
export type SignalSource = (typeof SIGNAL_SOURCES)[number]

/** The 来源 as departments write it (the CSV cell) and as screens show it. */
export const SIGNAL_SOURCE_LABELS: Record<SignalSource, string> = {
  medical: '医保结算',
  transport: '交通出行',
  civil_affairs: '民政',
  police: '公安',
  funeral: '殡葬',
  death: '死亡',
}

/** A stored source in words (a value from before the list is shown as it is). */
export const signalSourceLabel = (source: string): string => SIGNAL_SOURCE_LABELS[source as SignalSource] ?? source

/** Sources that say the person has died: never a pass. */
export const DEATH_SOURCES: readonly SignalSource[] = ['funeral', 'death']
export const isDeathSource = (s: SignalSource): boolean => DEATH_SOURCES.includes(s)

/** Other spellings departments use for the same 来源. */
const ALIASES: Record<string, SignalSource> = {
  医保: 'medical',
  医疗保险结算: 'medical',
  医保结算: 'medical',
  交通: 'transport',
  交通出行: 'transport',
  民政: 'civil_affairs',
  公安: 'police',
  殡葬: 'funeral',
  火化: 'funeral',
  死亡: 'death',
  死亡登记: 'death',
}

/** The source of a CSV cell (its Chinese label, an alias or the code), or undefined. */
export function parseSignalSource(cell: string): SignalSource | undefined {
  const v = cell.trim()
  if (ALIASES[v]) return ALIASES[v]
  return (SIGNAL_SOURCES as readonly string[]).includes(v) ? (v as SignalSource) : undefined
}

export interface SilentPolicy {
  /** Sources whose signals count towards a pass (never a death source). */
  sources: readonly SignalSource[]
  /** A signal counts when it occurred at most this many days before today (0: today only). */
  recentDays: number
  /** Distinct signals (source + day) needed. */
  minSignals: number
  /** Distinct sources needed among them. */
  minSources: number
}

export const DEFAULT_SILENT_POLICY: SilentPolicy = { sources: ['medical', 'transport', 'civil_affairs', 'police'], recentDays: 90, minSignals: 2, minSources: 1 }

export interface Signal {
  source: SignalSource
  /** YYYY-MM-DD (Beijing). */
  occurredOn: string
}

export type SilentDecision =
  /** A death or 殡葬 signal: suspend payment, flag for review. `conflict`: a life signal is dated after it. */
  | { kind: 'death'; signal: Signal; conflict?: Signal }
  /** Enough recent signals from counting sources: a pass (the caller checks the person is due). */
  | { kind: 'certify'; signals: Signal[]; sources: SignalSource[] }
  | { kind: 'none'; reason: 'already_certified' | 'not_enough' }

/** YYYY-MM-DD minus n days. */
export function daysBefore(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - n)
  return d.toISOString().slice(0, 10)
}

/**
 * What a person's signals (all of them, from every import) decide today. `state`: the person's standing
 * now; a person already certified this cycle is not certified again.
 */
export function decideSilent(signals: readonly Signal[], today: string, state: CertStatus, policy: SilentPolicy): SilentDecision {
  const deaths = signals.filter((s) => isDeathSource(s.source)).sort((a, b) => (a.occurredOn < b.occurredOn ? -1 : 1))
  if (deaths.length > 0) {
    const death = deaths[0]
    const later = signals.filter((s) => !isDeathSource(s.source) && s.occurredOn > death.occurredOn).sort((a, b) => (a.occurredOn < b.occurredOn ? 1 : -1))[0]
    return later ? { kind: 'death', signal: death, conflict: later } : { kind: 'death', signal: death }
  }
  if (state === 'certified') return { kind: 'none', reason: 'already_certified' }
  const from = daysBefore(today, policy.recentDays)
  const counted = new Map<string, Signal>()
  for (const s of signals) {
    if (!policy.sources.includes(s.source) || isDeathSource(s.source)) continue
    if (s.occurredOn < from || s.occurredOn > today) continue
    counted.set(`${s.source}|${s.occurredOn}`, s)
  }
  const list = [...counted.values()].sort((a, b) => (a.occurredOn < b.occurredOn ? 1 : -1))
  const sources = [...new Set(list.map((s) => s.source))]
  if (list.length >= policy.minSignals && sources.length >= policy.minSources && list.length > 0) return { kind: 'certify', signals: list, sources }
  return { kind: 'none', reason: 'not_enough' }
}

/** A policy from configuration text (SIGNALS_* variables); throws a plain message on a bad value. */
export function parseSilentPolicy(env: { sources?: string; recentDays?: string; minSignals?: string; minSources?: string }): SilentPolicy {
  const d = DEFAULT_SILENT_POLICY
  const int = (name: string, text: string | undefined, fallback: number, min: number, max: number): number => {
    if (text === undefined || text.trim() === '') return fallback
    const n = Number(text)
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer ${min}–${max}`)
    return n
  }
  let sources = d.sources
  if (env.sources !== undefined && env.sources.trim() !== '') {
    const list = env.sources.split(',').map((s) => s.trim()).filter(Boolean)
    const parsed = list.map((s) => parseSignalSource(s))
    if (parsed.some((s) => s === undefined)) throw new Error(`SIGNALS_SOURCES: unknown source in "${env.sources}" (${SIGNAL_SOURCES.join(', ')})`)
    if (parsed.some((s) => isDeathSource(s!))) throw new Error('SIGNALS_SOURCES: a death or 殡葬 signal never certifies')
    sources = [...new Set(parsed as SignalSource[])]
  }
  return {
    sources,
    recentDays: int('SIGNALS_RECENT_DAYS', env.recentDays, d.recentDays, 0, 730),
    minSignals: int('SIGNALS_MIN_SIGNALS', env.minSignals, d.minSignals, 1, 50),
    minSources: int('SIGNALS_MIN_SOURCES', env.minSources, d.minSources, 1, SIGNAL_SOURCES.length),
  }
}
