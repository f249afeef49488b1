import { DynamicModule, Module } from '@nestjs/common';
import { ChargePaymentHandler } from './charge-payment.handler.js';
import { PAYMENT_GATEWAY_OPTIONS, PaymentGateway, type PaymentGatewayOptions } from './payment-gateway.js';
import { RefundPaymentHandler } from './refund-payment.handler.js';

@Module({})
export class PaymentModule {
  static forRoot(options: PaymentGatewayOptions): DynamicModule {
    return {
      module: PaymentModule,
      providers: [{ provide: PAYMENT_GATEWAY_OPTIONS, useValue: options }, PaymentGateway, ChargePaymentHandler, RefundPaymentHandler],
      exports: [PaymentGateway],
    };
  }
}
