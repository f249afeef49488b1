'use client';

import { useSyncExternalStore } from 'react';

/**
 * The browser's clock, for text that depends on "now" (relative times, time
 * elapsed), ticking once a second while something shows it. Null on the
 * server and while React hydrates: the server's "now" is not the browser's,
 * and text rendered from two clocks differs, which React reports as a
 * hydration error (#418) and answers by rendering the page again. So render a
 * stable value (an absolute time) for null; the live one follows at once.
 */
export function useNow(): number | null {
  return useSyncExternalStore(subscribe, currentTime, noTimeYet);
}

const TICK_MS = 1_000;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    // Idle while nothing showed a time: read the clock afresh, not the value it stopped at.
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const each of listeners) each();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

// The same value between ticks: useSyncExternalStore re-renders whenever the snapshot changes.
const currentTime = () => now;
const noTimeYet = () => null;
