/** /agency/api/units and /unit-admins: 管理员 appoint and revoke 单位专管员 in their region (src/core/contracts/agency/unit-admins.ts). */
import type { FastifyPluginAsync } from 'fastify'
import { agencyRoute } from '../../../agency/http/route'
import { appointUnitAdmin, listAppointments, listUnits, revokeUnitAdmin } from '../../../services/agency/unit-admins'
import type { AgencyRouteOptions } from '../options'

export const unitAdminAgencyRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  agencyRoute(app, 'unitsList', async ({ actor, input }) => listUnits(opts.ctx, actor, input.q))
  agencyRoute(app, 'unitAdminsList', async ({ actor }) => listAppointments(opts.ctx, actor))
  agencyRoute(app, 'unitAdminsAppoint', async ({ actor, input, reply }) => {
    const answer = await appointUnitAdmin(opts.ctx, actor, input)
    reply.header('cache-control', 'no-store')
    return answer
  })
  agencyRoute(app, 'unitAdminsRevoke', async ({ actor, params }) => revokeUnitAdmin(opts.ctx, actor, params.appointmentId))
}
