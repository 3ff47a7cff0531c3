/**
 * `liveness sessions`, `liveness report` and the new flags of `liveness eval`: what they compute and print,
 * and clear Chinese errors with stable codes on bad input. No quality floors here (those depend on the
 * detectors and live in their own test, which calls familyTable()).
 */
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runSession, sourceFromHeader } from '../../../src/core/liveness/engine'
import { ACTION_NAMES } from '../../../src/core/liveness/types'
import { evalCommand, sessionsCommand } from '../../../scripts/liveness/commands'
import { loadClips, type Clip } from '../../../scripts/liveness/dataset'
import { availableFamilies, FAMILY_NAMES, familyRate, familyTable, formatReport, pooledByRate } from '../../../scripts/liveness/report'
import { evaluateSessions, genuineRuns, neverPerformed, neverPerformedRuns, runOne, windowFrom } from '../../../scripts/liveness/sessions'
import { cli, FIX, LABELS, LOWFPS, MORE_LABELS, TRACES } from './support'

const clipsOf = () => loadClips(TRACES, [LABELS])
const cap13 = (): Clip => clipsOf().find((c) => c.name === 'cap13_edit2') as Clip

describe('sessions', () => {
  const { result, lines } = sessionsCommand(TRACES, LABELS)

  test('one genuine session per confirmed segment, challenge = its action; uncertain segments start none', () => {
    for (const row of result.perAction) {
      const confirmed = clipsOf().reduce((n, c) => n + c.labels.segments.filter((s) => !s.uncertain && s.action === row.action).length, 0)
      expect({ action: row.action, sessions: row.sessions }).toEqual({ action: row.action, sessions: confirmed })
      expect(row.scored + Object.values(row.ended).reduce((a, b) => a + b, 0)).toBe(row.sessions)
      expect(row.passed + Object.values(row.reasons).reduce((a, b) => a + b, 0)).toBe(row.scored)
      expect(row.medianPassMs === null).toBe(row.passed === 0)
    }
    expect(result.leadMs).toBe(4000)
    for (const g of result.genuine) expect(g.leadMs).toBeLessThanOrEqual(4000)
  })

  test('controls: a still photo and a slideshow under every action per clip, never-performed actions over the whole clip', () => {
    expect(result.controls.still.sessions).toBe(3 * ACTION_NAMES.length)
    expect(result.controls.slideshow.sessions).toBe(3 * ACTION_NAMES.length)
    const absent = clipsOf().flatMap((c) => neverPerformed(c).map((a) => `${c.name}:${a}`))
    expect(new Set(result.controlRuns.neverPerformed.map((r) => `${r.clip}:${r.action}`))).toEqual(new Set(absent))
    // cap13 labels no nod at all
    expect(neverPerformed(cap13())).toEqual(expect.arrayContaining(['head_up', 'head_down']))
  })

  test('the plain table and --json', () => {
    expect(lines[0]).toMatch(/^genuine sessions: 3 clips, start 4000 ms before/)
    expect(lines[1]).toMatch(/^action\s+sessions\s+scored\s+passed\s+pass rate/)
    for (const a of ACTION_NAMES) expect(lines.some((l) => l.startsWith(a + ' '))).toBe(true)
    expect(lines.some((l) => l.startsWith('still photo'))).toBe(true)
    expect(lines.some((l) => l.startsWith('slideshow'))).toBe(true)
    expect(lines.some((l) => l.startsWith('actions never performed'))).toBe(true)
    const json = sessionsCommand(TRACES, LABELS, { json: true, leadMs: 3000 }).lines
    expect(json).toHaveLength(1)
    const o = JSON.parse(json[0])
    expect(o.leadMs).toBe(3000)
    expect(o.perAction.map((a: { action: string }) => a.action)).toEqual(ACTION_NAMES)
    expect(Object.keys(o.controls)).toEqual(['still', 'slideshow', 'neverPerformed'])
  })

  test('a session runs with the production config on frames re-based to its first frame', () => {
    const c = cap13()
    const w = windowFrom(c.trace.frames, 15000)
    expect(w[0].t).toBe(0)
    expect(c.trace.frames[c.trace.frames.length - w.length].t).toBeGreaterThanOrEqual(15000)
    const mine = runOne(c, w, ['blink'])
    const ref = runSession(sourceFromHeader(c.trace.header), w, ['blink'])
    expect({ passed: mine.passed, reason: mine.reason, endMs: mine.verdict.endMs }).toEqual({ passed: ref.verdict.passed, reason: ref.verdict.reason, endMs: ref.verdict.endMs })
  })

  test('a session whose frames run out before a verdict is reported apart, not scored', () => {
    const c = cap13()
    const seg = c.labels.segments.find((s) => !s.uncertain) as Clip['labels']['segments'][number]
    const cut: Clip = {
      name: 'cut',
      trace: { header: c.trace.header, frames: c.trace.frames.filter((f) => f.t <= seg.startMs - 3000) },
      labels: { segments: [{ ...seg, uncertain: false }, { ...seg, startMs: seg.startMs + 10, uncertain: true }] },
    }
    const runs = genuineRuns(cut, 4000)
    expect(runs).toHaveLength(1)
    expect(runs[0].decided).toBe(false)
    const r = evaluateSessions([cut]).perAction.find((a) => a.action === seg.action)
    expect(r).toMatchObject({ sessions: 1, scored: 0, passed: 0, passRate: null })
    expect(Object.values(r?.ended ?? {})).toEqual([1])
  })

  test('never-performed sessions run back to back until the clip ends', () => {
    const runs = neverPerformedRuns(cap13()).filter((r) => r.action === 'head_up')
    expect(runs.length).toBeGreaterThanOrEqual(1)
    expect(runs[0].fromMs).toBe(0)
    for (let i = 1; i < runs.length; i++) expect(runs[i].fromMs).toBeGreaterThan(runs[i - 1].fromMs)
    expect(runs.slice(0, -1).every((r) => r.decided)).toBe(true)
  })

  test('lowfps variants and in-memory resampling', () => {
    const v = sessionsCommand(LOWFPS, [LABELS, MORE_LABELS], { variant: 'blur.7.5' }).result
    expect(v.clips).toBe(9)
    const j = sessionsCommand(TRACES, LABELS, { resample: { fps: 10, jitter: true } }).result
    expect(j.perAction.map((a) => a.sessions)).toEqual(result.perAction.map((a) => a.sessions))
  })
})

