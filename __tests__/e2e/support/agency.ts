/**
 * The agency console as the browser tests drive it: the console address and demo sign-ins that
 * `npm start` prints, signing in through every step the page shows (new password, TOTP enrolment
 * from the secret on the page, TOTP codes), and a pending certification made through the same
 * cloud-function calls the mini-program makes (start, then complete with a recorded clip's summary).
 */
import type { Page } from 'playwright-core'
import { runSession, sourceFromHeader, type ActionName } from '../../../src/core/liveness'
import { DEFAULT_LIVENESS_TIMING, livenessEngineConfig } from '../../../src/core/contracts/certification'
import { SUMMARY_FIELDS } from '../../../src/core/liveness/summary'
import { SPAN_TOLERANCE_MS } from '../../../server/services/certification-checks'
import { loadTrace } from '../../core/liveness/helpers'
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generate } = require('otplib') as { generate: (o: { secret: string; epoch?: number }) => Promise<string> }

/** The challenge the backend is told to ask (CERT_TEST_CHALLENGE) and the recorded clip performs. */
export const AGENCY_E2E_CHALLENGE: ActionName[] = ['blink', 'turn_left']

export function consoleUrlFrom(output: string): string {
  const m = /经办机构工作台：(http:\/\/\S+)/.exec(output)
  if (!m) throw new Error(`npm start printed no console address:\n${output}`)
  return m[1]
}

/** The one-time password `npm start` printed for a demo user. */
export function demoPasswordFrom(output: string, username: string): string {
  const m = new RegExp(`${username}（[^）]*）(?:新的)?一次性密码 / (?:new )?one-time password ([^\\s"]+)`).exec(output)
  if (!m) throw new Error(`npm start printed no one-time password for ${username}:\n${output}`)
  return m[1]
}

/** TOTP state of one account in the test: its secret and the last code used (a code works once). */
export interface Totp {
  secret: string
  lastCode?: string
}

/** A code the backend has not seen: waits (by the clock, not a fixed sleep) for the next time step if needed. */
async function freshCode(totp: Totp): Promise<string> {
  for (;;) {
    const code = await generate({ secret: totp.secret })
    if (code !== totp.lastCode) {
      totp.lastCode = code
      return code
    }
    await new Promise((r) => setTimeout(r, 500))
  }
}

/**
 * Signs in on the console's page and goes through whatever step it shows until the signed-in
 * layout appears. Answers the account's TOTP state (enrolled on the way if it was not).
 */
export async function signInConsole(
  page: Page,
  consoleUrl: string,
  who: { username: string; password: string; newPassword?: string; totp?: Totp },
  /** Called on each step's page before it is filled in (screenshots). */
  onStep?: (step: 'password-change' | 'totp-enrolment' | 'totp') => Promise<void>,
): Promise<{ password: string; totp?: Totp }> {
  await page.goto(`${consoleUrl.replace(/\/+$/, '')}/login`)
  await page.getByTestId('signin-username').fill(who.username)
  await page.getByTestId('signin-password').fill(who.password)
  // By keyboard, as a clerk does: Enter submits each step.
  await page.getByTestId('signin-password').press('Enter')
  let password = who.password
  let totp = who.totp
  const signedOut = page.getByRole('button', { name: /退出登录/ })
  const newPassword = page.getByTestId('signin-new-password')
  const code = page.getByTestId('signin-totp')
  const secret = page.getByTestId('totp-secret')
  const error = page.getByTestId('signin-error')
  for (let step = 0; step < 6; step++) {
    await signedOut.or(newPassword).or(code).or(error).first().waitFor()
    if (await error.isVisible()) throw new Error(`sign-in refused for ${who.username}: ${await error.textContent()}`)
    if (await signedOut.isVisible()) return { password, totp }
    if (await newPassword.isVisible()) {
      await onStep?.('password-change')
      password = who.newPassword ?? `Neu${who.username.replace(/[^a-z]/g, '')}2026x`
      await newPassword.fill(password)
      await page.getByTestId('signin-new-password-again').fill(password)
      await page.getByRole('button', { name: '保存新密码并继续' }).click()
      await newPassword.or(error).or(signedOut).first().waitFor()
      await newPassword.waitFor({ state: 'detached' }).catch(() => undefined)
      continue
    }
    const enrolling = await secret.isVisible()
    await onStep?.(enrolling ? 'totp-enrolment' : 'totp')
    if (enrolling) {
      const text = (await secret.textContent()) ?? ''
      totp = { secret: text.replace(/\s+/g, '') }
    }
    if (!totp) throw new Error(`${who.username}: the page asks for a TOTP code but no secret is known`)
    await code.fill(await freshCode(totp))
    await code.press('Enter')
    await code.waitFor({ state: 'detached' })
  }
  throw new Error(`${who.username}: sign-in did not finish`)
}

