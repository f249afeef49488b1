import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { RouteInfo } from '@switchyard/core/contracts';
import { RouteListing } from './route-listing.js';
import { ref } from '../openapi.js';
import { RequireScope } from '../auth/route-access.js';

@ApiTags('routes')
@Controller('v1/routes')
export class RoutesController {
  constructor(private readonly routes: RouteListing) {}

  @Get()
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'The routing table: every handler, its queue, patterns and options, and the workers the route registry has running it' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: ref('RouteInfo') } })
  list(): Promise<RouteInfo[]> {
    return this.routes.list();
  }
}
