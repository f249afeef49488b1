import { Injectable } from '@nestjs/common';
import { PgPool, PrismaService, ReadPrismaService } from '../../db/index.js';

/** API keys, console users and their sessions: every statement that reads or writes them. */
@Injectable()
export class AccessRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly read: ReadPrismaService,
    private readonly pg: PgPool,
  ) {}
}
