/**
 * The LOCAL openapi adapter: instead of WeChat, each message goes to the backend's developer-only
 * /v1/reminders/local/deliver, which checks it with the SAME field rules (src/core/reminders/fields.ts)
 * — answering 47003 with the field like WeChat would — and stores it for the 消息发件箱 page.
 * The message is also checked here first, so a bad field is refused even if the backend is older.
 */
import '../../cloudfunctions/sendReminders/backend-routes'
import type { BackendPort } from '../../cloudfunctions/_shared/ports'
import type { SubscribeMessagePort } from '../../cloudfunctions/sendReminders/port'
import { checkTemplateData, invalidFieldErrmsg } from '../../src/core/reminders/fields'
import { OUTCOME_UNKNOWN } from '../../src/core/reminders/policy'

export function localSubscribeMessagePort(backend: BackendPort): SubscribeMessagePort {
  return {
    async send(message) {
      const violations = checkTemplateData(message.data)
      if (violations.length > 0) return { errcode: 47003, errmsg: invalidFieldErrmsg(violations[0]) }
      const r = await backend.post('/v1/reminders/local/deliver', { ...message })
      // A failed call may still have stored the message: the outcome is unknown (never resent).
      return r.ok ? r.data : { errcode: OUTCOME_UNKNOWN, errmsg: r.error.code }
    },
  }
}
