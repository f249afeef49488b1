/**
 * How long and how big each scenario runs. `full` is what `npm run bench`
 * measures; `smoke` runs every scenario in seconds with small counts so CI
 * can prove the suite still works (its numbers mean nothing).
 */
export interface BenchSettings {
  mode: 'full' | 'smoke';
  /** Concurrency of every benchmark queue's worker (ours and raw BullMQ). */
  workerConcurrency: number;
  /** Closed-loop probe: connections and seconds. */
  probeConnections: number;
  probeSeconds: number;
  /** Warm-up before each scenario's measurements, seconds. */
  warmupSeconds: number;
  /** One step of the sustained-rate search, seconds, and how many bisection steps. */
  stepSeconds: number;
  searchSteps: number;
  /** Latency runs at 50 % / 80 % of the maximum, seconds. */
  latencySeconds: number;
  /** Paced rates (events/s) at which the latency scenario splits sent → handler start into stages. */
  latencyRates: number[];
  /** Connections the paced (open-loop) generator may use. */
  pacedConnections: number;
  /** Batch ingest: seconds per batch size, and connections. */
  batchSeconds: number;
  batchConnections: number;
  batchSizes: number[];
  /** Raw BullMQ producer runs, seconds, and adds in flight. */
  addSeconds: number;
  addInFlight: number;
  /** Events (our drains) and jobs (raw drains) pre-filled before a worker drain. */
  drainEvents: number;
  drainJobs: number;
  /** Sustained run for memory, seconds, and how often to sample, seconds. */
  memorySeconds: number;
  memorySampleSeconds: number;
  /** Console: rows of each kind stored, and requests per endpoint. */
  consoleRows: number;
  consoleWarmup: number;
  consoleRequests: number;
  /** Peers: offered rates (events/s) at which each peer's sent → handler start is measured, latencySeconds each. */
  peerLatencyRates: number[];
  /** Peers: how long to wait after a rate for the peer's jobs to finish before reading its latency. */
  peerDrainSeconds: number;
  /** The Postgres ceiling: pgbench clients, a run of probeSeconds each. */
  ceilingClients: number[];
  /** Before each scenario, wait up to this long for the machine to be idle (0: do not check). */
  quietSeconds: number;
}

export const FULL: BenchSettings = {
  mode: 'full',
  workerConcurrency: 20,
  probeConnections: 32,
  probeSeconds: 10,
  warmupSeconds: 5,
  stepSeconds: 10,
  searchSteps: 4,
  latencySeconds: 15,
  latencyRates: [150, 300, 600],
  pacedConnections: 128,
  batchSeconds: 15,
  batchConnections: 2,
  batchSizes: [100, 1000],
  addSeconds: 10,
  addInFlight: 32,
  drainEvents: 20_000,
  drainJobs: 60_000,
  memorySeconds: 300,
  memorySampleSeconds: 5,
  consoleRows: 1_000_000,
  consoleWarmup: 10,
  consoleRequests: 100,
  peerLatencyRates: [25, 200],
  peerDrainSeconds: 60,
  ceilingClients: [1, 16],
  quietSeconds: 30,
};

export const SMOKE: BenchSettings = {
  mode: 'smoke',
  workerConcurrency: 20,
  probeConnections: 8,
  probeSeconds: 1,
  warmupSeconds: 1,
  stepSeconds: 1,
  searchSteps: 1,
  latencySeconds: 1,
  latencyRates: [50],
  pacedConnections: 16,
  batchSeconds: 1,
  batchConnections: 1,
  batchSizes: [100, 1000],
  addSeconds: 1,
  addInFlight: 8,
  drainEvents: 300,
  drainJobs: 900,
  memorySeconds: 4,
  memorySampleSeconds: 1,
  consoleRows: 2_000,
  consoleWarmup: 2,
  consoleRequests: 10,
  peerLatencyRates: [20],
  peerDrainSeconds: 10,
  ceilingClients: [1, 16],
  quietSeconds: 0,
};
