import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { EventTypes } from '../events/event-catalog.js';
import { checkSchedule } from './schedule-spec.js';
import { cronError, nextTick, planFiring, type ScheduleTiming, timeZoneError } from './schedule-timing.js';

const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();
const berlin6am: ScheduleTiming = { kind: 'cron', cron: '0 6 * * *', timeZone: 'Europe/Berlin' };
const everySecond: ScheduleTiming = { kind: 'interval', intervalMs: 1_000 };
const GRACE = 60_000;

describe('schedule timing: cron in a time zone', () => {
  it('reads the expression in the zone: 06:00 Berlin is 05:00Z in winter and 04:00Z in summer', () => {
    assert.equal(iso(nextTick(berlin6am, at('2026-11-25T12:00:00Z'))), '2026-11-26T05:00:00.000Z');
    assert.equal(iso(nextTick(berlin6am, at('2026-07-01T12:00:00Z'))), '2026-07-02T04:00:00.000Z');
  });

  it('fires 02:30 once on the spring-forward day, when 02:30 does not exist: at 03:30 CEST, right after the gap', () => {
    const timing: ScheduleTiming = { kind: 'cron', cron: '30 2 * * *', timeZone: 'Europe/Berlin' };
    const ticks: string[] = [];
    let cursor = at('2026-03-28T12:00:00Z');
    for (let n = 0; n < 3; n++) ticks.push(iso((cursor = nextTick(timing, cursor))));
    // 28 → 29 March 2026: clocks jump from 02:00 CET to 03:00 CEST.
    assert.deepEqual(ticks, ['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
  });

  it('fires 02:30 once, not twice, on the fall-back day when 02:30 happens twice', () => {
    const timing: ScheduleTiming = { kind: 'cron', cron: '30 2 * * *', timeZone: 'Europe/Berlin' };
    const ticks: string[] = [];
    let cursor = at('2026-10-24T12:00:00Z');
    for (let n = 0; n < 3; n++) ticks.push(iso((cursor = nextTick(timing, cursor))));
    assert.deepEqual(ticks, ['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
  });

  it('takes a seconds field, and refuses what it cannot compute', () => {
    assert.equal(iso(nextTick({ kind: 'cron', cron: '*/10 * * * * *', timeZone: 'UTC' }, at('2026-01-01T00:00:03Z'))), '2026-01-01T00:00:10.000Z');
    assert.match(cronError('61 * * * *', 'UTC') ?? '', /not a valid cron expression/);
    assert.match(cronError('0 0 30 2 *', 'UTC') ?? '', /not a valid cron expression/);
    assert.match(cronError('* * *', 'UTC') ?? '', /5 fields/);
    assert.match(cronError('', 'UTC') ?? '', /5 fields/);
    assert.match(cronError('H * * * *', 'UTC') ?? '', /hashed/);
    assert.equal(cronError('@daily', 'UTC'), null);
    assert.match(timeZoneError('Mars/Olympus') ?? '', /IANA/);
    assert.equal(timeZoneError('America/New_York'), null);
  });
});

describe('schedule timing: intervals and catch-up (injected clock)', () => {
  it('keeps an interval on its phase however late a claim runs', () => {
    const due = at('2026-01-01T00:00:00Z');
    assert.deepEqual(planFiring(everySecond, due, at('2026-01-01T00:00:00.400Z'), 'skip', GRACE), { emit: { tick: due, catchUp: null }, next: at('2026-01-01T00:00:01Z') });
  });

  it('fires a slightly late tick as usual, one tick per claim, so a short stall loses none', () => {
    const due = at('2026-01-01T00:00:00Z');
    const now = at('2026-01-01T00:00:05.500Z'); // five ticks behind, within the grace
    const fired: string[] = [];
    let next = due;
    while (next <= now) {
      const firing = planFiring(everySecond, next, now, 'skip', GRACE);
      fired.push(iso(firing.emit!.tick));
      next = firing.next;
    }
    assert.equal(fired.length, 6);
    assert.equal(iso(next), '2026-01-01T00:00:06.000Z');
  });

  it('skip: after downtime emits nothing for the missed ticks and moves to the first tick after now', () => {
    const due = at('2026-11-20T05:00:00Z'); // 06:00 Berlin, five mornings ago
    const now = at('2026-11-25T09:30:00Z');
    assert.deepEqual(planFiring(berlin6am, due, now, 'skip', GRACE), { emit: null, next: at('2026-11-26T05:00:00Z') });
    const interval = planFiring(everySecond, at('2026-01-01T00:00:00Z'), at('2026-01-01T02:00:00.250Z'), 'skip', GRACE);
    assert.deepEqual(interval, { emit: null, next: at('2026-01-01T02:00:01Z') });
  });

  it('fire-once: after downtime emits one event for the latest missed tick, saying since when, then resumes', () => {
    const due = at('2026-11-20T05:00:00Z');
    const now = at('2026-11-25T09:30:00Z');
    assert.deepEqual(planFiring(berlin6am, due, now, 'fire-once', GRACE), {
      emit: { tick: at('2026-11-25T05:00:00Z'), catchUp: { firstMissed: due } },
      next: at('2026-11-26T05:00:00Z'),
    });
    const interval = planFiring(everySecond, at('2026-01-01T00:00:00Z'), at('2026-01-01T02:00:00.250Z'), 'fire-once', GRACE);
    assert.deepEqual(interval.emit, { tick: at('2026-01-01T02:00:00Z'), catchUp: { firstMissed: at('2026-01-01T00:00:00Z') } });
  });

  it('counts a tick missed by more than the grace as missed, even just one', () => {
    const due = at('2026-11-25T05:00:00Z');
    assert.equal(planFiring(berlin6am, due, at('2026-11-25T05:00:59Z'), 'skip', GRACE).emit?.tick.toISOString(), iso(due));
    assert.equal(planFiring(berlin6am, due, at('2026-11-25T05:01:01Z'), 'skip', GRACE).emit, null);
  });
});

describe('schedule definitions', () => {
  const catalog = new EventTypes({ 'quota.check': z.object({ threshold: z.int().min(1) }) });

  it('accepts cron with a zone or an interval, with defaults', async () => {
    const checked = await checkSchedule({ name: 'nightly', type: 'quota.check', data: { threshold: 3 }, cron: ' 0  6 * * * ', timeZone: 'Europe/Berlin' }, catalog);
    assert.ok(checked.ok);
    assert.deepEqual(checked.spec.timing, { kind: 'cron', cron: '0 6 * * *', timeZone: 'Europe/Berlin' });
    assert.equal(checked.spec.catchUp, 'skip');
    assert.equal(checked.spec.source, 'urn:switchyard:schedule:nightly');
  });

  it('names every mistake: timing, zone, data, unknown fields; an unknown type is told apart', async () => {
    const bad = async (input: unknown) => {
      const checked = await checkSchedule(input, catalog);
      assert.ok(!checked.ok);
      return checked;
    };
    const paths = async (input: unknown) => (await bad(input)).errors.map((error) => error.path);
    const base = { name: 'n', type: 'quota.check', data: { threshold: 1 } };
    assert.deepEqual(await paths({ ...base }), ['cron']);
    assert.deepEqual(await paths({ ...base, cron: '* * * * *', intervalMs: 1000 }), ['cron']);
    assert.deepEqual(await paths({ ...base, intervalMs: 999 }), ['intervalMs']);
    assert.deepEqual(await paths({ ...base, cron: '* * * * *', timeZone: 'Nowhere/Land' }), ['timeZone']);
    assert.deepEqual(await paths({ ...base, intervalMs: 1000, timeZone: 'UTC' }), ['timeZone']);
    assert.deepEqual(await paths({ ...base, intervalMs: 1000, data: { threshold: 0 } }), ['data.threshold']);
    assert.deepEqual(await paths({ ...base, intervalMs: 1000, extra: 1 }), ['extra']);
    assert.deepEqual(await paths({ ...base, name: 'Bad Name', intervalMs: 1000 }), ['name']);
    assert.equal((await bad({ ...base, type: 'nope', intervalMs: 1000 })).unknownType, 'nope');
  });

  it('tells an unknown type named after an Object.prototype member apart like any other', async () => {
    for (const type of Object.getOwnPropertyNames(Object.prototype)) {
      const checked = await checkSchedule({ name: 'n', type, data: {}, intervalMs: 1000 }, catalog);
      assert.ok(!checked.ok, type);
      assert.equal(checked.unknownType, type);
    }
  });
});
