import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

/** Random bytes for 256 ids, drawn at once. */
const pool = new Uint8Array(16 * 256);
let offset = pool.length;
/** The last id's time and counter: ids of one process sort in the order they were made. */
const state = { msecs: -Infinity, seq: 0 };

/**
 * A uuid v7, monotonic within this process, as `uuid`'s own v7() makes
 * them, but with its random bytes drawn 4 KB at a time: `uuid` asks
 * crypto.getRandomValues for 16 bytes per id, which cost about 7 µs an id
 * here (2.6 % of the API's CPU at full ingest); this costs under 0.5 µs.
 */
export function uuidv7(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const random = pool.subarray(offset, (offset += 16));
  const now = Date.now();
  if (now > state.msecs) {
    // A new millisecond: the counter starts at a random 31-bit value (RFC 9562, method 1).
    state.seq = ((random[6] & 0x7f) << 24) | (random[7] << 16) | (random[8] << 8) | random[9];
    state.msecs = now;
  } else {
    state.seq = (state.seq + 1) | 0;
    if (state.seq === 0) state.msecs++;
  }
  return v7({ random, msecs: state.msecs, seq: state.seq });
}