describe('eval --fps / --variant / --json', () => {
  test('in-memory thinning, blending and jitter keep the labelled counts', () => {
    for (const resample of [{ fps: 15 as const }, { fps: 10 as const, blend: true }, { fps: 7.5 as const, jitter: true }]) {
      const lines = evalCommand(TRACES, LABELS, { resample })
      expect(lines).toHaveLength(7)
      expect(lines[1]).toMatch(/^blink\s+6\s/)
    }
    const o = JSON.parse(evalCommand(LOWFPS, [LABELS, MORE_LABELS], { variant: 'thin.15', json: true })[0])
    expect(o.clips).toHaveLength(9)
    expect(o.table.find((s: { action: string }) => s.action === 'blink').labelled).toBe(12)
  })
})

describe('familyTable / report', () => {
  // A few families here (the floor test computes them all); each kind of family is represented.
  const SOME = ['original', 'more', 'thin.10', 'jitter.10', 'thin.7.5', 'blur.7.5']

  test('a data set without the project own lowfps-made/ (the shared one) is reported without its families (12 and 6 fps, later samplings)', () => {
    expect(availableFamilies(FIX)).toEqual(FAMILY_NAMES)
    const shared = mkdtempSync(join(tmpdir(), 'yl-liveness-shared-'))
    try {
      for (const entry of readdirSync(FIX)) if (entry !== 'lowfps-made') symlinkSync(join(FIX, entry), join(shared, entry))
      expect(availableFamilies(shared)).toEqual(FAMILY_NAMES.filter((f) => f !== 'blur.12' && f !== 'blur.6' && !/\.p\d$/.test(f)))
    } finally {
      rmSync(shared, { recursive: true, force: true })
    }
  })

  test('families, with eval scores and session results; cached', () => {
    const rows = familyTable({ families: SOME })
    expect(rows.map((r) => r.family)).toEqual(SOME)
    expect(FAMILY_NAMES).toEqual([
      ...['original', 'more', 'thin.15', 'blur.15', 'blur.15.p1', 'jitter.15', 'blur.12'],
      ...['thin.10', 'blur.10', 'blur.10.p1', 'blur.10.p2', 'jitter.10'],
      ...['thin.7.5', 'blur.7.5', 'blur.7.5.p1', 'blur.7.5.p2', 'jitter.7.5', 'blur.6'],
    ])
    for (const r of rows) {
      expect(r.clips).toBe(r.family === 'original' ? 3 : r.family === 'more' ? 6 : 9)
      expect(r.eval?.map((s) => s.action)).toEqual(ACTION_NAMES)
      expect(r.sessions?.perAction).toHaveLength(6)
    }
    const byName = Object.fromEntries(rows.map((r) => [r.family, r]))
    // thin 7.5 in memory has as many frames as the blur 7.5 files (same slots)
    expect(byName['thin.7.5'].frames).toBe(byName['blur.7.5'].frames)
    const again = familyTable({ families: ['thin.10'], sessions: false })
    expect(again[0].eval).toBe(byName['thin.10'].eval)
    expect(again[0].sessions).toBeUndefined()
  })

  test('markdown tables', () => {
    const md = formatReport(familyTable({ fixturesDir: FIX, families: SOME }))
    expect(md.filter((l) => l.startsWith('### '))).toHaveLength(4)
    expect(md).toContain('| family | clips | blink | mouth_open | turn_left | turn_right | head_up | head_down |')
    expect(md.filter((l) => /^\| (original|more|thin|blur|jitter)/.test(l))).toHaveLength(3 * SOME.length)
    expect(md.filter((l) => /^\| [\d.-]+ fps \|/.test(l)).map((l) => l.split(' | ')[0] + ' | ' + l.split(' | ')[1])).toEqual([
      '| 24-30 fps | original, more',
      '| 10 fps | thin.10, jitter.10',
      '| 7.5 fps | thin.7.5, blur.7.5',
    ])
  })

  test('pooled per rate: the counts of every family of the rate added up', () => {
    expect(['original', 'blur.15', 'blur.12', 'blur.10.p2', 'jitter.7.5', 'blur.7.5.p1', 'blur.6'].map(familyRate)).toEqual([undefined, 15, 12, 10, 7.5, 7.5, 6])
    const rows = familyTable({ families: ['thin.7.5', 'blur.7.5', 'original'], sessions: false })
    const pooled = pooledByRate(rows)
    expect(pooled.map((p) => p.rate)).toEqual(['24-30 fps', '7.5 fps'])
    const blink = (sc: readonly { action: string; tp: number; fp: number; labelled: number }[]) => sc.find((x) => x.action === 'blink')!
    const [thin, blur] = [blink(rows[0].eval!), blink(rows[1].eval!)]
    const sum = blink(pooled[1].eval)
    expect({ tp: sum.tp, fp: sum.fp, labelled: sum.labelled }).toEqual({ tp: thin.tp + blur.tp, fp: thin.fp + blur.fp, labelled: 24 })
  })
})

