import { Module } from '@nestjs/common';
import { OutboxPublisher } from './outbox-publisher.js';
import { OutboxSignal } from './outbox-signal.js';
import { PublishMarks } from './publish-marks.js';
import { ReplicaAck } from './replica-ack.js';

/**
 * Handing committed outbox rows to BullMQ: one publisher, one relay wake-up
 * signal and one set of pending "published" marks per process, shared by
 * ingest, the runner (ctx.emit, ordered keys) and the scheduler. Separate
 * instances per module would each wake a signal no relay listens to.
 */
@Module({
  providers: [OutboxPublisher, OutboxSignal, PublishMarks, ReplicaAck],
  exports: [OutboxPublisher, OutboxSignal, PublishMarks],
})
export class OutboxModule {}
