import 'reflect-metadata';
import { type DynamicModule, forwardRef, Injectable, Module } from '@nestjs/common';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventHandler } from '@switchyard/core/internal';
import { handlerQueuesIn } from './handler-queues.js';

@EventHandler({ name: 'payment.charge', on: 'order.placed', queue: 'payment' })
class ChargePayment {
  async handle(): Promise<void> {}
}

@EventHandler({ name: 'payment.refund', on: 'order.cancelled', queue: 'payment' })
class RefundPayment {
  async handle(): Promise<void> {}
}

@EventHandler({ name: 'inventory.reserve', on: 'order.placed', queue: 'inventory' })
class ReserveStock {
  async handle(): Promise<void> {}
}

@EventHandler({ name: 'email.send', on: 'order.confirmed', queue: 'email' })
class SendEmail {
  async handle(): Promise<void> {}
}

@Injectable()
class PaymentGateway {}

describe('handlerQueuesIn', () => {
  it("finds the queues of the handlers in a module tree before Nest builds it, as HandlerRegistry will", () => {
    @Module({ providers: [ChargePayment, RefundPayment, PaymentGateway] })
    class PaymentModule {}
    @Module({ providers: [{ provide: 'reserve', useClass: ReserveStock }] })
    class InventoryModule {}
    @Module({})
    class EmailModule {
      static forRoot(): DynamicModule {
        return { module: EmailModule, providers: [SendEmail] };
      }
    }
    @Module({ imports: [forwardRef(() => InventoryModule)] })
    class ShopModule {
      static forRoot(): DynamicModule {
        return { module: ShopModule, imports: [PaymentModule, EmailModule.forRoot()] };
      }
    }
    assert.deepEqual(handlerQueuesIn([ShopModule.forRoot(), PaymentModule]), ['email', 'inventory', 'payment']);
  });

  it('finds none in modules without handlers', () => {
    @Module({ providers: [PaymentGateway, { provide: 'answer', useValue: 42 }, { provide: 'clock', useFactory: () => Date.now }] })
    class PlainModule {}
    assert.deepEqual(handlerQueuesIn([PlainModule]), []);
  });
});
