/** Two backend instances on one store: a signed request replayed to the other instance is refused. */
import { buildApp } from '../../../server/app'
import { createTestStore, DIALECTS, STORE_SETUP_TIMEOUT_MS } from '../../support/db'
import { testConfig } from '../helpers/config'
import { newCaller, TEST_PROTECTION } from '../helpers/harness'
import { signedHeaders } from '../helpers/signing'

jest.setTimeout(60_000)

describe.each(DIALECTS)('request nonces shared by instances on %s', (dialect) => {
  it('accepts a request once, and refuses the same signed bytes on the other instance and on itself', async () => {
    const t = await createTestStore(dialect)
    const apps = [await buildApp({ protection: TEST_PROTECTION, config: testConfig(), store: t.store, logger: false }), await buildApp({ protection: TEST_PROTECTION, config: testConfig(), store: t.store, logger: false })]
    try {
      const payload = JSON.stringify({ caller: newCaller() })
      const headers = { 'content-type': 'application/json', ...signedHeaders('POST', '/v1/status', payload) }
      const send = (i: number) => apps[i].inject({ method: 'POST', url: '/v1/status', payload, headers })
      expect((await send(0)).statusCode).toBe(200)
      const again = await send(1)
      expect(again.statusCode).toBe(401)
      expect(again.json().error.code).toBe('REQUEST_REPLAYED')
      expect((await send(0)).json().error.code).toBe('REQUEST_REPLAYED')

      // Sent to both at the same moment: exactly one is answered.
      const racedPayload = JSON.stringify({ caller: newCaller() })
      const racedHeaders = { 'content-type': 'application/json', ...signedHeaders('POST', '/v1/status', racedPayload) }
      const raced = await Promise.all(apps.map((app) => app.inject({ method: 'POST', url: '/v1/status', payload: racedPayload, headers: racedHeaders })))
      expect(raced.map((r) => r.statusCode).sort()).toEqual([200, 401])
    } finally {
      for (const app of apps) await app.close()
      await t.close()
    }
  }, STORE_SETUP_TIMEOUT_MS)
})
