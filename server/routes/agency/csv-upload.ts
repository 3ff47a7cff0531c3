/**
 * The raw CSV body shared by the console's staged uploads (名册导入, 静默认证 signals). The upload's body
 * is the CSV file itself: a parser for text/csv and application/octet-stream scoped to the calling
 * plugin keeps the raw bytes (the file's encoding is detected by the roster code, never guessed by a
 * text parser), and the upload route alone accepts up to maxBytes (the app's default limit stays 64 KB).
 * Each upload keeps its own limit and error codes: they are part of its API.
 */
import type { FastifyInstance } from 'fastify'
import { DomainError, type ErrorCode } from '../../../src/core/errors'

export interface CsvUploadBody {
  /** The upload route's path (its contract's path); only POST to it gets the larger limit. */
  uploadPath: string
  maxBytes: number
  /** Fastify's own errors for a too large or wrongly typed body, as the console's stable codes. */
  tooLarge: ErrorCode
  wrongType: ErrorCode
}

export function registerCsvUploadBody(app: FastifyInstance, body: CsvUploadBody): void {
  app.addContentTypeParser(['text/csv', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: body.maxBytes }, (_req, raw, done) => done(null, raw))
  app.addHook('onRoute', (route) => {
    if (route.url?.endsWith(body.uploadPath) && route.method === 'POST') route.bodyLimit = body.maxBytes
  })
  // Every other error goes on to the app's handler (an error handler that throws hands over to its parent).
  app.setErrorHandler((err: { code?: string }) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw new DomainError(body.tooLarge)
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw new DomainError(body.wrongType)
    throw err
  })
}

/** The upload's raw bytes, or the upload's wrong-type error (a body some other parser took). */
export function csvBytesOf(reqBody: unknown, wrongType: ErrorCode): Buffer {
  if (!Buffer.isBuffer(reqBody)) throw new DomainError(wrongType)
  return reqBody
}

/** The X-Filename header (URI-encoded by the console), as a label; undefined when absent or malformed. */
export function filenameOf(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined
  try {
    return decodeURIComponent(header)
  } catch {
    return undefined
  }
}
