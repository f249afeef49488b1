import { apiEnvSchema } from '@switchyard/server/internal';
import { commerceEvents } from '@switchyard/example-shop';
import { coreEnvSchema, loadConfig, RoutingTable } from '@switchyard/server/internal';
import { workerEnvSchema } from '@switchyard/server/internal';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { resetWithCatalogue } from '../support/database.js';
import { shopApp } from '../support/shop.js';
import { TestStack } from '../support/stack.js';
import { type K8sObject, K8S_DIR, k8sManifests, manifestFiles, queuesOf, readRepoFile, validateK8s } from './deploy-files.js';

interface Container {
  name: string;
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string } } }>;
  envFrom?: Array<{ configMapRef?: { name: string } }>;
}

const objects = k8sManifests().map((manifest) => manifest.object);
const ofKind = (kind: string) => objects.filter((object) => object.kind === kind);
const containersOf = (workload: K8sObject): Container[] => workload.spec.template.spec.containers;
const deployments = ofKind('Deployment');
const workers = deployments.filter((deployment) => containersOf(deployment).some((container) => queuesOf(container.args).length > 0));
const scaledObjects = ofKind('ScaledObject');
const config = ofKind('ConfigMap').find((map) => map.metadata.name === 'switchyard-config')!;
const HEALTH_PATHS = new Set(['/health/live', '/health/ready', '/api/health']);

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
const templateLabels = (deployment: K8sObject): Record<string, string> => deployment.spec.template.metadata.labels;
const queuesOfDeployment = (deployment: K8sObject) => containersOf(deployment).flatMap((container) => queuesOf(container.args));

