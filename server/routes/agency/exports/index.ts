/** 结果导出 and 逾期名单: the export routes (declarations in src/core/contracts/agency/exports.ts). */
import type { FastifyPluginAsync } from 'fastify'
import { agencyRoute } from '../../../agency/http/route'
import { createResultsExport, downloadExport, downloadResults, exportStatus, listExports } from '../../../services/agency/exports'
import { createOverdueExport } from '../../../services/agency/overdue-export'
import type { AgencyRouteOptions } from '../options'

export const agencyExportsRoutes: FastifyPluginAsync<AgencyRouteOptions> = async (app, opts) => {
  const { ctx } = opts
  agencyRoute(app, 'exportsResultsCreate', ({ actor, input }) => createResultsExport(ctx, actor, input.requestId ? { requestId: input.requestId } : {}))
  agencyRoute(app, 'exportsResultsDownload', ({ actor, params, input }) => downloadResults(ctx, actor, params.exportId, input.format))
  agencyRoute(app, 'exportsOverdueCreate', ({ actor, input }) => createOverdueExport(ctx, actor, input))
  agencyRoute(app, 'exportsOverdueDownload', ({ actor, params }) => downloadExport(ctx, actor, params.exportId, 'overdue', 'xlsx'))
  agencyRoute(app, 'exportsList', ({ actor, input }) => listExports(ctx, actor, input.kind))
  agencyRoute(app, 'exportsStatus', ({ actor, params }) => exportStatus(ctx, actor, params.exportId))
}
