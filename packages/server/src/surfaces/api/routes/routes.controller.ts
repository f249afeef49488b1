import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { RouteInfo } from '@switchyard/core/contracts';
import { RoutingTable } from '../../../pipeline/routing/routing-table.js';
import { ref } from '../openapi.js';
import { RequireScope } from '../auth/route-access.js';

@ApiTags('routes')
@Controller('v1/routes')
export class RoutesController {
  constructor(private readonly routing: RoutingTable) {}

  @Get()
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'The routing table: every handler, its queue, patterns and options' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: ref('RouteInfo') } })
  list(): RouteInfo[] {
    return this.routing.describe();
  }
}
