// node bench/dist/profile-summary.js FILE.cpuprofile [--top N]
// Summarises a V8 CPU profile (node --cpu-prof, or npm run bench -- --profile):
// self time by function and by package/file, so hot spots read as names.
import { readFile } from 'node:fs/promises';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const match = /\/(libs|apps|bench)\/([^/]+)\/(?:dist|src)\/(.*)$/.exec(path);
  if (match) return `${match[1]}/${match[2]}/${match[3]}`;
  if (path.startsWith('node:')) return path;
  return path.split('/').slice(-2).join('/');
}

function pkgOf(place: string): string {
  const match = /^(libs|apps|bench)\/([^/]+)\//.exec(place);
  return match ? `@switchyard/${match[2]}` : place.startsWith('node:') ? 'node internals' : place;
}

export async function summariseProfile(file: string, top = 25): Promise<string> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let idle = 0;
  for (const [id, micros] of self) {
    const node = byId.get(id)!;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') idle += micros;
    const place = where(node.callFrame.url);
    const key = `${name}  ${place}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + micros);
    const pkg = name === '(garbage collector)' ? '(garbage collector)' : name === '(idle)' ? '(idle)' : name === '(program)' ? '(program)' : pkgOf(place);
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
  }
  const busy = total - idle;
  const pct = (micros: number) => `${((micros / busy) * 100).toFixed(1).padStart(5)} %`;
  const lines = [
    `${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy time)`,
    '',
    'self time by package:',
    ...[...packages].filter(([name]) => name !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, micros]) => `  ${pct(micros)}  ${name}`),
    '',
    'self time by function:',
    ...[...functions].filter(([name]) => !name.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, micros]) => `  ${pct(micros)}  ${name}`),
  ];
  return lines.join('\n');
}

/** Total time (self + callees) of every frame whose function or file matches `pattern`, as a share of busy time. */
export async function inclusive(file: string, pattern: RegExp): Promise<Array<[string, number]>> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    if (byId.get(id)?.callFrame.functionName === '(idle)') return;
    busy += micros;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      const key = `${frame.functionName || '(anonymous)'}  ${where(frame.url)}`;
      if (!pattern.test(key) || seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + micros);
    }
  });
  return [...totals].map(([key, micros]): [string, number] => [key, Math.round((micros / busy) * 1000) / 10]).sort((a, b) => b[1] - a[1]);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const file = args.find((arg) => !arg.startsWith('--'));
  const topIndex = args.indexOf('--top');
  const grep = args.indexOf('--inclusive');
  if (!file) {
    console.error('usage: node bench/dist/profile-summary.js FILE.cpuprofile [--top N] [--inclusive REGEX]');
    process.exit(2);
  }
  (grep >= 0
    ? inclusive(file, new RegExp(args[grep + 1])).then((rows) => rows.slice(0, 40).map(([key, pct]) => `${String(pct).padStart(5)} %  ${key}`).join('\n'))
    : summariseProfile(file, topIndex >= 0 ? Number(args[topIndex + 1]) : 25)
  ).then(console.log, (error) => {
    console.error(error);
    process.exit(1);
  });
}
