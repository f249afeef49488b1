import { Injectable } from '@nestjs/common';
import { Signal } from '../../foundation/background/signal.js';

/**
 * Wakes the relay in this process when a publish fell short. In-process
 * rather than LISTEN/NOTIFY: it needs no dedicated session, so the API also
 * runs behind a transaction-mode PgBouncer. Rows left by a process that died
 * are found by the relay's periodic sweep in the other replicas.
 */
@Injectable()
export class OutboxSignal extends Signal {}
