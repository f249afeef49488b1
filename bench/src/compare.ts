// npm run bench:compare -- <git ref> [--only ingest,endToEnd] [--rounds N] [--smoke]
//                          [--quiet-cores X] [--base-dir DIR] [--out FILE]
//                          [--database-server URL] [--redis-url URL]
// Runs the benchmark on another ref and on this checkout, alternating which
// goes first, N rounds, and prints each figure's median head/base ratio with
// its spread: a comparison that survives a noisy machine, as far as rounds
// can make it (bench/README.md).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { compareRounds, comparisonTable, type RunLoad, type SideRun } from './compare-report.js';
import { machineBusySeconds, ROOT, waitForQuiet } from './infra.js';

interface Options {
  ref: string;
  only: string;
  rounds: number;
  smoke: boolean;
  quietCores: number;
  coolLoad: number;
  baseDir: string | null;
  out: string;
  /** The Postgres server the two sides' databases (switchyard_bench_base, _head) are made on. */
  databaseServer: string;
  redisUrl: string;
}

const USAGE = `usage: npm run bench:compare -- <git ref> [--only ingest,endToEnd] [--rounds 2] [--smoke] [--quiet-cores 0.3] [--base-dir DIR] [--out FILE]
  <git ref>        what to compare this checkout with (a commit, a branch, main~3)
  --only           the scenarios to run on both (default ingest,endToEnd)
  --rounds         how many times each side runs, alternating which goes first (default 2)
  --smoke          the suite's smoke settings (seconds, not minutes: checks the comparison, measures nothing)
  --cool-load      wait (up to 5 min) before each run until the 1-minute load average is below this (default 0.6 × cores)
  --quiet-cores    then wait (up to 2 min) until fewer cores than this are busy over a second (default 0.3)
  --base-dir       a checkout of the ref already built (npm ci, generate, build); default: a worktree under ${tmpdir()}
  --out            the comparison's JSON (default bench/results/compare-<time>.json)
  --database-server  where each side gets a database of its own (default postgresql://postgres@127.0.0.1:5432)
  --redis-url      default redis://127.0.0.1:6379`;

function parse(args: string[]): Options | null {
  if (args.includes('--help') || args.length === 0) return null;
  const value = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const flags = new Set(['--only', '--rounds', '--cool-load', '--quiet-cores', '--base-dir', '--out', '--database-server', '--redis-url']);
  const positional = args.filter((arg, i) => !arg.startsWith('--') && !flags.has(args[i - 1] ?? ''));
  if (positional.length !== 1) throw new Error(`give one git ref to compare with\n${USAGE}`);
  const rounds = Number(value('--rounds') ?? 2);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be an integer ≥ 1');
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return {
    ref: positional[0],
    only: value('--only') ?? 'ingest,endToEnd',
    rounds,
    smoke: args.includes('--smoke'),
    quietCores: Number(value('--quiet-cores') ?? 0.3),
    coolLoad: Number(value('--cool-load') ?? 0.6 * cpus().length),
    baseDir: value('--base-dir') ? resolve(value('--base-dir')!) : null,
    out: resolve(value('--out') ?? join(ROOT, 'bench', 'results', `compare-${stamp}.json`)),
    databaseServer: (value('--database-server') ?? 'postgresql://postgres@127.0.0.1:5432').replace(/\/$/, ''),
    redisUrl: value('--redis-url') ?? 'redis://127.0.0.1:6379',
  };
}

