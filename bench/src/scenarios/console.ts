import type { Context } from '../harness.js';
import { seedConsoleData } from '../console-seed.js';
import { prepareDatabase, withClient } from '../infra.js';
import { runToResult } from '../processes.js';
import { type LatencySummary, round } from '../stats.js';

/** Console endpoints' latency with a million events and a million dead letters stored. */
export async function console(ctx: Context): Promise<Record<string, unknown>> {
  const s = ctx.settings;
  const url = ctx.options.consoleDatabaseUrl;
  await prepareDatabase(url, { truncate: false });
  const seed = await seedConsoleData(url, s.consoleRows, (line) => ctx.log(`   ${line}`));
  const api = await ctx.startApi('console', url);
  try {
    const candidates = [
      { name: 'queues', path: '/v1/queues' },
      { name: 'deadLetters', path: '/v1/dead-letters' },
      { name: 'deadLettersOpen', path: '/v1/dead-letters?status=open' },
      { name: 'deadLetterGroups', path: '/v1/dead-letters/groups' },
      { name: 'deadLetterStats', path: '/v1/dead-letters/stats' },
      { name: 'events', path: '/v1/events' },
      { name: 'eventsByType', path: '/v1/events?type=order.shipped' },
    ];
    // Endpoints this build does not have (404/405) are left out rather than timed.
    const endpoints = [];
    for (const candidate of candidates) {
      const response = await fetch(`${api.origin}${candidate.path}`);
      await response.arrayBuffer();
      if (response.status === 200) endpoints.push(candidate);
      else ctx.log(`   ${candidate.path}: ${response.status}, not measured`);
    }
    const result = await runToResult<{ endpoints: Record<string, { path: string; latencyMs: LatencySummary; statusCodes: Record<string, number>; responseBytes: number }> }>(
      'load.main.js',
      { mode: 'console', origin: api.origin, endpoints, warmup: s.consoleWarmup, requests: s.consoleRequests },
    );
    for (const [name, endpoint] of Object.entries(result.endpoints)) {
      ctx.log(`   ${endpoint.path}: p50 ${endpoint.latencyMs.p50} ms, p95 ${endpoint.latencyMs.p95} ms`);
      void name;
    }
    const counts = await withClient(url, async (client) =>
      (await client.query('SELECT (SELECT count(*) FROM switchyard.events)::int AS events, (SELECT count(*) FROM switchyard.jobs)::int AS jobs, (SELECT count(*) FROM switchyard.dead_letters)::int AS dead_letters')).rows[0],
    );
    return { stored: counts, seeded: seed.seeded, seedSeconds: round(seed.seconds), requestsPerEndpoint: s.consoleRequests, endpoints: result.endpoints };
  } finally {
    await ctx.stop(api);
  }
}
