/** The one error type routes throw; the error handler turns it into {error:{code,message,field?}}. */
import { appError, type AppError, type ErrorCode } from '../../src/core/errors'
import { httpStatusFor } from './status-codes'

export class HttpError extends Error {
  readonly statusCode: number
  readonly body: AppError

  constructor(code: ErrorCode, field?: string, statusCode?: number) {
    super(code)
    this.name = 'HttpError'
    this.body = appError(code, field)
    this.statusCode = statusCode ?? httpStatusFor(code)
  }

  get code(): ErrorCode {
    return this.body.code
  }
}

export const httpError = (code: ErrorCode, field?: string): HttpError => new HttpError(code, field)
