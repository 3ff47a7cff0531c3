/**
 * Demo console users of `npm start` (server/demo/agency-users.ts): created with printed one-time
 * passwords, refreshed while still unchanged, left alone (and not printed) once changed, never in
 * production. Both stores.
 */
import { DEMO_AGENCY_USERS, demoRegionPrefix, seedDemoAgencyUsers } from '../../../server/demo/agency-users'
import { verifyPassword } from '../../../server/agency/passwords'
import { migratedStoreFor, DIALECTS } from '../../support/db'

describe.each(DIALECTS)('demo agency users (%s)', (dialect) => {
  const t = migratedStoreFor(dialect)
  const deps = () => ({ db: t.store.db, clock: () => new Date('2026-11-27T02:00:00Z') })
  const row = (username: string) => t.store.db.selectFrom('agency_users').selectAll().where('username', '=', username).executeTakeFirstOrThrow()

  test('production: refused, nothing created', async () => {
    expect(await seedDemoAgencyUsers(deps(), true)).toEqual(['演示账号不会在生产环境创建 / demo agency users are refused in production'])
    expect(await t.store.db.selectFrom('agency_users').select('id').execute()).toHaveLength(0)
  })

  test('a demo admin and clerk with one-time passwords, one line each; refreshed until changed; then only "exists"', async () => {
    const first = await seedDemoAgencyUsers(deps(), false)
    expect(first).toHaveLength(2)
    for (const [i, demo] of DEMO_AGENCY_USERS.entries()) {
      expect(first[i]).toMatch(new RegExp(`^演示账号 / demo agency sign-in: ${demo.username}（.*一次性密码 / one-time password \\S+`))
      const password = /one-time password (\S+)/.exec(first[i])![1]
      const u = await row(demo.username)
      expect(u).toMatchObject({ role: demo.role, region_prefix: demoRegionPrefix(), must_change_password: 1, created_by: 'demo' })
      expect(await verifyPassword(u.password_hash, password)).toBe(true)
    }
    // Not changed yet: a fresh one-time password (only its hash was kept), the old one no longer works.
    const oldAdmin = /one-time password (\S+)/.exec(first[0])![1]
    const second = await seedDemoAgencyUsers(deps(), false)
    const newAdmin = /one-time password (\S+)/.exec(second[0])![1]
    expect(newAdmin).not.toBe(oldAdmin)
    expect(await verifyPassword((await row('admin-demo')).password_hash, oldAdmin)).toBe(false)
    // Changed: left alone, not printed.
    await t.store.db.updateTable('agency_users').set({ must_change_password: 0 }).where('username', '=', 'clerk-demo').execute()
    const hash = (await row('clerk-demo')).password_hash
    const third = await seedDemoAgencyUsers(deps(), false)
    expect(third[1]).toBe('演示账号 clerk-demo 已存在并已改过密码 / demo agency user clerk-demo exists (password already changed)')
    expect((await row('clerk-demo')).password_hash).toBe(hash)
  })
})

test("the demo region is the longest prefix the roster's 行政区划 share", () => {
  expect(demoRegionPrefix('个人编号,姓名,行政区划\nA,甲,430102\nB,乙,430103\n')).toBe('43010')
  expect(demoRegionPrefix('\uFEFF个人编号,行政区划\r\nA,430102\r\nB,110101\r\n')).toBe('')
})
