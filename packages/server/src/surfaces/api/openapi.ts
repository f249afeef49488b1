import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { RouteSnapshot } from '../../pipeline/routing/route-book.js';
import { operationsSchemas } from './openapi-operations.js';

type Schema = Record<string, unknown>;

/** A reference to one of the component schemas below. */
export function ref(name: string): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

const fieldError: Schema = {
  type: 'object',
  required: ['path', 'message'],
  properties: { path: { type: 'string', example: 'data.lines.0.code' }, message: { type: 'string' } },
};
const jobRef: Schema = {
  type: 'object',
  required: ['id', 'queue', 'handler'],
  properties: { id: { type: 'string' }, queue: { type: 'string' }, handler: { type: 'string' } },
};
const nullableString = { type: 'string', nullable: true };

const jobLineage: Schema = {
  allOf: [
    jobRef,
    {
      type: 'object',
      properties: {
        state: { type: 'string', enum: ['pending', 'waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed', 'dead', 'unknown'] },
        attemptsMade: { type: 'integer' },
        priority: { type: 'integer', nullable: true },
        createdAt: { type: 'string', format: 'date-time' },
        processedAt: { ...nullableString, format: 'date-time' },
        finishedAt: { ...nullableString, format: 'date-time' },
        failedReason: nullableString,
        kind: { type: 'string', enum: ['fanout', 'redrive', 'replay'] },
        deadLetterId: { ...nullableString, format: 'uuid' },
      },
    },
  ],
};

const eventTreeNode: Schema = {
  type: 'object',
  properties: {
    eventId: { type: 'string', format: 'uuid' },
    type: { type: 'string' },
    causationId: { ...nullableString, format: 'uuid' },
    receivedAt: { type: 'string', format: 'date-time' },
    jobs: { type: 'array', items: jobLineage },
    children: { type: 'array', items: { $ref: '#/components/schemas/EventTreeNode' } },
  },
};

