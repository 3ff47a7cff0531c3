/**
 * Audits one page state at 标准 and at 特大: axe-core (served from node_modules), the in-page
 * measurements (in-page.js), a whole-page screenshot of each size under .tmp/audit/, and whether the
 * prompts it shows were spoken. Findings go to the AuditLog; nothing throws on a finding, so one run
 * collects everything and the test fails once with the whole list.
 *
 * Text size follows interface (a): the 字号 buttons on 首页 (data-testid font-size-*). Taro's H5 router
 * keeps 首页 mounted (hidden) under every page opened from it, so the audit taps the hidden button and
 * the page in front must follow at once, as a person's choice would make it. A page opened straight
 * from a link (the landings) has no 首页 below it: there the choice is preset in localStorage
 * ('yl.ui.fontSize.v1') and the page reloaded.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ROOT } from '../system'
import { AUDIT_DIR, SIZE_LABEL, type AuditLog, type Size } from './report'
import { unspoken } from './spoken'

const IN_PAGE = join(__dirname, 'in-page.js')
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js')
const FONT_SIZE_KEY = 'yl.ui.fontSize.v1'
const SCALE: Record<Size, string> = { standard: '1', xlarge: '2' }

/** Error messages are prompts too: a person must hear what went wrong. */
const ALERT_SCOPES = ['[role="alert"]', '[data-testid="error-banner"]']

export interface Measurement {
  findings: { kind: 'text' | 'target' | 'overflow' | 'wordbreak' | 'contrast'; detail: string }[]
  minTextPx: number | null
  minTargetPx: number | null
  bodyTextPx: number
  overflowCount: number
  contrastCount: number
  minContrast: number | null
  start: { top: number; bottom: number; left: number; right: number } | null
  viewport: { width: number; height: number }
  scaleVar: string
}

export interface StateOptions {
  /** Shown text here must have been spoken (CSS selectors; error messages always count). */
  promptScopes?: string[]
  /** Sentences seen earlier on a page that is gone now (the camera page before the result), to check too. */
  earlierShown?: () => Promise<string[]>
  /** A landing page: 开始认证 must be fully visible in the first screen. */
  landing?: boolean
  /** Without a 字号 control below this page, reload it with the preset (the URL alone shows the state). */
  reload?: { ready: (page: Page) => Promise<void> }
  /** How long the page may take to say what it shows (its speech is queued). */
  speechMs?: number
  /**
   * Resolves once the state is all on screen, awaited before each measurement: a part the page adds
   * after a while (the camera's coaching hint) would otherwise be measured or not depending on how busy
   * the machine is.
   */
  shown?: (page: Page) => Promise<void>
}

/** Everything the audit needs in a page, before its first load. */
export async function prepareAuditPage(page: Page, opts: { watchPrompts?: string[] } = {}) {
  await page.addInitScript({ path: IN_PAGE })
  // Interface (b): src/services/speech.ts appends every utterance it starts.
  await page.addInitScript('window.__ylSpeechLog = []')
  if (opts.watchPrompts) await page.addInitScript(`window.__ylAudit.watchPrompts(${JSON.stringify(opts.watchPrompts)})`)
}

/** Waits until exactly one Taro page is shown and it has stopped sliding in. */
export async function settle(page: Page) {
  await page.waitForFunction(
    `(() => {
      const shown = Array.from(document.querySelectorAll('.taro_page')).filter((p) => window.__ylAudit.shown(p))
      if (shown.length !== 1) return false
      const left = shown[0].getBoundingClientRect().left
      const still = window.__ylSettleLeft === left
      window.__ylSettleLeft = left
      return still && left === 0
    })()`,
    undefined,
    { polling: 100, timeout: 20_000 },
  )
  await page.evaluate('document.fonts.ready.then(() => true)')
}

async function scaleVar(page: Page): Promise<string> {
  return (await page.evaluate(`(() => {
    const host = Array.from(document.querySelectorAll('.yl-page, .yl-cam')).find((e) => window.__ylAudit.shown(e))
    return host ? getComputedStyle(host).getPropertyValue('--yl-scale').trim() : ''
  })()`)) as string
}

/**
 * Chooses a 字号 the way a person does (the font-size buttons), or presets it and reloads where the
 * state allows. Answers false when the page could not be brought to that size.
 */
