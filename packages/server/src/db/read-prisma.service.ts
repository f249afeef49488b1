import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaClient } from './generated/prisma/client.js';
import { prismaAdapter } from './prisma.service.js';

const READ_CONNECT_TIMEOUT_MS = 5_000;

/**
 * A Prisma client for read-only console and API queries (event search and
 * lineage, dead-letter lists and stats, schedules). With DATABASE_READ_URL
 * set it is connected to that read replica; unset, DbModule hands out the
 * primary's PrismaService under this name, so readers need not care.
 *
 * Nothing falls back to the primary when the replica is down: those reads
 * fail (503 with Retry-After), rather than move the console's load onto the
 * primary the moment the replica is lost. Reads here may lag the primary by
 * the replica's replay delay; code that must see its own writes (triage
 * answering with the record it just changed) reads PrismaService.
 */
@Injectable()
export class ReadPrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(url: string, poolSize: number) {
    // A replica cut off by the network (packets dropped, not refused) would
    // hold each read until TCP gives up, minutes later; a connection not had
    // within 5 s (pool wait included) fails the read as unavailable, a 503.
    super({ adapter: prismaAdapter(url, poolSize, READ_CONNECT_TIMEOUT_MS) });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
