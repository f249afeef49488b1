import { Injectable } from '@nestjs/common';
import { PgPool, PrismaService, ReadPrismaService } from '../../db/index.js';

/** Schedules and their ticks: every statement that reads or writes them. */
@Injectable()
export class SchedulesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly read: ReadPrismaService,
    private readonly pg: PgPool,
  ) {}
}
