import { Inject, Injectable } from '@nestjs/common';
import type { AcceptedEvent, BatchItemResult, BatchResult, Problem } from '@switchyard/core/contracts';
import { IngestRateLimiter, type Producer } from '../../foundation/auth/ingest-rate-limiter.js';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { ProblemError, problems } from '../../foundation/problems/problem.js';
import { RoutingTable } from '../routing/routing-table.js';
import { validateData } from '../events/data-validation.js';
import type { IncomingEvent } from '../events/incoming-event.js';
import { parseEnvelope } from './envelope.js';
import { EventTypes } from '../events/event-catalog.js';
import { EventStore, type EventToStore } from '../events/event-store.js';
import { planEvent } from '../events/event-plan.js';
import { GroupCommit } from './group-commit.js';
import { decodeBatch, decodeSingle, type EventCandidate, type RawIngestRequest } from './http-binding.js';
import { isDatabaseUnavailable } from '../../foundation/problems/database-errors.js';
import { unstorableJson } from '../events/storable-json.js';

/** The answer to one event: 202 accepted, 200 replayed, or a problem. */
export type IngestOutcome =
  | { outcome: 'accepted'; status: 202; body: AcceptedEvent }
  | { outcome: 'replayed'; status: 200; body: AcceptedEvent }
  | { outcome: 'rejected'; status: number; problem: Problem };

type Checked = { ok: true; store: EventToStore } | { ok: false; result: IngestOutcome };

