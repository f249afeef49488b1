import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { QueuesSnapshot } from '@switchyard/core/contracts';
import { catchError, EMPTY, exhaustMap, from, type Observable, share, Subject, takeUntil, timer } from 'rxjs';
import { QueueInspector } from './queue-inspector.js';

/**
 * One snapshot of every queue per second, computed once however many
 * consoles are watching, and only while at least one is. The stream ends
 * when the app shuts down, so open SSE responses do not hold the server open.
 */
@Injectable()
export class QueueSnapshots implements OnModuleDestroy {
  private readonly logger = new Logger(QueueSnapshots.name);
  private readonly destroyed$ = new Subject<void>();
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
      takeUntil(this.destroyed$),
      share(),
    );
  }

  onModuleDestroy(): void {
    this.destroyed$.next();
    this.destroyed$.complete();
  }
}
