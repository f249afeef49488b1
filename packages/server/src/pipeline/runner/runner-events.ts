import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

export interface JobEvent {
  jobId: string;
  handler: string;
  attempt: number;
  error?: Error;
}

export type RunnerEventName = 'started' | 'completed' | 'failed' | 'deadLettered';

/**
 * What the runner does, as it happens, for metrics and tests: `deadLettered`
 * fires once the dead letter is committed and before BullMQ lets the job go.
 */
@Injectable()
export class RunnerEvents {
  private readonly emitter = new EventEmitter();

  on(name: RunnerEventName, listener: (event: JobEvent) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  emit(name: RunnerEventName, event: JobEvent): void {
    this.emitter.emit(name, event);
  }
}