const schemas: Record<string, Schema> = {
  PlainEvent: {
    type: 'object',
    required: ['type', 'data'],
    additionalProperties: false,
    properties: {
      type: { type: 'string', example: 'user.created' },
      data: { description: "Validated against the schema of `type` (see the EventData.* schemas)" },
      id: { type: 'string', maxLength: 255, description: "The producer's id for the event (sourceId); with `source`, an idempotency key unless a key is given" },
      source: { type: 'string', default: 'urn:switchyard:rest' },
      subject: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      priority: { type: 'integer', minimum: 1, maximum: 2_097_152, description: 'Overrides the handlers’ priority; 1 runs first' },
      delay: { type: 'integer', minimum: 0, description: 'Milliseconds before the jobs may run' },
      deliverAt: { type: 'string', format: 'date-time', description: 'When the jobs may run (instead of delay)' },
      idempotencyKey: { type: 'string', maxLength: 255, description: 'Batch items only; single events use the Idempotency-Key header. Without an id, it is also the event’s sourceId' },
      correlationId: { type: 'string', maxLength: 255, description: 'Joins the event to this correlation tree; default: its own id' },
    },
  },
  CloudEvent: {
    type: 'object',
    required: ['specversion', 'id', 'source', 'type'],
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    properties: {
      specversion: { type: 'string', enum: ['1.0'] },
      id: { type: 'string', maxLength: 255, description: "Kept as the event's sourceId; with source, the idempotency key" },
      source: { type: 'string' },
      type: { type: 'string' },
      subject: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      datacontenttype: { type: 'string' },
      dataschema: { type: 'string' },
      data: {},
      data_base64: { type: 'string' },
      priority: { type: 'integer', description: 'Extension attribute' },
      delay: { type: 'integer', description: 'Extension attribute, milliseconds' },
      deliverat: { type: 'string', format: 'date-time', description: 'Extension attribute' },
      correlationid: { type: 'string', maxLength: 255, description: 'Extension attribute: joins the event to this correlation tree; default: its own id' },
    },
  },
  AcceptedEvent: {
    type: 'object',
    required: ['eventId', 'type', 'jobs', 'duplicate'],
    properties: { eventId: { type: 'string', format: 'uuid' }, type: { type: 'string' }, jobs: { type: 'array', items: jobRef }, duplicate: { type: 'boolean' } },
  },
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details (application/problem+json)',
    required: ['type', 'title', 'status'],
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      instance: { type: 'string' },
      errors: { type: 'array', items: fieldError },
      knownTypes: { type: 'array', items: { type: 'string' } },
    },
  },
  BatchResult: {
    type: 'object',
    required: ['accepted', 'replayed', 'rejected', 'items'],
    properties: {
      accepted: { type: 'integer' },
      replayed: { type: 'integer' },
      rejected: { type: 'integer' },
      items: {
        type: 'array',
        items: {
          type: 'object',
          required: ['index', 'status', 'outcome'],
          properties: {
            index: { type: 'integer' },
            status: { type: 'integer' },
            outcome: { type: 'string', enum: ['accepted', 'replayed', 'rejected'] },
            event: ref('AcceptedEvent'),
            problem: ref('Problem'),
          },
        },
      },
    },
  },
  EventLineage: {
    type: 'object',
    properties: {
      eventId: { type: 'string' },
      type: { type: 'string' },
      source: { type: 'string' },
      sourceId: { ...nullableString, maxLength: 255, description: "The producer's own id for the event: the CloudEvents id; for a plain event its id, else its Idempotency-Key (a batch item's idempotencyKey); null when it had none, and for events handlers emitted or schedules fired. GET /v1/events?source=&sourceId= finds it." },
      subject: nullableString,
      time: { ...nullableString, format: 'date-time' },
      extensions: { type: 'object', nullable: true, additionalProperties: true, description: 'CloudEvents extension attributes; scheduled events carry schedule, scheduledfor, firedby (and catchup, missedsince)' },
      data: {},
      receivedAt: { type: 'string', format: 'date-time' },
      correlationId: { type: 'string' },
      causationId: { ...nullableString, format: 'uuid' },
      jobs: { type: 'array', items: jobLineage },
    },
  },
  EventTreeNode: eventTreeNode,
  EventTree: {
    type: 'object',
    properties: {
      correlationId: { type: 'string' },
      eventId: { type: 'string', format: 'uuid', description: 'The event asked about' },
      roots: { type: 'array', items: eventTreeNode },
      truncated: { type: 'boolean', description: 'More events than one answer holds; the oldest are kept' },
    },
  },
  EventPage: {
    type: 'object',
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            eventId: { type: 'string' },
            type: { type: 'string' },
            source: { type: 'string' },
            sourceId: { ...nullableString, maxLength: 255, description: 'As in EventLineage' },
            subject: nullableString,
            receivedAt: { type: 'string', format: 'date-time' },
            jobCount: { type: 'integer' },
          },
        },
      },
      nextCursor: nullableString,
    },
  },
  RetiredRouteInfo: {
    type: 'object',
    properties: {
      handler: { type: 'string' },
      queue: { type: 'string' },
      version: { type: 'string', description: 'The worker version whose options the route had' },
      retiredBy: { type: 'string', description: "The audit trail's actor" },
    },
  },
  RouteInfo: {
    type: 'object',
    properties: {
      handler: { type: 'string' },
      queue: { type: 'string' },
      patterns: { type: 'array', items: { type: 'string' } },
      eventTypes: { type: 'array', items: { type: 'string' } },
      attempts: { type: 'integer' },
      backoff: { type: 'object', properties: { type: { type: 'string' }, delay: { type: 'integer' }, jitter: { type: 'number' } } },
      priority: { type: 'integer', nullable: true },
      delay: { type: 'integer' },
      concurrency: { type: 'integer' },
      rateLimit: { type: 'object', nullable: true, properties: { max: { type: 'integer' }, duration: { type: 'integer' } } },
      ordering: {
        type: 'object',
        nullable: true,
        description: 'Ordering per key: one job per key at a time, in ingest order; the key is read from each event at path (data.customerId)',
        properties: { by: { type: 'string', enum: ['key'] }, path: { type: 'string' }, afterDeadLetter: { type: 'string', enum: ['proceed', 'block'] } },
      },
      filter: {
        type: 'object',
        nullable: true,
        description:
          'Content filter beside the patterns: paths (type, source, subject, time, data.<field>, extensions.<name>) to a value, a list of values, or operators gt/gte/lt/lte/exists/prefix/not',
        additionalProperties: true,
      },
      delivery: { type: 'string', enum: ['at-least-once', 'at-most-once'] },
      registration: {
        type: 'object',
        nullable: true,
        description: 'The route registry: the worker version whose options are the route\'s, and the workers running the handler (null only while a read replica lags)',
        properties: {
          version: { type: 'string' },
          registeredAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
          workersOnline: { type: 'integer' },
          workers: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                workerId: { type: 'string' },
                version: { type: 'string' },
                startedAt: { type: 'string', format: 'date-time' },
                lastSeenAt: { type: 'string', format: 'date-time' },
                online: { type: 'boolean' },
                sameOptions: { type: 'boolean' },
              },
            },
          },
        },
      },
    },
  },
};

/**
 * Serves the OpenAPI document at /docs (UI) and /docs-json, with each
 * registered event type's data schema (EventData.<type>, the JSON Schema a
 * worker registered), as of the route registry's current revision.
 */
export function setupOpenApi(app: INestApplication, registry: { readonly snapshot: RouteSnapshot }): void {
  const config = new DocumentBuilder()
    .setTitle('Switchyard')
    .setDescription('Domain events in, fanned-out BullMQ jobs out: ingest, lineage, dead-letter triage, queues, metrics, replay.')
    .setVersion('0.1.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'An API key, `sy_<prefix>_<secret>` (switchyard keys create). Each operation names the scope it needs in x-required-scope; admin holds them all.',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...schemas, ...operationsSchemas } as never };
  let served: { snapshot: RouteSnapshot; document: OpenAPIObject } | null = null;
  const withEventData = (): OpenAPIObject => {
    const { snapshot } = registry;
    if (served?.snapshot !== snapshot) {
      const dataSchemas = Object.fromEntries(
        [...snapshot.types].map(([type, { jsonSchema }]) => {
          const { $schema: _draft, ...schema } = jsonSchema;
          return [`EventData.${type}`, schema];
        }),
      );
      served = { snapshot, document: { ...document, components: { ...document.components, schemas: { ...document.components?.schemas, ...dataSchemas } as never } } };
    }
    return served.document;
  };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', patchDocumentOnRequest: () => withEventData() });
}
