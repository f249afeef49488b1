import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { QueueJob, QueueJobPage, QueueSummary } from '@switchyard/contracts';
import { actorFrom, QueueInspector } from '@switchyard/core';
import type { FastifyRequest } from 'fastify';
import { ref } from '../openapi.js';

@ApiTags('queues')
@Controller('v1/queues')
export class QueuesController {
  constructor(private readonly inspector: QueueInspector) {}

  @Get()
  @ApiOperation({ summary: 'Every queue: counts, paused, workers, throughput, lag as time, wait and processing percentiles' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: ref('QueueSummary') } })
  list(): Promise<QueueSummary[]> {
    return this.inspector.summaries();
  }

  @Get(':name')
  @ApiResponse({ status: 200, schema: ref('QueueSummary') })
  @ApiResponse({ status: 404, schema: ref('Problem') })
  get(@Param('name') name: string): Promise<QueueSummary> {
    return this.inspector.summary(name);
  }

  @Get(':name/jobs')
  @ApiOperation({ summary: 'A page of jobs in one state (at most 200 per page)' })
  @ApiQuery({ name: 'state', required: false, enum: ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] })
  @ApiQuery({ name: 'start', required: false })
  @ApiQuery({ name: 'end', required: false })
  @ApiResponse({ status: 200, schema: ref('QueueJobPage') })
  jobs(@Param('name') name: string, @Query() query: { state?: string; start?: string; end?: string }): Promise<QueueJobPage> {
    return this.inspector.jobs(name, query);
  }

  @Get(':name/jobs/:jobId')
  @ApiResponse({ status: 200, schema: ref('QueueJob') })
  job(@Param('name') name: string, @Param('jobId') jobId: string): Promise<QueueJob> {
    return this.inspector.job(name, jobId);
  }

  @Post(':name/pause')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Actor', required: false })
  @ApiOperation({ summary: 'Stop workers taking new jobs from this queue (audited)' })
  pause(@Param('name') name: string, @Req() request: FastifyRequest): Promise<QueueSummary> {
    return this.inspector.pause(name, actorFrom(request.headers));
  }

  @Post(':name/resume')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Actor', required: false })
  @ApiOperation({ summary: 'Let workers take jobs again (audited)' })
  resume(@Param('name') name: string, @Req() request: FastifyRequest): Promise<QueueSummary> {
    return this.inspector.resume(name, actorFrom(request.headers));
  }
}
