import type { EventLineage, Problem, SchedulePage, ScheduleSummary } from '@switchyard/core/contracts';
import { queryRows, runNode, type RunningProcess, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { createApiKey, TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const NIGHTLY = 'inventory.nightly-restock-check';

interface StoredEvent extends Record<string, unknown> {
  id: string;
  time: Date;
  extensions: { schedule: string; scheduledfor: string; firedby: string; catchup?: string; missedsince?: string };
}

const eventsOf = (schedule: string) =>
  queryRows<StoredEvent>(db, "SELECT id::text AS id, time, extensions FROM switchyard.events WHERE extensions->>'schedule' = $1 ORDER BY time", [schedule]);
const scheduleRow = async (name: string) => (await queryRows<{ next_fire_at: Date; paused: boolean; data: unknown; last_event_id: string | null }>(db, 'SELECT next_fire_at, paused, data, last_event_id::text AS last_event_id FROM switchyard.schedules WHERE name = $1', [name]))[0];

function remove(stack: TestStack, path: string, token = stack.token) {
  return fetch(stack.url(path), { method: 'DELETE', headers: token ? { authorization: `Bearer ${token}` } : {} });
}

describe('schedules over the API', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
  });
  after(() => stack.close());

  const valid = { name: 'hourly-check', type: 'inventory.restock-check', data: { threshold: 3 }, cron: '0 * * * *', timeZone: 'America/New_York' };

  it('creates a schedule (201, audited) and lists it with the one declared in code', async () => {
    const created = await stack.post<ScheduleSummary>('/v1/schedules', { ...valid, catchUp: 'fire-once' }, { 'X-Actor': 'dana' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.kind, 'cron');
    assert.equal(created.body.origin, 'api');
    assert.equal(created.body.createdBy, 'dana');
    assert.equal(created.body.catchUp, 'fire-once');
    assert.equal(created.body.source, 'urn:switchyard:schedule:hourly-check');
    const next = new Date(created.body.nextFireAt);
    assert.ok(next.getTime() > Date.now() && next.getTime() <= Date.now() + 3_600_000 && next.getUTCMinutes() === 0, created.body.nextFireAt);

    const page = await stack.get<SchedulePage>('/v1/schedules?limit=1');
    assert.equal(page.status, 200);
    assert.deepEqual(page.body.items.map((s) => s.name), ['hourly-check']);
    const rest = await stack.get<SchedulePage>(`/v1/schedules?cursor=${page.body.nextCursor}`);
    assert.deepEqual(rest.body.items.map((s) => [s.name, s.origin]), [[NIGHTLY, 'code']]);
    assert.equal(rest.body.nextCursor, null);
    assert.deepEqual(await queryRows(db, "SELECT actor, action, target FROM switchyard.audit_log WHERE action = 'schedule.create'"), [{ actor: 'dana', action: 'schedule.create', target: 'schedule:hourly-check' }]);
  });

  it('answers mistakes with a 4xx problem naming the field, and stores nothing', async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [{ ...valid, name: 'bad-cron', cron: '61 * * * *' }, 400, /cron is not a valid cron expression/],
      [{ ...valid, name: 'bad-zone', timeZone: 'Mars/Olympus' }, 400, /timeZone is not an IANA time zone/],
      [{ ...valid, name: 'bad-data', data: { threshold: 'five' } }, 400, /data\.threshold/],
      [{ ...valid, name: 'no-data', data: undefined }, 400, /data is required/],
      [{ ...valid, name: 'both', intervalMs: 5_000 }, 400, /either cron .* or intervalMs/],
      [{ ...valid, cron: undefined, timeZone: undefined, name: 'too-fast', intervalMs: 10 }, 400, /intervalMs must be at least 1000/],
      [{ ...valid, name: 'Not A Name' }, 400, /name must be lowercase/],
      [{ ...valid, name: 'typo', catchUp: 'always' }, 400, /catchUp/],
      [{ ...valid, name: 'unknown-type', type: 'inventory.restok-check' }, 422, /No schema is registered for event type "inventory.restok-check"/],
      [[valid], 400, /JSON object/],
      ['{"name":', 400, /not valid JSON/],
      [{ ...valid }, 409, /"hourly-check" already exists/],
    ];
    for (const [body, status, detail] of cases) {
      const answer = await stack.post<Problem>('/v1/schedules', body);
      assert.equal(answer.status, status, `${JSON.stringify(body)} → ${answer.status} ${answer.text}`);
      assert.match(answer.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.match(answer.body.detail ?? '', detail);
    }
    const text = await fetch(stack.url('/v1/schedules'), { method: 'POST', headers: { ...stack.auth, 'content-type': 'text/plain' }, body: 'x' });
    assert.equal(text.status, 415);
    assert.deepEqual(await queryRows(db, 'SELECT name FROM switchyard.schedules ORDER BY name'), [{ name: 'hourly-check' }, { name: NIGHTLY }]);
    assert.equal((await stack.get('/v1/schedules/no-such-schedule')).status, 404);
    assert.equal((await stack.get('/v1/schedules?limit=0')).status, 400);
  });

  it('needs admin to create, ops:write to pause, resume and delete, ops:read to read', async () => {
    const reader = await createApiKey('schedules-reader', ['ops:read']);
    const operator = await createApiKey('schedules-operator', ['ops:write']);
    assert.equal((await stack.post('/v1/schedules', { ...valid, name: 'by-operator' }, { authorization: `Bearer ${operator}` })).status, 403);
    assert.equal((await stack.get('/v1/schedules', { authorization: `Bearer ${reader}` })).status, 200);
    assert.equal((await stack.post('/v1/schedules/hourly-check/pause', '', { authorization: `Bearer ${reader}` })).status, 403);
    const paused = await stack.post<ScheduleSummary>('/v1/schedules/hourly-check/pause', '', { authorization: `Bearer ${operator}` });
    assert.equal(paused.status, 200);
    assert.equal(paused.body.paused, true);
    const resumed = await stack.post<ScheduleSummary>('/v1/schedules/hourly-check/resume', '', { authorization: `Bearer ${operator}` });
    assert.equal(resumed.body.paused, false);
    assert.ok(new Date(resumed.body.nextFireAt).getTime() > Date.now());
    assert.deepEqual(
      await queryRows(db, "SELECT actor, action FROM switchyard.audit_log WHERE target = 'schedule:hourly-check' AND action <> 'schedule.create' ORDER BY id"),
      [{ actor: 'key:schedules-operator', action: 'schedule.pause' }, { actor: 'key:schedules-operator', action: 'schedule.resume' }],
    );
    assert.equal((await remove(stack, '/v1/schedules/hourly-check', operator)).status, 204);
    assert.equal((await remove(stack, '/v1/schedules/hourly-check', operator)).status, 404);
  });

  it('refuses to delete a schedule declared in code unless forced, and the next start declares it again', async () => {
    const refused = await remove(stack, `/v1/schedules/${NIGHTLY}`);
    assert.equal(refused.status, 409);
    assert.match(((await refused.json()) as Problem).detail ?? '', /declared in code .* Pause it instead/);
    assert.equal((await remove(stack, `/v1/schedules/${NIGHTLY}?force=maybe`)).status, 400);
    assert.equal((await remove(stack, `/v1/schedules/${NIGHTLY}?force=true`)).status, 204);
    assert.equal(await scheduleRow(NIGHTLY), undefined);
    // Someone takes the name over the API meanwhile: the declaration in code wins at the next start.
    assert.equal((await stack.post('/v1/schedules', { ...valid, name: NIGHTLY, paused: true })).status, 201);
    await stack.restartWorker();
    const { body } = await stack.get<ScheduleSummary>(`/v1/schedules/${NIGHTLY}`);
    assert.deepEqual([body.origin, body.cron, body.timeZone, body.data], ['code', '0 6 * * *', 'Europe/Berlin', { threshold: 5 }]);
    assert.equal(body.paused, true, 'a pause is never undone by a declaration');
  });
});

