import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AppModuleError } from '../pipeline/app/app-declaration.js';
import { loadAppFile } from './app-file.js';

describe('loadAppFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-app-file-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, source: string) => {
    const path = join(dir, name);
    writeFileSync(path, source);
    return path;
  };

  it("takes the module a file exports as default (however it was compiled) or as AppModule", async () => {
    const tsDefault = file('ts-default.js', 'exports.__esModule = true; exports.default = class AppModule {};');
    assert.equal((await loadAppFile(tsDefault) as { name: string }).name, 'AppModule');
    const commonjs = file('commonjs.js', 'module.exports = class Root {};');
    assert.equal((await loadAppFile(commonjs) as { name: string }).name, 'Root');
    const named = file('named.js', 'exports.AppModule = class AppModule {}; exports.other = 1;');
    assert.equal((await loadAppFile(named) as { name: string }).name, 'AppModule');
    const dynamic = file('dynamic.mjs', 'class Billing {}\nexport default { module: Billing, imports: [] };');
    assert.equal((await loadAppFile(dynamic) as { module: { name: string } }).module.name, 'Billing');
  });

  it('says what is wrong: no --app, no file, no module exported, not a module', async () => {
    await assert.rejects(loadAppFile(undefined), (error: Error) => error instanceof AppModuleError && /--app \.\/dist\/app\.module\.js \(or SWITCHYARD_APP\)/.test(error.message));
    await assert.rejects(loadAppFile(join(dir, 'missing.js')), /no such file/);
    await assert.rejects(loadAppFile(file('none.js', 'exports.BillingModule = class BillingModule {};')), /exports no app module: export the root module as default .* It exports BillingModule/);
    await assert.rejects(loadAppFile(file('value.js', 'exports.default = 42;')), /its default export is not a Nest module/);
  });
});
