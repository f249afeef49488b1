import { Injectable } from '@nestjs/common';
import { PrismaService, type TransactionClient } from '../../db/index.js';
import type { OnceResult } from '@switchyard/core/internal';

/**
 * Runs a handler's effects at most once per (handler, key): the processed key
 * is inserted in the same transaction as the effects. A concurrent run of the
 * same job blocks on that insert until the first commits, then finds the key
 * and skips; if the first rolls back, the second applies the effects.
 */
@Injectable()
export class IdempotencyGuard {
  constructor(private readonly prisma: PrismaService) {}

  async once<T>(handler: string, key: string, effects: (tx: TransactionClient) => Promise<T>): Promise<OnceResult<T>> {
    return this.prisma.$transaction(
      async (tx) => {
        const inserted = await tx.$executeRaw`
          INSERT INTO processed_keys (handler, key) VALUES (${handler}, ${key}) ON CONFLICT DO NOTHING`;
        if (inserted === 0) return { applied: false } as const;
        return { applied: true, value: await effects(tx) } as const;
      },
      // Effects may call slow things; the defaults (2 s wait, 5 s run) are for web requests.
      { maxWait: 30_000, timeout: 120_000 },
    );
  }
}
