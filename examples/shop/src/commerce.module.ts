import { DynamicModule, Module } from '@nestjs/common';
import type { CommerceEnv } from './commerce-config.js';
import { ShopDatabase } from './shop-database.js';
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
 *
 * `database` is the shop's client, which the app also hands Switchyard as
 * `transactions: prismaTransactions(database)` (see main/worker.main.ts):
 * handlers that read outside `ctx.once()` inject it; the app closes it on shutdown.
 */
@Module({})
export class CommerceModule {
  static forRoot(env: CommerceEnv, database: ShopDatabase): DynamicModule {
    return {
      module: CommerceModule,
      global: true,
      providers: [{ provide: ShopDatabase, useValue: database }],
      exports: [ShopDatabase],
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
