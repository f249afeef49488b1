import { Module } from '@nestjs/common';
import { JobStatsRecorder } from '../metrics/job-stats.recorder.js';
import { StoredPayloadScrubber } from '../redaction/stored-payload-scrubber.js';
import { CrashQuarantine } from './crash-quarantine.js';
import { FailureRecorder } from './failure-recorder.js';
import { HandlerContextFactory } from './handler-context.factory.js';
import { HandlerRunner } from './handler-runner.js';
import { IdempotencyGuard } from './idempotency-guard.js';
import { JobProcessor } from './job-processor.js';
import { OutcomeRecorder } from './outcome-recorder.js';
import { RunnerEvents } from './runner-events.js';
import { StartClaim } from './start-claim.js';

/** Running handlers: a BullMQ Worker per queue, the idempotency guard, at-most-once start claims, failure and outcome records. */
@Module({
  providers: [HandlerRunner, CrashQuarantine, JobProcessor, HandlerContextFactory, IdempotencyGuard, FailureRecorder, OutcomeRecorder, RunnerEvents, JobStatsRecorder, StoredPayloadScrubber, StartClaim],
  exports: [RunnerEvents, HandlerContextFactory, JobProcessor],
})
export class RunnerModule {}