/**
 * Validates, stores and fans out events. An event is accepted once it and its
 * outbox rows are committed (see GroupCommit); a rejected one leaves no row
 * and no job behind.
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly store: EventStore,
    private readonly groupCommit: GroupCommit,
    private readonly routing: RoutingTable,
    private readonly types: EventTypes,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly limiter: IngestRateLimiter,
  ) {}

  /** `POST /v1/events`. Throws ProblemError for anything but 202 and 200. */
  async ingestOne(request: RawIngestRequest): Promise<IngestOutcome> {
    const [result] = await this.ingest([decodeSingle(request, this.config.ingest)], false, request.producer ?? NO_PRODUCER);
    if (result.outcome === 'rejected') throw new ProblemError(result.problem);
    return result;
  }

  /** `POST /v1/events/batch`: every item answered on its own, in order. */
  async ingestBatch(request: RawIngestRequest): Promise<BatchResult> {
    const results = await this.ingest(decodeBatch(request, this.config.ingest), true, request.producer ?? NO_PRODUCER);
    const items: BatchItemResult[] = results.map((result, index) =>
      result.outcome === 'rejected'
        ? { index, status: result.status, outcome: result.outcome, problem: result.problem }
        : { index, status: result.status, outcome: result.outcome, event: result.body },
    );
    const count = (outcome: BatchItemResult['outcome']) => items.filter((item) => item.outcome === outcome).length;
    return { accepted: count('accepted'), replayed: count('replayed'), rejected: count('rejected'), items };
  }

  private async ingest(candidates: EventCandidate[], batch: boolean, producer: Producer): Promise<IngestOutcome[]> {
    // Counted in events, valid or not, before any work: a flood costs its sender, not the database.
    await this.limiter.take(producer, candidates.length);
    const results: IngestOutcome[] = new Array(candidates.length);
    const checked = new Map<number, EventToStore>();
    const toStore: EventToStore[] = [];
    const keysInRequest = new Set<string>();
    for (const [index, candidate] of candidates.entries()) {
      const outcome = await this.check(candidate, batch, producer);
      if (!outcome.ok) {
        results[index] = outcome.result;
        continue;
      }
      checked.set(index, outcome.store);
      const key = outcome.store.incoming.idempotencyKey;
      // A key repeated inside one batch: the first item stores, later ones replay or conflict.
      if (key !== null && keysInRequest.has(key)) continue;
      if (key !== null) keysInRequest.add(key);
      toStore.push(outcome.store);
    }

    let stored: Map<string, Date>;
    try {
      stored = await this.groupCommit.commit(toStore);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        throw new ProblemError(problems.unavailable('Postgres is unavailable; the event was not stored. Retry shortly.'), {
          'Retry-After': '5',
        });
      }
      throw error;
    }

    const taken: Array<[number, IncomingEvent]> = [];
    for (const [index, item] of checked) {
      if (stored.has(item.eventId)) results[index] = { outcome: 'accepted', status: 202, body: item.response };
      else taken.push([index, item.incoming]);
    }
    await this.answerTakenKeys(taken, results);
    return results;
  }

  private async check(candidate: EventCandidate, batch: boolean, producer: Producer): Promise<Checked> {
    const reject = (problem: Problem): Checked => ({ ok: false, result: { outcome: 'rejected', status: problem.status, problem } });
    if (batch) {
      const size = Buffer.byteLength(JSON.stringify(candidate.value) ?? '');
      if (size > this.config.ingest.maxEventBytes) return reject(problems.tooLarge('The event', size, this.config.ingest.maxEventBytes));
    }
    const unstorable = unstorableJson(candidate.value);
    if (unstorable) return reject(problems.invalidEvent([unstorable], 'The event cannot be stored'));
    const envelope = parseEnvelope(candidate);
    if (!envelope.ok) return reject(problems.invalidEvent(envelope.errors, 'The event envelope is invalid'));
    // Keys are per API key: two producers choosing the same Idempotency-Key
    // (or CloudEvents source + id) neither collide nor see each other's events.
    const incoming =
      producer.keyId !== null && envelope.event.idempotencyKey !== null
        ? { ...envelope.event, idempotencyKey: `${producer.keyId}/${envelope.event.idempotencyKey}` }
        : envelope.event;
    const schema = this.types.schemaOf(incoming.type);
    if (!schema) return reject(problems.unknownEventType(incoming.type, this.types.names));
    const dataErrors = await validateData(schema, incoming.data);
    if (dataErrors.length) return reject(problems.invalidEvent(dataErrors, `The data of this ${incoming.type} event is invalid`));
    return this.plan(incoming);
  }

  /**
   * Assigns the event its id and its fan-out; content filters are decided
   * here, once: a filtered-out handler gets no outbox row and no job. An
   * ordering key a handler cannot compute rejects the event (422).
   */
  private plan(incoming: IncomingEvent): Checked {
    const planned = planEvent(incoming, this.routing.routesForEvent(incoming));
    return planned.ok ? planned : { ok: false, result: { outcome: 'rejected', status: planned.problem.status, problem: planned.problem } };
  }

  /** Events whose key was already taken: a replay if the request matches, else a 422. */
  private async answerTakenKeys(taken: Array<[number, IncomingEvent]>, results: IngestOutcome[]): Promise<void> {
    if (taken.length === 0) return;
    const keys = await this.store.keys(taken.map(([, incoming]) => incoming.idempotencyKey!));
    for (const [index, incoming] of taken) {
      const key = incoming.idempotencyKey!;
      const original = keys.get(key);
      if (!original) {
        // The key's holder rolled back between our insert and this read; a retry will store the event.
        results[index] = this.rejected(problems.unavailable('A concurrent request with this idempotency key did not complete; retry'));
      } else if (original.requestHash !== incoming.requestHash) {
        results[index] = this.rejected(problems.idempotencyKeyReused(displayKey(key), original.eventId));
      } else {
        results[index] = { outcome: 'replayed', status: 200, body: { ...original.response, duplicate: true } };
      }
    }
  }

  private rejected(problem: Problem): IngestOutcome {
    return { outcome: 'rejected', status: problem.status, problem };
  }
}

const NO_PRODUCER: Producer = { keyId: null, rateLimitPerSec: null };

/** The key as the producer gave it: without the API key's id and the kind (`key:`, `ce:`). */
function displayKey(stored: string): string {
  const key = stored.replace(/^[0-9a-f-]{36}\//, '');
  return key.startsWith('key:') ? key.slice(4) : key.slice(3);
}
