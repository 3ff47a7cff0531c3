/** The endpoint table is consistent with itself: what the rest of the system derives from it holds. */
import * as v from 'valibot'
import { API_NAMES, COMMON_ERRORS, ENDPOINT_NAMES, ENDPOINTS, ROLES, schemaFor, type EndpointSpec } from '../../src/core/contracts/endpoints'
import { CLOUD_FUNCTION_NAMES } from '../../src/core/contracts/functions'
import { ERRORS } from '../../src/core/errors'

const specs = ENDPOINT_NAMES.map((name) => [name, ENDPOINTS[name] as EndpointSpec] as const)
const CALLER = { platform: 'local', openid: 'local_openid_123' }

test('each backend route belongs to one endpoint', () => {
  const routes = specs.flatMap(([, s]) => (s.route ? [s.route] : []))
  expect(new Set(routes).size).toBe(routes.length)
})

test('the cloud-function names are the endpoints exposed as api, each with an event schema', () => {
  expect(CLOUD_FUNCTION_NAMES).toEqual(API_NAMES)
  for (const [name, s] of specs) if (s.exposed === 'api') expect({ name, event: typeof s.event }).toEqual({ name, event: expect.stringMatching(/object|function/) })
})

test('callers are known roles; endpoints a person calls need a caller in the body, the timer’s do not', () => {
  for (const [name, s] of specs) {
    for (const role of s.callers) expect(ROLES).toContain(role)
    if (!s.route || !s.body) continue
    const body = schemaFor(s.body, {})
    const withoutCaller = v.safeParse(body, {})
    const callerIssue = withoutCaller.success ? undefined : withoutCaller.issues.find((i) => i.path?.[0]?.key === 'caller')
    expect({ name, needsCaller: callerIssue !== undefined }).toEqual({ name, needsCaller: !s.callers.includes('timer') })
  }
  expect(v.safeParse(schemaFor(ENDPOINTS.getStatus.body, {}), { caller: CALLER }).success).toBe(true)
})

test('listed error codes are known and not repeated from the common ones', () => {
  for (const [name, s] of specs) {
    for (const code of s.errors) expect({ name, code, known: code in ERRORS }).toEqual({ name, code, known: true })
    expect(s.errors.filter((c) => (COMMON_ERRORS as readonly string[]).includes(c))).toEqual([])
  }
})