/** The queues a PromQL query selects: queue="a" or queue=~"a|b". */
function queuesInQuery(query: string): string[][] {
  return [...query.matchAll(/queue(=~?)"([^"]+)"/g)].map(([, operator, value]) => (operator === '=' ? [value] : value.split('|')));
}

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('every object is valid against the Kubernetes or KEDA schema of its kind', async () => {
    assert.ok(objects.length >= 12, `${objects.length} objects`);
    for (const object of objects) {
      await assert.doesNotReject(validateK8s(object), `${object.kind} ${object.metadata.name}`);
    }
  });

  it('validation has teeth: a wrong type or a missing field is refused, and so is an unknown kind', async () => {
    const deployment = structuredClone(deployments[0]);
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    await assert.rejects(validateK8s(deployment), /containerPort must be integer/);
    const scaled = structuredClone(scaledObjects[0]);
    delete scaled.spec.scaleTargetRef;
    await assert.rejects(validateK8s(scaled), /scaleTargetRef/);
    await assert.rejects(validateK8s({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } }), /No schema/);
  });

  it('kustomization.yaml lists every manifest, and everything lives in the switchyard namespace', () => {
    const kustomization = parse(readRepoFile(`${K8S_DIR}/kustomization.yaml`)) as { namespace: string; resources: string[] };
    assert.deepEqual([...kustomization.resources].sort(), manifestFiles());
    for (const object of objects) {
      if (object.kind !== 'Namespace') assert.equal(object.metadata.namespace, kustomization.namespace, `${object.kind} ${object.metadata.name}`);
    }
  });

  it('commits no Secret, reads secrets only from switchyard-secrets, and configures only variables the apps read', () => {
    assert.deepEqual(ofKind('Secret'), []);
    const known = new Set([...Object.keys(apiEnvSchema.shape), ...Object.keys(workerEnvSchema.shape)]);
    assert.deepEqual(Object.keys(config.data ?? {}).filter((name) => !known.has(name)), [], 'ConfigMap keys no app reads');
    for (const workload of [...deployments, ...ofKind('Job')]) {
      for (const container of containersOf(workload)) {
        for (const env of container.env ?? []) {
          if (env.valueFrom?.secretKeyRef) assert.equal(env.valueFrom.secretKeyRef.name, 'switchyard-secrets', `${workload.metadata.name}: ${env.name}`);
        }
        for (const source of container.envFrom ?? []) assert.equal(source.configMapRef?.name, config.metadata.name);
      }
    }
  });

  it('every Deployment has health probes on named ports, resources, a non-root security context, and a PodDisruptionBudget', () => {
    assert.deepEqual(deployments.map((deployment) => deployment.metadata.name).sort(), ['api', 'console', 'worker-default', 'worker-payment']);
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      const name = deployment.metadata.name;
      assert.equal(pod.securityContext?.runAsNonRoot, true, name);
      assert.ok(Number(pod.securityContext?.runAsUser) > 0, name);
      for (const container of containersOf(deployment)) {
        const ports = new Set((container.ports ?? []).map((port) => port.name));
        for (const probe of ['readinessProbe', 'livenessProbe'] as const) {
          const httpGet = container[probe]?.httpGet;
          assert.ok(httpGet && HEALTH_PATHS.has(httpGet.path), `${name}: ${probe} on a health endpoint`);
          assert.ok(ports.has(String(httpGet.port)), `${name}: ${probe} port ${httpGet.port} is a named container port`);
        }
        // Liveness must not depend on Redis or Postgres, or an outage restarts every pod.
        assert.notEqual(container.livenessProbe?.httpGet?.path, '/health/ready', `${name}: liveness is not readiness`);
        assert.ok(container.resources?.requests?.cpu && container.resources.requests.memory && container.resources.limits?.memory, `${name}: resources`);
        assert.equal(container.securityContext?.allowPrivilegeEscalation, false, name);
        assert.deepEqual(container.securityContext?.capabilities?.drop, ['ALL'], name);
      }
      const budgets = ofKind('PodDisruptionBudget').filter((budget) => matches(budget.spec.selector.matchLabels, templateLabels(deployment)));
      assert.equal(budgets.length, 1, `${name}: one PodDisruptionBudget`);
    }
  });

  it('every Service and PodDisruptionBudget selects the pods of exactly one Deployment', () => {
    for (const service of ofKind('Service')) {
      const targets = deployments.filter((deployment) => matches(service.spec.selector, templateLabels(deployment)));
      assert.equal(targets.length, 1, `Service ${service.metadata.name}`);
      const ports = new Set(containersOf(targets[0]).flatMap((container) => (container.ports ?? []).map((port) => port.name)));
      for (const port of service.spec.ports) assert.ok(ports.has(port.targetPort), `Service ${service.metadata.name} targets port ${port.targetPort}`);
    }
    for (const budget of ofKind('PodDisruptionBudget')) {
      assert.equal(deployments.filter((deployment) => matches(budget.spec.selector.matchLabels, templateLabels(deployment))).length, 1, budget.metadata.name);
    }
  });

  it('workers get longer to terminate than their shutdown grace, and leave their replica count to KEDA', () => {
    const graceMs = Number(config.data?.WORKER_SHUTDOWN_GRACE_MS ?? coreEnvSchema.shape.WORKER_SHUTDOWN_GRACE_MS.parse(undefined));
    assert.ok(workers.length >= 2);
    for (const worker of workers) {
      const seconds = Number(worker.spec.template.spec.terminationGracePeriodSeconds);
      assert.ok(seconds * 1000 > graceMs, `${worker.metadata.name}: terminationGracePeriodSeconds ${seconds} > WORKER_SHUTDOWN_GRACE_MS ${graceMs}`);
      assert.equal(worker.spec.replicas, undefined, `${worker.metadata.name}: kubectl apply would reset what KEDA set`);
      assert.equal(worker.spec.strategy?.rollingUpdate?.maxUnavailable, 0, `${worker.metadata.name}: a new worker starts before an old one stops`);
    }
  });

  it('every worker Deployment has one ScaledObject whose Prometheus queries select exactly its queues', () => {
    for (const worker of workers) {
      const scalers = scaledObjects.filter((scaled) => scaled.spec.scaleTargetRef.name === worker.metadata.name);
      assert.equal(scalers.length, 1, `${worker.metadata.name}: one ScaledObject`);
      const triggers: Array<{ type: string; metadata: { query: string; threshold: string } }> = scalers[0].spec.triggers;
      assert.ok(triggers.length > 0 && triggers.every((trigger) => trigger.type === 'prometheus'));
      const queues = [...queuesOfDeployment(worker)].sort();
      for (const trigger of triggers) {
        const selected = queuesInQuery(trigger.metadata.query);
        assert.ok(selected.length > 0, trigger.metadata.query);
        for (const set of selected) assert.deepEqual([...set].sort(), queues, `${worker.metadata.name}: ${trigger.metadata.query}`);
        assert.ok(Number(trigger.metadata.threshold) > 0);
      }
    }
    assert.equal(scaledObjects.length, workers.length, 'no ScaledObject without its worker');
  });

  describe('against the API and handlers as production loads them', () => {
    let stack: TestStack;
    before(async () => {
      // Only the shop's routes in the registry: what production's workers register.
      await resetWithCatalogue();
      stack = await TestStack.start({ worker: false, events: commerceEvents, handlers: (env) => shopApp(env) });
    });
    after(() => stack.close());

    it('the worker Deployments together consume every queue the handlers declare, each exactly once', () => {
      const declared = stack.api.get(RoutingTable).queues().map((queue) => queue.name).sort();
      const consumed = workers.flatMap(queuesOfDeployment).sort();
      assert.deepEqual(consumed, declared);
    });

    it('every ScaledObject query names metrics the API exports at /metrics, with a series for each of its queues', async () => {
      const { status, text } = await stack.get('/metrics');
      assert.equal(status, 200);
      const exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
      assert.ok(exported.has('switchyard_queue_backlog'), 'the backlog gauge');
      for (const scaled of scaledObjects) {
        for (const trigger of scaled.spec.triggers as Array<{ metadata: { query: string } }>) {
          const names = trigger.metadata.query.match(/\bswitchyard_[a-z_]+/g) ?? [];
          assert.ok(names.length > 0, trigger.metadata.query);
          for (const name of names) {
            assert.ok(exported.has(name), `${scaled.metadata.name}: ${name} is not exported by the API`);
            for (const queue of queuesInQuery(trigger.metadata.query).flat()) {
              assert.match(text, new RegExp(`^${name}\\{queue="${queue}"\\} `, 'm'), `${name} has a series for queue ${queue}`);
            }
          }
        }
      }
    });
  });
});
