import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { logLevelsFor } from '../../foundation/config/core-config.js';
import { WorkerModule, type WorkerModuleOptions } from './worker.module.js';

/** Builds a worker: a Nest application context (no HTTP) whose handlers start consuming on init. */
export async function createWorkerApp(options: WorkerModuleOptions): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(WorkerModule.forRoot(options), {
    logger: logLevelsFor(options.config.switchyard.logLevel),
  });
}
