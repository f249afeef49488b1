import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** A program or library some specs need that npm does not install. */
export type TestTool = 'promtool' | 'chromium' | 'pgbouncer' | 'faketime';

export interface TestPrerequisite {
  tool: TestTool;
  /** The Debian package that provides it. */
  debianPackage: string;
  /** Points at it instead of the usual places; when set, only there counts. */
  override: string;
  /** Where it usually is: absolute paths, or a bare name looked up on PATH. */
  candidates: string[];
  /** What needs it, for the message when it is missing. */
  neededBy: string;
  /** The service the Debian package starts on install; stopped again, as the specs run their own. */
  service?: string;
}

/**
 * Everything the specs need beyond Node, Redis and Postgres. `npm test`
 * installs the missing ones with apt-get when it can
 * (scripts/test-prerequisites.mjs); the specs that need one declare it with
 * `needs()`, so without it they are skipped with the reason, not failed.
 */
export const TEST_PREREQUISITES: readonly TestPrerequisite[] = [
  { tool: 'promtool', debianPackage: 'prometheus', override: 'PROMTOOL_BIN', candidates: ['promtool'], neededBy: 'e2e/src/metrics.e2e-spec.ts', service: 'prometheus' },
  { tool: 'chromium', debianPackage: 'chromium', override: 'CHROMIUM_PATH', candidates: ['/usr/bin/chromium'], neededBy: 'the console specs (e2e/src/console*.e2e-spec.ts)' },
  {
    tool: 'pgbouncer',
    debianPackage: 'pgbouncer',
    override: 'PGBOUNCER_BIN',
    candidates: ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'],
    neededBy: 'e2e/src/pgbouncer.e2e-spec.ts',
    service: 'pgbouncer',
  },
  {
    tool: 'faketime',
    debianPackage: 'faketime',
    override: 'LIBFAKETIME',
    candidates: ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1'],
    neededBy: 'faults/src/clock-skew.fault-spec.ts',
  },
];

function prerequisite(tool: TestTool): TestPrerequisite {
  const found = TEST_PREREQUISITES.find((entry) => entry.tool === tool);
  if (!found) throw new Error(`Unknown test tool "${tool}"; known: ${TEST_PREREQUISITES.map((entry) => entry.tool).join(', ')}`);
  return found;
}

/** Where `tool` is: its override when set (and only there), else the first usual place it exists. */
export function locateTool(tool: TestTool): string | null {
  const { override, candidates } = prerequisite(tool);
  const chosen = process.env[override];
  if (chosen) return usable(chosen) ? chosen : null;
  for (const candidate of candidates) {
    if (isAbsolute(candidate)) {
      if (usable(candidate)) return candidate;
      continue;
    }
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (dir && usable(join(dir, candidate))) return join(dir, candidate);
    }
  }
  return null;
}

function usable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    // A shared library (libfaketime) is preloaded, not run: readable is enough.
    accessSync(path, /\.so(\.\d+)*$/.test(path) ? constants.R_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why `tool` cannot be used, with what fixes it ("promtool missing (apt-get install -y prometheus)"), or null when it can. */
export function missingToolReason(tool: TestTool): string | null {
  if (locateTool(tool)) return null;
  const { override, debianPackage } = prerequisite(tool);
  const chosen = process.env[override];
  return chosen ? `${tool} missing (${override}=${chosen} is not there)` : `${tool} missing (apt-get install -y ${debianPackage})`;
}

/** Whether a missing tool fails the run instead of skipping its specs: in CI, which must not lose coverage silently. */
export function missingToolsFail(): boolean {
  return process.env.CI === 'true';
}

/**
 * Options for a `describe` or `it` whose tests need `tools`: skipped, with
 * the reason and the install command, when one is missing. With CI=true
 * nothing is skipped: the tests run and fail where they ask for the tool
 * (`toolPath`), with the same reason.
 */
export function needs(...tools: TestTool[]): { skip: string | false } {
  if (missingToolsFail()) return { skip: false };
  const reasons = tools.map(missingToolReason).filter((reason): reason is string => reason !== null);
  return { skip: reasons.length ? reasons.join('; ') : false };
}

/** The path of `tool`; throws with the reason and the fix when it is missing. */
export function toolPath(tool: TestTool): string {
  const path = locateTool(tool);
  if (path) return path;
  const ci = missingToolsFail() ? '; CI=true: a missing test prerequisite fails the run' : '';
  throw new Error(`${missingToolReason(tool)}, needed by ${prerequisite(tool).neededBy}${ci}`);
}
