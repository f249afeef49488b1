import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pingable, portIsFree, redisCommand } from './redis-server.js';
import { waitFor } from './wait-for.js';

/** Loopback ports cluster nodes may use; each node's cluster bus is its port + 10000. */
const PORT_RANGE = { first: 7100, last: 7199 };

export interface ThrowawayRedisClusterOptions {
  masters?: number;
  replicasPerMaster?: number;
  /** cluster-node-timeout: how long a silent master has before its replica takes over. */
  nodeTimeoutMs?: number;
}

interface ClusterNode {
  port: number;
  process: ChildProcess | null;
}

/**
 * A Redis Cluster of the test's own: masters and replicas as redis-server
 * processes on loopback ports 7100–7199, joined with `redis-cli --cluster
 * create`. Tests kill masters (SIGKILL) and wait for the promotion; the
 * shared Redis on 6379 is never touched.
 */
export class ThrowawayRedisCluster {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sy-redis-cluster-'));
  /** Replicas `cutReplica` stopped with SIGSTOP. */
  private readonly frozen = new Set<number>();

  private constructor(
    private readonly nodeList: ClusterNode[],
    private readonly options: Required<ThrowawayRedisClusterOptions>,
  ) {}

  static async start(options: ThrowawayRedisClusterOptions = {}): Promise<ThrowawayRedisCluster> {
    const settings = { masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 2_000, ...options };
    const ports = await freeClusterPorts(settings.masters * (1 + settings.replicasPerMaster));
    const cluster = new ThrowawayRedisCluster(ports.map((port) => ({ port, process: null })), settings);
    try {
      for (const node of cluster.nodeList) cluster.spawn(node);
      await Promise.all(cluster.nodeList.map((node) => waitFor(`redis-server on port ${node.port}`, () => pingable(node.port), { timeoutMs: 10_000 })));
      cluster.create();
      await cluster.waitUntilHealthy();
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  /** Seed nodes, as REDIS_CLUSTER_NODES takes them. */
  get nodes(): Array<{ host: string; port: number }> {
    return this.nodeList.map(({ port }) => ({ host: '127.0.0.1', port }));
  }

  /** The REDIS_CLUSTER_NODES value for this cluster. */
  get nodesEnv(): string {
    return this.nodeList.map(({ port }) => `127.0.0.1:${port}`).join(',');
  }

  /** Sends one command to the node on `port` over a short-lived connection. */
  command(port: number, ...args: Array<string | number>): Promise<unknown> {
    return redisCommand(port, args, { connectTimeoutMs: 1_000 });
  }

  /** Ports of the live masters that own slots. */
  async masterPorts(): Promise<number[]> {
    return (await this.topology()).filter((node) => node.master && node.slots && node.connected).map((node) => node.port);
  }

  /** Port of the master that owns `key`'s slot. */
  async masterOf(key: string): Promise<number> {
    const slot = Number(await this.command(this.anyLivePort(), 'CLUSTER', 'KEYSLOT', key));
    const owner = (await this.topology()).find((node) => node.master && node.connected && node.ranges.some(([from, to]) => slot >= from && slot <= to));
    if (!owner) throw new Error(`No live master owns slot ${slot} (key ${key})`);
    return owner.port;
  }

  /**
   * Cuts the master on `port` off from its replica, so that what it is
   * written from now on exists on the master alone: the replica is frozen
   * (SIGSTOP) and the master drops its link (CLIENT KILL TYPE replica), so
   * nothing more reaches the replica. `killMaster` thaws it. Keep the cut
   * shorter than the node timeout, or the cluster marks the replica failed.
   * Returns the replica's port.
   */
  async cutReplica(port: number): Promise<number> {
    const replica = await this.replicaOf(port);
    this.nodeList.find((node) => node.port === replica)!.process!.kill('SIGSTOP');
    this.frozen.add(replica);
    await this.command(port, 'CLIENT', 'KILL', 'TYPE', 'replica');
    return replica;
  }

  /**
   * Kills the master on `port` with SIGKILL (whatever it had not yet sent to
   * its replica is gone, as in a real crash), thaws a replica `cutReplica`
   * froze, then waits until the replica has taken over the master's slots
   * and the cluster answers again. Returns the promoted replica's port.
   */
  async killMaster(port: number): Promise<number> {
    const before = await this.topology();
    const victim = before.find((node) => node.port === port && node.master);
    if (!victim) throw new Error(`Port ${port} is not a master of this cluster`);
    const replica = before.find((node) => !node.master && node.masterId === victim.id && (node.connected || this.frozen.has(node.port)));
    if (!replica) throw new Error(`Master ${port} has no connected replica to promote`);
    await this.kill(port);
    if (this.frozen.delete(replica.port)) this.nodeList.find((node) => node.port === replica.port)!.process!.kill('SIGCONT');
    await waitFor(
      `replica ${replica.port} to take over from master ${port}`,
      async () => {
        const info = String(await this.command(replica.port, 'CLUSTER', 'INFO'));
        const role = (await this.command(replica.port, 'ROLE')) as unknown[];
        return info.includes('cluster_state:ok') && role[0] === 'master';
      },
      { timeoutMs: 10 * this.options.nodeTimeoutMs + 10_000, intervalMs: 100 },
    );
    await this.waitUntilHealthy({ requireReplicas: false });
    return replica.port;
  }

  /**
   * Starts the killed node on `port` again with its cluster config: it
   * rejoins, as a replica of whoever holds its old slots if it was a master.
   * Waits until every master has its replicas in sync again.
   */
  async restart(port: number): Promise<void> {
    const node = this.nodeList.find((candidate) => candidate.port === port);
    if (!node) throw new Error(`Port ${port} is not a node of this cluster`);
    if (node.process) return;
    this.spawn(node);
    await waitFor(`redis-server on port ${port}`, () => pingable(port), { timeoutMs: 10_000 });
    await this.waitUntilHealthy();
  }

  /** The port of a connected replica of the master on `port`. */
  async replicaOf(port: number): Promise<number> {
    const topology = await this.topology();
    const master = topology.find((node) => node.port === port && node.master);
    const replica = topology.find((node) => !node.master && node.masterId === master?.id && node.connected);
    if (!replica) throw new Error(`Master ${port} has no connected replica`);
    return replica.port;
  }

  /** Reads from the replica on `port` (READONLY first: a replica otherwise redirects reads to its master). */
  readReplica(port: number, ...args: Array<string | number>): Promise<unknown> {
    return redisCommand(port, args, { connectTimeoutMs: 1_000, readOnly: true });
  }

  /** SIGKILLs the node on `port`, master or replica. */
  async kill(port: number): Promise<void> {
    const node = this.nodeList.find((candidate) => candidate.port === port);
    const child = node?.process;
    if (!node || !child) return;
    node.process = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    this.frozen.delete(port);
    child.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.nodeList.map((node) => this.kill(node.port)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private spawn(node: ClusterNode): void {
    node.process = spawn(
      'redis-server',
      [
        '--port', String(node.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no',
        '--maxmemory-policy', 'noeviction',
        '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${node.port}.conf`,
        '--cluster-node-timeout', String(this.options.nodeTimeoutMs),
        // A replica may always take over, however long it was cut off: the test kills on purpose.
        '--cluster-replica-validity-factor', '0',
      ],
      { stdio: 'ignore' },
    );
  }

  private create(): void {
    const result = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...this.nodeList.map(({ port }) => `127.0.0.1:${port}`), '--cluster-replicas', String(this.options.replicasPerMaster), '--cluster-yes'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (result.status !== 0) throw new Error(`redis-cli --cluster create failed (${result.status}): ${result.stdout}\n${result.stderr}`);
  }

  /** Waits until every live node sees cluster_state:ok and (by default) every master has a replica in sync. */
  private async waitUntilHealthy({ requireReplicas = true } = {}): Promise<void> {
    const live = () => this.nodeList.filter((node) => node.process !== null).map((node) => node.port);
    await waitFor(
      'the Redis Cluster to be healthy',
      async () => {
        for (const port of live()) {
          if (!String(await this.command(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
        }
        if (!requireReplicas) return true;
        const topology = await this.topology();
        const masters = topology.filter((node) => node.master && node.slots);
        if (masters.length !== this.options.masters) return false;
        for (const replica of topology.filter((node) => !node.master)) {
          const info = String(await this.command(replica.port, 'INFO', 'replication'));
          if (!info.includes('master_link_status:up')) return false;
        }
        return masters.every((master) => topology.filter((node) => node.masterId === master.id).length === this.options.replicasPerMaster);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  /** CLUSTER NODES as seen by a live node. */
  private async topology(): Promise<Array<{ id: string; port: number; master: boolean; masterId: string; connected: boolean; slots: boolean; ranges: Array<[number, number]> }>> {
    const text = String(await this.command(this.anyLivePort(), 'CLUSTER', 'NODES'));
    return text
      .trim()
      .split('\n')
      .map((line) => {
        const [id, address, flags, masterId, , , , link, ...slots] = line.split(' ');
        const ranges = slots
          .filter((slot) => !slot.startsWith('['))
          .map((slot) => slot.split('-').map(Number))
          .map(([from, to]) => [from, to ?? from] as [number, number]);
        const port = Number(/:(\d+)@/.exec(address)?.[1]);
        return {
          id,
          port,
          master: flags.includes('master'),
          masterId,
          // 'fail' and 'fail?' alike: a node suspected down is no use to a test.
          connected: link === 'connected' && !flags.includes('fail') && this.isRunning(port),
          slots: ranges.length > 0,
          ranges,
        };
      });
  }

  private isRunning(port: number): boolean {
    return this.nodeList.some((node) => node.port === port && node.process !== null);
  }

  private anyLivePort(): number {
    const node = this.nodeList.find((candidate) => candidate.process !== null);
    if (!node) throw new Error('No node of the cluster is running');
    return node.port;
  }
}

/** `count` ports in 7100–7199 whose port and cluster-bus port (+10000) are both free, from a random start. */
async function freeClusterPorts(count: number): Promise<number[]> {
  const size = PORT_RANGE.last - PORT_RANGE.first + 1;
  const offset = Math.floor(Math.random() * size);
  const ports: number[] = [];
  for (let i = 0; i < size && ports.length < count; i++) {
    const port = PORT_RANGE.first + ((offset + i) % size);
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) ports.push(port);
  }
  if (ports.length < count) throw new Error(`Only ${ports.length} of ${count} free ports (and bus ports +10000) in ${PORT_RANGE.first}–${PORT_RANGE.last}`);
  return ports;
}

