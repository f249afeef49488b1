import { type Dockerfile, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate as validateDockerfile } from 'dockerfile-utils';
import { run as dockerfilelint } from 'dockerfilelint';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readRepoFile, root } from './deploy-files.js';

const DOCKERFILE = 'deploy/docker/Dockerfile';
const TARGETS = { api: '/health/ready', worker: '/health/ready', console: '/api/health' } as const;

/**
 * dockerfilelint (the linter) predates multi-stage builds and
 * HEALTHCHECK --start-period; these two findings are its misreadings, each
 * checked to be exactly that. Anything else it reports fails the test.
 */
function isKnownMisreading(item: { rule: string; line: number }, lines: string[], stages: Set<string>): boolean {
  const text = lines[item.line - 1] ?? '';
  if (item.rule === 'missing_tag') return stages.has(/^FROM\s+(\S+)/i.exec(text)?.[1] ?? ''); // "FROM <earlier stage>"
  if (item.rule === 'invalid_format') return /^HEALTHCHECK\s.*--start-period=\d+s/.test(text.replace(/\\$/, '')); // its option regex stops at "-"
  return false;
}

/** Every linter finding worth failing for: dockerfile-utils' diagnostics and dockerfilelint's items. */
function lint(content: string): string[] {
  const lines = content.split('\n');
  const stages = new Set(DockerfileParser.parse(content).getFROMs().map((from) => from.getBuildStage()).filter((name): name is string => !!name));
  return [
    ...validateDockerfile(content).map((diagnostic) => `dockerfile-utils line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`),
    ...dockerfilelint(join(root, 'deploy', 'docker'), content)
      .filter((item) => !isKnownMisreading(item, lines, stages))
      .map((item) => `dockerfilelint line ${item.line}: ${item.rule} (${item.title})`),
  ];
}

/** The instructions that make up stage `name`: its parent stages' first, then its own. */
function stageChain(dockerfile: Dockerfile, name: string): Instruction[] {
  const stages = new Map<string, { base: string; instructions: Instruction[] }>();
  let current: { base: string; instructions: Instruction[] } | null = null;
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const [base, , alias] = instruction.getArguments().map((argument) => argument.getValue());
      current = { base, instructions: [] };
      if (alias) stages.set(alias, current);
    } else current?.instructions.push(instruction);
  }
  const stage = stages.get(name);
  if (!stage) throw new Error(`${DOCKERFILE} has no stage "${name}"`);
  return [...(stages.has(stage.base) ? stageChain(dockerfile, stage.base) : []), ...stage.instructions];
}

const last = (chain: Instruction[], keyword: string) => chain.filter((instruction) => instruction.getKeyword() === keyword).at(-1);
const argumentsOf = (instruction: Instruction | undefined) => instruction?.getArgumentsContent() ?? '';

function workspaceDirs(): string[] {
  const patterns = (JSON.parse(readRepoFile('package.json')) as { workspaces: string[] }).workspaces;
  return patterns.flatMap((pattern) => (pattern.endsWith('/*') ? readdirSync(join(root, pattern.slice(0, -2))).map((name) => `${pattern.slice(0, -2)}/${name}`) : [pattern]));
}

describe('container images (deploy/docker/Dockerfile)', () => {
  const content = readRepoFile(DOCKERFILE);
  const dockerfile = DockerfileParser.parse(content);

  it('passes dockerfile-utils and dockerfilelint', () => {
    assert.deepEqual(lint(content), []);
  });

  it('lints with teeth: the same linters reject a broken Dockerfile', () => {
    const broken = 'FROM node\nHEALTHCHECK --intervl=5s CMD true\nSTOPSIGNAL SIGNOPE\nEXPOSE port\nfrom node:20 AS x\nRUN apt-get install curl\n';
    const findings = lint(broken);
    assert.ok(findings.some((finding) => finding.startsWith('dockerfile-utils') && /intervl/.test(finding)), findings.join('\n'));
    assert.ok(findings.some((finding) => finding.includes('missing_tag')), findings.join('\n'));
    assert.ok(findings.length >= 4, findings.join('\n'));
  });

  for (const [target, healthPath] of Object.entries(TARGETS)) {
    it(`target ${target}: small base, non-root, SIGTERM, a HEALTHCHECK on ${healthPath} without curl`, () => {
      const chain = stageChain(dockerfile, target);
      const from = dockerfile.getFROMs().find((instruction) => instruction.getBuildStage() === target)!;
      // Follow "FROM <stage>" down to the image the runtime really starts from.
      let base = from.getImageName() ?? '';
      while (dockerfile.getFROMs().some((instruction) => instruction.getBuildStage() === base)) {
        base = dockerfile.getFROMs().find((instruction) => instruction.getBuildStage() === base)!.getImageName() ?? '';
      }
      const baseFrom = dockerfile.getFROMs().find((instruction) => instruction.getImageName() === base)!;
      assert.match(`${base}:${baseFrom.getImageTag()}`, /^node:\d+[\w.-]*-slim$/, 'a slim Node image');

      const user = argumentsOf(last(chain, 'USER'));
      assert.ok(user && !/^(root|0)(:|$)/.test(user), `runs as a non-root user, not "${user}"`);
      assert.equal(argumentsOf(last(chain, 'STOPSIGNAL')), 'SIGTERM');
      const healthcheck = argumentsOf(last(chain, 'HEALTHCHECK'));
      assert.ok(healthcheck.includes(healthPath), healthcheck);
      assert.match(healthcheck, /CMD \["node", "-e", .*fetch\(/);
      assert.doesNotMatch(healthcheck, /\b(curl|wget)\b/);
      // The runtime stages only copy: no package manager, no compiler at run time.
      assert.deepEqual(chain.filter((instruction) => instruction.getKeyword() === 'RUN').map(argumentsOf), []);
    });
  }

  it('takes dependencies into a runtime image only from an install without dev dependencies', () => {
    const dependencySources = new Set<string>();
    for (const target of Object.keys(TARGETS)) {
      for (const copy of stageChain(dockerfile, target).filter((instruction) => instruction.getKeyword() === 'COPY')) {
        // The raw line: dockerfile-ast keeps flags such as --from apart from the arguments.
        const words = copy.getTextContent().trim().split(/\s+/).slice(1);
        const source = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
        if (!source) continue;
        const paths = words.filter((word) => !word.startsWith('--')).slice(0, -1);
        const installs = stageChain(dockerfile, source).filter((instruction) => instruction.getKeyword() === 'RUN' && /npm ci/.test(argumentsOf(instruction)));
        if (installs.every((run) => /--omit=dev/.test(argumentsOf(run)) && /--workspace=/.test(argumentsOf(run))) && installs.length > 0) {
          dependencySources.add(`${target}<-${source}`);
          continue;
        }
        // From a stage with dev dependencies: compiled output only, never its node_modules or its whole tree.
        for (const path of paths) assert.ok(!/node_modules/.test(path) && !/^\/app\/?$/.test(path), `${target}: COPY --from=${source} ${path}`);
      }
    }
    assert.deepEqual([...dependencySources].sort(), ['api<-app-deps', 'worker<-app-deps']);
  });

  it('copies every workspace manifest before each npm ci, so the lockfile matches', () => {
    for (const stage of ['build', 'manifests']) {
      const copied = stageChain(dockerfile, stage).filter((instruction) => instruction.getKeyword() === 'COPY').map(argumentsOf).join('\n');
      for (const dir of workspaceDirs()) assert.match(copied, new RegExp(`(^|[ /])${dir}/package\\.json ${dir}/`, 'm'), `stage ${stage} copies ${dir}/package.json`);
    }
  });
});
