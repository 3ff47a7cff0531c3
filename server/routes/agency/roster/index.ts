/**
 * 名册导入 routes (declarations in src/core/contracts/agency/roster.ts). The upload's body is the CSV
 * file itself, raw bytes (../csv-upload.ts), and the upload route alone accepts up to
 * ROSTER_UPLOAD_MAX_BYTES (the app's default limit stays 64 KB).
 */
import type { FastifyPluginAsync } from 'fastify'
import { AGENCY_ENDPOINTS } from '../../../../src/core/contracts/agency'
import { ROSTER_UPLOAD_MAX_BYTES } from '../../../../src/core/contracts/agency/roster'
import { agencyRoute } from '../../../agency/http/route'
import { confirmRosterUpload, createRosterUpload, rosterUploadReport, rosterUploadStatus } from '../../../services/agency/roster-upload'
import { csvBytesOf, filenameOf, registerCsvUploadBody } from '../csv-upload'
import type { AgencyRouteOptions } from '../options'

const UPLOAD_PATH = AGENCY_ENDPOINTS.rosterUploadCreate.path

export const agencyRosterRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  const { ctx } = opts
  registerCsvUploadBody(app, { uploadPath: UPLOAD_PATH, maxBytes: ROSTER_UPLOAD_MAX_BYTES, tooLarge: 'AGENCY_ROSTER_UPLOAD_TOO_LARGE', wrongType: 'AGENCY_ROSTER_UPLOAD_TYPE' })

  agencyRoute(app, 'rosterUploadCreate', async ({ actor, req }) => {
    return createRosterUpload(ctx, actor, csvBytesOf(req.body, 'AGENCY_ROSTER_UPLOAD_TYPE'), filenameOf(req.headers['x-filename']))
  })
  agencyRoute(app, 'rosterUploadStatus', ({ actor, params }) => rosterUploadStatus(ctx, actor, params.uploadId))
  agencyRoute(app, 'rosterUploadReport', ({ actor, params }) => rosterUploadReport(ctx, actor, params.uploadId))
  agencyRoute(app, 'rosterUploadConfirm', ({ actor, params }) => confirmRosterUpload(ctx, actor, params.uploadId))
}