describe('a schedule declared in code (the nightly restock check)', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start();
  });
  after(() => stack.close());

  it('is upserted at a worker’s start at 06:00 Berlin time; a restart restores its definition but keeps an operator’s pause', async () => {
    const { body } = await stack.get<ScheduleSummary>(`/v1/schedules/${NIGHTLY}`);
    assert.deepEqual([body.cron, body.timeZone, body.catchUp, body.type, body.origin], ['0 6 * * *', 'Europe/Berlin', 'fire-once', 'inventory.restock-check', 'code']);
    const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(new Date(body.nextFireAt));
    assert.equal(berlin, '06:00');
    assert.equal((await stack.post(`/v1/schedules/${NIGHTLY}/pause`, '')).status, 200);
    await queryRows(db, `UPDATE switchyard.schedules SET data = '{"threshold": 99}' WHERE name = $1`, [NIGHTLY]);
    await stack.restartWorker();
    const row = await scheduleRow(NIGHTLY);
    assert.equal(row.paused, true);
    assert.deepEqual(row.data, { threshold: 5 });
    assert.equal(row.next_fire_at.toISOString(), body.nextFireAt, 'an unchanged timing keeps its next tick');
    assert.equal((await stack.post(`/v1/schedules/${NIGHTLY}/resume`, '')).status, 200);
  });

  it('fires when due, and its handler files restock requests for the SKUs running low', async () => {
    await queryRows(db, "UPDATE switchyard.schedules SET next_fire_at = date_trunc('second', now()) WHERE name = $1", [NIGHTLY]);
    const [event] = await waitFor('the restock check emitted', async () => ((await eventsOf(NIGHTLY)).length === 1 ? eventsOf(NIGHTLY) : false), { timeoutMs: 20_000 });
    assert.equal(event.extensions.catchup, undefined, 'on time: not a catch-up');
    await waitFor('restock requests filed', async () => (await queryRows(db, 'SELECT sku FROM shop.restock_requests')).length > 0, { timeoutMs: 20_000 });
    assert.deepEqual(await queryRows(db, 'SELECT event_id::text AS event_id, sku, available, threshold FROM shop.restock_requests'), [
      { event_id: event.id, sku: 'SKU-LAST-ONE', available: 1, threshold: 5 },
    ]);
    const row = await scheduleRow(NIGHTLY);
    assert.equal(row.last_event_id, event.id);
    assert.ok(row.next_fire_at.getTime() > Date.now());
  });
});

