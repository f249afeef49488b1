// `npm run bench:compare` in smoke mode, this checkout against itself
// (--base-dir: no worktree to build), two rounds: the comparison's
// bookkeeping, not its numbers. Alternating order, each run's load, and the
// medians computed from the rounds' own results.
import { INTERNAL_CONDITION, testDatabaseUrl, testRedisUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..');

interface Comparison {
  head: { sha: string };
  base: { sha: string; ref: string };
  runs: Array<{ side: string; round: number; order: number; results: string; load: Record<string, number> }>;
  figures: Array<{ path: string; base: number[]; head: number[]; ratios: number[]; median: number; min: number; max: number }>;
}

describe('bench:compare, smoke mode', () => {
  it('runs both sides in alternating order, records the machine around each run, and takes medians of the per-round ratios', { timeout: 175_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-compare-'));
    const out = join(dir, 'comparison.json');
    const server = new URL(testDatabaseUrl());
    server.pathname = '';
    try {
      const args = [INTERNAL_CONDITION, join(root, 'bench', 'dist', 'compare.js'), 'HEAD', '--base-dir', root, '--only', 'ingest', '--rounds', '2', '--smoke', '--quiet-cores', '99', '--cool-load', '99'];
      const child = spawn(process.execPath, [...args, '--out', out, '--database-server', server.toString().replace(/\/$/, ''), '--redis-url', testRedisUrl()], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 0, output.slice(-6000));
      assert.match(output, /figure +median +spread/, 'prints the table');
      assert.match(output, /how busy the machine was/);

      const comparison = JSON.parse(await readFile(out, 'utf8')) as Comparison;
      assert.equal(comparison.base.sha, comparison.head.sha);
      assert.deepEqual(
        comparison.runs.map((run) => [run.round, run.order, run.side]),
        [[1, 1, 'base'], [1, 2, 'head'], [2, 1, 'head'], [2, 2, 'base']],
      );
      for (const run of comparison.runs) {
        for (const key of ['busyCoresBefore', 'loadAverageBefore', 'loadAverageAfter', 'busyCoresDuring', 'seconds']) assert.ok(Number.isFinite(run.load[key]), `${run.side} ${run.round}: load.${key}`);
      }
      const closedLoop = comparison.figures.find((figure) => figure.path === 'scenarios.ingest.closedLoop.acceptedPerSec');
      assert.ok(closedLoop, JSON.stringify(comparison.figures.map((figure) => figure.path)));
      for (const round of [1, 2]) {
        const results = (side: string) => JSON.parse(readFileSync(comparison.runs.find((run) => run.round === round && run.side === side)!.results, 'utf8'));
        assert.equal(closedLoop.base[round - 1], results('base').scenarios.ingest.closedLoop.acceptedPerSec);
        assert.equal(closedLoop.head[round - 1], results('head').scenarios.ingest.closedLoop.acceptedPerSec);
        assert.equal(closedLoop.ratios[round - 1], Math.round((closedLoop.head[round - 1] / closedLoop.base[round - 1]) * 1000) / 1000);
      }
      const [a, b] = closedLoop.ratios;
      assert.equal(closedLoop.median, Math.round(((a + b) / 2) * 1000) / 1000);
      assert.deepEqual([closedLoop.min, closedLoop.max], [Math.min(a, b), Math.max(a, b)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
