import { Module } from '@nestjs/common';
import { CancelUnpaidOrderHandler } from './cancel-unpaid-order.handler.js';
import { ConfirmOrderHandler } from './confirm-order.handler.js';

/**
 * The order saga's join (order.confirmed once the payment and the
 * reservation both succeeded) and its end when a failed charge is discarded.
 */
@Module({ providers: [ConfirmOrderHandler, CancelUnpaidOrderHandler] })
export class OrdersModule {}
