import type { BenchResults } from './run.js';
import { round } from './stats.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const ratio = (a: unknown, b: unknown): number | null => {
  const x = num(a);
  const y = num(b);
  return x !== null && y !== null && y > 0 ? round(x / y) : null;
};

/** The Postgres ceiling at the most pgbench clients of the run (16 by default). */
function ceilingAtMostClients(results: BenchResults): Any {
  const ceiling = (results.scenarios as Any).peers?.postgresCeiling;
  return ceiling?.[`clients${Math.max(...(results.settings.ceilingClients ?? [16]))}`] ?? null;
}

/** Our figures as ratios to raw BullMQ's and to the peers', measured in the same run. */
export function computeRatios(results: BenchResults): Record<string, number | null> {
  const s = results.scenarios as Any;
  const raw = s.baseline ?? {};
  const ours = s.ingest?.maxSustainedEventsPerSec;
  return {
    ingestSustainedJobsToQueueAdd: ratio(s.ingest?.maxSustainedJobsPerSec, raw.queueAdd?.jobsPerSec),
    ingestClosedLoopJobsToQueueAdd: ratio(num(s.ingest?.closedLoop?.acceptedPerSec) !== null ? s.ingest.closedLoop.acceptedPerSec * 3 : null, raw.queueAdd?.jobsPerSec),
    batch100JobsToAddBulk100: ratio(s.batch?.['100']?.jobsPerSec, raw.addBulk?.['100']?.jobsPerSec),
    batch1000JobsToAddBulk1000: ratio(s.batch?.['1000']?.jobsPerSec, raw.addBulk?.['1000']?.jobsPerSec),
    endToEndJobsToRawWorker: ratio(s.endToEnd?.maxSustainedJobsPerSec, raw.worker?.jobsPerSec),
    workerDrainToRawWorker: ratio(s.drain?.jobsPerSec, raw.worker?.jobsPerSec),
    guardedHandlerToNoopHandler: ratio(s.idempotent?.guarded?.jobsPerSec, s.idempotent?.noop?.jobsPerSec),
    ingestSustainedToPostgresCeiling: ratio(ours, ceilingAtMostClients(results)?.eventsPerSec),
    ingestSustainedToGraphileWorker: ratio(ours, s.peers?.graphileWorker?.maxSustainedEventsPerSec),
    ingestSustainedToPgBoss: ratio(ours, s.peers?.pgBoss?.maxSustainedEventsPerSec),
    ingestSustainedToBullmqHttp: ratio(ours, s.peers?.bullmqHttp?.maxSustainedEventsPerSec),
  };
}

/**
 * Issue 18's targets, as ratios to what teams would use instead, measured in
 * the same run on the same machine (null: not measured in this run).
 */
