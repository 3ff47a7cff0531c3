/**
 * 静默认证 signals upload routes and 死亡信息核实 (declarations in src/core/contracts/agency/signals.ts). As for the
 * roster upload, the body is the CSV file itself (raw bytes; the encoding is detected by the shared
 * roster code), and this upload route alone accepts up to SIGNALS_UPLOAD_MAX_BYTES. The policy
 * (SIGNALS_* variables) is read once when the routes are registered.
 */
import type { FastifyPluginAsync } from 'fastify'
import { AGENCY_ENDPOINTS } from '../../../../src/core/contracts/agency'
import { SIGNALS_UPLOAD_MAX_BYTES } from '../../../../src/core/contracts/agency/signals'
import { agencyRoute } from '../../../agency/http/route'
import { closeSignalReview, signalReviews } from '../../../services/agency/signal-reviews'
import { confirmSignalsUpload, createSignalsUpload, signalsUploadReport, signalsUploadStatus } from '../../../services/agency/signals-upload'
import { readSignalPolicy } from '../../../signals/config'
import { csvBytesOf, filenameOf, registerCsvUploadBody } from '../csv-upload'
import type { AgencyRouteOptions } from '../options'

const UPLOAD_PATH = AGENCY_ENDPOINTS.signalsUploadCreate.path

export const agencySignalsRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  const { ctx } = opts
  const policy = readSignalPolicy(process.env)
  registerCsvUploadBody(app, { uploadPath: UPLOAD_PATH, maxBytes: SIGNALS_UPLOAD_MAX_BYTES, tooLarge: 'AGENCY_SIGNALS_UPLOAD_TOO_LARGE', wrongType: 'AGENCY_SIGNALS_UPLOAD_TYPE' })

  agencyRoute(app, 'signalsUploadCreate', async ({ actor, req }) => {
    return createSignalsUpload(ctx, actor, csvBytesOf(req.body, 'AGENCY_SIGNALS_UPLOAD_TYPE'), filenameOf(req.headers['x-filename']))
  })
  agencyRoute(app, 'signalsUploadStatus', ({ actor, params }) => signalsUploadStatus(ctx, actor, params.uploadId))
  agencyRoute(app, 'signalsUploadReport', ({ actor, params }) => signalsUploadReport(ctx, actor, params.uploadId))
  agencyRoute(app, 'signalsUploadConfirm', ({ actor, params }) => confirmSignalsUpload(ctx, actor, params.uploadId, policy))
  agencyRoute(app, 'signalReviews', ({ actor }) => signalReviews(ctx, actor))
  agencyRoute(app, 'signalReviewClose', ({ actor, params, input }) => closeSignalReview(ctx, actor, params.reviewId, input))
}