export async function chooseFontSize(page: Page, size: Size, reload?: StateOptions['reload']): Promise<boolean> {
  const tapped = (await page.evaluate(`(() => {
    const b = document.querySelector('[data-testid="font-size-${size}"]')
    if (!b) return false
    b.click()
    return true
  })()`)) as boolean
  if (!tapped) {
    await page.evaluate(`localStorage.setItem(${JSON.stringify(FONT_SIZE_KEY)}, ${JSON.stringify(size)})`)
    if (!reload) return false
    await page.reload()
    await reload.ready(page)
  }
  try {
    await page.waitForFunction(
      `(() => {
        const host = Array.from(document.querySelectorAll('.yl-page, .yl-cam')).find((e) => window.__ylAudit.shown(e))
        return !!host && getComputedStyle(host).getPropertyValue('--yl-scale').trim() === ${JSON.stringify(SCALE[size])}
      })()`,
      undefined,
      { polling: 100, timeout: 3_000 },
    )
    return true
  } catch {
    return false
  }
}

export async function runAxe(page: Page): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ path: AXE })
  return (await page.evaluate(`(async () => {
    // The project's limit is 4.5:1 for all text; axe's default asks only 3:1 of large text.
    axe.configure({ checks: [{ id: 'color-contrast', options: { contrastRatio: { normal: { expected: 4.5 }, large: { expected: 4.5 } } } }] })
    // Hidden pages of Taro's stack are display:none, which axe skips by itself; the live camera
    // preview has no sound and needs no captions.
    const r = await axe.run({ exclude: [['video']] }, { resultTypes: ['violations'] })
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 160) : '')) }))
  })()`)) as { id: string; impact: string; help: string; nodes: string[] }[]
}

/** A whole-page picture: the shown Taro page grows out of its 844-px scroll box for the shot. */
async function screenshot(page: Page, file: string) {
  mkdirSync(AUDIT_DIR, { recursive: true })
  await page.evaluate(`(() => {
    const p = Array.from(document.querySelectorAll('.taro_page')).find((e) => window.__ylAudit.shown(e))
    if (!p) return
    window.__ylShotStyle = p.getAttribute('style')
    // Taller only: what sticks out sideways stays cut off, as the person sees it.
    p.style.height = 'auto'
    p.style.maxHeight = 'none'
    document.body.style.height = 'auto'
  })()`)
  try {
    await page.screenshot({ path: file, fullPage: true })
  } finally {
    await page.evaluate(`(() => {
      const p = Array.from(document.querySelectorAll('.taro_page')).find((e) => window.__ylAudit.shown(e))
      if (!p) return
      if (window.__ylShotStyle === null) p.removeAttribute('style')
      else p.setAttribute('style', window.__ylShotStyle)
      document.body.style.height = ''
    })()`)
  }
}

export class PageAuditor {
  constructor(readonly log: AuditLog) {}

  /** Measures the state on screen now at one size; answers the measurement (or null when it failed). */
  async measureAt(page: Page, id: string, title: string, size: Size, opts: StateOptions): Promise<Measurement | null> {
    await opts.shown?.(page)
    await settle(page)
    const file = join(AUDIT_DIR, `${id}-${size}.png`)
    // The in-page snapshot first: it is taken in one go, before a short-lived state (the camera's
    // 8-s action stage) can move on while axe runs.
    const m = (await page.evaluate('window.__ylAudit.measure()')) as Measurement
    const violations = await runAxe(page)
    await screenshot(page, file)
    for (const v of violations) {
      this.log.add({ page: title, size, kind: 'axe', detail: `${v.id} (${v.impact}) ${v.help}: ${v.nodes.slice(0, 4).join(' | ')}${v.nodes.length > 4 ? ` (+${v.nodes.length - 4} more)` : ''}` })
    }
    for (const f of m.findings) this.log.add({ page: title, size, kind: f.kind, detail: f.detail })
    if (opts.landing) {
      const s = m.start
      if (!s) this.log.add({ page: title, size, kind: 'landing', detail: '开始认证 is not on the page' })
      else if (s.top < 0 || s.bottom > m.viewport.height || s.left < 0 || s.right > m.viewport.width) {
        this.log.add({ page: title, size, kind: 'landing', detail: `开始认证 is not fully in the first screen: its box spans y ${s.top}–${s.bottom} px of a ${m.viewport.height} px screen` })
      }
    }
    this.log.row({
      page: title,
      size,
      axe: violations.length,
      minTextPx: m.minTextPx,
      minTargetPx: m.minTargetPx,
      overflow: m.overflowCount,
      contrast: m.contrastCount,
      unspoken: null,
      bodyTextPx: m.bodyTextPx,
      screenshot: file,
    })
    return m
  }