export function judgeTargets(results: BenchResults): BenchResults['targets'] {
  const s = results.scenarios as Any;
  const targets: BenchResults['targets'] = [];
  const add = (id: string, target: string, measured: number | null, met: (value: number) => boolean, unit = '') =>
    targets.push({ id, target, measured: measured === null ? 'not measured' : `${measured.toLocaleString('en')}${unit}`, met: measured === null ? null : met(measured) });
  const ours = s.ingest?.maxSustainedEventsPerSec;
  add('ingestToCeiling', 'durable ingest ≥ 0.6 × the Postgres ceiling (pgbench, most clients)', ratio(ours, ceilingAtMostClients(results)?.eventsPerSec), (v) => v >= 0.6, '×');
  add('ingestToGraphileWorker', 'durable ingest ≥ 5 × graphile-worker behind HTTP', ratio(ours, s.peers?.graphileWorker?.maxSustainedEventsPerSec), (v) => v >= 5, '×');
  add('ingestToPgBoss', 'durable ingest ≥ 5 × pg-boss behind HTTP', ratio(ours, s.peers?.pgBoss?.maxSustainedEventsPerSec), (v) => v >= 5, '×');
  add('drainToRawWorker', 'no-op drain ≥ 0.8 × raw BullMQ worker', ratio(s.drain?.jobsPerSec, s.baseline?.worker?.jobsPerSec), (v) => v >= 0.8, '×');
  for (const size of ['100', '1000']) {
    add(`batch${size}ToAddBulk`, `batch ingest (${size}/call) ≥ 0.5 × raw addBulk(${size}), jobs/s`, ratio(s.batch?.[size]?.jobsPerSec, s.baseline?.addBulk?.[size]?.jobsPerSec), (v) => v >= 0.5, '×');
  }
  // Sent → handler start within 4 ms (p50) and 20 ms (p99) of raw BullMQ behind HTTP at every measured rate up to half our maximum.
  const half = num(s.endToEnd?.maxSustainedEventsPerSec) !== null ? s.endToEnd.maxSustainedEventsPerSec / 2 : Number.POSITIVE_INFINITY;
  for (const row of (s.latency?.rates ?? []).filter((r: Any) => r.ratePerSec <= half + 1)) {
    add(`latencyP50At${row.ratePerSec}`, `sent → start p50 at ${row.ratePerSec}/s ≤ raw BullMQ's + 4 ms`, num(row.minusRawMs?.p50), (v) => v <= 4, ' ms over raw');
    add(`latencyP99At${row.ratePerSec}`, `sent → start p99 at ${row.ratePerSec}/s ≤ raw BullMQ's + 20 ms`, num(row.minusRawMs?.p99), (v) => v <= 20, ' ms over raw');
  }
  add('apiRss', 'api RSS ≤ 250 MB', num(s.memory?.api?.max), (v) => v <= 250, ' MB');
  add('workerRss', 'worker RSS ≤ 250 MB', num(s.memory?.worker?.max), (v) => v <= 250, ' MB');
  const redis = s.memory?.redis;
  targets.push({
    id: 'redisFlat',
    target: 'Redis memory flat under sustained load',
    measured: redis ? `${redis.start} → ${redis.end} MB` : 'not measured',
    met: redis ? Boolean(redis.flat) : null,
  });
  for (const [name, endpoint] of Object.entries<Any>(s.console?.endpoints ?? {})) {
    add(`console.${name}`, `GET ${endpoint.path} p95 ≤ 50 ms`, num(endpoint.latencyMs?.p95), (v) => v <= 50, ' ms');
  }
  return targets;
}

