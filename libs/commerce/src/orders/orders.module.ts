import { Module } from '@nestjs/common';
import { ConfirmOrderHandler } from './confirm-order.handler.js';

/** The order saga's join: order.confirmed once the payment and the reservation both succeeded. */
@Module({ providers: [ConfirmOrderHandler] })
export class OrdersModule {}
