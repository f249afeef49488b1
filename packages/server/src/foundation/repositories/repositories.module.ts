import { Global, Module } from '@nestjs/common';
import { AccessRepository } from './access.repository.js';
import { AuditRepository } from './audit.repository.js';
import { DeadLettersRepository } from './dead-letters.repository.js';
import { EventsRepository } from './events.repository.js';
import { JobsRepository } from './jobs.repository.js';
import { OperationsRepository } from './operations.repository.js';
import { RoutesRepository } from './routes.repository.js';
import { SchedulesRepository } from './schedules.repository.js';

const REPOSITORIES = [EventsRepository, JobsRepository, DeadLettersRepository, SchedulesRepository, OperationsRepository, AccessRepository, AuditRepository, RoutesRepository];

/**
 * Switchyard's SQL, one repository per aggregate. Services ask a repository;
 * they do not write SQL. A statement that must run in a caller's transaction
 * takes the transaction's client as its first argument.
 */
@Global()
@Module({ providers: REPOSITORIES, exports: REPOSITORIES })
export class RepositoriesModule {}
