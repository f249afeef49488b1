// ioredis routes every command with this very function (cluster-key-slot:
// CRC16 of the key's hash tag, mod 16384), at the exact version ioredis pins;
// using the same one means we can never disagree with it about where a key
// lives. The package ships no type declarations, hence the typed require.
const calculateSlot: (key: string) => number = require('cluster-key-slot');

/** The Redis Cluster hash slot of `key` (0–16383). */
export function hashSlot(key: string): number {
  return calculateSlot(key);
}
