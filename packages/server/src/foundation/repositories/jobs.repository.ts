import { Injectable } from '@nestjs/common';
import { PgPool, PrismaService, ReadPrismaService } from '../../db/index.js';

/** A job's run: start claims, attempts, outcomes, and handlers' idempotency guards. */
@Injectable()
export class JobsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly read: ReadPrismaService,
    private readonly pg: PgPool,
  ) {}
}
