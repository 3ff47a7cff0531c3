/**
 * 名册导入 routes (declarations in src/core/contracts/agency/roster.ts). The upload's body is the CSV
 * file itself: a parser for text/csv and application/octet-stream scoped to this plugin keeps the raw
 * bytes (the file's encoding is detected by the roster code, never guessed by a text parser), and the
 * upload route alone accepts up to ROSTER_UPLOAD_MAX_BYTES (the app's default limit stays 64 KB).
 */
import type { FastifyPluginAsync } from 'fastify'
import { AGENCY_ENDPOINTS } from '../../../../src/core/contracts/agency'
import { ROSTER_UPLOAD_MAX_BYTES } from '../../../../src/core/contracts/agency/roster'
import { DomainError } from '../../../../src/core/errors'
import { agencyRoute } from '../../../agency/http/route'
import { confirmRosterUpload, createRosterUpload, rosterUploadReport, rosterUploadStatus } from '../../../services/agency/roster-upload'
import type { AgencyRouteOptions } from '../options'

const UPLOAD_PATH = AGENCY_ENDPOINTS.rosterUploadCreate.path

function filenameOf(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined
  try {
    return decodeURIComponent(header)
  } catch {
    return undefined
  }
}

export const agencyRosterRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  const { ctx } = opts
  app.addContentTypeParser(['text/csv', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: ROSTER_UPLOAD_MAX_BYTES }, (_req, body, done) => done(null, body))
  app.addHook('onRoute', (route) => {
    if (route.url?.endsWith(UPLOAD_PATH) && route.method === 'POST') route.bodyLimit = ROSTER_UPLOAD_MAX_BYTES
  })
  // Fastify's own errors for a too large or wrongly typed body, as the console's stable codes; every
  // other error goes on to the app's handler (an error handler that throws hands over to its parent).
  app.setErrorHandler((err: { code?: string }) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw new DomainError('AGENCY_ROSTER_UPLOAD_TOO_LARGE')
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw new DomainError('AGENCY_ROSTER_UPLOAD_TYPE')
    throw err
  })

  agencyRoute(app, 'rosterUploadCreate', async ({ actor, req }) => {
    if (!Buffer.isBuffer(req.body)) throw new DomainError('AGENCY_ROSTER_UPLOAD_TYPE')
    return createRosterUpload(ctx, actor, req.body, filenameOf(req.headers['x-filename']))
  })
  agencyRoute(app, 'rosterUploadStatus', ({ actor, params }) => rosterUploadStatus(ctx, actor, params.uploadId))
  agencyRoute(app, 'rosterUploadReport', ({ actor, params }) => rosterUploadReport(ctx, actor, params.uploadId))
  agencyRoute(app, 'rosterUploadConfirm', ({ actor, params }) => confirmRosterUpload(ctx, actor, params.uploadId))
}