function git(args: string[], cwd = ROOT): string {
  const run = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr.trim()}`);
  return run.stdout.trim();
}

/** Runs a step of the base's build, failing with its output. */
function step(label: string, command: string, args: string[], cwd: string): void {
  console.log(`[compare] ${label}`);
  const run = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (run.status !== 0) throw new Error(`${label} failed in ${cwd}:\n${run.stdout}\n${run.stderr}`);
}

/** A worktree of `sha`, installed and built once (a marker file says so), reused by later comparisons with the same commit. */
function builtWorktree(sha: string): string {
  const dir = join(tmpdir(), `switchyard-bench-${sha.slice(0, 12)}`);
  const marker = join(dir, '.bench-built');
  if (existsSync(marker)) return dir;
  if (existsSync(dir)) git(['worktree', 'remove', '--force', dir]);
  git(['worktree', 'prune']);
  git(['worktree', 'add', '--detach', dir, sha]);
  step(`npm ci in ${dir}`, 'npm', ['ci', '--no-audit', '--no-fund'], dir);
  step('prisma generate', process.execPath, ['scripts/prisma-generate.mjs'], dir);
  step('build', process.execPath, ['scripts/build.mjs'], dir);
  spawnSync('touch', [marker]);
  return dir;
}

/** One run of the suite in `dir`, with how busy the machine was around it. */
/**
 * Waits until the machine has cooled down from whatever ran before (the
 * previous run, most often): a second of quiet right after a run is not
 * enough, and the run after it measured slower whichever side it was.
 */
async function coolDown(options: Options): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (loadavg()[0] >= options.coolLoad && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5_000));
}

async function runSide(dir: string, options: Options, side: 'base' | 'head', round: number, order: number, outDir: string): Promise<SideRun> {
  await coolDown(options);
  const quiet = await waitForQuiet(options.quietCores, 120_000);
  const results = join(outDir, `${side}-${round}.json`);
  // Each side on a database of its own: neither inherits the other's tables, statistics or bloat.
  const database = `${options.databaseServer}/switchyard_bench_${side}${options.smoke ? '_smoke' : ''}`;
  const args = ['--conditions=switchyard-internal', '--enable-source-maps', 'bench/dist/cli.js', '--only', options.only, '--out', results, '--database-url', database, '--redis-url', options.redisUrl];
  if (options.smoke) args.push('--smoke');
  const loadAverageBefore = loadavg()[0];
  const busyBefore = await machineBusySeconds();
  const started = Date.now();
  console.log(`[compare] round ${round}, ${side} (${order === 1 ? 'first' : 'second'}): ${dir}; ${quiet.busyCores} cores busy before`);
  const code = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, args, { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', done);
  });
  if (code !== 0) throw new Error(`the ${side} run of round ${round} exited ${code}`);
  const seconds = (Date.now() - started) / 1000;
  const load: RunLoad = {
    busyCoresBefore: quiet.busyCores,
    loadAverageBefore: round2(loadAverageBefore),
    loadAverageAfter: round2(loadavg()[0]),
    busyCoresDuring: round2(((await machineBusySeconds()) - busyBefore) / seconds),
    seconds: round2(seconds),
  };
  return { side, round, order, results, load };
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  if (!options) {
    console.log(USAGE);
    return;
  }
  const baseSha = git(['rev-parse', `${options.ref}^{commit}`]);
  const headSha = git(['rev-parse', 'HEAD']);
  const headDirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  const baseDir = options.baseDir ?? builtWorktree(baseSha);
  const outDir = options.out.replace(/\.json$/, '');
  await mkdir(outDir, { recursive: true });
  const runs: SideRun[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    // Base first in odd rounds, head first in even ones: whatever the order does to a run falls on both sides.
    const order: Array<['base' | 'head', string]> = round % 2 === 1 ? [['base', baseDir], ['head', ROOT]] : [['head', ROOT], ['base', baseDir]];
    for (const [index, [side, dir]] of order.entries()) runs.push(await runSide(dir, options, side, round, index + 1, outDir));
  }
  const read = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as unknown;
  const rounds = [];
  for (let round = 1; round <= options.rounds; round++) {
    const of = (side: 'base' | 'head') => runs.find((run) => run.round === round && run.side === side)!.results;
    rounds.push({ base: await read(of('base')), head: await read(of('head')) });
  }
  const figures = compareRounds(rounds);
  const report = {
    base: { ref: options.ref, sha: baseSha, dir: baseDir },
    head: { sha: headSha, uncommittedChanges: headDirty, dir: ROOT },
    scenarios: options.only.split(','),
    rounds: options.rounds,
    smoke: options.smoke,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
    runs,
    figures,
  };
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nhead ${headSha.slice(0, 10)}${headDirty ? ' (with uncommitted changes)' : ''} against ${options.ref} (${baseSha.slice(0, 10)}), ${options.rounds} rounds, ${report.machine.cpu} × ${report.machine.cores}\n`);
  console.log(comparisonTable(figures));
  console.log('\nhow busy the machine was (cores busy before → during, load average before → after):');
  for (const run of runs) console.log(`  round ${run.round} ${run.side.padEnd(4)} ${run.load.busyCoresBefore} → ${run.load.busyCoresDuring} cores, load ${run.load.loadAverageBefore} → ${run.load.loadAverageAfter}, ${run.load.seconds} s`);
  console.log(`\ncomparison: ${options.out}`);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
