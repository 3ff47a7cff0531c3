/**
 * POST /v1/certifications/start, /complete and /cancel (docs/backend-api.md). The complete
 * route carries the observation summary and up to 3 evidence frames, so it has its own body limit
 * (CERT_COMPLETE_BODY_LIMIT); everything else keeps the app's 64 KB.
 */
import type { FastifyPluginAsync } from 'fastify'
import { route } from '../../http/endpoint'
import { completeCertification, startCertification, type CertificationDeps } from '../../services/certification'
import { cancelCertification } from '../../services/certification-cancel'
import { BackendCompleteCertificationSchema } from '../../../src/core/contracts/certification'
import { parseFirstWith } from '../../http/validate'
import { CompleteBodyTwin } from './complete-body'
import type { RouteOptions } from '../options'

export interface CertificationRouteOptions extends RouteOptions {
  cert: CertificationDeps
}

export const certificationRoutes: FastifyPluginAsync<CertificationRouteOptions> = async (app, { ctx, cert }) => {
  route(app, 'startCertification', (body) => startCertification(ctx, cert, body))
  parseFirstWith(BackendCompleteCertificationSchema, CompleteBodyTwin)
  route(app, 'completeCertification', (body) => completeCertification(ctx, cert, body), { bodyLimit: cert.config.completeBodyLimit })
  route(app, 'cancelCertification', (body) => cancelCertification(ctx, body))
}
