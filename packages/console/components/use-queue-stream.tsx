'use client';

import type { QueuesSnapshot } from '@switchyard/core/contracts';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/**
 * The live snapshot of every queue, once a second. EventSource reconnects by
 * itself after a drop (the API asks for 2 s); we only report the state. A
 * session that ended meanwhile is told by a `signed-out` event: the page is
 * rendered again on the server, which sends the user to sign in.
 */
export function useQueueStream(onSnapshot?: (snapshot: QueuesSnapshot) => void): { snapshot: QueuesSnapshot | null; state: StreamState } {
  const router = useRouter();
  const [snapshot, setSnapshot] = useState<QueuesSnapshot | null>(null);
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    const source = new EventSource('/api/stream');
    source.addEventListener('signed-out', () => {
      source.close();
      router.refresh();
    });
    source.addEventListener('queues', (message) => {
      const next = JSON.parse((message as MessageEvent<string>).data) as QueuesSnapshot;
      setSnapshot(next);
      setState('live');
      onSnapshot?.(next);
    });
    source.onerror = () => setState('reconnecting');
    return () => source.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return { snapshot, state };
}

export function StreamBadge({ state }: { state: StreamState }) {
  return (
    <span className={`live ${state === 'live' ? '' : 'down'}`} role="status" aria-live="polite">
      {state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
    </span>
  );
}
