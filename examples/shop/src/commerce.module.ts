import { DynamicModule, Module } from '@nestjs/common';
import type { CommerceEnv } from './commerce-config.js';
import { EmailModule } from './email/email.module.js';
import { FraudModule } from './fraud/fraud.module.js';
import { InventoryModule } from './inventory/inventory.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { PaymentModule } from './payment/payment.module.js';
import { StoreCreditModule } from './store-credit/store-credit.module.js';

/**
 * The example e-commerce handlers: an order saga (order.placed → payment
 * and reservation → order.confirmed → email; payment.failed → stock released)
 * built from follow-up events (ctx.emit). ShopModule imports this one module
 * beside the catalog: the API routes `order.*` events to the handlers, the
 * worker runs them. A new
 * handler is a folder with its module, imported here.
 */
@Module({})
export class CommerceModule {
  static forRoot(env: CommerceEnv): DynamicModule {
    return {
      module: CommerceModule,
      imports: [
        InventoryModule,
        PaymentModule.forRoot({ failureRate: env.PAYMENT_FAILURE_RATE, timeoutMs: env.PAYMENT_TIMEOUT_MS }),
        EmailModule,
        StoreCreditModule,
        OrdersModule,
        FraudModule,
      ],
    };
  }
}
