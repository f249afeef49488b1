import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module.js';
import { OperationKinds } from './operation-kinds.js';
import { OperationRunner } from './operation-runner.js';
import { OperationService, OperationSignal } from './operation.service.js';

/**
 * Bulk operations: created (with the records they cover) by the services of
 * each kind, which define its batch in OperationKinds, and worked through in
 * paced batches by the runner, one process holding each at a time.
 */
@Module({
  imports: [OutboxModule],
  providers: [OperationService, OperationSignal, OperationKinds, OperationRunner],
  exports: [OperationService, OperationKinds],
})
export class OperationsModule {}
