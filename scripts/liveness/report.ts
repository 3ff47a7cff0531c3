/**
 * The per-family tables (event F1 per action, and session pass rates with the controls) over the whole
 * fixture set: the original clips, more/, each lowfps/ family, the team's blurred 12 and 6 fps variants
 * (lowfps-made/), and in-memory thin 7.5 and jittered 15 / 10 / 7.5 fps versions of all nine original clips. familyTable() is what the quality-floor tests call.
 *
 * Where the frames of a low rate land inside a blink decides whether one of them catches the lids low: the
 * blurred 15, 10 and 7.5 fps sets are also made starting one and two source frames later (`.p1`, `.p2`), and
 * the pooled table adds up every kind and sampling of a rate, so a figure does not rest on one lucky phase.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { addCounts, emptyCounts, scores, type ActionScore, type Counts } from '../../src/core/liveness/eval'
import { ACTION_NAMES, type ActionName } from '../../src/core/liveness/types'
import { evaluateClips } from './commands'
import { DEFAULT_STRESS, formatStress, stressControls, type StressResult } from './controls-stress'
import { loadClips, type Clip, type Resample } from './dataset'
import { DEFAULT_LEAD_MS, evaluateSessions, median, pct, secs, SLIDESHOW_DWELL_MS, STILL_MS, type SessionsResult, type Tally } from './sessions'

export const DEFAULT_FIXTURES = resolve(__dirname, '..', '..', '__tests__', 'fixtures', 'liveness')

export interface FamilySpec {
  name: string
  /** How the family is made, for people. */
  what: string
  load: (fixturesDir: string) => Clip[]
  /** A folder of the project's own fixtures that another data set (the shared one) does not have. */
  folder?: string
}

const originals = (dir: string, resample?: Resample): Clip[] => [
  ...loadClips(join(dir, 'traces'), [join(dir, 'labels')], { resample }),
  ...loadClips(join(dir, 'more', 'traces'), [join(dir, 'more', 'labels')], { resample }),
]
const variantsIn = (sub: string) => (variant: string) => (dir: string) =>
  loadClips(join(dir, sub, 'traces'), [join(dir, 'labels'), join(dir, 'more', 'labels')], { variant })
const lowfps = variantsIn('lowfps')
/** 12 and 6 fps, made by the team the same way (lowfps-made/README.md). */
const made = variantsIn('lowfps-made')

/** Every family, grouped by rate. */
export const FAMILIES: readonly FamilySpec[] = [
  { name: 'original', what: 'traces/ (3 clips, 24-25 fps)', load: (d) => loadClips(join(d, 'traces'), [join(d, 'labels')]) },
  { name: 'more', what: 'more/traces (6 clips, 25-30 fps)', load: (d) => loadClips(join(d, 'more', 'traces'), [join(d, 'more', 'labels')]) },
  { name: 'thin.15', what: 'lowfps/ files', load: lowfps('thin.15') },
  { name: 'blur.15', what: 'lowfps/ files', load: lowfps('blur.15') },
  { name: 'blur.15.p1', what: 'lowfps-made/ files, sampled from one source frame later', load: made('blur.15.p1'), folder: 'lowfps-made' },
  { name: 'jitter.15', what: 'in memory from the 9 originals', load: (d) => originals(d, { fps: 15, jitter: true }) },
  { name: 'blur.12', what: 'lowfps-made/ files', load: made('blur.12'), folder: 'lowfps-made' },
  { name: 'thin.10', what: 'lowfps/ files', load: lowfps('thin.10') },
  { name: 'blur.10', what: 'lowfps/ files', load: lowfps('blur.10') },
  { name: 'blur.10.p1', what: 'lowfps-made/ files, sampled from one source frame later', load: made('blur.10.p1'), folder: 'lowfps-made' },
  { name: 'blur.10.p2', what: 'lowfps-made/ files, sampled from two source frames later', load: made('blur.10.p2'), folder: 'lowfps-made' },
  { name: 'jitter.10', what: 'in memory from the 9 originals', load: (d) => originals(d, { fps: 10, jitter: true }) },
  { name: 'thin.7.5', what: 'in memory from the 9 originals', load: (d) => originals(d, { fps: 7.5 }) },
  { name: 'blur.7.5', what: 'lowfps/ files', load: lowfps('blur.7.5') },
  { name: 'blur.7.5.p1', what: 'lowfps-made/ files, sampled from one source frame later', load: made('blur.7.5.p1'), folder: 'lowfps-made' },
  { name: 'blur.7.5.p2', what: 'lowfps-made/ files, sampled from two source frames later', load: made('blur.7.5.p2'), folder: 'lowfps-made' },
  { name: 'jitter.7.5', what: 'in memory from the 9 originals', load: (d) => originals(d, { fps: 7.5, jitter: true }) },
  { name: 'blur.6', what: 'lowfps-made/ files', load: made('blur.6'), folder: 'lowfps-made' },
]

