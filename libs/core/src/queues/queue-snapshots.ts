import { Injectable, Logger } from '@nestjs/common';
import type { QueuesSnapshot } from '@switchyard/contracts';
import { catchError, EMPTY, exhaustMap, from, type Observable, share, timer } from 'rxjs';
import { QueueInspector } from './queue-inspector.js';

/**
 * One snapshot of every queue per second, computed once however many
 * consoles are watching, and only while at least one is.
 */
@Injectable()
export class QueueSnapshots {
  private readonly logger = new Logger(QueueSnapshots.name);
  readonly stream$: Observable<QueuesSnapshot>;

  constructor(inspector: QueueInspector) {
    this.stream$ = timer(0, 1_000).pipe(
      // A slow snapshot (Redis busy) skips ticks instead of piling them up.
      exhaustMap(() =>
        from(inspector.snapshot()).pipe(
          catchError((error: Error) => {
            this.logger.warn(`Queue snapshot failed: ${error.message}`);
            return EMPTY;
          }),
        ),
      ),
      share(),
    );
  }
}
