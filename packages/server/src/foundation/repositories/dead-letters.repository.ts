import { Injectable } from '@nestjs/common';
import { PgPool, PrismaService, ReadPrismaService } from '../../db/index.js';

/** Dead letters, their actions and groups: every statement that reads or writes them. */
@Injectable()
export class DeadLettersRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly read: ReadPrismaService,
    private readonly pg: PgPool,
  ) {}
}
