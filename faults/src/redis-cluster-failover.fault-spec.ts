// Redis Cluster failover under sustained ingest: the master holding one of
// the task queues is killed with SIGKILL and its replica promoted.
// Replication is asynchronous, so a killed master takes with it whatever its
// replica had not received; the scenario makes sure there is some, by cutting
// the replica off for a second before the kill. No accepted event may be lost
// for it: outbox rows are marked published only once a replica acknowledged
// their jobs (WAIT, REDIS_CLUSTER_REPLICA_ACKS), so whatever the dead master
// alone had is still unpublished in Postgres and the relay re-enqueues it on
// the promoted master; a job that reappears after it ran (its completion
// lost) re-runs into the idempotency guard. The control run, without replica
// acks, shows the same fault does lose events.
import { waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack } from './harness/fault-stack.js';
import { duringIngest, type IngestLoad } from './harness/ingest-load.js';

const CLUSTER = { masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 2_000 };

/** Ingest; the fault-apply queue's master cut off from its replica for 1 s, killed, its replica promoted, the node back as a replica. */
async function failoverDuringIngest(stack: FaultStack, label: string): Promise<{ load: IngestLoad; killedAt: number; promotedAt: number }> {
  const cluster = stack.cluster!;
  const victim = await cluster.masterOf(stack.prefixOf('fault-apply'));
  let killedAt = 0;
  let promotedAt = 0;
  let promoted = 0;
  const load = await duringIngest(
    stack,
    async () => {
      await cluster.cutReplica(victim);
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // what the master takes now, it alone has
      killedAt = Date.now();
      promoted = await cluster.killMaster(victim);
      promotedAt = Date.now();
      // As an orchestrator would: the node comes back, empty, as the new master's replica.
      await cluster.restart(victim);
    },
    { leadMs: 1_500, tailMs: 1_500, task: { sleepMs: 20 } },
  );
  console.log(`${label}: answers ${JSON.stringify(load.byStatus())}; master ${victim} killed, replica ${promoted} promoted after ${promotedAt - killedAt} ms`);
  return { load, killedAt, promotedAt };
}

describe('Redis Cluster: a master killed and failed over during sustained ingest', () => {
  let stack: FaultStack | undefined;
  after(() => stack?.close());

  it('loses no accepted event and applies every effect once', async () => {
    stack = await FaultStack.start({ cluster: CLUSTER });
    await stack.startApi();
    const workers = [await stack.startWorker(), await stack.startWorker()];
    const { load, killedAt, promotedAt } = await failoverDuringIngest(stack, 'redis-cluster failover');
    assert.deepEqual(load.unexpected(), [], 'only 202s and 503s with Retry-After');
    const during = load.answers.filter((answer) => answer.at > killedAt && answer.at < promotedAt);
    assert.ok(during.some((answer) => answer.status === 202), 'events were accepted while the master was down');

    const accepted = load.accepted();
    await waitForDrain(stack, accepted);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    console.log(`redis-cluster failover: ${describeVerdict(verdict)}`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
    assert.equal(verdict.deadLetters.size, 0);
    assert.ok(workers.every((worker) => worker.child.exitCode === null), 'the same workers, never restarted');
    const unpublished = async () => (await stack!.query<{ n: number }>('SELECT count(*)::int AS n FROM switchyard.jobs WHERE published_at IS NULL'))[0].n;
    await waitFor('the outbox empty', async () => (await unpublished()) === 0, { timeoutMs: 20_000 });
    await stack.close();
    stack = undefined;
  });

  it('control: without replica acks (REDIS_CLUSTER_REPLICA_ACKS=0) the same failover loses accepted events', async () => {
    stack = await FaultStack.start({ cluster: CLUSTER, env: { REDIS_CLUSTER_REPLICA_ACKS: '0' } });
    await stack.startApi();
    // No worker until the failover is over: jobs written during the cut wait on
    // the doomed master instead of running before it dies.
    const { load } = await failoverDuringIngest(stack, 'redis-cluster failover, no replica acks');
    await stack.startWorker();
    const accepted = load.accepted();
    await waitForDrain(stack, accepted, 10_000).catch(() => undefined); // it never drains: that is the point
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    // Lost for good, not merely slow: no effect, no job in Redis, and its row marked published.
    const queueOf = new Map(accepted.flatMap((event) => event.jobs.map((job) => [job.id, job.queue] as const)));
    const gone: string[] = [];
    for (const id of verdict.lost) if (!(await stack.queue(queueOf.get(id)!).getJob(id))) gone.push(id);
    console.log(`redis-cluster failover, no replica acks: ${describeVerdict(verdict)}; ${gone.length} of them gone from Redis`);
    assert.ok(gone.length > 0, 'jobs only the killed master had are gone');
    const [{ n }] = await stack.query<{ n: number }>('SELECT count(*)::int AS n FROM switchyard.jobs WHERE published_at IS NULL AND id = ANY($1::text[])', [gone]);
    assert.equal(n, 0, 'nothing left in the outbox to bring them back');
  });
});
