import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { freePort, runNode, type RunningProcess, toolPath, waitFor } from '@switchyard/testing';

const root = join(__dirname, '..', '..', '..');
const consoleDir = join(root, 'apps', 'console');
const next = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name === '.next' || name === 'node_modules') continue;
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestSource(path) : stat.mtimeMs);
  }
  return newest;
}

/** Builds the console (next build) unless a build newer than its sources exists. */
export function buildConsole(): void {
  const buildId = join(consoleDir, '.next', 'BUILD_ID');
  if (existsSync(buildId) && statSync(buildId).mtimeMs > newestSource(consoleDir)) return;
  const result = spawnSync(process.execPath, [next, 'build'], { cwd: consoleDir, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
}

/** `next start` on a free port, talking to the API at `apiUrl` with the API key `apiKey`. */
export async function startConsole(apiUrl: string, apiKey: string): Promise<{ url: string; process: RunningProcess; stop: () => Promise<void> }> {
  const port = await freePort();
  const process_ = runNode(next, { SWITCHYARD_API_URL: apiUrl, SWITCHYARD_API_KEY: apiKey, NEXT_TELEMETRY_DISABLED: '1', HOME: process.env.HOME ?? '/tmp' }, ['start', '-p', String(port), '-H', '127.0.0.1'], consoleDir);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the console to answer', async () => (await fetch(url).catch(() => null))?.status === 200, { timeoutMs: 30_000 });
  return {
    url,
    process: process_,
    stop: async () => {
      process_.child.kill('SIGTERM');
      await process_.exited;
    },
  };
}

/** Debian's Chromium (CHROMIUM_PATH to use another), headless, as the machine allows it (no sandbox, no background network); specs that launch it declare `needs('chromium')`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: toolPath('chromium'),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Where the console specs save their screenshots: docs/screenshots (the
 * README's pictures) only when UPDATE_SCREENSHOTS=1, else .test-output, so an
 * ordinary test run leaves the tree clean.
 */
export function screenshotDir(): string {
  const root = join(__dirname, '..', '..', '..');
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs', 'screenshots') : join(root, '.test-output', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
