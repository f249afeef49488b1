import type { DeadLetterStats, MetricSeries, QueueSummary, ThroughputPoint } from '@switchyard/core/contracts';
import { LiveOverview } from '../../components/live-overview';
import { Problem } from '../../components/problem';
import { api, query } from '../../lib/api';
import { load } from '../../lib/load';

export default async function OverviewPage() {
  const loaded = await load(async () => {
    const [queues, deadLetters] = await Promise.all([api<QueueSummary[]>('/v1/queues'), api<DeadLetterStats>('/v1/dead-letters/stats')]);
    const renderedAt = new Date().toISOString();
    const from = new Date(Date.parse(renderedAt) - 15 * 60_000).toISOString();
    const history = await Promise.all(
      queues.map((queue) => api<MetricSeries<ThroughputPoint>>(`/v1/metrics/throughput${query({ queue: queue.name, from, step: 5 })}`)),
    );
    return { queues, deadLetters, history, renderedAt };
  });
  if (!loaded.ok) return <Problem error={loaded.error} />;
  return (
    <>
      <h1>Overview</h1>
      <LiveOverview initialQueues={loaded.data.queues} initialDeadLetters={loaded.data.deadLetters} history={loaded.data.history} renderedAt={loaded.data.renderedAt} />
    </>
  );
}