describe('process', () => {
  test.each([
    [['sessions', '/nonexistent', '/nonexistent'], 'FILE_NOT_FOUND', ''],
    [['sessions', TRACES], 'USAGE', ''],
    [['sessions', TRACES, LABELS, '--lead', 'soon'], 'USAGE', '--lead'],
    [['sessions', TRACES, LABELS, '--fps', '12'], 'USAGE', '--fps 只能是'],
    [['eval', TRACES, LABELS, '--blend'], 'USAGE', '--fps'],
    [['eval', TRACES, LABELS, '--variant', 'smooth.3'], 'USAGE', '--variant'],
    [['eval', TRACES, LABELS, '--frobnicate'], 'USAGE', '不认识的选项'],
    [['sessions', TRACES, '/nonexistent'], 'FILE_NOT_FOUND', ''],
    [['report', '/nonexistent'], 'FILE_NOT_FOUND', ''],
    [['report', FIX, '--fps', '10'], 'USAGE', '--fps'],
  ])('bad input %j -> %s', (args, code, detail) => {
    const r = cli(...args)
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(`错误 ${code}`)
    expect(r.stderr).toContain(detail)
    expect(r.stderr).toMatch(/[\u4e00-\u9fff]/)
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/)
  })

  test('--variant takes any rate: the project own 12 and 6 fps files', () => {
    const r = cli('eval', join(FIX, 'lowfps-made', 'traces'), LABELS, MORE_LABELS, '--variant', 'blur.12', '--json')
    expect(r.status).toBe(0)
    const o = JSON.parse(r.stdout)
    expect(o.clips).toHaveLength(9)
    expect(o.clips.every((c: string | { name: string }) => (typeof c === 'string' ? c : c.name).endsWith('.blur.12'))).toBe(true)
    expect(o.table.find((s: { action: string }) => s.action === 'blink').labelled).toBe(12)
  })

  test('sessions --json prints one JSON object, exit 0', () => {
    const r = cli('sessions', TRACES, LABELS, '--fps', '15', '--blend', '--json')
    expect(r.status).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0])).toMatchObject({ leadMs: 4000, clips: 3, resample: { fps: 15, blend: true, jitter: false } })
  })
})
