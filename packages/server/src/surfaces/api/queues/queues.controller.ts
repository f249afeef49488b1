import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { QueueJob, QueueJobPage, QueueSummary } from '@switchyard/core/contracts';
import { QueueInspector } from './queue-inspector.js';
import type { FastifyRequest } from 'fastify';
import { ref } from '../openapi.js';
import { RequireScope } from '../auth/route-access.js';
import { actorOf } from '../auth/request-principal.js';

@ApiTags('queues')
@Controller('v1/queues')
export class QueuesController {
  constructor(private readonly inspector: QueueInspector) {}

  @Get()
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'Every queue: counts, paused, workers, throughput, lag as time, wait and processing percentiles' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: ref('QueueSummary') } })
  list(): Promise<QueueSummary[]> {
    return this.inspector.summaries();
  }

  @Get(':name')
  @RequireScope('ops:read')
  @ApiResponse({ status: 200, schema: ref('QueueSummary') })
  @ApiResponse({ status: 404, schema: ref('Problem') })
  get(@Param('name') name: string): Promise<QueueSummary> {
    return this.inspector.summary(name);
  }

  @Get(':name/jobs')
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'A page of jobs in one state (at most 200 per page)' })
  @ApiQuery({ name: 'state', required: false, enum: ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] })
  @ApiQuery({ name: 'start', required: false })
  @ApiQuery({ name: 'end', required: false })
  @ApiResponse({ status: 200, schema: ref('QueueJobPage') })
  jobs(@Param('name') name: string, @Query() query: { state?: string; start?: string; end?: string }): Promise<QueueJobPage> {
    return this.inspector.jobs(name, query);
  }

  @Get(':name/jobs/:jobId')
  @RequireScope('ops:read')
  @ApiResponse({ status: 200, schema: ref('QueueJob') })
  job(@Param('name') name: string, @Param('jobId') jobId: string): Promise<QueueJob> {
    return this.inspector.job(name, jobId);
  }

  @Post(':name/pause')
  @RequireScope('ops:write')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Actor', required: false, description: 'Who acts, for the audit trail; honoured from admin keys only' })
  @ApiOperation({ summary: 'Stop workers taking new jobs from this queue (audited)' })
  pause(@Param('name') name: string, @Req() request: FastifyRequest): Promise<QueueSummary> {
    return this.inspector.pause(name, actorOf(request));
  }

  @Post(':name/resume')
  @RequireScope('ops:write')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Actor', required: false, description: 'Who acts, for the audit trail; honoured from admin keys only' })
  @ApiOperation({ summary: 'Let workers take jobs again (audited)' })
  resume(@Param('name') name: string, @Req() request: FastifyRequest): Promise<QueueSummary> {
    return this.inspector.resume(name, actorOf(request));
  }
}
