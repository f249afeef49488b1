import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository root (this file runs from e2e/dist/deploy). */
export const root = join(__dirname, '..', '..', '..');

export const readRepoFile = (path: string): string => readFileSync(join(root, path), 'utf8');

/** A Kubernetes object as written in deploy/k8s; the specs read the fields they check. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // Manifests are untyped data here; the schemas check their shape, the specs read paths into them.
  spec?: any;
  data?: Record<string, string>;
}

export interface Manifest {
  file: string;
  object: K8sObject;
}

export const K8S_DIR = 'deploy/k8s';

/** Every object of every manifest in deploy/k8s but kustomization.yaml, with the file it came from. */
export function k8sManifests(): Manifest[] {
  const manifests: Manifest[] = [];
  for (const file of manifestFiles()) {
    for (const document of parseAllDocuments(readRepoFile(`${K8S_DIR}/${file}`))) {
      if (document.errors.length) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
      const object = document.toJS() as K8sObject | null;
      if (object) manifests.push({ file, object });
    }
  }
  return manifests;
}

export function manifestFiles(): string[] {
  return readdirSync(join(root, K8S_DIR))
    .filter((name) => /\.ya?ml$/.test(name) && name !== 'kustomization.yaml')
    .sort();
}

// kubernetes-models ships ES modules only (no `require` export) and swc compiles
// these specs to CommonJS, turning import() into require(); this keeps a real import().
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

type Model = new (data: unknown) => { validate(): void };

/**
 * The kubernetes-models class for an object's apiVersion and kind (KEDA's from
 * @kubernetes-models/keda); throws for a kind neither package knows, so a
 * manifest cannot slip past validation by being exotic.
 */
export async function modelFor(object: K8sObject): Promise<Model> {
  const module = object.apiVersion.startsWith('keda.sh/')
    ? `@kubernetes-models/keda/${object.apiVersion}`
    : `kubernetes-models/${object.apiVersion}`;
  const model = (await importEsm(module))[object.kind] as Model | undefined;
  if (!model) throw new Error(`No schema for ${object.apiVersion} ${object.kind} in ${module}`);
  return model;
}

/** Validates `object` against the Kubernetes (or KEDA) JSON schema; throws naming the field. */
export async function validateK8s(object: K8sObject): Promise<void> {
  const Model = await modelFor(object);
  new Model(object).validate();
}

/** The queue names in a worker container's `--queues a,b` (or `--queues=a,b`) arguments. */
export function queuesOf(args: string[] = []): string[] {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--queues') return splitQueues(args[i + 1] ?? '');
    if (args[i].startsWith('--queues=')) return splitQueues(args[i].slice('--queues='.length));
  }
  return [];
}

const splitQueues = (value: string) => value.split(',').map((name) => name.trim()).filter(Boolean);

/** Compose and Kubernetes durations ("35s", "1m30s") in seconds. */
export function durationSeconds(value: string | number): number {
  if (typeof value === 'number') return value;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 };
  let total = 0;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  if (parts.map((part) => part[0]).join('') !== value) throw new Error(`not a duration: ${value}`);
  for (const [, amount, unit] of parts) total += Number(amount) * units[unit];
  return total;
}