/** The table printed at the end of a run. */
export function table(results: BenchResults): string {
  const s = results.scenarios as Any;
  const m = results.machine;
  const rows: Array<[string, string, string]> = [];
  const f = (value: unknown, unit = '') => (num(value) === null ? '—' : `${(value as number).toLocaleString('en')}${unit}`);
  const lat = (l: Any) => (l ? `p50 ${f(l.p50)} / p99 ${f(l.p99)} ms` : '—');
  if (s.baseline) {
    rows.push(['raw BullMQ', 'Queue.add', f(s.baseline.queueAdd?.jobsPerSec, ' jobs/s')]);
    for (const [size, r] of Object.entries<Any>(s.baseline.addBulk ?? {}).filter(([key]) => /^\d+$/.test(key))) rows.push(['raw BullMQ', `addBulk(${size})`, f(r.jobsPerSec, ' jobs/s')]);
    rows.push(['raw BullMQ', 'Worker, no-op', f(s.baseline.worker?.jobsPerSec, ' jobs/s')]);
  }
  if (s.ingest) {
    rows.push(['ingest', 'max sustained', `${f(s.ingest.maxSustainedEventsPerSec, ' events/s')} (${f(s.ingest.maxSustainedJobsPerSec, ' jobs/s')})`]);
    rows.push(['ingest', `closed loop, ${s.ingest.closedLoop?.connections} conns`, `${f(s.ingest.closedLoop?.acceptedPerSec, ' events/s')}; ${lat(s.ingest.closedLoop?.latencyMs)}`]);
    rows.push(['ingest', 'closed loop, no Idempotency-Key', f(s.ingest.closedLoopWithoutIdempotencyKey?.acceptedPerSec, ' events/s')]);
    rows.push(['ingest', `at 50 % (${f(s.ingest.at50?.offeredPerSec)}/s)`, lat(s.ingest.at50?.latencyMs)]);
    rows.push(['ingest', `at 80 % (${f(s.ingest.at80?.offeredPerSec)}/s)`, lat(s.ingest.at80?.latencyMs)]);
  }
  if (s.peers) {
    const names: Array<[string, string]> = [['bullmqHttp', 'raw BullMQ + HTTP'], ['graphileWorker', 'graphile-worker'], ['pgBoss', 'pg-boss']];
    for (const [key, name] of names) {
      const p = s.peers[key];
      if (!p) continue;
      rows.push([name, 'max sustained', `${f(p.maxSustainedEventsPerSec, ' events/s')} (${f(p.maxSustainedJobsPerSec, ' jobs/s')})`]);
      rows.push([name, `closed loop, ${p.closedLoop?.connections} conns`, `${f(p.closedLoop?.acceptedPerSec, ' events/s')}; ${lat(p.closedLoop?.latencyMs)}`]);
      for (const at of p.latency ?? []) {
        const l = at.sentToHandlerStartMs;
        rows.push([name, `sent → start at ${f(at.ratePerSec)}/s`, `p50 ${f(l?.p50)} / p95 ${f(l?.p95)} / p99 ${f(l?.p99)} ms${at.drained ? '' : ` (${f(at.jobsStarted)} of ${f(at.jobsExpected)} jobs started)`}`]);
      }
    }
    for (const [key, run] of Object.entries<Any>(s.peers.postgresCeiling ?? {})) {
      const clients = Number(/^clients(\d+)/.exec(key)?.[1]);
      const label = `pgbench, ${clients} client${clients === 1 ? '' : 's'}${key.endsWith('WithIdempotencyKey') ? ' + key row' : ''}`;
      rows.push(['Postgres ceiling', label, run.error ? `not measured: ${String(run.error).split('\n')[0]}` : `${f(run.eventsPerSec, ' events/s')} (${f(run.jobsPerSec, ' jobs/s')})`]);
    }
  }
  for (const [size, r] of Object.entries<Any>(s.batch ?? {}).filter(([key]) => /^\d+$/.test(key))) rows.push(['batch', `${size} events/call`, `${f(r.eventsPerSec, ' events/s')}; ${lat(r.latencyMs)} per call`]);
  if (s.endToEnd) {
    rows.push(['end to end', 'max sustained', `${f(s.endToEnd.maxSustainedEventsPerSec, ' events/s')} (${f(s.endToEnd.maxSustainedJobsPerSec, ' jobs/s')})`]);
    const l = s.endToEnd.at50?.acceptedToHandlerStartMs;
    rows.push(['end to end', `accepted → start at ${f(s.endToEnd.at50?.ratePerSec)}/s`, l ? `p50 ${f(l.p50)} / p95 ${f(l.p95)} / p99 ${f(l.p99)} ms` : '—']);
    const sent = s.endToEnd.at50?.sentToHandlerStartMs;
    rows.push(['end to end', 'sent → start (same run)', sent ? `p50 ${f(sent.p50)} / p95 ${f(sent.p95)} / p99 ${f(sent.p99)} ms` : '—']);
  }
  for (const r of s.latency?.rates ?? []) {
    const sent = r.sentToHandlerStartMs;
    const stages = Object.entries<Any>(r.stagesMs ?? {}).map(([stage, l]) => `${stage} ${f(l.p50)}`).join(', ');
    rows.push(['latency', `sent → start at ${f(r.ratePerSec)}/s`, `p50 ${f(sent?.p50)} / p99 ${f(sent?.p99)} ms (p50s: ${stages})`]);
    const raw = r.rawBullmq?.sentToHandlerStartMs;
    if (raw) rows.push(['latency', `  raw BullMQ + HTTP at ${f(r.ratePerSec)}/s`, `p50 ${f(raw.p50)} / p99 ${f(raw.p99)} ms (ours +${f(r.minusRawMs?.p50)} / +${f(r.minusRawMs?.p99)} ms)`]);
  }
  if (s.drain) rows.push(['worker drain', 'no-op, 3 queues', f(s.drain.jobsPerSec, ' jobs/s')]);
  if (s.idempotent) {
    rows.push(['idempotent', 'no-op handler', f(s.idempotent.noop?.jobsPerSec, ' jobs/s')]);
    rows.push(['idempotent', 'one row via ctx.once()', `${f(s.idempotent.guarded?.jobsPerSec, ' jobs/s')} (${f(s.idempotent.guardedToNoopRatio, '×')}, +${f(s.idempotent.extraMsPerJob)} ms/job)`]);
  }
  if (s.memory) {
    for (const key of ['api', 'worker', 'redis'] as const) {
      const r = s.memory[key];
      rows.push(['memory', `${key === 'redis' ? 'Redis used_memory' : `${key} RSS`}`, `${f(r?.start)} → ${f(r?.end)} MB (max ${f(r?.max)})`]);
    }
  }
  for (const endpoint of Object.values<Any>(s.console?.endpoints ?? {})) rows.push(['console', `GET ${endpoint.path}`, `p50 ${f(endpoint.latencyMs?.p50)} / p95 ${f(endpoint.latencyMs?.p95)} ms`]);
  const ratios = Object.entries(results.ratios).filter(([, value]) => value !== null);
  const width = [Math.max(...rows.map((r) => r[0].length), 8), Math.max(...rows.map((r) => r[1].length), 8)];
  const lines = [
    `Switchyard benchmark (${results.mode}) — ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}, Redis ${m.redis}, Postgres ${m.postgres}, BullMQ ${m.bullmq}`,
    '',
    ...rows.map(([a, b, c]) => `${a.padEnd(width[0])}  ${b.padEnd(width[1])}  ${c}`),
    '',
    'ratios (same run):',
    ...ratios.map(([name, value]) => `  ${name.padEnd(38)} ${value}×`),
    '',
    'targets (issue 18: ratios to the peers, same run):',
    ...results.targets.map((t) => `  ${t.met === null ? '  ?' : t.met ? ' ok' : 'MISS'}  ${t.target.padEnd(72)} ${t.measured}`),
  ];
  return lines.join('\n');
}

