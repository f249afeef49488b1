import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { SchedulePage, ScheduleSummary } from '@switchyard/core/contracts';
import { parseLimit } from '../../../foundation/paging/cursor.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import { ScheduleService } from '../../../pipeline/schedules/schedule.service.js';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../auth/request-principal.js';
import { RequireScope } from '../auth/route-access.js';
import { jsonBody } from '../http/json-body.js';
import { ref } from '../openapi.js';

@ApiTags('schedules')
@ApiHeader({ name: 'X-Actor', required: false, description: 'Who acts, for the audit trail; honoured from admin keys only' })
@Controller('v1/schedules')
export class SchedulesController {
  constructor(private readonly schedules: ScheduleService) {}

  // admin, not ops:write: a schedule mints new events on a timer, outside any producer key's rate limit.
  @Post()
  @RequireScope('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a cron or interval schedule that emits an event; its data is validated against the catalog now (audited)' })
  @ApiBody({ schema: ref('NewSchedule') })
  @ApiResponse({ status: 201, schema: ref('Schedule') })
  @ApiResponse({ status: 400, description: 'Invalid schedule (cron, time zone, interval, data)', schema: ref('Problem') })
  @ApiResponse({ status: 409, description: 'A schedule with this name exists', schema: ref('Problem') })
  @ApiResponse({ status: 422, description: 'Unknown event type', schema: ref('Problem') })
  create(@Req() request: FastifyRequest): Promise<ScheduleSummary> {
    return this.schedules.create(jsonBody(request), actorOf(request));
  }

  @Get()
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'Schedules by name: timing, next and last fire, paused, origin (api or code)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiResponse({ status: 200, schema: ref('SchedulePage') })
  list(@Query() query: Record<string, string>): Promise<SchedulePage> {
    return this.schedules.list(parseLimit(query.limit), query.cursor);
  }

  @Get(':name')
  @RequireScope('ops:read')
  @ApiResponse({ status: 200, schema: ref('Schedule') })
  @ApiResponse({ status: 404, schema: ref('Problem') })
  get(@Param('name') name: string): Promise<ScheduleSummary> {
    return this.schedules.get(name);
  }

  @Delete(':name')
  @RequireScope('ops:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a schedule (audited); one declared in code is a 409 unless force=true, and comes back when a process declaring it starts' })
  @ApiQuery({ name: 'force', required: false, enum: ['true', 'false'] })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 404, schema: ref('Problem') })
  @ApiResponse({ status: 409, description: 'Declared in code', schema: ref('Problem') })
  async remove(@Param('name') name: string, @Query('force') force: string | undefined, @Req() request: FastifyRequest): Promise<void> {
    if (force !== undefined && force !== 'true' && force !== 'false') {
      throw new ProblemError(problems.invalidRequest('force must be true or false', [{ path: 'force', message: 'must be true or false' }]));
    }
    await this.schedules.remove(name, actorOf(request), force === 'true');
  }

  @Post(':name/pause')
  @RequireScope('ops:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop emitting (audited); survives restarts and deploys' })
  @ApiResponse({ status: 200, schema: ref('Schedule') })
  pause(@Param('name') name: string, @Req() request: FastifyRequest): Promise<ScheduleSummary> {
    return this.schedules.setPaused(name, true, actorOf(request));
  }

  @Post(':name/resume')
  @RequireScope('ops:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Emit again from the first tick after now; ticks passed while paused are not caught up (audited)' })
  @ApiResponse({ status: 200, schema: ref('Schedule') })
  resume(@Param('name') name: string, @Req() request: FastifyRequest): Promise<ScheduleSummary> {
    return this.schedules.setPaused(name, false, actorOf(request));
  }
}
