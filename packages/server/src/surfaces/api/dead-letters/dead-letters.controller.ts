import { applyDecorators, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { DeadLetterDetail, DeadLetterGroup, DeadLetterPage, DeadLetterStats, DeadLetterSummary, DryRunAnswer, OperationStatus, RetryAnswer } from '@switchyard/core/contracts';
import { DeadLetterQueryService } from './dead-letter-query.service.js';
import { DeadLetterTriageService } from './dead-letter-triage.service.js';
import { parseDeadLetterFilter } from './dead-letter-filter.js';
import { parseLimit } from '../../../foundation/paging/cursor.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jsonBody } from '../http/json-body.js';
import { ref } from '../openapi.js';
import { RequireScope } from '../auth/route-access.js';
import { actorOf } from '../auth/request-principal.js';

/** The list's filters, documented once for the list and the groups. */
const ApiDeadLetterFilters = () =>
  applyDecorators(
    ...['status', 'queue', 'handler', 'eventType', 'fingerprint', 'q', 'since', 'until'].map((name) => ApiQuery({ name, required: false })),
  );

function filterOf(query: Record<string, string>) {
  const { limit: _limit, cursor: _cursor, ...filter } = query;
  return parseDeadLetterFilter(filter);
}

@ApiTags('dead letters')
@ApiHeader({ name: 'X-Actor', required: false, description: 'Who acts, for the audit trail; honoured from admin keys only (others are recorded as key:<name>)' })
@Controller('v1/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly query: DeadLetterQueryService,
    private readonly triage: DeadLetterTriageService,
  ) {}

  @Get()
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'Dead letters, newest first; q searches the payload and the error text' })
  @ApiDeadLetterFilters()
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiResponse({ status: 200, schema: ref('DeadLetterPage') })
  list(@Query() query: Record<string, string>): Promise<DeadLetterPage> {
    return this.query.list(filterOf(query), parseLimit(query.limit), query.cursor);
  }

  @Get('stats')
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'How many dead letters are in each status' })
  @ApiResponse({ status: 200, schema: { type: 'object', additionalProperties: { type: 'integer' } } })
  stats(): Promise<DeadLetterStats> {
    return this.query.stats();
  }

  @Get('groups')
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'Dead letters grouped by error fingerprint, most recently seen first; filterable like the list' })
  @ApiDeadLetterFilters()
  @ApiResponse({ status: 200, schema: { type: 'array', items: ref('DeadLetterGroup') } })
  groups(@Query() query: Record<string, string>): Promise<DeadLetterGroup[]> {
    return this.query.groups(filterOf(query), parseLimit(query.limit, 500, 100));
  }

  @Get(':id')
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'One dead letter: its event, payload, every attempt across retries, and its audit trail' })
  @ApiResponse({ status: 200, schema: ref('DeadLetterDetail') })
  @ApiResponse({ status: 404, schema: ref('Problem') })
  get(@Param('id') id: string): Promise<DeadLetterDetail> {
    return this.query.get(id);
  }

  @Post('retry')
  @RequireScope('ops:write')
  @ApiOperation({ summary: 'Retry many: by ids or filter; dryRun answers the count and a sample; otherwise a paced, tracked operation' })
  @ApiBody({ schema: ref('BulkAction') })
  @ApiResponse({ status: 202, schema: ref('Operation') })
  @ApiResponse({ status: 200, description: 'dry run', schema: ref('DryRun') })
  retryMany(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<DryRunAnswer | OperationStatus> {
    return this.bulk('retry', request, reply);
  }

  @Post('discard')
  @RequireScope('ops:write')
  @ApiOperation({ summary: 'Discard many, with a reason: by ids or filter, with dryRun' })
  @ApiBody({ schema: ref('BulkAction') })
  @ApiResponse({ status: 202, schema: ref('Operation') })
  discardMany(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<DryRunAnswer | OperationStatus> {
    return this.bulk('discard', request, reply);
  }

  @Post(':id/retry')
  @RequireScope('ops:write')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-enqueue on its original queue with a fresh attempt budget; a double click makes one job' })
  @ApiResponse({ status: 202, schema: ref('RetryAnswer') })
  @ApiResponse({ status: 409, description: 'Already resolved', schema: ref('Problem') })
  retry(@Param('id') id: string, @Req() request: FastifyRequest): Promise<RetryAnswer> {
    return this.triage.retry(id, actorOf(request));
  }

  @Post(':id/discard')
  @RequireScope('ops:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Discard with a reason' })
  @ApiBody({ schema: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } } })
  @ApiResponse({ status: 200, schema: ref('DeadLetterSummary') })
  discard(@Param('id') id: string, @Req() request: FastifyRequest): Promise<DeadLetterSummary> {
    return this.triage.discard(id, jsonBody(request), actorOf(request));
  }

  private async bulk(kind: 'retry' | 'discard', request: FastifyRequest, reply: FastifyReply): Promise<DryRunAnswer | OperationStatus> {
    const answer = await this.triage.bulk(kind, jsonBody(request), actorOf(request));
    // A dry run acts on nothing: 200, not 202.
    void reply.status('dryRun' in answer ? 200 : 202);
    if (!('dryRun' in answer)) void reply.header('Location', `/v1/operations/${answer.id}`);
    return answer;
  }
}
