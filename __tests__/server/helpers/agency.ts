/**
 * Agency console users for route tests. createAgencyUser() writes a ready user straight into the
 * store (known password already changed; 审核员/管理员 with a TOTP secret already enrolled);
 * signInAgency() signs that user in through the real routes (password, then the TOTP code computed
 * from the secret at the app's clock) and gives the cookie and CSRF token to send.
 *
 *   const admin = await createAgencyUser(h.app, { role: 'admin', regionPrefix: '4301' })
 *   const s = await signInAgency(h.app, admin)
 *   await h.app.inject({ method: 'POST', url: '/agency/api/users', headers: s.headers(), payload: {...} })
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { AgencyRole } from '../../../src/core/contracts/agency/define'
import { hashPassword } from '../../../server/agency/passwords'
import { SecretCipher } from '../../../server/agency/secret-cipher'
import { codeAt } from '../../../server/agency/totp'
import { newId } from '../../../server/db/ids'
import type { Db } from '../../../server/repositories/types'
import { testConfig } from './config'

export interface TestAgencyUser {
  id: string
  username: string
  password: string
  role: AgencyRole
  regionPrefix: string
  /** Base32 TOTP secret (审核员/管理员, or withTotp). */
  totpSecret?: string
}

export interface CreateAgencyUserOptions {
  role: AgencyRole
  /** 行政区划 prefix; '' = every region. */
  regionPrefix: string
  username?: string
  displayName?: string
  password?: string
  /** Enrol TOTP (default: for reviewer and admin, who must have it). */
  withTotp?: boolean
  /** Leave the password a one-time password that must be changed at sign-in (default false). */
  mustChangePassword?: boolean
}

/** The TOTP cipher of an app built from testConfig() (the helper's users must be readable by it). */
export const testSecretCipher = (): SecretCipher => {
  const c = testConfig()
  return new SecretCipher(c.piiKeys, c.piiKeyCurrent)
}

const dbOf = (target: FastifyInstance | Db): Db => ('store' in target && (target as FastifyInstance).store ? (target as FastifyInstance).store.db : (target as Db))

export async function createAgencyUser(target: FastifyInstance | Db, opts: CreateAgencyUserOptions): Promise<TestAgencyUser> {
  const db = dbOf(target)
  const id = newId()
  const username = opts.username ?? `${opts.role}-${randomBytes(4).toString('hex')}`
  const password = opts.password ?? `Pw-${randomBytes(6).toString('hex')}9x`
  const withTotp = opts.withTotp ?? opts.role !== 'clerk'
  const totpSecret = withTotp ? (await import('otplib')).generateSecret() : undefined
  const now = new Date().toISOString()
  await db
    .insertInto('agency_users')
    .values({
      id,
      username,
      display_name: opts.displayName ?? `测试${opts.role}`,
      role: opts.role,
      region_prefix: opts.regionPrefix,
      password_hash: await hashPassword(password),
      totp_secret_enc: totpSecret ? testSecretCipher().seal(id, totpSecret) : null,
      totp_enrolled_at: totpSecret ? now : null,
      totp_last_step: null,
      must_change_password: opts.mustChangePassword ? 1 : 0,
      failed_count: 0,
      locked_until: null,
      disabled_at: null,
      created_at: now,
      created_by: 'test',
      updated_at: now,
    })
    .execute()
  return { id, username, password, role: opts.role, regionPrefix: opts.regionPrefix, ...(totpSecret ? { totpSecret } : {}) }
}

export interface AgencySignIn {
  /** "yl_agency=<token>" for a Cookie header. */
  cookie: string
  csrfToken: string
  /** Cookie and X-CSRF-Token headers, plus any extra ones. */
  headers(extra?: Record<string, string>): Record<string, string>
}

/** "yl_agency=<token>" from a response's Set-Cookie, or undefined. */
export function agencyCookieOf(res: { headers: Record<string, unknown> }): string | undefined {
  const raw = res.headers['set-cookie']
  const all = Array.isArray(raw) ? raw : raw === undefined ? [] : [String(raw)]
  const c = all.map(String).find((v) => v.startsWith('yl_agency=') && !v.startsWith('yl_agency=;'))
  return c?.split(';')[0]
}

/** The code the user's authenticator shows at the app's clock. */
export function totpCodeFor(app: FastifyInstance, user: TestAgencyUser, at: Date = app.services.clock()): Promise<string> {
  if (!user.totpSecret) throw new Error(`${user.username} has no TOTP secret`)
  return codeAt(user.totpSecret, at)
}

/**
 * Signs the user in through /agency/api/auth/*. Tests run on a frozen clock, so the user's
 * last-used TOTP step is cleared first (a second sign-in in the same 30 s would otherwise be a reused
 * code — that rule has its own test).
 */
export async function signInAgency(app: FastifyInstance, user: TestAgencyUser): Promise<AgencySignIn> {
  const res = await app.inject({ method: 'POST', url: '/agency/api/auth/sign-in', payload: { username: user.username, password: user.password } })
  if (res.statusCode !== 200) throw new Error(`sign-in of ${user.username} failed: ${res.statusCode} ${res.body}`)
  let cookie = agencyCookieOf(res)!
  let answer = res.json() as { step: string; csrfToken: string }
  if (answer.step === 'totpRequired') {
    await app.store.db.updateTable('agency_users').set({ totp_last_step: null }).where('id', '=', user.id).execute()
    const totp = await app.inject({
      method: 'POST',
      url: '/agency/api/auth/totp',
      headers: { cookie, 'x-csrf-token': answer.csrfToken },
      payload: { code: await totpCodeFor(app, user) },
    })
    if (totp.statusCode !== 200) throw new Error(`TOTP of ${user.username} failed: ${totp.statusCode} ${totp.body}`)
    cookie = agencyCookieOf(totp)!
    answer = totp.json()
  }
  if (answer.step !== 'signedIn') throw new Error(`${user.username} is not signed in: step ${answer.step}`)
  const csrfToken = answer.csrfToken
  return { cookie, csrfToken, headers: (extra = {}) => ({ cookie, 'x-csrf-token': csrfToken, ...extra }) }
}
