/** The endpoint table is consistent with itself: what the rest of the system derives from it holds. */
import * as v from 'valibot'
import { API_NAMES, COMMON_ERRORS, ENDPOINT_NAMES, ENDPOINTS, ROLES, schemaFor, type EndpointSpec } from '../../src/core/contracts/endpoints'
import { CLOUD_FUNCTION_NAMES } from '../../src/core/contracts/functions'
import { ERRORS } from '../../src/core/errors'
import { toJsonSchema } from '@valibot/to-json-schema'

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

/** Nodes of a JSON Schema that accept anything (no type, const, enum or alternatives). */
function looseNodes(node: Record<string, unknown>, path: string): string[] {
  const alternatives = (node.oneOf ?? node.anyOf) as Record<string, unknown>[] | undefined
  if (alternatives) return alternatives.flatMap((alt, i) => looseNodes(alt, `${path}|${i}`))
  if (!('type' in node) && !('const' in node) && !('enum' in node)) return [path]
  const props = Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>).flatMap(([k, p]) => looseNodes(p, `${path}.${k}`))
  const items = node.items ? looseNodes(node.items as Record<string, unknown>, `${path}[]`) : []
  const values = typeof node.additionalProperties === 'object' ? looseNodes(node.additionalProperties as Record<string, unknown>, `${path}{}`) : []
  return [...props, ...items, ...values]
}

test('every answer is a real schema: an object (or alternatives of objects) the serialiser can be compiled from, nothing left open', () => {
  for (const [name, s] of specs) {
    const json = toJsonSchema(s.answer, { errorMode: 'throw' }) as Record<string, unknown>
    const roots = ((json.oneOf ?? json.anyOf ?? [json]) as Record<string, unknown>[]).map((r) => r.type)
    expect({ name, roots: [...new Set(roots)] }).toEqual({ name, roots: ['object'] })
    expect({ name, loose: looseNodes(json, name) }).toEqual({ name, loose: [] })
  }
})

test('masked answers carry strings, never a whole person', () => {
  const person = (toJsonSchema(ENDPOINTS.login.answer) as { properties: { person: { properties: Record<string, unknown>; required: string[] } } }).properties.person
  expect(person.properties).toEqual({
    maskedName: { type: 'string' },
    maskedIdNumber: { type: 'string' },
    insuranceType: expect.objectContaining({ enum: expect.any(Array) }),
    insuranceLabel: { type: 'string' },
  })
})