// ── SVG chart ────────────────────────────────────────────────────────────────

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS = { ours: '#2f6fdf', raw: '#9aa4b2', bad: '#d64545', good: '#2e9d5b', line: ['#2f6fdf', '#e08a1e', '#7a49c4'] };

interface Bar {
  label: string;
  value: number | null;
  color: string;
  note?: string;
}

function barPanel(x: number, y: number, w: number, title: string, bars: Bar[], unit: string, limit?: { value: number; label: string }): { svg: string; height: number } {
  const rowH = 22;
  const labelW = 230;
  const plotW = w - labelW - 90;
  const values = bars.map((bar) => bar.value ?? 0);
  const max = Math.max(...values, limit?.value ?? 0, 1) * 1.05;
  const parts = [`<text x="${x}" y="${y + 14}" font-size="14" font-weight="bold">${esc(title)}</text>`];
  bars.forEach((bar, i) => {
    const top = y + 26 + i * rowH;
    const width = bar.value === null ? 0 : Math.max(1, (bar.value / max) * plotW);
    parts.push(`<text x="${x + labelW - 8}" y="${top + 14}" font-size="11" text-anchor="end">${esc(bar.label)}</text>`);
    parts.push(`<rect x="${x + labelW}" y="${top + 3}" width="${width.toFixed(1)}" height="${rowH - 7}" fill="${bar.color}"/>`);
    const text = bar.value === null ? 'not measured' : `${round(bar.value).toLocaleString('en')}${unit}${bar.note ? ` ${bar.note}` : ''}`;
    parts.push(`<text x="${x + labelW + width + 4}" y="${top + 14}" font-size="11">${esc(text)}</text>`);
  });
  const height = 26 + bars.length * rowH + 8;
  if (limit) {
    const lx = x + labelW + (limit.value / max) * plotW;
    parts.push(`<line x1="${lx.toFixed(1)}" y1="${y + 22}" x2="${lx.toFixed(1)}" y2="${y + height - 4}" stroke="${COLORS.bad}" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${lx.toFixed(1)}" y="${y + height + 8}" font-size="10" fill="${COLORS.bad}" text-anchor="middle">${esc(limit.label)}</text>`);
  }
  return { svg: parts.join('\n'), height: height + (limit ? 14 : 0) };
}

