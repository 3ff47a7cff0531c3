/**
 * sendReminders: the loop (sweep → claim → attempt → send → ack) against the real backend in-process,
 * the openapi adapter's mapping of WeChat answers, the time budget, config.json, and the local
 * scheduler's schedule (same trigger as the cloud function).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { openapiPort } from '../../cloudfunctions/sendReminders/openapi-port'
import { runSender } from '../../cloudfunctions/sendReminders/handler'
import type { SubscribeMessage } from '../../cloudfunctions/sendReminders/port'
import { HANDLERS } from '../../cloudfunctions/handlers'
import { checkTemplateData } from '../../src/core/reminders/fields'
import { NOT_SENT_NETWORK, OUTCOME_UNKNOWN } from '../../src/core/reminders/policy'
import { localSubscribeMessagePort } from '../../servers/scheduler/local-port'
import { startLocalScheduler, wechatCronToCroner, timerTriggerOfSendReminders } from '../../servers/scheduler/scheduler'
import { TEST_HMAC_SECRET } from '../server/helpers/config'
import { DEMO } from '../server/helpers/demo'
import { newCaller, startHarness, type Harness } from '../server/helpers/harness'
import { injectBackend } from '../server/reminders/support/inject-backend'
import { STORE_SETUP_TIMEOUT_MS } from '../support/db'

describe('sendReminders against the backend', () => {
  let h: Harness
  const li = newCaller('li')
  beforeAll(async () => {
    h = await startHarness('sqlite', { now: new Date('2026-11-27T09:00:05+08:00') })
    expect((await h.post('/v1/bindings/manual', { caller: li, ...DEMO.li })).statusCode).toBe(200)
  }, STORE_SETUP_TIMEOUT_MS)
  afterAll(async () => h?.close())

  it('recordSubscription → the timer run sends 李建国 his due_7 once; the next run sends nothing', async () => {
    const backend = injectBackend(h.app, TEST_HMAC_SECRET, 'k1', () => h.now)
    const rec = await HANDLERS.recordSubscription({ templates: [{ kind: 'certDue', accepted: true }] }, { caller: li, backend, clock: { now: () => h.now }, production: false })
    expect(rec).toMatchObject({ ok: true, data: { subscriptions: [{ kind: 'certDue', credits: 1 }, {}, {}] } })
    const sent: SubscribeMessage[] = []
    const port = { send: async (m: SubscribeMessage) => (sent.push(m), { errcode: 0, errmsg: 'ok' }) }
    const report = await runSender({ backend, port, clock: { now: () => h.now }, log: () => {} })
    expect(report).toMatchObject({ swept: { inserted: 1, skipped: false }, claimed: 1, attempted: 1, results: { sent: 1 }, stoppedBy: 'empty' })
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ touser: li.openid, templateId: 'local-cert-due', page: 'pages/index/index' })
    expect(checkTemplateData(sent[0].data)).toEqual([])
    const again = await runSender({ backend, port, clock: { now: () => h.now }, log: () => {} })
    expect(again).toMatchObject({ swept: { skipped: true }, claimed: 0, stoppedBy: 'empty' })
    expect(sent).toHaveLength(1)
  })

  it('the local adapter stores what it sends in the 消息发件箱 (listInbox) with the same field rules', async () => {
    const backend = injectBackend(h.app, TEST_HMAC_SECRET, 'k1', () => h.now)
    const port = localSubscribeMessagePort(backend)
    const bad = await port.send({ touser: li.openid, templateId: 'local-cert-due', page: 'pages/index/index', data: { phrase3: { value: '认证即将到期了' } }, miniprogramState: 'developer', lang: 'zh_CN' })
    expect(bad.errcode).toBe(47003)
    expect(bad.errmsg).toContain('data.phrase3.value')
    expect((await port.send({ touser: li.openid, templateId: 'local-cert-due', page: 'pages/index/index', data: { phrase3: { value: '即将到期' } }, miniprogramState: 'developer', lang: 'zh_CN' })).errcode).toBe(0)
    const inbox = await HANDLERS.listInbox({ onlyMine: true }, { caller: li, backend, clock: { now: () => h.now }, production: false })
    expect(inbox.ok && inbox.data.messages[0]).toMatchObject({ title: '认证到期提醒', data: { phrase3: { value: '即将到期' } } })
    expect(await HANDLERS.listInbox({}, { caller: li, backend, clock: { now: () => h.now }, production: true })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_IN_PRODUCTION' } })
  })

  it('stops at the time budget', async () => {
    const backend = injectBackend(h.app, TEST_HMAC_SECRET, 'k1', () => h.now)
    let t = 0
    const report = await runSender({ backend, port: { send: async () => ({ errcode: 0, errmsg: 'ok' }) }, clock: { now: () => new Date(h.now.getTime() + (t += 20_000)) }, log: () => {} }, { budgetMs: 10_000 })
    expect(report.stoppedBy).toBe('budget')
  })
})

describe('openapi adapter', () => {
  const msg: SubscribeMessage = { touser: 'o1', templateId: 't', page: 'p', data: {}, miniprogramState: 'formal', lang: 'zh_CN' }
  it.each([
    [async () => ({ errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' }), 0],
    [async () => Promise.reject({ errCode: 43101, errMsg: 'user refuse to accept the msg' }), 43101],
    [async () => Promise.reject({ errCode: 47003, errMsg: 'argument invalid! data.thing4.value is emtpy' }), 47003],
    [async () => Promise.reject({ errCode: -1, errMsg: 'system error' }), -1],
    [async () => Promise.reject(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })), NOT_SENT_NETWORK],
    [async () => Promise.reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), OUTCOME_UNKNOWN],
  ])('maps %#', async (send, errcode) => {
    expect((await openapiPort({ send }).send(msg)).errcode).toBe(errcode)
  })
})

describe('deployment', () => {
  it('config.json: one timer trigger 0 0 9 * * * * (UTC+8) and the subscribeMessage.send permission', () => {
    const config = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cloudfunctions', 'sendReminders', 'config.json'), 'utf8'))
    expect(config.permissions.openapi).toEqual(['subscribeMessage.send'])
    expect(config.triggers).toEqual([{ name: 'dailyReminders', type: 'timer', config: '0 0 9 * * * *' }])
    expect(config.triggers[0].config.split(' ')).toHaveLength(7)
  })
  it('sendReminders is a timer function, not callable through the gateway', () => {
    expect(Object.keys(HANDLERS)).not.toContain('sendReminders')
  })
  it('the local scheduler uses the same trigger (croner, Asia/Shanghai) plus the local pattern', async () => {
    expect(wechatCronToCroner(timerTriggerOfSendReminders())).toBe('0 0 9 * * *')
    expect(() => wechatCronToCroner('0 0 9 * * * 2027')).toThrow()
    const s = startLocalScheduler({ backend: { post: async () => ({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: '' } }) } as never, runAtStart: false, localCron: '*/5 * * * *', say: () => {} })
    expect(s.patterns).toEqual(['0 0 9 * * *', '*/5 * * * *'])
    s.stop()
  })
})
