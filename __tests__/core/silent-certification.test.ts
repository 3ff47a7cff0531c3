import { daysBefore, decideSilent, DEFAULT_SILENT_POLICY, parseSignalSource, parseSilentPolicy, SIGNAL_SOURCES, type Signal, type SignalSource } from '../../src/core/silent-certification'
import type { CertStatus } from '../../src/core/contracts/common'

const TODAY = '2026-11-27'
const policy = DEFAULT_SILENT_POLICY

describe('decideSilent', () => {
  it('certifies a due person with enough recent signals from counted sources', () => {
    const d = decideSilent([{ source: 'medical', occurredOn: '2026-11-01' }, { source: 'transport', occurredOn: '2026-10-01' }], TODAY, 'due', policy)
    expect(d).toEqual({ kind: 'certify', signals: [{ source: 'medical', occurredOn: '2026-11-01' }, { source: 'transport', occurredOn: '2026-10-01' }], sources: ['medical', 'transport'] })
    expect(decideSilent([{ source: 'medical', occurredOn: '2026-11-01' }, { source: 'medical', occurredOn: '2026-11-02' }], TODAY, 'overdue_suspended', policy).kind).toBe('certify')
  })

  it('does not certify a person already certified this cycle', () => {
    expect(decideSilent([{ source: 'medical', occurredOn: '2026-11-01' }, { source: 'police', occurredOn: '2026-11-02' }], TODAY, 'certified', policy)).toEqual({ kind: 'none', reason: 'already_certified' })
  })

  it('counts only the configured sources, within the recent days, distinct by source and day', () => {
    const one = { ...policy, minSignals: 1 }
    expect(decideSilent([{ source: 'transport', occurredOn: '2026-11-01' }], TODAY, 'due', { ...one, sources: ['medical'] }).kind).toBe('none')
    expect(decideSilent([{ source: 'medical', occurredOn: daysBefore(TODAY, 90) }], TODAY, 'due', one).kind).toBe('certify')
    expect(decideSilent([{ source: 'medical', occurredOn: daysBefore(TODAY, 91) }], TODAY, 'due', one).kind).toBe('none')
    expect(decideSilent([{ source: 'medical', occurredOn: '2026-11-01' }, { source: 'medical', occurredOn: '2026-11-01' }], TODAY, 'due', policy).kind).toBe('none')
    expect(decideSilent([{ source: 'medical', occurredOn: '2026-11-01' }, { source: 'medical', occurredOn: '2026-11-02' }], TODAY, 'due', { ...policy, minSources: 2 }).kind).toBe('none')
    expect(decideSilent([], TODAY, 'due', { ...one })).toEqual({ kind: 'none', reason: 'not_enough' })
  })

  it('any mix of signals with a death or 殡葬 signal never certifies (seeded random mixes)', () => {
    let seed = 2026
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    const states: CertStatus[] = ['certified', 'due', 'overdue_suspended']
    for (let i = 0; i < 2000; i++) {
      const signals: Signal[] = []
      for (let k = 0; k < rand(12); k++) signals.push({ source: SIGNAL_SOURCES[rand(SIGNAL_SOURCES.length)], occurredOn: daysBefore(TODAY, rand(200)) })
      const death: Signal = { source: rand(2) ? 'death' : 'funeral', occurredOn: daysBefore(TODAY, rand(200)) }
      signals.splice(rand(signals.length + 1), 0, death)
      const lenient = { sources: ['medical', 'transport', 'civil_affairs', 'police'] as SignalSource[], recentDays: 730, minSignals: 1, minSources: 1 }
      const d = decideSilent(signals, TODAY, states[rand(3)], lenient)
      expect(d.kind).toBe('death')
      if (d.kind === 'death') {
        const firstDeath = signals.filter((s) => s.source === 'death' || s.source === 'funeral').map((s) => s.occurredOn).sort()[0]
        expect(d.signal.occurredOn).toBe(firstDeath)
        expect(d.conflict !== undefined).toBe(signals.some((s) => s.source !== 'death' && s.source !== 'funeral' && s.occurredOn > firstDeath))
      }
    }
  })
})

describe('sources and policy text', () => {
  it('reads sources as departments write them', () => {
    expect(['医保结算', '交通出行', '民政', '公安', '殡葬', '死亡', ' 医保 ', 'police', '外卖'].map(parseSignalSource)).toEqual(['medical', 'transport', 'civil_affairs', 'police', 'funeral', 'death', 'medical', 'police', undefined])
  })

  it('parses the SIGNALS_* values and refuses a death source or a bad number', () => {
    expect(parseSilentPolicy({})).toEqual(DEFAULT_SILENT_POLICY)
    expect(parseSilentPolicy({ sources: '医保结算, police', recentDays: '30', minSignals: '3', minSources: '2' })).toEqual({ sources: ['medical', 'police'], recentDays: 30, minSignals: 3, minSources: 2 })
    expect(() => parseSilentPolicy({ sources: 'medical,殡葬' })).toThrow(/never certifies/)
    expect(() => parseSilentPolicy({ sources: 'medical,外卖' })).toThrow(/unknown source/)
    expect(() => parseSilentPolicy({ recentDays: '-1' })).toThrow(/SIGNALS_RECENT_DAYS/)
    expect(() => parseSilentPolicy({ minSignals: '1.5' })).toThrow(/SIGNALS_MIN_SIGNALS/)
  })
})