export const FAMILY_NAMES: readonly string[] = FAMILIES.map((f) => f.name)

/** The families a data set has: all of them in the fixtures; the shared set lacks the project's own lowfps-made/. */
function familiesIn(fixturesDir: string): FamilySpec[] {
  return FAMILIES.filter((f) => !f.folder || existsSync(join(fixturesDir, f.folder)))
}

export function availableFamilies(fixturesDir: string): string[] {
  return familiesIn(fixturesDir).map((f) => f.name)
}

export interface FamilyRow {
  family: string
  what: string
  clips: number
  frames: number
  /** Event scores per action (eval). */
  eval?: ActionScore[]
  /** Session pass rates and controls (sessions). */
  sessions?: SessionsResult
}

export interface FamilyTableOptions {
  fixturesDir?: string
  /** Families to compute (default: all, in FAMILIES order). */
  families?: readonly string[]
  /** Compute event scores (default true). */
  eval?: boolean
  /** Compute sessions (default true). */
  sessions?: boolean
  leadMs?: number
}

const cache = new Map<string, FamilyRow>()

/**
 * The per-family table. Results are cached per process (per fixtures dir, family, part and lead), so the
 * floor tests can ask for it repeatedly.
 */
export function familyTable(opts: FamilyTableOptions = {}): FamilyRow[] {
  const dir = resolve(opts.fixturesDir ?? DEFAULT_FIXTURES)
  const wanted = opts.families ?? availableFamilies(dir)
  const leadMs = opts.leadMs ?? DEFAULT_LEAD_MS
  const doEval = opts.eval !== false
  const doSessions = opts.sessions !== false
  return wanted.map((name) => {
    const spec = FAMILIES.find((f) => f.name === name)
    if (!spec) throw new Error(`unknown family ${name}`)
    let clips: Clip[] | undefined
    const load = () => (clips ??= spec.load(dir))
    const key = (part: string) => `${dir}\u0000${name}\u0000${part}`
    const base = (): FamilyRow => {
      const c = load()
      return { family: name, what: spec.what, clips: c.length, frames: c.reduce((n, x) => n + x.trace.frames.length, 0) }
    }
    const row: FamilyRow = cache.get(key('base')) ?? base()
    cache.set(key('base'), { ...row })
    const out: FamilyRow = { ...row }
    if (doEval) {
      const k = key('eval')
      if (!cache.has(k)) cache.set(k, { ...row, eval: evaluateClips(load()).table })
      out.eval = cache.get(k)?.eval
    }
    if (doSessions) {
      const k = key(`sessions:${leadMs}`)
      if (!cache.has(k)) cache.set(k, { ...row, sessions: evaluateSessions(load(), { leadMs }) })
      out.sessions = cache.get(k)?.sessions
    }
    return out
  })
}

const f2 = (x: number) => x.toFixed(2)

/** The nominal rate of a family (`blur.10.p2` → 10); the full-rate clips have none. */
export function familyRate(family: string): number | undefined {
  const m = /\.(\d+(?:\.5)?)(?:\.p\d+)?$/.exec(family)
  return m ? Number(m[1]) : undefined
}

