/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). Flags keep it off the
 * network; a persistent context on a temp dir stands in for --user-data-dir, which Playwright
 * refuses in args.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface Browser {
  context: BrowserContext
  close: () => Promise<void>
}

/** A phone-sized page: elderly users mostly hold phones. */
/**
 * reducedMotion: the page sees prefers-reduced-motion: reduce. The agency console then turns Ant
 * Design's motion off, so a screenshot never waits on an animation that a starved background page
 * may not finish (rc-motion waits for transition events).
 */
export async function openBrowser(extraArgs: string[] = [], opts: { reducedMotion?: boolean } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'yl-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...QUIET_FLAGS, ...extraArgs],
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(opts.reducedMotion ? { reducedMotion: 'reduce' as const } : {}),
  })
  return {
    context,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
