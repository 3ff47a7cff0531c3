/**
 * 静默认证 signals upload routes (declarations in src/core/contracts/agency/signals.ts). As for the
 * roster upload, the body is the CSV file itself (raw bytes; the encoding is detected by the shared
 * roster code), and this upload route alone accepts up to SIGNALS_UPLOAD_MAX_BYTES. The policy
 * (SIGNALS_* variables) is read once when the routes are registered.
 */
import type { FastifyPluginAsync } from 'fastify'
import { AGENCY_ENDPOINTS } from '../../../../src/core/contracts/agency'
import { SIGNALS_UPLOAD_MAX_BYTES } from '../../../../src/core/contracts/agency/signals'
import { DomainError } from '../../../../src/core/errors'
import { agencyRoute } from '../../../agency/http/route'
import { confirmSignalsUpload, createSignalsUpload, signalsUploadReport, signalsUploadStatus } from '../../../services/agency/signals-upload'
import { readSignalPolicy } from '../../../signals/config'
import type { AgencyRouteOptions } from '../options'

const UPLOAD_PATH = AGENCY_ENDPOINTS.signalsUploadCreate.path

function filenameOf(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined
  try {
    return decodeURIComponent(header)
  } catch {
    return undefined
  }
}

export const agencySignalsRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  const { ctx } = opts
  const policy = readSignalPolicy(process.env)
  app.addContentTypeParser(['text/csv', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: SIGNALS_UPLOAD_MAX_BYTES }, (_req, body, done) => done(null, body))
  app.addHook('onRoute', (route) => {
    if (route.url?.endsWith(UPLOAD_PATH) && route.method === 'POST') route.bodyLimit = SIGNALS_UPLOAD_MAX_BYTES
  })
  app.setErrorHandler((err: { code?: string }) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw new DomainError('AGENCY_SIGNALS_UPLOAD_TOO_LARGE')
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw new DomainError('AGENCY_SIGNALS_UPLOAD_TYPE')
    throw err
  })

  agencyRoute(app, 'signalsUploadCreate', async ({ actor, req }) => {
    if (!Buffer.isBuffer(req.body)) throw new DomainError('AGENCY_SIGNALS_UPLOAD_TYPE')
    return createSignalsUpload(ctx, actor, req.body, filenameOf(req.headers['x-filename']))
  })
  agencyRoute(app, 'signalsUploadStatus', ({ actor, params }) => signalsUploadStatus(ctx, actor, params.uploadId))
  agencyRoute(app, 'signalsUploadReport', ({ actor, params }) => signalsUploadReport(ctx, actor, params.uploadId))
  agencyRoute(app, 'signalsUploadConfirm', ({ actor, params }) => confirmSignalsUpload(ctx, actor, params.uploadId, policy))
}
