/**
 * The developer inbox (消息发件箱): the local subscribe-message adapter delivers here instead of to
 * WeChat, and the dev page lists it. Refused in production.
 */
import type { Caller } from '../../src/core/contracts/common'
import type { InboxMessageView, InboxView, LocalDeliver, LocalDeliverView } from '../../src/core/contracts/reminders'
import { checkTemplateData, invalidFieldErrmsg, type TemplateData } from '../../src/core/reminders/fields'
import { TEMPLATE_TITLES, type SubscriptionTemplate } from '../../src/core/reminders/policy'
import { newId } from '../db/ids'
import { insertInboxMessage, listInboxMessages } from '../repositories/inbox'
import { refuseInProduction, type RemindersDeps } from './deps'

/** What subscribeMessage.send would answer, checked with the SAME field rules; stored when fine. */
export async function localDeliver(deps: RemindersDeps, production: boolean, body: LocalDeliver): Promise<LocalDeliverView> {
  refuseInProduction(production)
  if (!/^[A-Za-z0-9_-]{6,64}$/.test(body.touser)) return { errcode: 40003, errmsg: 'invalid openid' }
  const known = Object.values(deps.config.templateIds)
  if (!known.includes(body.templateId)) return { errcode: 40037, errmsg: 'invalid template_id' }
  if (body.page && !/^[A-Za-z0-9_\-/]+(\?.*)?$/.test(body.page)) return { errcode: 41030, errmsg: 'invalid page' }
  const violations = checkTemplateData(body.data)
  if (violations.length > 0) return { errcode: 47003, errmsg: invalidFieldErrmsg(violations[0]) }
  await insertInboxMessage(deps.ctx.db, {
    id: newId(),
    touser: body.touser,
    template_id: body.templateId,
    page: body.page,
    data: JSON.stringify(body.data),
    miniprogram_state: body.miniprogramState,
    lang: body.lang,
    received_at: deps.ctx.clock().toISOString(),
  })
  return { errcode: 0, errmsg: 'ok' }
}

export async function listInbox(deps: RemindersDeps, production: boolean, caller: Caller, q: { limit: number; before?: string; onlyMine: boolean }): Promise<InboxView> {
  refuseInProduction(production)
  const rows = await listInboxMessages(deps.ctx.db, { limit: q.limit, before: q.before, touser: q.onlyMine ? caller.openid : undefined })
  const byId = new Map(Object.entries(deps.config.templateIds).map(([k, id]) => [id, k as SubscriptionTemplate]))
  return {
    messages: rows.map((r): InboxMessageView => {
      const template = byId.get(r.template_id)
      return {
        id: r.id,
        touser: r.touser,
        mine: r.touser === caller.openid,
        templateId: r.template_id,
        ...(template ? { template } : {}),
        title: template ? TEMPLATE_TITLES[template] : r.template_id,
        page: r.page,
        data: JSON.parse(r.data) as TemplateData,
        miniprogramState: r.miniprogram_state,
        lang: r.lang,
        receivedAt: r.received_at,
      }
    }),
  }
}
