import { createRequire } from 'node:module';

// ioredis routes every command with this very function (its dependency
// cluster-key-slot: CRC16 of the key's hash tag, mod 16384); using the same
// one means we can never disagree with it about where a key lives.
const calculateSlot = createRequire(require.resolve('ioredis'))('cluster-key-slot') as (key: string) => number;

/** The Redis Cluster hash slot of `key` (0–16383). */
export function hashSlot(key: string): number {
  return calculateSlot(key);
}