export async function signOutConsole(page: Page): Promise<void> {
  await page.getByRole('button', { name: /退出登录/ }).click()
  await page.getByTestId('signin-username').waitFor()
}

interface FnAnswer {
  ok: boolean
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data?: any
  error?: { code: string; message?: string }
}

async function fn(gatewayUrl: string, token: string, name: string, event: unknown): Promise<FnAnswer> {
  const res = await fetch(`${gatewayUrl.replace(/\/+$/, '')}/fn/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(event ?? {}),
  })
  return (await res.json()) as FnAnswer
}

/**
 * Starts and completes a certification for the account behind `token` (bound in the H5 app) exactly
 * as the mini-program does: startCertification, then completeCertification with the verdict and the
 * observation summary of a recorded clip performing the challenge. Answers the completion's data.
 */
export async function certifyThroughFunctions(gatewayUrl: string, token: string): Promise<{ recordId: string; result: string }> {
  const started = await fn(gatewayUrl, token, 'startCertification', {})
  if (!started.ok) throw new Error(`startCertification: ${JSON.stringify(started.error)}`)
  const startedAt = Date.now()
  const challenge = started.data.challenge as ActionName[]
  const trace = loadTrace('cap13_edit2')
  const { verdict } = runSession(sourceFromHeader(trace.header), trace.frames.map((f) => ({ ...f })), challenge, livenessEngineConfig(DEFAULT_LIVENESS_TIMING))
  const summary = JSON.parse(JSON.stringify(verdict.summary)) as { data: number[] }
  const spanMs = summary.data.filter((_, i) => i % SUMMARY_FIELDS.length === 0).slice(1).reduce((a, b) => a + b, 0)
  // The clip lasted spanMs: the server accepts it only once that much time has passed since the start.
  while (Date.now() < startedAt + spanMs + SPAN_TOLERANCE_MS / 2) await new Promise((r) => setTimeout(r, 200))
  const done = await fn(gatewayUrl, token, 'completeCertification', { sessionId: started.data.sessionId, nonce: started.data.nonce, verdict: { passed: verdict.passed, reason: verdict.reason }, summary })
  if (!done.ok) throw new Error(`completeCertification: ${JSON.stringify(done.error)}`)
  return done.data as { recordId: string; result: string }
}

/**
 * Starts a certification for the account behind `token` and leaves it, as the camera page does when
 * the person goes back before a result (cancelCertification, reason left_page). Answers the cancel's data.
 */
export async function cancelThroughFunctions(gatewayUrl: string, token: string): Promise<{ state: string; changed: boolean }> {
  const started = await fn(gatewayUrl, token, 'startCertification', {})
  if (!started.ok) throw new Error(`startCertification: ${JSON.stringify(started.error)}`)
  const cancelled = await fn(gatewayUrl, token, 'cancelCertification', { sessionId: started.data.sessionId, nonce: started.data.nonce, reason: 'left_page' })
  if (!cancelled.ok) throw new Error(`cancelCertification: ${JSON.stringify(cancelled.error)}`)
  return cancelled.data as { state: string; changed: boolean }
}

/** A full-page screenshot of the console at the clerk's screen size, for the audit. */
export async function shoot(page: Page, name: string): Promise<void> {
  // Not while a table or card is still loading, or a dropdown or dialog is still animating.
  await page.waitForFunction(() => !document.querySelector('.ant-spin-spinning, .ant-spin-blur, .ant-skeleton, [class*="-leave-active"], [class*="-enter-active"], [class*="-appear-active"]'))
  await page.screenshot({ path: `.tmp/audit/console-${name}.png`, fullPage: false })
}
