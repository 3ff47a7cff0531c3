/**
 * The backend's error type is the core DomainError: its status and message come from the one table in
 * src/core/errors.ts. HttpError remains as its other name for the plugins and the reminders service,
 * which this change does not reach into.
 */
export { DomainError as HttpError } from '../../src/core/errors'