/** Event counts added up over every family of the same rate (full rate first, then fastest to slowest). */
export function pooledByRate(rows: readonly FamilyRow[]): { rate: string; families: string[]; eval: ActionScore[] }[] {
  const groups = new Map<string, { families: string[]; counts: Record<ActionName, Counts> }>()
  for (const r of rows) {
    if (!r.eval) continue
    const rate = familyRate(r.family)
    const key = rate === undefined ? 'full' : String(rate)
    const g = groups.get(key) ?? { families: [], counts: emptyCounts() }
    g.families.push(r.family)
    const add = emptyCounts()
    for (const sc of r.eval) add[sc.action] = sc // (an action's score carries its counts)
    addCounts(g.counts, add)
    groups.set(key, g)
  }
  const order = (k: string) => (k === 'full' ? Infinity : Number(k))
  return [...groups]
    .sort((a, b) => order(b[0]) - order(a[0]))
    .map(([rate, g]) => ({ rate: rate === 'full' ? '24-30 fps' : `${rate} fps`, families: g.families, eval: scores(g.counts) }))
}

function f1Cell(s: ActionScore): string {
  if (s.labelled === 0) return s.fp === 0 ? '–' : `– (${s.fp} fp)`
  return `${f2(s.f1)} (${s.tp}/${s.labelled}, ${s.fp} fp)`
}

function passCell(r: SessionsResult, action: string): string {
  const a = r.perAction.find((x) => x.action === action)
  if (!a || a.sessions === 0) return '–'
  const ended = a.sessions - a.scored
  return `${a.passed}/${a.scored}${ended ? ` (+${ended} ended)` : ''}`
}

function controlCell(t: Tally): string {
  return `${t.passed}/${t.sessions}`
}

function reasons(t: Record<string, number>): string {
  const e = Object.entries(t).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  return e.length ? e.map(([k, n]) => `${k} ${n}`).join(', ') : '–'
}