describe('catch-up after downtime', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
  });
  after(() => stack.close());

  it('skip emits nothing for the missed ticks; fire-once emits one event for the latest, then both resume on phase', async () => {
    for (const catchUp of ['skip', 'fire-once']) {
      const answer = await stack.post('/v1/schedules', { name: `hourly-${catchUp}`, type: 'inventory.restock-check', data: { threshold: 1 }, intervalMs: 3_600_000, catchUp });
      assert.equal(answer.status, 201, answer.text);
    }
    // As if every process had been down for five and a half hours.
    const [{ missedSince }] = await queryRows<{ missedSince: Date }>(
      db,
      "UPDATE switchyard.schedules SET next_fire_at = date_trunc('second', now()) - interval '5 hours 30 minutes' WHERE name LIKE 'hourly-%' RETURNING next_fire_at AS \"missedSince\"",
    );
    await waitFor('both moved past now', async () => {
      const rows = await queryRows<{ n: number }>(db, "SELECT count(*)::int AS n FROM switchyard.schedules WHERE name LIKE 'hourly-%' AND next_fire_at > now()");
      return rows[0].n === 2;
    }, { timeoutMs: 20_000 });
    assert.deepEqual(await eventsOf('hourly-skip'), []);
    const fired = await eventsOf('hourly-fire-once');
    assert.equal(fired.length, 1);
    const lastMissed = new Date(missedSince.getTime() + 5 * 3_600_000);
    assert.equal(fired[0].time.toISOString(), lastMissed.toISOString());
    assert.equal(fired[0].extensions.catchup, 'fire-once');
    assert.equal(fired[0].extensions.missedsince, missedSince.toISOString());
    const { body: lineage } = await stack.get<EventLineage>(`/v1/events/${fired[0].id}`);
    assert.equal(lineage.time, lastMissed.toISOString());
    assert.deepEqual({ ...lineage.extensions, firedby: undefined }, { schedule: 'hourly-fire-once', scheduledfor: lastMissed.toISOString(), catchup: 'fire-once', missedsince: missedSince.toISOString(), firedby: undefined });
    for (const name of ['hourly-skip', 'hourly-fire-once']) {
      assert.equal((await scheduleRow(name)).next_fire_at.toISOString(), new Date(missedSince.getTime() + 6 * 3_600_000).toISOString(), name);
    }
    const metrics = (await stack.get<string>('/metrics')).text;
    assert.match(metrics, /switchyard_schedule_ticks_total\{schedule="hourly-skip",outcome="skipped"\} 1\n/);
    assert.match(metrics, /switchyard_schedule_ticks_total\{schedule="hourly-fire-once",outcome="emitted"\} 1\n/);
  });
});

