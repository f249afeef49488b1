import type { OperationStatus } from '@switchyard/core/contracts';
import { OperationProgress } from '../../../../components/operation-progress';
import { Problem } from '../../../../components/problem';
import { api } from '../../../../lib/api';
import { load } from '../../../../lib/load';

export default async function OperationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const loaded = await load(() => api<OperationStatus>(`/v1/operations/${encodeURIComponent(id)}`));
  if (!loaded.ok) return <Problem error={loaded.error} />;
  return (
    <>
      <h1>Operation</h1>
      <OperationProgress initial={loaded.data} />
    </>
  );
}
