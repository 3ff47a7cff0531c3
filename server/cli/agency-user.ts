/**
 * npm run agency:user -- add <name> --role clerk|reviewer|admin --region <行政区划前缀> [--display <中文名>]
 * npm run agency:user -- list
 * npm run agency:user -- unlock <name>
 * npm run agency:user -- reset-password <name> [--reset-totp]
 *
 * Manages agency console accounts from the server (the first 管理员 is created here). New and reset
 * accounts get a one-time password, printed once, which must be changed at the next sign-in; 审核员
 * and 管理员 enrol their TOTP authenticator at first sign-in. Uses the backend's environment
 * (DATABASE_URL or SQLITE_PATH, PII_KEYS…). Exit codes: 0 done, 1 refused (name taken, unknown
 * user…), 2 usage or configuration error.
 */
import { AGENCY_ROLE_LABELS, AGENCY_ROLES, type AgencyRole } from '../../src/core/contracts/agency/define'
import { DomainError, ERROR_MESSAGES } from '../../src/core/errors'
import { createAgencyUser, isLocked, REGION_PREFIX_PATTERN, resetAgencyPassword } from '../agency/accounts'
import { loadCliConfig } from './support/config'
import { openStore } from '../db/connect'
import { migrateToLatest } from '../db/migrate'
import { appendAudit } from '../repositories/audit'
import { revokeAgencyUserSessions } from '../repositories/agency/sessions'
import { clearAgencyFailures, clearAgencyTotp, findAgencyUserByUsername, listAllAgencyUsers } from '../repositories/agency/users'
import { AGENCY_USERNAME_PATTERN } from '../../src/core/contracts/agency/users'

const USAGE = [
  '用法 / usage:',
  '  npm run agency:user -- add <用户名> --role clerk|reviewer|admin --region <行政区划前缀> [--display <中文名>]',
  '  npm run agency:user -- list',
  '  npm run agency:user -- unlock <用户名>',
  '  npm run agency:user -- reset-password <用户名> [--reset-totp]',
  '岗位 / roles: clerk 经办员, reviewer 审核员, admin 管理员; --region "" = 全部地区 / all regions',
].join('\n')

type Command =
  | { cmd: 'add'; name: string; role: AgencyRole; region: string; display?: string }
  | { cmd: 'list' }
  | { cmd: 'unlock'; name: string }
  | { cmd: 'reset-password'; name: string; resetTotp: boolean }

export function parseArgs(argv: string[]): Command | string {
  const positional: string[] = []
  const flags: Record<string, string | true> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--reset-totp') flags['reset-totp'] = true
    else if (a === '--role' || a === '--region' || a === '--display') {
      const value = argv[++i]
      if (value === undefined) return `${a} 后面需要一个值 / ${a} needs a value\n${USAGE}`
      flags[a.slice(2)] = value
    } else if (a.startsWith('--')) return `未知选项 / unknown option: ${a}\n${USAGE}`
    else positional.push(a)
  }
  const [cmd, name, extra] = positional
  if (extra !== undefined) return `多余的参数 / unexpected argument: ${extra}\n${USAGE}`
  if (cmd === 'list') return name === undefined ? { cmd } : USAGE
  if (!name) return USAGE
  const username = name.trim().toLowerCase()
  if (!AGENCY_USERNAME_PATTERN.test(username)) return `用户名不对 / invalid user name: ${ERROR_MESSAGES.AGENCY_USERNAME_INVALID}`
  if (cmd === 'unlock') return { cmd, name: username }
  if (cmd === 'reset-password') return { cmd, name: username, resetTotp: flags['reset-totp'] === true }
  if (cmd !== 'add') return USAGE
  const role = flags.role
  if (typeof role !== 'string' || !(AGENCY_ROLES as readonly string[]).includes(role)) return `--role 只能是 clerk、reviewer 或 admin / --role must be clerk, reviewer or admin\n${USAGE}`
  const region = flags.region
  if (typeof region !== 'string' || !REGION_PREFIX_PATTERN.test(region)) return `--region 需要行政区划代码前缀（0–12 位数字，"" 为全部地区）/ --region needs a 行政区划 prefix of 0–12 digits\n${USAGE}`
  const display = typeof flags.display === 'string' ? flags.display.trim() : undefined
  if (display !== undefined && (display.length === 0 || display.length > 32)) return '--display 应为 1–32 个字 / --display must be 1–32 characters'
  return { cmd, name: username, role: role as AgencyRole, region, ...(display ? { display } : {}) }
}

