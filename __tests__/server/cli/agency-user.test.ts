/**
 * npm run agency:user through its main(), as a shell would run it, on a SQLite file and on a
 * PostgreSQL database: add (one-time password printed, must be changed), list, unlock,
 * reset-password, and bad input (plain message, non-zero exit, nothing written).
 */
import { main } from '../../../server/cli/agency-user'
import { verifyPassword } from '../../../server/agency/passwords'
import { DIALECTS, createTestStore, STORE_SETUP_TIMEOUT_MS, type TestStore } from '../../support/db'
import { TEST_HMAC_SECRET, TEST_KEY_V1 } from '../helpers/config'

describe.each(DIALECTS)('agency:user CLI (%s)', (dialect) => {
  let t: TestStore
  let env: NodeJS.ProcessEnv
  beforeAll(async () => {
    t = await createTestStore(dialect)
    env = {
      NODE_ENV: 'test',
      PII_KEYS: JSON.stringify({ v1: TEST_KEY_V1.toString('base64') }),
      PII_KEY_CURRENT: 'v1',
      BACKEND_HMAC_SECRET: TEST_HMAC_SECRET,
      ...(dialect === 'sqlite' ? { SQLITE_PATH: t.location } : { DATABASE_URL: t.location }),
    }
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => t?.close())

  async function run(...args: string[]) {
    let stdout = ''
    let stderr = ''
    const code = await main(args, { env, out: (s) => (stdout += s), err: (s) => (stderr += s) })
    return { code, stdout, stderr }
  }
  const userRow = (username: string) => t.store.db.selectFrom('agency_users').selectAll().where('username', '=', username).executeTakeFirst()

  test('add prints a one-time password that signs in and must be changed', async () => {
    const r = await run('add', 'Chen.Admin', '--role', 'admin', '--region', '4301', '--display', '陈管理')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('已创建 / created: chen.admin（陈管理，管理员，4301）')
    expect(r.stdout).toContain('绑定动态验证码')
    const password = /one-time password: (\S+)/.exec(r.stdout)![1]
    const row = (await userRow('chen.admin'))!
    expect(row).toMatchObject({ role: 'admin', region_prefix: '4301', must_change_password: 1, created_by: 'cli', totp_enrolled_at: null })
    expect(await verifyPassword(row.password_hash, password)).toBe(true)
    const again = await run('add', 'chen.admin', '--role', 'clerk', '--region', '4301')
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('AGENCY_USERNAME_TAKEN')
  })

  test('list, unlock and reset-password', async () => {
    await run('add', 'wang-clerk', '--role', 'clerk', '--region', '430102')
    const list = await run('list')
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/wang-clerk\twang-clerk\t经办员 clerk\t430102\tTOTP 未绑定 not enrolled\t待改密码/)
    expect(list.stdout).not.toMatch(/\$argon2/)

    await t.store.db.updateTable('agency_users').set({ locked_until: '2999-01-01T00:00:00.000Z', failed_count: 3 }).where('username', '=', 'wang-clerk').execute()
    expect((await run('list')).stdout).toMatch(/wang-clerk.*已锁定 locked/)
    const unlocked = await run('unlock', 'wang-clerk')
    expect(unlocked.code).toBe(0)
    expect(await userRow('wang-clerk')).toMatchObject({ locked_until: null, failed_count: 0 })

    const before = (await userRow('wang-clerk'))!.password_hash
    const reset = await run('reset-password', 'wang-clerk', '--reset-totp')
    expect(reset.code).toBe(0)
    const password = /one-time password: (\S+)/.exec(reset.stdout)![1]
    const row = (await userRow('wang-clerk'))!
    expect(row.password_hash).not.toBe(before)
    expect(await verifyPassword(row.password_hash, password)).toBe(true)
    expect(row.must_change_password).toBe(1)
  })

  test('bad input: a plain message, a non-zero exit, nothing written', async () => {
    const count = async () => (await t.store.db.selectFrom('agency_users').select('id').execute()).length
    const before = await count()
    const cases: Array<[string[], number, RegExp]> = [
      [[], 2, /用法 \/ usage/],
      [['add', 'li-si', '--role', 'boss', '--region', '4301'], 2, /--role 只能是/],
      [['add', 'li-si', '--role', 'clerk'], 2, /--region 需要/],
      [['add', 'li-si', '--role', 'clerk', '--region', '43AB'], 2, /--region 需要/],
      [['add', '李四', '--role', 'clerk', '--region', '4301'], 2, /用户名不对/],
      [['add', 'li-si', '--role'], 2, /--role 后面需要一个值/],
      [['add', 'li-si', '--role', 'clerk', '--region', '4301', '--sudo'], 2, /未知选项/],
      [['unlock', 'nobody'], 1, /没有这个账号/],
      [['reset-password', 'nobody'], 1, /没有这个账号/],
    ]
    for (const [args, code, message] of cases) {
      const r = await run(...args)
      expect({ args, code: r.code }).toEqual({ args, code })
      expect(r.stderr).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    expect(await count()).toBe(before)
  })
})