function linePanel(x: number, y: number, w: number, title: string, series: Array<{ label: string; points: Array<[number, number]> }>, unit: string): { svg: string; height: number } {
  const h = 170;
  const left = x + 50;
  const plotW = w - 70;
  const top = y + 28;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return { svg: '', height: 0 };
  const maxX = Math.max(...all.map((p) => p[0]), 1);
  const maxY = Math.max(...all.map((p) => p[1]), 1) * 1.1;
  const px = (v: number) => left + (v / maxX) * plotW;
  const py = (v: number) => top + h - (v / maxY) * h;
  const parts = [`<text x="${x}" y="${y + 14}" font-size="14" font-weight="bold">${esc(title)}</text>`];
  parts.push(`<line x1="${left}" y1="${top + h}" x2="${left + plotW}" y2="${top + h}" stroke="#444"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + h}" stroke="#444"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = (maxY / 4) * i;
    parts.push(`<text x="${left - 4}" y="${py(v) + 4}" font-size="10" text-anchor="end">${Math.round(v)}</text>`);
    parts.push(`<line x1="${left}" y1="${py(v)}" x2="${left + plotW}" y2="${py(v)}" stroke="#eee"/>`);
  }
  parts.push(`<text x="${left + plotW}" y="${top + h + 14}" font-size="10" text-anchor="end">${Math.round(maxX)} s</text>`);
  parts.push(`<text x="${left}" y="${top + h + 14}" font-size="10">0</text>`);
  series.forEach((s, i) => {
    const color = COLORS.line[i % COLORS.line.length];
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${s.points.map(([a, b]) => `${px(a).toFixed(1)},${py(b).toFixed(1)}`).join(' ')}"/>`);
    parts.push(`<text x="${left + 10 + i * 170}" y="${top + h + 30}" font-size="11" fill="${color}">■ ${esc(s.label)} (${unit})</text>`);
  });
  return { svg: parts.join('\n'), height: h + 70 };
}