export interface AgencyUserCliDeps {
  env?: NodeJS.ProcessEnv
  out?: (s: string) => void
  err?: (s: string) => void
  clock?: () => Date
}

export async function main(argv: string[], deps: AgencyUserCliDeps = {}): Promise<number> {
  const out = deps.out ?? ((s: string) => process.stdout.write(s))
  const err = deps.err ?? ((s: string) => process.stderr.write(s))
  const clock = deps.clock ?? (() => new Date())
  const args = parseArgs(argv)
  if (typeof args === 'string') {
    err(`${args}\n`)
    return 2
  }
  const config = loadCliConfig(deps.env ?? process.env, err)
  if (!config) return 2
  const store = openStore({ databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath })
  const db = store.db
  try {
    await migrateToLatest(store)
    if (args.cmd === 'list') {
      const users = await listAllAgencyUsers(db)
      if (users.length === 0) out('还没有经办机构账号 / no agency users yet\n')
      for (const u of users) {
        const state = u.disabled_at ? '已停用 disabled' : isLocked(u, clock()) ? '已锁定 locked' : u.must_change_password ? '待改密码 one-time password' : '正常 active'
        out(`${u.username}\t${u.display_name}\t${AGENCY_ROLE_LABELS[u.role]} ${u.role}\t${u.region_prefix || '全部地区 all'}\tTOTP ${u.totp_enrolled_at ? '已绑定 enrolled' : '未绑定 not enrolled'}\t${state}\n`)
      }
      return 0
    }
    if (args.cmd === 'add') {
      const { user, oneTimePassword } = await createAgencyUser({ db, clock }, { username: args.name, displayName: args.display ?? args.name, role: args.role, regionPrefix: args.region, createdBy: 'cli' })
      out(`已创建 / created: ${user.username}（${user.display_name}，${AGENCY_ROLE_LABELS[user.role]}，${user.region_prefix || '全部地区 / all regions'}）\n`)
      out(`一次性密码 / one-time password: ${oneTimePassword}\n`)
      out('首次登录时须改密码 / the password must be changed at first sign-in\n')
      if (user.role !== 'clerk') out('审核员和管理员首次登录时须绑定动态验证码（验证器 App）/ reviewers and admins enrol a TOTP authenticator at first sign-in\n')
      return 0
    }
    const user = await findAgencyUserByUsername(db, args.name)
    if (!user) {
      err(`没有这个账号 / no such agency user: ${args.name}\n`)
      return 1
    }
    const now = clock().toISOString()
    if (args.cmd === 'unlock') {
      await clearAgencyFailures(db, user.id, now)
      await appendAudit(db, { at: now, actorType: 'agency', actorRef: 'cli', action: 'agency.user.unlocked', detail: { userId: user.id } })
      out(`已解锁 / unlocked: ${user.username}\n`)
      return 0
    }
    const password = await resetAgencyPassword({ db, clock }, user, 'cli')
    await revokeAgencyUserSessions(db, user.id, now)
    if (args.resetTotp) {
      await clearAgencyTotp(db, user.id, now)
      await appendAudit(db, { at: now, actorType: 'agency', actorRef: 'cli', action: 'agency.user.totp_reset', detail: { userId: user.id } })
    }
    out(`已重设密码 / password reset: ${user.username}\n一次性密码 / one-time password: ${password}\n`)
    if (args.resetTotp) out('动态验证码已解绑，下次登录时重新绑定 / TOTP removed: enrol again at the next sign-in\n')
    return 0
  } catch (e) {
    if (e instanceof DomainError) {
      err(`${e.body.message} / ${e.code}\n`)
      return 1
    }
    throw e
  } finally {
    await db.destroy()
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`操作失败 / failed: ${e instanceof Error ? e.message : String(e)}\n`)
      process.exit(1)
    },
  )
}
