import type { QueueSummary } from '@switchyard/core/contracts';
import { Problem } from '../../../components/problem';
import { QueueTable } from '../../../components/queue-table';
import { api } from '../../../lib/api';
import { load } from '../../../lib/load';

export const metadata = { title: 'Queues · Switchyard' };

export default async function QueuesPage() {
  const loaded = await load(() => api<QueueSummary[]>('/v1/queues'));
  if (!loaded.ok) return <Problem error={loaded.error} />;
  return (
    <>
      <h1>Queues</h1>
      <QueueTable initial={loaded.data} />
    </>
  );
}
