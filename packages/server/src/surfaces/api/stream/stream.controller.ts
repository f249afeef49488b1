import { Controller, type MessageEvent, Sse } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { QueueSnapshots } from '../queues/queue-snapshots.js';
import { map, type Observable } from 'rxjs';
import { RequireScope } from '../auth/route-access.js';

@ApiTags('stream')
@Controller('v1/stream')
export class StreamController {
  constructor(private readonly snapshots: QueueSnapshots) {}

  @Sse()
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'Server-Sent Events: a `queues` snapshot every second (counts, throughput, lag of every queue)' })
  stream(): Observable<MessageEvent> {
    // retry: a dropped console reconnects after 2 s.
    return this.snapshots.stream$.pipe(map((snapshot) => ({ type: 'queues', data: snapshot, retry: 2_000 })));
  }
}
