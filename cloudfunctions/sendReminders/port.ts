/**
 * SubscribeMessagePort: one subscribe message out, WeChat's {errcode, errmsg} back. Never throws.
 * Production: cloud.openapi.subscribeMessage.send (openapi-port.ts, declared in config.json).
 * Locally: servers/scheduler/local-port.ts (same field rules, stored for the 消息发件箱).
 */
import type { TemplateData } from '../../src/core/reminders/fields'

export interface SubscribeMessage {
  touser: string
  templateId: string
  page: string
  data: TemplateData
  miniprogramState: 'developer' | 'trial' | 'formal'
  lang: 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW'
}

export interface SendResult {
  errcode: number
  errmsg: string
}

export interface SubscribeMessagePort {
  send(message: SubscribeMessage): Promise<SendResult>
}
