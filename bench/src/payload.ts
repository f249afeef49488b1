/**
 * What the benchmark sends: `order.placed` as in the README (two items, a
 * card payment), with a unique order id and, when given, the producer's send
 * time in `data.bench.sentAt` (the schema ignores unknown fields; the
 * benchmark's handlers read it to measure sent → handler-start).
 */
export function orderData(n: number | string, sentAt?: number): Record<string, unknown> {
  return {
    orderId: `ord_${n}`,
    customer: { id: `cus_${typeof n === 'number' ? n % 1000 : n}`, email: 'ada@example.com', name: 'Ada Lovelace' },
    items: [
      { sku: 'SKU-RED-MUG', quantity: 2, unitPrice: 1250 },
      { sku: 'SKU-BLUE-TEE', quantity: 1, unitPrice: 2000 },
    ],
    total: 4500,
    currency: 'EUR',
    payment: { method: 'card', token: 'tok_visa' },
    ...(sentAt !== undefined ? { bench: { sentAt } } : {}),
  };
}

/** The body of `POST /v1/events` for one order. */
export function orderEvent(n: number | string, sentAt?: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'order.placed', source: 'urn:bench:checkout', subject: `ord_${n}`, data: orderData(n, sentAt), ...extra };
}

/**
 * The job data of a raw BullMQ job with the same payload as ours: a whole
 * DomainEvent, as the outbox publisher builds it.
 */
export function rawJobData(n: number): Record<string, unknown> {
  return {
    event: {
      id: '01960000-0000-7000-8000-000000000000'.slice(0, 24) + String(n).padStart(12, '0'),
      type: 'order.placed',
      source: 'urn:bench:checkout',
      subject: `ord_${n}`,
      time: null,
      data: orderData(n),
      receivedAt: new Date().toISOString(),
    },
  };
}

/** BullMQ job options as Switchyard's publisher sets them with the default retention (OutboxPublisher.jobOptions). */
export const RAW_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 10000, age: 604800 },
} as const;

/** The producer's send time the benchmark put in an event's data (`data.bench.sentAt`), or null. */
export function sentAtOf(data: unknown): number | null {
  const sentAt = (data as { bench?: { sentAt?: unknown } } | null | undefined)?.bench?.sentAt;
  return typeof sentAt === 'number' ? sentAt : null;
}
