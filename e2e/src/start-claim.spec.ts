// The at-most-once start claim against the real Postgres: the verdicts a
// second start of a job can get (runner/start-claim.ts).
import { errorFingerprint, JobsRepository, StartClaim, type SwitchyardConfig } from '@switchyard/server/internal';
import { PgPool, PrismaService } from '@switchyard/server/internal';
import { queryRows, resetDatabase, testDatabaseUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

const db = testDatabaseUrl();

describe('at-most-once start claim', () => {
  const prisma = new PrismaService({ url: db, poolSize: 4 });
  const pg = new PgPool({ url: db, poolSize: 1 }); // unused by the claim; JobsRepository takes it
  const claimOn = (workerId: string) => new StartClaim(new JobsRepository(prisma, pg), { worker: { id: workerId } } as SwitchyardConfig);
  const eventId = randomUUID();
  const job = (suffix: string) => ({ jobId: `${eventId}.sms.send${suffix}`, eventId, handler: 'sms.send' });

  before(async () => {
    await prisma.$connect();
    await resetDatabase(db);
    await queryRows(db, `INSERT INTO switchyard.events (id, type, source, format, data) VALUES ($1, 'test.sms', 'urn:test', 'json', '{}')`, [eventId]);
    for (const [suffix, outcome, reason] of [['', null, null], ['.r1', 'completed', null], ['.r2', 'dead', 'gateway said no']]) {
      await queryRows(db, `INSERT INTO switchyard.jobs (id, event_id, handler, queue, attempts, backoff, outcome, failed_reason) VALUES ($1, $2, 'sms.send', 'sms', 1, '{}', $3, $4)`, [
        job(suffix as string).jobId,
        eventId,
        outcome,
        reason,
      ]);
    }
  });
  after(async () => {
    await prisma.$disconnect();
    await pg.onApplicationShutdown();
  });

  it('lets the first start run and refuses the next, naming when and where it started', async () => {
    assert.deepEqual(await claimOn('worker-a').claim(job('')), { kind: 'claimed' });
    const second = await claimOn('worker-b').claim(job(''));
    assert.equal(second.kind, 'started-before');
    assert.equal(second.kind === 'started-before' && second.workerId, 'worker-a');
    const refusal = StartClaim.refusal(job('').jobId, 'sms.send', second as Extract<typeof second, { kind: 'started-before' }>);
    assert.equal(refusal.name, 'StartedBeforeError');
    assert.match(refusal.message, /started before \("\S+Z" on worker "worker-a"\) and may have run; at-most-once does not re-run it/);
  });

  it('words refusals so that those of one handler fall in one dead-letter group', () => {
    const refusals = [
      StartClaim.refusal(`${randomUUID()}.sms.send`, 'sms.send', { kind: 'started-before', startedAt: new Date(), workerId: 'host-a:12' }),
      StartClaim.refusal(`${randomUUID()}.sms.send.r2`, 'sms.send', { kind: 'started-before', startedAt: null, workerId: null }),
    ];
    const [first, second] = refusals.map((refusal) => errorFingerprint('sms.send', refusal.name, refusal.message));
    assert.equal(first, second);
  });

  it('lets one of two concurrent starts run', async () => {
    const verdicts = await Promise.all([claimOn('a').claim(job('.race')), claimOn('b').claim(job('.race'))]);
    assert.deepEqual(verdicts.map((verdict) => verdict.kind).sort(), ['claimed', 'started-before']);
  });

  it('acknowledges a copy of a completed job, and fails a dead one as it was, without running either', async () => {
    assert.deepEqual(await claimOn('a').claim(job('.r1')), { kind: 'claimed' });
    assert.deepEqual(await claimOn('b').claim(job('.r1')), { kind: 'completed-before' });
    assert.deepEqual(await claimOn('a').claim(job('.r2')), { kind: 'claimed' });
    assert.deepEqual(await claimOn('b').claim(job('.r2')), { kind: 'dead-before', reason: 'gateway said no' });
  });
});
