import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { locateTool, needs, toolPath } from './prerequisites.js';

describe('test prerequisites', () => {
  const saved = { PATH: process.env.PATH, CI: process.env.CI, PROMTOOL_BIN: process.env.PROMTOOL_BIN };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sy-tools-'));
    delete process.env.CI;
    delete process.env.PROMTOOL_BIN;
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const anExecutable = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, 0o755);
    return path;
  };

  it('finds a program on PATH, and only where its override points when that is set', () => {
    const promtool = anExecutable('promtool');
    process.env.PATH = dir;
    assert.equal(locateTool('promtool'), promtool);
    assert.deepEqual(needs('promtool'), { skip: false });
    process.env.PROMTOOL_BIN = join(dir, 'elsewhere');
    assert.equal(locateTool('promtool'), null, 'the override wins over PATH');
    process.env.PROMTOOL_BIN = promtool;
    assert.equal(toolPath('promtool'), promtool);
  });

  it('skips what needs a missing tool, saying how to install it', () => {
    process.env.PATH = dir;
    assert.deepEqual(needs('promtool'), { skip: 'promtool missing (apt-get install -y prometheus)' });
    process.env.PROMTOOL_BIN = '/nonexistent/promtool';
    assert.deepEqual(needs('promtool'), { skip: 'promtool missing (PROMTOOL_BIN=/nonexistent/promtool is not there)' });
    assert.throws(() => toolPath('promtool'), /^Error: promtool missing \(PROMTOOL_BIN=\/nonexistent\/promtool is not there\), needed by e2e\/src\/metrics\.e2e-spec\.ts$/);
  });

  it('with CI=true skips nothing: the tests fail where they ask for the tool', () => {
    process.env.PATH = dir;
    process.env.CI = 'true';
    assert.deepEqual(needs('promtool'), { skip: false });
    assert.throws(() => toolPath('promtool'), /promtool missing \(apt-get install -y prometheus\).*CI=true: a missing test prerequisite fails the run/);
  });
});