/** A chart of throughput (ours vs raw BullMQ), latency, memory over time and console latency. */
export function chart(results: BenchResults): string {
  const s = results.scenarios as Any;
  const w = 900;
  let y = 40;
  const panels: string[] = [];
  const push = (panel: { svg: string; height: number }) => {
    if (!panel.svg) return;
    panels.push(panel.svg);
    y += panel.height + 24;
  };
  const b = s.baseline ?? {};
  push(
    barPanel(20, y, w - 40, 'Throughput, jobs/s — Switchyard (blue) vs raw BullMQ (grey), same run', [
      { label: 'ingest, sustained (×3 jobs)', value: num(s.ingest?.maxSustainedJobsPerSec), color: COLORS.ours },
      { label: 'raw Queue.add', value: num(b.queueAdd?.jobsPerSec), color: COLORS.raw },
      { label: 'batch 100/call (×3 jobs)', value: num(s.batch?.['100']?.jobsPerSec), color: COLORS.ours },
      { label: 'raw addBulk(100)', value: num(b.addBulk?.['100']?.jobsPerSec), color: COLORS.raw },
      { label: 'batch 1000/call (×3 jobs)', value: num(s.batch?.['1000']?.jobsPerSec), color: COLORS.ours },
      { label: 'raw addBulk(1000)', value: num(b.addBulk?.['1000']?.jobsPerSec), color: COLORS.raw },
      { label: 'end to end, no-op, sustained', value: num(s.endToEnd?.maxSustainedJobsPerSec), color: COLORS.ours },
      { label: 'worker drain, no-op', value: num(s.drain?.jobsPerSec), color: COLORS.ours },
      { label: 'raw Worker, no-op', value: num(b.worker?.jobsPerSec), color: COLORS.raw },
      { label: 'handler with ctx.once() (1 queue)', value: num(s.idempotent?.guarded?.jobsPerSec), color: COLORS.ours },
      { label: 'no-op handler (1 queue)', value: num(s.idempotent?.noop?.jobsPerSec), color: COLORS.ours },
    ], ''),
  );
  if (s.peers) {
    const ceiling = ceilingAtMostClients(results);
    push(
      barPanel(20, y, w - 40, 'Ingest, events/s sustained — Switchyard (blue) vs what teams use instead (grey), same run', [
        { label: 'Switchyard', value: num(s.ingest?.maxSustainedEventsPerSec), color: COLORS.ours },
        { label: 'raw BullMQ + HTTP (not durable)', value: num(s.peers.bullmqHttp?.maxSustainedEventsPerSec), color: COLORS.raw },
        { label: 'graphile-worker + HTTP', value: num(s.peers.graphileWorker?.maxSustainedEventsPerSec), color: COLORS.raw },
        { label: 'pg-boss + HTTP', value: num(s.peers.pgBoss?.maxSustainedEventsPerSec), color: COLORS.raw },
        { label: `Postgres ceiling (pgbench, ${ceiling?.clients ?? '?'} clients)`, value: num(ceiling?.eventsPerSec), color: COLORS.raw },
      ], ''),
    );
  }
  const e = s.endToEnd?.at50?.acceptedToHandlerStartMs;
  push(
    barPanel(20, y, w - 40, 'Latency, ms', [
      { label: 'ingest p50 at 50 %', value: num(s.ingest?.at50?.latencyMs?.p50), color: COLORS.ours },
      { label: 'ingest p99 at 50 %', value: num(s.ingest?.at50?.latencyMs?.p99), color: COLORS.ours },
      { label: 'ingest p50 at 80 %', value: num(s.ingest?.at80?.latencyMs?.p50), color: COLORS.ours },
      { label: 'ingest p99 at 80 %', value: num(s.ingest?.at80?.latencyMs?.p99), color: COLORS.ours },
      { label: 'accepted → handler start p50', value: num(e?.p50), color: num(e?.p50) !== null && e.p50 <= 5 ? COLORS.good : COLORS.bad, note: '(target ≤ 5)' },
      { label: 'accepted → handler start p95', value: num(e?.p95), color: COLORS.ours },
      { label: 'accepted → handler start p99', value: num(e?.p99), color: num(e?.p99) !== null && e.p99 <= 25 ? COLORS.good : COLORS.bad, note: '(target ≤ 25)' },
    ], ' ms', { value: 25, label: '25 ms' }),
  );
  const samples: Any[] = s.memory?.samples ?? [];
  push(
    linePanel(20, y, w - 40, `Memory during the sustained run at ${s.memory?.ratePerSec ?? '?'} events/s`, [
      { label: 'api RSS', points: samples.map((p) => [p.t, p.apiRssMb]) },
      { label: 'worker RSS', points: samples.map((p) => [p.t, p.workerRssMb]) },
      { label: 'Redis used_memory', points: samples.map((p) => [p.t, p.redisUsedMemoryMb]) },
    ], 'MB'),
  );
  const stored = s.console?.stored;
  push(
    barPanel(
      20,
      y,
      w - 40,
      `Console endpoints p95, ms (${stored ? `${Number(stored.events).toLocaleString('en')} events, ${Number(stored.dead_letters).toLocaleString('en')} dead letters` : 'not measured'})`,
      Object.values<Any>(s.console?.endpoints ?? {}).map((endpoint) => ({
        label: `GET ${endpoint.path}`,
        value: num(endpoint.latencyMs?.p95),
        color: num(endpoint.latencyMs?.p95) !== null && endpoint.latencyMs.p95 <= 50 ? COLORS.good : COLORS.bad,
      })),
      ' ms',
      { value: 50, label: '50 ms target' },
    ),
  );
  const m = results.machine;
  const header = `<text x="20" y="24" font-size="15" font-weight="bold">${esc(`Switchyard benchmark, ${results.startedAt.slice(0, 10)} (${results.mode}): ${m.cores} cores, Node ${m.node}, Redis ${m.redis}, Postgres ${m.postgres}`)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${y}" viewBox="0 0 ${w} ${y}" font-family="Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="white"/>
${header}
${panels.join('\n')}
</svg>
`;
}
