/**
 * POST /v1/certifications/start and /v1/certifications/complete (docs/backend-api.md). The complete
 * route carries the observation summary and up to 3 evidence frames, so it has its own body limit
 * (CERT_COMPLETE_BODY_LIMIT); everything else keeps the app's 64 KB.
 */
import type { FastifyPluginAsync } from 'fastify'
import * as v from 'valibot'
import { BackendCompleteCertificationSchema, BackendStartCertificationSchema } from '../../../src/core/contracts/certification'
import { HttpError } from '../../http/errors'
import { parseBody } from '../../http/validate'
import { CERTIFICATION_STATUS, completeCertification, startCertification, type CertificationDeps } from '../../services/certification'
import type { RouteOptions } from '../options'

export interface CertificationRouteOptions extends RouteOptions {
  cert: CertificationDeps
}

/** parseBody with the certification codes' own statuses (e.g. TRACE_IMPLAUSIBLE → 422). */
function parse<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  try {
    return parseBody(schema, body)
  } catch (err) {
    const status = err instanceof HttpError ? CERTIFICATION_STATUS[err.code] : undefined
    if (err instanceof HttpError && status !== undefined) throw new HttpError(err.code, err.body.field, status)
    throw err
  }
}

export const certificationRoutes: FastifyPluginAsync<CertificationRouteOptions> = async (app, { ctx, cert }) => {
  app.post('/certifications/start', async (req) => startCertification(ctx, cert, parse(BackendStartCertificationSchema, req.body)))

  app.post('/certifications/complete', { bodyLimit: cert.config.completeBodyLimit }, async (req) =>
    completeCertification(ctx, cert, parse(BackendCompleteCertificationSchema, req.body)),
  )
}
