// Where a process stood still: how late its event loop ran timers and how
// long V8 stopped it to collect garbage, since the last reset. The latency
// scenario reads both from the API and the worker, so a tail in sent →
// handler start can be set beside the pauses that could have made it.
import { constants, type IntervalHistogram, monitorEventLoopDelay, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { round } from './stats.js';

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

export interface GcPauses {
  count: number;
  totalMs: number;
  maxMs: number;
}

export interface ProcessPauses {
  /** Lateness of a 10 ms timer, ms: what any callback waited behind the work before it. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Stop-the-world collections by kind. */
  gc: Record<string, GcPauses>;
  /** Over how long, ms. */
  windowMs: number;
}

/** The histogram records each interval between ticks of a timer this often: lateness is that minus this. */
const RESOLUTION_MS = 10;
let delay: IntervalHistogram | null = null;
let gc: Record<string, GcPauses> = {};
let since = performance.now();

/** Starts watching (once per process). */
export function watchPauses(): void {
  if (delay) return;
  delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } };
      const kind = GC_KINDS[detail?.kind ?? -1] ?? 'other';
      const pauses = (gc[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
      pauses.count++;
      pauses.totalMs += entry.duration;
      pauses.maxMs = Math.max(pauses.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
}

export function resetPauses(): void {
  delay?.reset();
  gc = {};
  since = performance.now();
}

export function pausesSummary(): ProcessPauses {
  const late = (ns: number) => round(Math.max(0, ns / 1e6 - RESOLUTION_MS));
  return {
    eventLoopDelayMs: delay && delay.count > 0 ? { p50: late(delay.percentile(50)), p99: late(delay.percentile(99)), max: late(delay.max) } : { p50: NaN, p99: NaN, max: NaN },
    gc: Object.fromEntries(Object.entries(gc).map(([kind, p]) => [kind, { count: p.count, totalMs: round(p.totalMs), maxMs: round(p.maxMs) }])),
    windowMs: round(performance.now() - since),
  };
}

/** One line for the log: "loop late p99 3.1 / max 22 ms, GC minor 120× max 2.1 ms, major 2× max 14 ms". */
export function describePauses(pauses: ProcessPauses): string {
  const loop = pauses.eventLoopDelayMs;
  const gc = Object.entries(pauses.gc).map(([kind, p]) => `${kind} ${p.count}× max ${p.maxMs} ms`);
  return `loop late p99 ${loop.p99} / max ${loop.max} ms${gc.length ? `, GC ${gc.join(', ')}` : ''}`;
}
