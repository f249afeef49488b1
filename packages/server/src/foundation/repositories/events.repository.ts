import { Injectable } from '@nestjs/common';
import { PgPool, PrismaService, ReadPrismaService } from '../../db/index.js';

/** Events and their outbox rows (jobs, ordering keys, idempotency keys): every statement that reads or writes them. */
@Injectable()
export class EventsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly read: ReadPrismaService,
    private readonly pg: PgPool,
  ) {}
}
