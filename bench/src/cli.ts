// npm run bench [-- --smoke] [--only ingest,batch] [--out file.json] [--profile]
//               [--memory-seconds N] [--latency-rates 150,300,600] [--database-url URL] [--redis-url URL] [--pgbench PATH]
// Runs the benchmark suite (docs/performance.md), prints a table, writes the
// results as JSON (bench/results/<ISO time>.json) and a chart beside it (.svg).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ROOT } from './infra.js';
import { chart, computeRatios, judgeTargets, table } from './report.js';
import { runBench, SCENARIOS, type ScenarioName } from './run.js';
import { FULL, SMOKE } from './settings.js';

function argValue(args: string[], name: string): string | undefined {
  const index = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (index < 0) return undefined;
  const arg = args[index];
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[index + 1];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log(`usage: npm run bench [-- --smoke] [--only ${SCENARIOS.join(',')}] [--out FILE] [--profile] [--memory-seconds N] [--latency-rates R1,R2,…] [--pgbench PATH]`);
    return;
  }
  const smoke = args.includes('--smoke');
  const settings = { ...(smoke ? SMOKE : FULL) };
  const memorySeconds = argValue(args, '--memory-seconds');
  if (memorySeconds) settings.memorySeconds = Number(memorySeconds);
  const latencyRates = argValue(args, '--latency-rates');
  if (latencyRates) settings.latencyRates = latencyRates.split(',').map(Number).filter((rate) => rate > 0);
  const only = argValue(args, '--only');
  const selected = only ? new Set(only.split(',').map((name) => name.trim()) as ScenarioName[]) : null;
  for (const name of selected ?? []) if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.join(', ')}`);
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const out = resolve(argValue(args, '--out') ?? join(ROOT, 'bench', 'results', smoke ? `${stamp}-smoke.json.tmp` : `${stamp}.json`));
  const profileDir = args.includes('--profile') ? join(dirname(out), `profiles-${stamp}`) : null;
  const base = (process.env.BENCH_DATABASE_URL ?? argValue(args, '--database-url') ?? `postgresql://postgres@127.0.0.1:5432/switchyard_bench${smoke ? '_smoke' : ''}`).replace(/\/$/, '');
  const databaseUrl = base;
  const consoleDatabaseUrl = base.replace(/\/([^/?]+)(\?.*)?$/, (_, name: string, query = '') => `/${name}_console${query}`);
  const redisUrl = process.env.BENCH_REDIS_URL ?? argValue(args, '--redis-url') ?? 'redis://127.0.0.1:6379';
  const pgbench = process.env.BENCH_PGBENCH ?? argValue(args, '--pgbench') ?? 'pgbench';
  const prefix = smoke ? `{sy-bench-smoke-${process.pid}}` : '{sy-bench}';
  const started = Date.now();
  const log = (line: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  log(`${settings.mode} run: database ${databaseUrl} (console: ${consoleDatabaseUrl}), Redis ${redisUrl}, prefix ${prefix}`);
  const results = await runBench({ settings, databaseUrl, consoleDatabaseUrl, redisUrl, prefix, pgbench, only: selected, profileDir, log });
  results.ratios = computeRatios(results);
  results.targets = judgeTargets(results);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  const svg = out.replace(/\.json(\.tmp)?$/, '.svg$1');
  await writeFile(svg === out ? `${out}.svg` : svg, chart(results));
  console.log(`\n${table(results)}\n`);
  console.log(`results: ${out}`);
  console.log(`chart:   ${svg === out ? `${out}.svg` : svg}`);
  if (profileDir) console.log(`profiles: ${profileDir} (node bench/dist/profile-summary.js <file>)`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
