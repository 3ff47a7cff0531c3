/**
 * route() registers a backend route from the endpoint table: the body is validated by the table's
 * schema before the handler runs, the answer is serialised by the table's answer schema (declared
 * as the route's 200 response), and domain errors are answered with the status and message of the
 * one error table.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import { DomainError, ERRORS } from '../../../src/core/errors'
import { route } from '../../../server/http/endpoint'
import { installErrorHandling } from '../../../server/plugins/error-handler'

const caller = { platform: 'local', openid: 'local_openid_123' }
const RELATIVE_ID = '7d444840-9dc0-11d1-b245-5ffdce74fad2'

let app: FastifyInstance
let seen: unknown[]
let answer: unknown

beforeAll(async () => {
  app = Fastify()
  installErrorHandling(app)
  await app.register(
    async (v1) => {
      route(v1, 'removeRelative', async (body) => {
        seen.push(body)
        if (body.relativeId === '00000000-0000-4000-8000-000000000000') throw new DomainError('RELATIVE_NOT_FOUND')
        return answer as { removed: true }
      })
      route(v1, 'reminderStats', async () => answer as never)
    },
    { prefix: '/v1' },
  )
  await app.ready()
})
afterAll(() => app.close())
beforeEach(() => {
  seen = []
  answer = { removed: true }
})

const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object })

test('the path comes from the table and the handler gets the parsed body (unknown keys dropped)', async () => {
  const res = await post('/v1/relatives/remove', { caller, relativeId: RELATIVE_ID, extra: 1 })
  expect(res.statusCode).toBe(200)
  expect(res.json()).toEqual({ removed: true })
  expect(seen).toEqual([{ caller, relativeId: RELATIVE_ID }])
})

test('a body the schema refuses never reaches the handler; an opaque reference names no field', async () => {
  const res = await post('/v1/relatives/remove', { caller, relativeId: 'not-a-uuid' })
  expect(res.statusCode).toBe(ERRORS.RELATIVE_NOT_FOUND.status)
  expect(res.json()).toEqual({ error: { code: 'RELATIVE_NOT_FOUND', message: ERRORS.RELATIVE_NOT_FOUND.message } })
  expect(seen).toEqual([])
})

test('no valid caller → 401 UNAUTHENTICATED with field caller', async () => {
  const res = await post('/v1/relatives/remove', { relativeId: RELATIVE_ID })
  expect(res.statusCode).toBe(401)
  expect(res.json().error).toMatchObject({ code: 'UNAUTHENTICATED', field: 'caller' })
})

test('a DomainError thrown by the handler is answered from the one table', async () => {
  const res = await post('/v1/relatives/remove', { caller, relativeId: '00000000-0000-4000-8000-000000000000' })
  expect(res.statusCode).toBe(404)
  expect(res.json()).toEqual({ error: { code: 'RELATIVE_NOT_FOUND', message: ERRORS.RELATIVE_NOT_FOUND.message } })
})

test('an answer that is not the declared one is a server fault, not sent as it is', async () => {
  answer = ['not', 'an', 'object']
  const res = await post('/v1/relatives/remove', { caller, relativeId: RELATIVE_ID })
  expect(res.statusCode).toBe(500)
  expect(res.json().error.code).toBe('INTERNAL')
})

test('an answer missing a declared field is a server fault', async () => {
  answer = {}
  const res = await post('/v1/relatives/remove', { caller, relativeId: RELATIVE_ID })
  expect(res.statusCode).toBe(500)
  expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: ERRORS.INTERNAL.message } })
})

test('a field the answer schema does not declare never leaves the backend', async () => {
  answer = { removed: true, personId: 'p-1', idNumber: '110101195001011234' }
  const res = await post('/v1/relatives/remove', { caller, relativeId: RELATIVE_ID })
  expect(res.statusCode).toBe(200)
  expect(res.body).toBe('{"removed":true}')
})

test('a route without a body schema takes any JSON object; nested undeclared fields are dropped too', async () => {
  answer = { byStatus: { queued: 2 }, attemptedUnacked: 0, lastSweep: { day: '2026-12-01', inserted: 2, finishedAt: null, openid: 'secret' } }
  const res = await post('/v1/reminders/stats', { anything: true })
  expect(res.statusCode).toBe(200)
  expect(res.json()).toEqual({ byStatus: { queued: 2 }, attemptedUnacked: 0, lastSweep: { day: '2026-12-01', inserted: 2, finishedAt: null } })
})

describe('in production (no second validation: the serialiser alone)', () => {
  let prod: FastifyInstance
  beforeAll(async () => {
    const before = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      prod = Fastify()
      installErrorHandling(prod)
      await prod.register(async (v1) => route(v1, 'removeRelative', async () => answer as { removed: true }), { prefix: '/v1' })
      await prod.ready()
    } finally {
      process.env.NODE_ENV = before
    }
  })
  afterAll(() => prod.close())
  const postProd = (payload: unknown) => prod.inject({ method: 'POST', url: '/v1/relatives/remove', payload: payload as object })

  test('undeclared fields are dropped', async () => {
    answer = { removed: true, personId: 'p-1' }
    const res = await postProd({ caller, relativeId: RELATIVE_ID })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe('{"removed":true}')
  })

  test('an answer of the wrong shape is still INTERNAL', async () => {
    for (const wrong of [{}, ['not', 'an', 'object']]) {
      answer = wrong
      const res = await postProd({ caller, relativeId: RELATIVE_ID })
      expect(res.statusCode).toBe(500)
      expect(res.json().error.code).toBe('INTERNAL')
    }
  })
})

test('every status in the error table is an HTTP error status', () => {
  for (const { status } of Object.values(ERRORS)) expect(status >= 400 && status < 600).toBe(true)
})
