/** On a failed browser step: a screenshot and the visible text (plus named logs) in .tmp/e2e-artifacts/ (git-ignored). */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ROOT } from './system'

export interface ArtifactOptions {
  /** Where the suite says what happened (its summary log). */
  note(line: string): void
  /** Logs written after the page text, in order, each under `--- <name> ---` (read when a step fails). */
  sections(): Record<string, string>
}

/** A withArtifacts(page, name, step) for one suite: runs the step; if it throws, keeps what was on screen. */
export function artifactsOnFailure(opts: ArtifactOptions) {
  return async function withArtifacts(page: Page, name: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn()
    } catch (e) {
      const dir = join(ROOT, '.tmp', 'e2e-artifacts')
      mkdirSync(dir, { recursive: true })
      await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true }).catch(() => undefined)
      const text = await page.locator('body').innerText({ timeout: 2000 }).catch(() => '')
      const logs = Object.entries(opts.sections())
        .map(([title, body]) => `\n\n--- ${title} ---\n${body}`)
        .join('')
      writeFileSync(join(dir, `${name}.txt`), `${page.url()}\n\n${text}${logs}`)
      opts.note(`${name}: failed at ${page.url()}; screenshot and page text in .tmp/e2e-artifacts/${name}.*`)
      throw e
    }
  }
}
