/**
 * Demo console sign-ins for `npm start`: a 管理员 and a 经办员 whose region is the demo roster's
 * region prefix, each with a fresh one-time password printed once on the backend's log (one line
 * each). A demo user who already changed the password is left alone (the line says it exists);
 * one who has not gets a new one-time password, since only its hash was kept. Never in production.
 */
import { readFileSync } from 'node:fs'
import type { AgencyRole } from '../../src/core/contracts/agency/define'
import { createAgencyUser, resetAgencyPassword } from '../agency/accounts'
import { findAgencyUserByUsername } from '../repositories/agency/users'
import type { Db } from '../repositories/types'
import type { Clock } from '../time/clock'
import { DEMO_ROSTER_PATH } from './seed'

export const DEMO_AGENCY_USERS: ReadonlyArray<{ username: string; role: AgencyRole; displayName: string }> = [
  { username: 'admin-demo', role: 'admin', displayName: '演示管理员' },
  { username: 'clerk-demo', role: 'clerk', displayName: '演示经办员' },
]

/** The longest 行政区划 prefix every person of the demo roster shares ('' when they span provinces). */
export function demoRegionPrefix(csv: string = readFileSync(DEMO_ROSTER_PATH, 'utf8')): string {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '')
  const col = lines[0].split(',').indexOf('行政区划')
  const codes = lines.slice(1).map((l) => l.split(',')[col]?.trim() ?? '')
  let prefix = codes[0] ?? ''
  for (const c of codes) while (!c.startsWith(prefix)) prefix = prefix.slice(0, -1)
  return prefix
}

/** Creates (or refreshes) the demo users; answers one log line per user. */
export async function seedDemoAgencyUsers(deps: { db: Db; clock: Clock }, production: boolean): Promise<string[]> {
  if (production) return ['演示账号不会在生产环境创建 / demo agency users are refused in production']
  const region = demoRegionPrefix()
  const scope = region === '' ? '全部地区 / all regions' : region
  const lines: string[] = []
  for (const demo of DEMO_AGENCY_USERS) {
    const existing = await findAgencyUserByUsername(deps.db, demo.username)
    // A space before anything after the password, so it can be copied off the line cleanly.
    const mfa = demo.role === 'clerk' ? '' : ' （首次登录时绑定动态验证码 / enrol TOTP at first sign-in）'
    if (!existing) {
      const { oneTimePassword } = await createAgencyUser(deps, { ...demo, regionPrefix: region, createdBy: 'demo' })
      lines.push(`演示账号 / demo agency sign-in: ${demo.username}（${demo.displayName}，${scope}）一次性密码 / one-time password ${oneTimePassword}${mfa}`)
    } else if (existing.must_change_password === 1) {
      const password = await resetAgencyPassword(deps, existing, 'demo')
      lines.push(`演示账号 / demo agency sign-in: ${demo.username}（${demo.displayName}，${scope}）新的一次性密码 / new one-time password ${password}${mfa}`)
    } else {
      lines.push(`演示账号 ${demo.username} 已存在并已改过密码 / demo agency user ${demo.username} exists (password already changed)`)
    }
  }
  return lines
}
