/** What every reminders module takes: the service context, the reminders config and a logger. */
import { DomainError } from '../../src/core/errors'
import type { ServiceContext } from '../services/context'
import type { RemindersConfig } from './config'

export interface ReminderLog {
  error(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  info(obj: object, msg: string): void
}

export interface RemindersDeps {
  ctx: ServiceContext
  config: RemindersConfig
  log: ReminderLog
}

/** The developer inbox and the demo recipient exist only outside production. */
export function refuseInProduction(production: boolean): void {
  if (production) throw new DomainError('FORBIDDEN_IN_PRODUCTION')
}