describe('schedules that can no longer fire', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
  });
  after(() => stack.close());

  it('a schedule whose type left the catalog, or whose ticks cannot be computed, says why and does not hold up the others', async () => {
    // Rows as an older deploy could have left them: a type since removed, a cron this runtime cannot read.
    await queryRows(
      db,
      `INSERT INTO switchyard.schedules (id, name, event_type, data, source, kind, cron, time_zone, interval_ms, catch_up, next_fire_at, origin, created_by) VALUES
         (gen_random_uuid(), 'gone-type', 'report.retired', '{}', 'urn:test', 'interval', NULL, NULL, 60000, 'skip', now() - interval '2 seconds', 'api', 'test'),
         (gen_random_uuid(), 'broken-cron', 'inventory.restock-check', '{"threshold": 1}', 'urn:test', 'cron', 'not a cron', 'UTC', NULL, 'skip', now() - interval '3 seconds', 'api', 'test'),
         (gen_random_uuid(), 'healthy', 'inventory.restock-check', '{"threshold": 1}', 'urn:test', 'interval', NULL, NULL, 60000, 'skip', now() - interval '1 second', 'api', 'test')`,
    );
    await waitFor('the healthy schedule fired', async () => (await eventsOf('healthy')).length === 1, { timeoutMs: 20_000 });
    const schedule = async (name: string) => (await stack.get<ScheduleSummary>(`/v1/schedules/${name}`)).body;
    const gone = await waitFor('gone-type moved on', async () => ((await schedule('gone-type')).lastError ? schedule('gone-type') : false), { timeoutMs: 20_000 });
    assert.match(gone.lastError ?? '', /emitted nothing: type "report.retired" is not in this deployment's event catalog/);
    assert.equal(gone.lastFiredAt, null);
    assert.ok(new Date(gone.nextFireAt).getTime() > Date.now());
    const broken = await schedule('broken-cron');
    assert.match(broken.lastError ?? '', /Cannot compute the next tick/);
    assert.ok(new Date(broken.nextFireAt).getTime() > Date.now() + 60_000, 'retried minutes later, not on every pass');
    assert.deepEqual([...(await eventsOf('gone-type')), ...(await eventsOf('broken-cron'))], []);
  });
});

describe('exactly one event per tick across replicas', () => {
  let stack: TestStack;
  const workers: RunningProcess[] = [];
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start();
    // Two more worker processes of their own (own pools, own clocks), on the stack's queues and database.
    for (const n of [1, 2]) {
      const worker = runNode('examples/shop/dist/main/worker.main.js', { ...stack.env, WORKER_ID: `replica-${n}`, METRICS_PORT: '0', LOG_LEVEL: 'log' });
      workers.push(worker);
      await waitFor(`worker replica-${n} ready`, () => /ready/.test(worker.output()) || (worker.child.exitCode !== null ? Promise.reject(new Error(worker.output())) : false), { timeoutMs: 60_000 });
    }
  });
  after(async () => {
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((worker) => worker.exited));
    await stack.close();
  });

  it('fires 1-second schedules (cron with seconds, and interval) once per tick with four schedulers racing, none missed, and runs each event’s job', async () => {
    const schedules = { 'every-second': { cron: '* * * * * *' }, 'every-1000-ms': { intervalMs: 1_000 } };
    for (const [name, timing] of Object.entries(schedules)) {
      const created = await stack.post<ScheduleSummary>('/v1/schedules', { name, type: 'inventory.restock-check', data: { threshold: 1 }, ...timing });
      assert.equal(created.status, 201, created.text);
    }
    await waitFor('twenty ticks of each fired', async () => (await eventsOf('every-second')).length >= 20 && (await eventsOf('every-1000-ms')).length >= 20, { timeoutMs: 90_000, intervalMs: 250 });
    // A pause waits for any claim holding the row, so nothing fires after it answers.
    for (const name of Object.keys(schedules)) assert.equal((await stack.post(`/v1/schedules/${name}/pause`, '')).status, 200);
    const replicas = new Set<string>();
    let total = 0;
    for (const name of Object.keys(schedules)) {
      const events = await eventsOf(name);
      total += events.length;
      const ticks = events.map((event) => event.time.getTime());
      assert.equal(new Set(ticks).size, ticks.length, `${name}: a tick fired twice`);
      for (let n = 1; n < ticks.length; n++) assert.equal(ticks[n] - ticks[n - 1], 1_000, `${name}: a tick missed after ${new Date(ticks[n - 1]).toISOString()}`);
      assert.ok(events.every((event) => event.extensions.scheduledfor === event.time.toISOString()));
      for (const event of events) replicas.add(event.extensions.firedby);
    }
    assert.ok(replicas.size >= 2, `every tick fired by one replica: ${[...replicas].join(', ')}`);
    const [{ keys }] = await queryRows<{ keys: number }>(db, "SELECT count(*)::int AS keys FROM switchyard.idempotency_keys WHERE key LIKE 'schedule:%'");
    assert.equal(keys, total);
    await waitFor('every event’s job completed', async () => {
      const [{ done }] = await queryRows<{ done: number }>(
        db,
        "SELECT count(*)::int AS done FROM switchyard.jobs j JOIN switchyard.events e ON e.id = j.event_id WHERE e.extensions->>'schedule' LIKE 'every-%' AND j.outcome = 'completed'",
      );
      return done === total;
    }, { timeoutMs: 60_000, intervalMs: 250 });
  });
});
