import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AcceptedEvent, BatchResult, EventLineage, EventPage, EventTree, OperationStatus } from '@switchyard/core/contracts';
import { EventQueryService } from './event-query.service.js';
import { EventReplayService, type ReplayDryRun } from './event-replay.service.js';
import { EventTreeService, MAX_TREE_EVENTS } from './event-tree.service.js';
import { IngestService } from '../../../pipeline/ingest/ingest.service.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { jsonBody } from '../http/json-body.js';
import { ref } from '../openapi.js';
import { RequireScope } from '../auth/route-access.js';
import { actorOf, producerOf } from '../auth/request-principal.js';

@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly ingest: IngestService,
    private readonly query: EventQueryService,
    private readonly replays: EventReplayService,
    private readonly trees: EventTreeService,
  ) {}

  @Post()
  @RequireScope('events:write')
  @ApiOperation({
    summary: 'Submit one event',
    description:
      'Plain JSON (application/json), CloudEvents 1.0 structured mode (application/cloudevents+json) or binary mode ' +
      '(ce-specversion, ce-id, ce-source, ce-type headers; data in the body). 202 once the event and its jobs are committed.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replays return the original answer; kept at least IDEMPOTENCY_TTL_HOURS, per API key.' })
  @ApiBody({ schema: { oneOf: [ref('PlainEvent'), ref('CloudEvent')] } })
  @ApiResponse({ status: 202, description: 'Accepted', schema: ref('AcceptedEvent') })
  @ApiResponse({ status: 200, description: 'Replay of an earlier request (Idempotent-Replayed: true)', schema: ref('AcceptedEvent') })
  @ApiResponse({ status: 400, description: 'Malformed JSON or invalid event', schema: ref('Problem') })
  @ApiResponse({ status: 413, description: 'Body over MAX_EVENT_BYTES', schema: ref('Problem') })
  @ApiResponse({ status: 415, description: 'Unsupported Content-Type', schema: ref('Problem') })
  @ApiResponse({ status: 422, description: 'Unknown event type, or idempotency key reused with another body', schema: ref('Problem') })
  @ApiResponse({ status: 429, description: "Over the key's events per second; retry after Retry-After seconds", schema: ref('Problem') })
  @ApiResponse({ status: 503, description: 'Postgres unavailable; retry after Retry-After seconds', schema: ref('Problem') })
  async submit(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<AcceptedEvent> {
    const result = await this.ingest.ingestOne({ headers: request.headers, body: request.body as Buffer | undefined, producer: producerOf(request) });
    if (result.outcome === 'rejected') throw new Error('unreachable: ingestOne throws on rejection');
    void reply.status(result.status).header('Location', `/v1/events/${result.body.eventId}`);
    if (result.outcome === 'replayed') void reply.header('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Post('batch')
  @RequireScope('events:write')
  @ApiOperation({
    summary: 'Submit up to 1,000 events',
    description:
      'A JSON array of plain events (application/json) or of structured CloudEvents (application/cloudevents-batch+json). ' +
      'Answered 207 with one result per item, in order: accepted (202), replayed (200) or rejected (4xx with its problem).',
  })
  @ApiBody({ schema: { type: 'array', maxItems: 1000, items: { oneOf: [ref('PlainEvent'), ref('CloudEvent')] } } })
  @ApiResponse({ status: 207, description: 'Each item answered on its own', schema: ref('BatchResult') })
  @ApiResponse({ status: 400, description: 'Not a JSON array, or empty', schema: ref('Problem') })
  @ApiResponse({ status: 413, description: 'More than 1,000 events or over MAX_BATCH_BYTES', schema: ref('Problem') })
  @ApiResponse({ status: 429, description: "Over the key's events per second (a batch counts each event)", schema: ref('Problem') })
  async submitBatch(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<BatchResult> {
    const result = await this.ingest.ingestBatch({ headers: request.headers, body: request.body as Buffer | undefined, producer: producerOf(request) });
    void reply.status(207);
    return result;
  }

  @Get()
  @RequireScope('events:read')
  @ApiOperation({
    summary: 'Search events, newest first',
    description:
      'data.<path>=<value> matches by JSONB containment (data.user.id=usr_42; data.lines[].code=LN-7 steps into arrays; ' +
      'numbers, true, false and null also match as JSON values). q searches the data as text. ' +
      "source and sourceId find an event by the producer's own id for it (sourceId in the answer); type, source, sourceId and subject match exactly.",
  })
  @ApiQuery({ name: 'type', required: false, description: 'Exact; at most 255 characters' })
  @ApiQuery({ name: 'source', required: false, description: 'Exact; at most 1024 characters' })
  @ApiQuery({
    name: 'sourceId',
    required: false,
    description:
      "The producer's own id for the event, exact; at most 255 characters: the CloudEvents id, or for a plain event its id, else its Idempotency-Key. " +
      'With source, the event that producer sent under that id; without, that id from every source (producers may reuse each other’s ids).',
  })
  @ApiQuery({ name: 'subject', required: false, description: 'Exact; at most 1024 characters' })
  @ApiQuery({ name: 'since', required: false, description: 'RFC 3339 timestamp' })
  @ApiQuery({ name: 'until', required: false, description: 'RFC 3339 timestamp' })
  @ApiQuery({ name: 'q', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 500, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiResponse({ status: 200, schema: ref('EventPage') })
  @ApiResponse({ status: 400, description: 'An unknown parameter, a bad timestamp or data path, or a value longer than its field can be', schema: ref('Problem') })
  list(@Query() query: Record<string, string>): Promise<EventPage> {
    return this.query.list(query);
  }

  @Post('replay')
  @RequireScope('ops:write')
  @ApiOperation({
    summary: 'Re-deliver stored events to their handlers (all, or those named): dry run first, then a paced, audited operation',
    description:
      'Effects a handler already committed for an event are skipped by its idempotency guard, unless the handler opts in with @EventHandler({ onReplay: "reapply" }).',
  })
  @ApiHeader({ name: 'X-Actor', required: false, description: 'Who acts, for the audit trail; honoured from admin keys only' })
  @ApiBody({ schema: ref('ReplayRequest') })
  @ApiResponse({ status: 202, schema: ref('Operation') })
  @ApiResponse({ status: 200, description: 'dry run', schema: ref('ReplayDryRun') })
  async replay(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ReplayDryRun | OperationStatus> {
    const answer = await this.replays.replay(jsonBody(request), actorOf(request));
    void reply.status('dryRun' in answer ? 200 : 202);
    return answer;
  }

  @Get(':eventId')
  @RequireScope('events:read')
  @ApiOperation({ summary: "An event's lineage: the event and every job it fanned out to, with live state" })
  @ApiParam({ name: 'eventId' })
  @ApiResponse({ status: 200, schema: ref('EventLineage') })
  @ApiResponse({ status: 404, schema: ref('Problem') })
  lineage(@Param('eventId') eventId: string): Promise<EventLineage> {
    return this.query.lineage(eventId);
  }

  @Get(':eventId/tree')
  @RequireScope('events:read')
  @ApiOperation({
    summary: "An event's correlation tree: from its root, every event handlers emitted (ctx.emit), each with its jobs and their live state",
    description: `Events share a tree by correlationId (the root's id, or one the producer gave); each is nested under its causationId. At most ${MAX_TREE_EVENTS} events, oldest first.`,
  })
  @ApiParam({ name: 'eventId', description: 'Any event of the tree' })
  @ApiResponse({ status: 200, schema: ref('EventTree') })
  @ApiResponse({ status: 400, description: 'Not a UUID', schema: ref('Problem') })
  @ApiResponse({ status: 404, schema: ref('Problem') })
  tree(@Param('eventId') eventId: string): Promise<EventTree> {
    return this.trees.tree(eventId);
  }
}