  /**
   * The state on screen now, at 标准 and at 特大 (then back to 标准), and its spoken prompts. A state
   * reached by taps must have 首页 below it for the size change; a landing reloads (opts.reload).
   */
  async visit(page: Page, id: string, title: string, opts: StateOptions = {}) {
    const normal = await this.measureAt(page, id, title, 'standard', opts)
    if (opts.reload) await this.checkSpoken(page, title, opts)
    let large: Measurement | null = null
    if (await chooseFontSize(page, 'xlarge', opts.reload)) {
      large = await this.measureAt(page, id, title, 'xlarge', opts)
    } else {
      this.log.add({ page: title, size: 'xlarge', kind: 'scale', detail: `could not switch to 特大 (no font-size-xlarge control below this page, or --yl-scale stayed "${await scaleVar(page)}"); measured as it is` })
      large = await this.measureAt(page, id, title, 'xlarge', opts)
    }
    if (normal && large && normal.bodyTextPx > 0) {
      const ratio = large.bodyTextPx / normal.bodyTextPx
      // 首页 holds the 字号 choice: its text must double. Elsewhere it must at least follow clearly.
      const want = id.startsWith('home-') ? 1.9 : 1.5
      if (ratio < want) {
        this.log.add({ page: title, size: 'xlarge', kind: 'scale', detail: `body text at 特大 is ${large.bodyTextPx} px, ${ratio.toFixed(2)}× the ${normal.bodyTextPx} px at 标准 (want ${id.startsWith('home-') ? '2' : '≥ 1.5'}×)` })
      }
    }
    await chooseFontSize(page, 'standard', opts.reload)
    if (!opts.reload) await this.checkSpoken(page, title, opts)
  }

  /** Every prompt and error shown must have been said; waits (up to speechMs) for queued speech. */
  async checkSpoken(page: Page, title: string, opts: StateOptions) {
    const scopes = [...(opts.promptScopes ?? []), ...ALERT_SCOPES]
    const earlier = opts.earlierShown ? await opts.earlierShown() : []
    const deadline = Date.now() + (opts.speechMs ?? 8_000)
    let missing: string[] = []
    for (;;) {
      const shown = [...earlier, ...((await page.evaluate(`window.__ylAudit.sentences(${JSON.stringify(scopes)})`)) as string[])]
      const said = (await page.evaluate('Array.isArray(window.__ylSpeechLog) ? window.__ylSpeechLog.slice() : []')) as string[]
      missing = unspoken(shown, said)
      if (missing.length === 0 || Date.now() > deadline) break
      await page.waitForTimeout(400)
    }
    for (const s of missing) this.log.add({ page: title, size: 'both', kind: 'unspoken', detail: `shown but never spoken: 「${s}」` })
    this.log.setUnspoken(title, missing.length)
  }

  /**
   * The prompts a camera run showed (recorded as they came and went, prepareAuditPage's watchPrompts)
   * against everything said in this document so far.
   */
  async checkRecordedPrompts(page: Page, title: string) {
    const shown = (await page.evaluate('Array.isArray(window.__ylShown) ? window.__ylShown.slice() : []')) as string[]
    const said = (await page.evaluate('Array.isArray(window.__ylSpeechLog) ? window.__ylSpeechLog.slice() : []')) as string[]
    const missing = unspoken(shown, said)
    for (const s of missing) this.log.add({ page: title, size: 'both', kind: 'unspoken', detail: `shown but never spoken: 「${s}」` })
    this.log.setUnspoken(title, missing.length)
  }

  /** A state that could not be reached: noted, and the run goes on to the next one. */
  unreachable(title: string, e: unknown) {
    this.log.add({ page: title, size: 'both', kind: 'state', detail: `could not reach this state: ${String(e instanceof Error ? e.message : e).split('\n')[0].slice(0, 300)}` })
  }
}

export { SIZE_LABEL }
