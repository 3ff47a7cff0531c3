/** Reminder policy, field rules and template builders (pure; docs/reminders.md). */
export * from './fields'
export * from './policy'
export * from './templates'
