/**
 * Collects the audit's rows (one per page and text size) and findings, writes them as
 * .tmp/audit/<part>.json, and renders .tmp/audit/report.md from every part present — so the pages run
 * and the camera run, each its own test file, end up in one table.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../system'

export const AUDIT_DIR = join(ROOT, '.tmp', 'audit')

export type Size = 'standard' | 'xlarge'
export const SIZE_LABEL: Record<Size, string> = { standard: '标准', xlarge: '特大' }

export type FindingKind = 'axe' | 'text' | 'target' | 'overflow' | 'wordbreak' | 'contrast' | 'landing' | 'unspoken' | 'scale' | 'state'

export interface Finding {
  page: string
  size: Size | 'both'
  kind: FindingKind
  detail: string
}

export interface Row {
  page: string
  size: Size
  axe: number
  minTextPx: number | null
  minTargetPx: number | null
  overflow: number
  contrast: number
  unspoken: number | null
  /** Body text (character-weighted median) in px, to compare 标准 with 特大. */
  bodyTextPx: number
  screenshot: string
}

interface Part {
  part: string
  finishedAt: string
  rows: Row[]
  findings: Finding[]
}

export class AuditLog {
  readonly rows: Row[] = []
  readonly findings: Finding[] = []
  private readonly unspokenByPage = new Map<string, number>()

  constructor(readonly part: string) {}

  add(f: Finding) {
    this.findings.push(f)
    process.stdout.write(`[audit ${this.part}] ${f.page} (${f.size === 'both' ? 'both sizes' : SIZE_LABEL[f.size]}) ${f.kind}: ${f.detail}\n`)
  }

  row(r: Row) {
    this.rows.push({ ...r, unspoken: this.unspokenByPage.get(r.page) ?? r.unspoken })
  }

  /** Sets the unspoken count on a page's rows (known only once its speech has had its chance). */
  setUnspoken(page: string, n: number) {
    this.unspokenByPage.set(page, n)
    for (const r of this.rows) if (r.page === page) r.unspoken = n
  }

  /** Writes this part and the combined report; answers the report's text. */
  write(): string {
    mkdirSync(AUDIT_DIR, { recursive: true })
    const part: Part = { part: this.part, finishedAt: new Date().toISOString(), rows: this.rows, findings: this.findings }
    writeFileSync(join(AUDIT_DIR, `${this.part}.json`), JSON.stringify(part, null, 2))
    const parts = readdirSync(AUDIT_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(AUDIT_DIR, f), 'utf8')) as Part)
    const md = renderReport(parts)
    writeFileSync(join(AUDIT_DIR, 'report.md'), md)
    return renderReport([part])
  }
}

const cell = (v: number | null, unit = '') => (v === null ? '–' : `${v}${unit}`)

export function renderReport(parts: Part[]): string {
  const lines: string[] = []
  lines.push('# Elder-first audit (__tests__/e2e/audit-*.test.ts)')
  lines.push('')
  lines.push(`Screenshots: .tmp/audit/<page>-<size>.png (390×844, whole page). Parts: ${parts.map((p) => `${p.part} (${p.finishedAt})`).join(', ')}.`)
  lines.push('')
  lines.push('Limits: axe = serious/critical violations; text ≥ 18 px; tap areas ≥ 60×60 px; overflow = boxes whose content does not fit, text drawn over text, page wider than the screen; contrast ≥ 4.5:1 for every text; unspoken = shown prompts (camera, result, error messages) never spoken.')
  lines.push('')
  lines.push('| page | size | axe | smallest text | smallest target | overflow | contrast < 4.5 | unspoken | body text |')
  lines.push('|---|---|---|---|---|---|---|---|---|')
  for (const p of parts) {
    for (const r of p.rows) {
      lines.push(
        `| ${r.page} | ${SIZE_LABEL[r.size]} | ${r.axe} | ${cell(r.minTextPx, ' px')} | ${cell(r.minTargetPx, ' px')} | ${r.overflow} | ${r.contrast} | ${cell(r.unspoken)} | ${cell(r.bodyTextPx, ' px')} |`,
      )
    }
  }
  const findings = parts.flatMap((p) => p.findings)
  lines.push('')
  lines.push(`## Findings (${findings.length})`)
  const byPage = new Map<string, Finding[]>()
  for (const f of findings) byPage.set(f.page, [...(byPage.get(f.page) ?? []), f])
  for (const [page, fs] of byPage) {
    lines.push('')
    lines.push(`### ${page}`)
    for (const f of fs) lines.push(`- ${f.size === 'both' ? '' : `[${SIZE_LABEL[f.size]}] `}${f.kind}: ${f.detail}`)
  }
  lines.push('')
  return lines.join('\n')
}
