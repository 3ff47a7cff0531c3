import { DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../../support/db'
import { startHarness, type Harness } from '../../helpers/harness'
import { createAgencyUser, signInAgency } from '../../helpers/agency'

describe.each(DIALECTS)('agency sign-in helper (%s)', (dialect) => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(dialect)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  test('a reviewer signs in with TOTP and /auth/me answers the user and the CSRF token', async () => {
    const user = await createAgencyUser(h.app, { role: 'reviewer', regionPrefix: '4301' })
    const s = await signInAgency(h.app, user)
    const me = await h.app.inject({ method: 'GET', url: '/agency/api/auth/me', headers: s.headers() })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ user: { username: user.username, role: 'reviewer', regionPrefix: '4301', totpEnrolled: true }, csrfToken: s.csrfToken })
    // And again (frozen clock): the helper can sign the same user in twice.
    const again = await signInAgency(h.app, user)
    expect(again.cookie).not.toBe(s.cookie)
  })
})
