import { Controller, Delete, Get, HttpCode, Param, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { RetiredRouteInfo, RouteInfo } from '@switchyard/core/contracts';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../auth/request-principal.js';
import { RequireScope } from '../auth/route-access.js';
import { ref } from '../openapi.js';
import { RouteListing } from './route-listing.js';
import { RouteRetirement } from './route-retirement.js';

@ApiTags('routes')
@Controller('v1/routes')
export class RoutesController {
  constructor(
    private readonly routes: RouteListing,
    private readonly retirement: RouteRetirement,
  ) {}

  @Get()
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'The routing table: every handler in service, its queue, patterns and options, and the workers the route registry has running it' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: ref('RouteInfo') } })
  list(): Promise<RouteInfo[]> {
    return this.routes.list();
  }

  @Delete(':handler')
  @RequireScope('ops:write')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Retire a route (audited): events stop fanning out to the handler (every API within ROUTES_REFRESH_MS); jobs already queued stay. Heartbeats do not bring it back; a worker starting with the handler does',
  })
  @ApiResponse({ status: 200, schema: ref('RetiredRouteInfo') })
  @ApiResponse({ status: 404, description: 'No route of that handler in service', schema: ref('Problem') })
  retire(@Param('handler') handler: string, @Req() request: FastifyRequest): Promise<RetiredRouteInfo> {
    return this.retirement.retire(handler, actorOf(request));
  }
}
