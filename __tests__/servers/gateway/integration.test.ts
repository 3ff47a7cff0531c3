/**
 * The cloud-function handlers through the local gateway against the REAL backend: buildApp from
 * server/app.ts on a temporary SQLite file with the demo roster, listening on a real port, called
 * over HTTP with signed requests. The backend's local key file (DATA_DIR/local-keys.json) is the
 * secret both sides share, as under `npm start`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../../server/app'
import { loadConfig } from '../../../server/config/env'
import { buildGateway } from '../../../servers/gateway/app'
import { readGatewayConfig } from '../../../servers/gateway/config'
import { TEST_PROTECTION } from '../../server/helpers/harness'

jest.setTimeout(30_000)

// 2026-11-27 10:00 Beijing time, shared by backend and gateway.
const NOW = new Date('2026-11-27T02:00:00.000Z')
const WANG = { name: '王秀英', idNumber: '110101195203140127', cardNumber: 'A00000001', insuranceType: 'enterprise' }
const LI = { name: '李建国', idNumber: '430102194808050315' }

let dataDir: string
let backend: FastifyInstance
let gateway: FastifyInstance
let backendUrl: string

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'yl-gw-int-'))
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, SQLITE_PATH: join(dataDir, 'test.sqlite'), DEMO_SEED: 'true', LOG_LEVEL: 'silent' })
  backend = await buildApp({ protection: TEST_PROTECTION, config, clock: () => NOW, logger: false })
  await backend.listen({ host: '127.0.0.1', port: 0 })
  backendUrl = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}`
  const gw = readGatewayConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, BACKEND_URL: backendUrl }, dataDir)
  gateway = buildGateway({ backendUrl: gw.backendUrl, hmacKeyId: gw.hmacKeyId, hmacSecret: gw.hmacSecret, h5Dir: null, clock: { now: () => NOW }, nodeEnv: 'test' })
})

afterAll(async () => {
  await gateway?.close()
  await backend?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

async function signIn(): Promise<(name: string, event?: unknown) => Promise<{ ok: boolean; data?: any; error?: any }>> {
  const res = await gateway.inject({ method: 'POST', url: '/auth/local-login' })
  const { token } = res.json().data
  return async (name, event = {}) => {
    const r = await gateway.inject({ method: 'POST', url: `/fn/${name}`, headers: { authorization: `Bearer ${token}` }, payload: event as object })
    expect(r.statusCode).toBe(200)
    return r.json()
  }
}

test('a demo retiree binds by hand, then sees status and history; refusals say why', async () => {
  const call = await signIn()

  expect(await call('login')).toEqual({ ok: true, data: { bound: false } })
  expect(await call('getStatus')).toEqual({ ok: true, data: { bound: false } })

  // Not on the roster (valid checksum) → PERSON_NOT_FOUND.
  expect(await call('bindIdentity', { method: 'manual', ...WANG, idNumber: '110101195001010017' })).toMatchObject({
    ok: false,
    error: { code: 'PERSON_NOT_FOUND', message: '未找到参保信息，请核对后重试或联系当地社保经办机构' },
  })
  // On the roster, wrong card number → DETAILS_MISMATCH without naming the field.
  const mismatch = await call('bindIdentity', { method: 'manual', ...WANG, cardNumber: 'A99999999' })
  expect(mismatch).toMatchObject({ ok: false, error: { code: 'DETAILS_MISMATCH' } })
  expect(mismatch.error.field).toBeUndefined()
  // Format error → the field is named, backend untouched.
  expect(await call('bindIdentity', { method: 'manual', ...WANG, idNumber: '110101195203140128' })).toMatchObject({
    ok: false,
    error: { code: 'ID_CHECKSUM', field: 'idNumber' },
  })

  const bound = await call('bindIdentity', { method: 'manual', ...WANG, cardNumber: 'a00000001' })
  expect(bound.ok).toBe(true)
  expect(bound.data).toMatchObject({ bound: true, person: { maskedName: '王*英', insuranceType: 'enterprise', insuranceLabel: '企业职工基本养老保险' } })
  expect(JSON.stringify(bound)).not.toContain(WANG.idNumber)
  expect(bound.data.person.maskedIdNumber).toMatch(/^110\*+\d{3}[\dX]$/)

  const login = await call('login')
  expect(login).toMatchObject({ ok: true, data: { bound: true, person: { maskedName: '王*英' } } })

  const status = await call('getStatus')
  expect(status.ok).toBe(true)
  // Last certified 2026-03-15 on the roster, rolling 12 months → due March 2027.
  expect(status.data).toMatchObject({ bound: true, status: 'certified', statusLabel: '已认证', nextDueMonthLabel: '2027年3月', nextDueDate: '2027-03-01' })

  const records = await call('listRecords', { limit: 10 })
  expect(records.ok).toBe(true)
  // The roster's 上次认证日期 arrives as one imported record.
  expect(records.data.records).toHaveLength(1)
  expect(records.data.records[0]).toMatchObject({ result: 'passed', method: 'legacy', channel: 'import', channelLabel: '历史数据导入' })
  expect(records.data.records[0].certifiedAt.slice(0, 10) <= '2026-03-15').toBe(true)
  for (const r of records.data.records) {
    expect(r).toEqual(expect.objectContaining({ id: expect.any(String), certifiedAt: expect.any(String), resultLabel: expect.any(String), methodLabel: expect.any(String) }))
  }
  expect(await call('listRecords', { limit: 1000 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', field: 'limit' } })

  // A second WeChat identity cannot bind the same person as 本人.
  const other = await signIn()
  expect(await other('bindIdentity', { method: 'manual', ...WANG })).toMatchObject({ ok: false, error: { code: 'PERSON_BOUND_ELSEWHERE' } })

  // Unbinding is idempotent; afterwards the status says not bound.
  expect(await call('unbindIdentity')).toEqual({ ok: true, data: { unbound: true } })
  expect(await call('unbindIdentity')).toEqual({ ok: true, data: { unbound: true } })
  expect(await call('getStatus')).toEqual({ ok: true, data: { bound: false } })
})

test('binding through the local 电子社保卡 authorisation', async () => {
  const call = await signIn()
  expect(await call('localSscAuthorize', { name: '李建民', idNumber: LI.idNumber })).toMatchObject({ ok: false, error: { code: 'DETAILS_MISMATCH' } })
  const auth = await call('localSscAuthorize', LI)
  expect(auth.ok).toBe(true)
  expect(typeof auth.data.authorization).toBe('string')
  expect(auth.data.authorization).not.toContain(LI.idNumber)
  const bound = await call('bindIdentity', { method: 'ssc', authorization: auth.data.authorization })
  expect(bound).toMatchObject({ ok: true, data: { bound: true, person: { maskedName: '李*国', insuranceType: 'institution' } } })
  // The same authorisation cannot be used again by someone else.
  const other = await signIn()
  expect((await other('bindIdentity', { method: 'ssc', authorization: auth.data.authorization })).ok).toBe(false)
  // A forged authorisation is refused with the stable code.
  expect(await other('bindIdentity', { method: 'ssc', authorization: 'forged-authorization-0123456789' })).toMatchObject({
    ok: false,
    error: { code: 'SSC_AUTH_INVALID' },
  })
})

test('a gateway with the wrong signing secret gets SERVICE_UNAVAILABLE, not the backend’s signature code', async () => {
  const problems: string[] = []
  const wrong = buildGateway({
    backendUrl,
    hmacKeyId: 'k1',
    hmacSecret: 'not-the-shared-secret-0123456789abcdef',
    h5Dir: null,
    clock: { now: () => NOW },
    nodeEnv: 'test',
    logBackendProblem: (m) => problems.push(m),
  })
  const token = (await wrong.inject({ method: 'POST', url: '/auth/local-login' })).json().data.token
  const res = await wrong.inject({ method: 'POST', url: '/fn/getStatus', headers: { authorization: `Bearer ${token}` }, payload: {} })
  expect(res.json()).toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } })
  // The operator sees why; the person does not.
  expect(problems).toEqual([expect.stringContaining('SIGNATURE_INVALID')])
  await wrong.close()
})

test('backend gone → SERVICE_UNAVAILABLE with the Chinese message; the gateway stops saying it is ready', async () => {
  expect((await gateway.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready', service: 'gateway' })
  const call = await signIn()
  await backend.close()
  const ready = await gateway.inject({ method: 'GET', url: '/readyz' })
  expect(ready.statusCode).toBe(503)
  expect(ready.json().error.code).toBe('SERVICE_UNAVAILABLE')
  expect((await gateway.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => {})
  expect(await call('getStatus')).toEqual({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后再试' } })
  expect(warn).toHaveBeenCalledWith(expect.stringContaining('/v1/status unreachable'))
  warn.mockRestore()
})