/** Markdown tables for a closing note. */
export function formatReport(rows: readonly FamilyRow[], leadMs = DEFAULT_LEAD_MS): string[] {
  const lines: string[] = []
  const withEval = rows.filter((r) => r.eval)
  if (withEval.length) {
    lines.push('### Event F1 per action (`liveness eval`): F1 (found/labelled, false positives)', '')
    lines.push(`| family | clips | ${ACTION_NAMES.join(' | ')} |`)
    lines.push(`|---|---|${ACTION_NAMES.map(() => '---').join('|')}|`)
    for (const r of withEval) {
      const by = new Map((r.eval ?? []).map((s) => [s.action, s]))
      lines.push(`| ${r.family} | ${r.clips} | ${ACTION_NAMES.map((a) => f1Cell(by.get(a) as ActionScore)).join(' | ')} |`)
    }
    lines.push('')
    lines.push('### Event F1 pooled per rate (every kind and sampling of the rate added up)', '')
    lines.push(`| rate | families | ${ACTION_NAMES.join(' | ')} |`)
    lines.push(`|---|---|${ACTION_NAMES.map(() => '---').join('|')}|`)
    for (const p of pooledByRate(withEval)) {
      const by = new Map(p.eval.map((s) => [s.action, s]))
      lines.push(`| ${p.rate} | ${p.families.join(', ')} | ${ACTION_NAMES.map((a) => f1Cell(by.get(a) as ActionScore)).join(' | ')} |`)
    }
    lines.push('')
  }
  const withSessions = rows.filter((r) => r.sessions)
  if (withSessions.length) {
    lines.push(`### Genuine sessions (\`liveness sessions\`, lead ${leadMs} ms): passed/scored per action`, '')
    lines.push(`| family | ${ACTION_NAMES.join(' | ')} | all | median to pass | failures | ended before a verdict |`)
    lines.push(`|---|${ACTION_NAMES.map(() => '---').join('|')}|---|---|---|---|`)
    for (const r of withSessions) {
      const s = r.sessions as SessionsResult
      const passed = s.perAction.reduce((n, a) => n + a.passed, 0)
      const scored = s.perAction.reduce((n, a) => n + a.scored, 0)
      const failures: Record<string, number> = {}
      const ended: Record<string, number> = {}
      for (const a of s.perAction) {
        for (const [k, n] of Object.entries(a.reasons)) failures[k] = (failures[k] ?? 0) + n
        for (const [k, n] of Object.entries(a.ended)) ended[k] = (ended[k] ?? 0) + n
      }
      const times = s.genuine.filter((g) => g.passed).map((g) => g.durationMs)
      const med = median(times)
      const started = s.perAction.reduce((n, a) => n + a.sessions, 0)
      const all = `${passed}/${scored} (${pct(scored ? passed / scored : null)}); ${passed}/${started} started`
      lines.push(`| ${r.family} | ${ACTION_NAMES.map((a) => passCell(s, a)).join(' | ')} | ${all} | ${secs(med)} | ${reasons(failures)} | ${reasons(ended)} |`)
    }
    lines.push('')
    lines.push('### Controls (must never pass): passed/sessions', '')
    lines.push('| family | still photo | slideshow | never performed | still photo reasons | slideshow reasons | never performed reasons |')
    lines.push('|---|---|---|---|---|---|---|')
    for (const r of withSessions) {
      const c = (r.sessions as SessionsResult).controls
      const rs = (t: Tally) => reasons({ ...t.reasons, ...Object.fromEntries(Object.entries(t.ended).map(([k, n]) => [`${k} (ended)`, n])) })
      lines.push(`| ${r.family} | ${controlCell(c.still)} | ${controlCell(c.slideshow)} | ${controlCell(c.neverPerformed)} | ${rs(c.still)} | ${rs(c.slideshow)} | ${rs(c.neverPerformed)} |`)
    }
    lines.push('')
    const passedControls: string[] = []
    for (const r of withSessions) {
      const runs = (r.sessions as SessionsResult).controlRuns
      for (const [kind, list] of Object.entries(runs)) for (const c of list) if (c.passed) passedControls.push(`${r.family} ${kind} ${c.clip}/${c.action}`)
    }
    if (passedControls.length) lines.push(`Controls that passed: ${passedControls.join('; ')}.`, '')
  }
  lines.push('Families: ' + rows.map((r) => `${r.family} = ${r.what}, ${r.frames} frames`).join('; ') + '.')
  if (withSessions.length) {
    lines.push('')
    lines.push(
      `Sessions use the default session config; "ended" = the trace ended before a verdict (not scored). Controls per clip: still photo = the middle frame held ${STILL_MS / 1000} s with landmark jitter; slideshow = 4 frames, ${SLIDESHOW_DWELL_MS} ms each, 10 s; both under all six actions; never performed = actions with no labelled segment in the clip, sessions back to back over the whole clip. Jitter seed 1 + hash of the clip name.`,
    )
  }
  return lines
}

export function reportCommand(fixturesDir: string, opts: { leadMs?: number; json?: boolean } = {}): { rows: FamilyRow[]; lines: string[] } {
  const rows = familyTable({ fixturesDir, leadMs: opts.leadMs })
  const slim = rows.map((r) => ({ ...r, sessions: r.sessions && { ...r.sessions, genuine: undefined, controlRuns: undefined } }))
  return { rows, lines: opts.json ? [JSON.stringify({ leadMs: opts.leadMs ?? DEFAULT_LEAD_MS, families: slim })] : formatReport(rows, opts.leadMs) }
}

/** The widened attack controls over every family a data set has (controls-stress.ts). */
export function controlsCommand(fixturesDir: string, opts: { seeds?: number; json?: boolean } = {}): { rows: { family: string; result: StressResult }[]; lines: string[] } {
  const stress = { ...DEFAULT_STRESS, seeds: opts.seeds ?? DEFAULT_STRESS.seeds }
  const rows = familiesIn(fixturesDir).map((f) => ({ family: f.name, result: stressControls(f.load(fixturesDir), stress) }))
  return { rows, lines: opts.json ? [JSON.stringify({ options: stress, families: rows })] : formatStress(rows, stress) }
}
