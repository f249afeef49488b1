// The figures bench:compare sets side by side, and how it sums up rounds.

/** One figure of a results file: where it is, and which way is better. */
export interface Figure {
  path: string;
  label: string;
  better: 'higher' | 'lower';
}

/** The headline figures of each scenario (a results file lacking one, an older ref's, skips it). */
export const FIGURES: Figure[] = [
  { path: 'scenarios.ingest.maxSustainedEventsPerSec', label: 'ingest: max sustained events/s', better: 'higher' },
  { path: 'scenarios.ingest.closedLoop.acceptedPerSec', label: 'ingest: closed loop events/s', better: 'higher' },
  { path: 'scenarios.ingest.closedLoop.cost.cpuMsPerEvent.machine', label: 'ingest: machine CPU ms/event', better: 'lower' },
  { path: 'scenarios.ingest.at50.latencyMs.p50', label: 'ingest: p50 ms at 50 %', better: 'lower' },
  { path: 'scenarios.batch.100.eventsPerSec', label: 'batch of 100: events/s', better: 'higher' },
  { path: 'scenarios.batch.1000.eventsPerSec', label: 'batch of 1000: events/s', better: 'higher' },
  { path: 'scenarios.endToEnd.maxSustainedEventsPerSec', label: 'end to end: max sustained events/s', better: 'higher' },
  { path: 'scenarios.endToEnd.closedLoop.acceptedPerSec', label: 'end to end: closed loop events/s', better: 'higher' },
  { path: 'scenarios.endToEnd.closedLoop.cost.cpuMsPerEvent.machine', label: 'end to end: machine CPU ms/event', better: 'lower' },
  { path: 'scenarios.endToEnd.at50.sentToHandlerStartMs.p50', label: 'end to end: sent→start p50 ms at 50 %', better: 'lower' },
  { path: 'scenarios.endToEnd.at50.sentToHandlerStartMs.p99', label: 'end to end: sent→start p99 ms at 50 %', better: 'lower' },
  // The latency scenario's default paced rates: the same rate on both sides (its half-of-max rate is not).
  { path: 'scenarios.latency.rates[ratePerSec=150].sentToHandlerStartMs.p50', label: 'latency at 150/s: sent→start p50 ms', better: 'lower' },
  { path: 'scenarios.latency.rates[ratePerSec=150].sentToHandlerStartMs.p99', label: 'latency at 150/s: sent→start p99 ms', better: 'lower' },
  { path: 'scenarios.latency.rates[ratePerSec=300].sentToHandlerStartMs.p50', label: 'latency at 300/s: sent→start p50 ms', better: 'lower' },
  { path: 'scenarios.latency.rates[ratePerSec=300].sentToHandlerStartMs.p99', label: 'latency at 300/s: sent→start p99 ms', better: 'lower' },
  { path: 'scenarios.drain.jobsPerSec', label: 'drain: jobs/s', better: 'higher' },
  { path: 'scenarios.idempotent.guarded.jobsPerSec', label: 'guarded handler: jobs/s', better: 'higher' },
  // The control: the load generator runs the same code on both sides, so its cost moving says the machine moved, not the code.
  { path: 'scenarios.ingest.closedLoop.cost.cpuMsPerEvent.loadGenerator', label: 'control: load generator CPU ms/event (ingest)', better: 'lower' },
  { path: 'scenarios.endToEnd.closedLoop.cost.cpuMsPerEvent.loadGenerator', label: 'control: load generator CPU ms/event (end to end)', better: 'lower' },
  { path: 'scenarios.latency.rates[ratePerSec=150].rawBullmq.sentToHandlerStartMs.p50', label: 'control: raw BullMQ sent→start p50 ms at 150/s', better: 'lower' },
];

/** How busy the machine was around one run. */
export interface RunLoad {
  /** Cores busy (all processes) in the second before the run started, after waiting for quiet. */
  busyCoresBefore: number;
  /** The 1-minute load average when it started and when it ended. */
  loadAverageBefore: number;
  loadAverageAfter: number;
  /** Cores busy on average over the run: the benchmark's own load plus anything else's. */
  busyCoresDuring: number;
  seconds: number;
}

/** One run of the suite on one side. */
export interface SideRun {
  side: 'base' | 'head';
  round: number;
  /** Its place in the round: 1 ran first. */
  order: number;
  results: string;
  load: RunLoad;
}

/** One figure over every round: each side's values, the head/base ratio per round, their median and spread. */
export interface FigureComparison extends Figure {
  base: number[];
  head: number[];
  ratios: number[];
  median: number;
  min: number;
  max: number;
}

/** The number at `path`: dotted keys, and `list[field=value]` for the element of an array whose field has that value. */
export function valueAt(results: unknown, path: string): number | undefined {
  const value = path.split('.').reduce<unknown>((node, step) => {
    const select = /^(\w+)\[(\w+)=([^\]]+)\]$/.exec(step);
    if (!select) return (node as Record<string, unknown> | undefined)?.[step];
    const [, key, field, wanted] = select;
    const list = (node as Record<string, unknown> | undefined)?.[key];
    return Array.isArray(list) ? list.find((item) => String((item as Record<string, unknown>)?.[field]) === wanted) : undefined;
  }, results);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Each figure both sides report in every round, as head/base per round
 * (round i's head against round i's base, so a round's machine state cancels
 * out as far as it can), with the median ratio and its spread.
 */
export function compareRounds(rounds: Array<{ base: unknown; head: unknown }>): FigureComparison[] {
  const compared: FigureComparison[] = [];
  for (const figure of FIGURES) {
    const base = rounds.map((round) => valueAt(round.base, figure.path));
    const head = rounds.map((round) => valueAt(round.head, figure.path));
    if ([...base, ...head].some((value) => value === undefined)) continue;
    const ratios = head.map((value, i) => round3(value! / base[i]!));
    compared.push({ ...figure, base: base as number[], head: head as number[], ratios, median: round3(median(ratios)), min: Math.min(...ratios), max: Math.max(...ratios) });
  }
  return compared;
}

/** The comparison as a text table: one line per figure, ratios as head/base. */
export function comparisonTable(figures: FigureComparison[]): string {
  const width = Math.max(...figures.map((figure) => figure.label.length), 10);
  const lines = [`${'figure'.padEnd(width)}  ${'median'.padStart(7)}  ${'spread'.padStart(13)}  per round (head/base)`];
  for (const figure of figures) {
    const spread = `${figure.min.toFixed(2)}–${figure.max.toFixed(2)}`;
    const rounds = figure.ratios.map((ratio, i) => `${ratio.toFixed(2)} (${figure.head[i]}/${figure.base[i]})`).join(', ');
    lines.push(`${figure.label.padEnd(width)}  ${figure.median.toFixed(2).padStart(7)}  ${spread.padStart(13)}  ${rounds}`);
  }
  lines.push(
    '',
    'Ratios are head/base: above 1 is better for figures where higher is, below 1 for CPU and latency.',
    "A control ratio far from 1 in a round means the machine ran slower or faster for one side: read that round's other ratios with it.",
  );
  return lines.join('\n');
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
