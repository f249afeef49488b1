import { Injectable } from '@nestjs/common';
import { PgPool, PrismaService, ReadPrismaService } from '../../db/index.js';

/** Bulk operations and their items: every statement that reads or writes them. */
@Injectable()
export class OperationsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly read: ReadPrismaService,
    private readonly pg: PgPool,
  ) {}
}
