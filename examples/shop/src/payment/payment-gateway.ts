import { Inject, Injectable } from '@nestjs/common';
import { NonRetryableError } from '@switchyard/core';
import { randomUUID } from 'node:crypto';

export interface PaymentGatewayOptions {
  /** 0..1: share of calls that fail with a transient error, to exercise retries. */
  failureRate: number;
  /** How long `tok_unavailable` hangs before timing out. */
  timeoutMs: number;
}

export const PAYMENT_GATEWAY_OPTIONS = Symbol('PAYMENT_GATEWAY_OPTIONS');

export interface Charge {
  id: string;
  amount: number;
  currency: string;
}

/** The card was declined: retrying will not change the bank's mind. */
export class CardDeclinedError extends NonRetryableError {
  override readonly name = 'CardDeclinedError';
}

/**
 * The bank refused for lack of funds: an ordinary business outcome, which
 * payment.charge turns into `payment.failed` (the order saga then releases
 * the stock) rather than a dead letter.
 */
export class InsufficientFundsError extends NonRetryableError {
  override readonly name = 'InsufficientFundsError';
}

/** The gateway did not answer in time: worth retrying later. */
export class GatewayTimeoutError extends Error {
  override readonly name = 'GatewayTimeoutError';
}

export class GatewayUnavailableError extends Error {
  override readonly name = 'GatewayUnavailableError';
}

/**
 * A simulated card gateway with the test tokens payment providers use:
 * `tok_visa` (and any other token) succeeds, `tok_declined` is declined,
 * `tok_insufficient_funds` is refused for lack of funds, `tok_unavailable`
 * always times out. Like a real gateway it deduplicates
 * on the idempotency key (in memory, per process: a simulation).
 */
@Injectable()
export class PaymentGateway {
  private readonly charges = new Map<string, Charge>();
  private readonly approved = new Set<string>();

  constructor(@Inject(PAYMENT_GATEWAY_OPTIONS) private readonly options: PaymentGatewayOptions) {}

  async charge(request: { amount: number; currency: string; token: string; idempotencyKey: string }): Promise<Charge> {
    const previous = this.charges.get(request.idempotencyKey);
    if (previous) return previous;
    if (request.token === 'tok_declined' && !this.approved.has(request.token)) throw new CardDeclinedError('card declined');
    if (request.token === 'tok_insufficient_funds' && !this.approved.has(request.token)) throw new InsufficientFundsError('insufficient funds');
    if (request.token === 'tok_unavailable') {
      await new Promise((resolve) => setTimeout(resolve, this.options.timeoutMs));
      throw new GatewayTimeoutError(`payment gateway timed out after ${this.options.timeoutMs} ms`);
    }
    this.maybeFailTransiently();
    const charge = { id: `ch_${randomUUID()}`, amount: request.amount, currency: request.currency };
    this.charges.set(request.idempotencyKey, charge);
    return charge;
  }

  async refund(request: { chargeId: string; amount: number; currency: string; idempotencyKey: string }): Promise<Charge> {
    const previous = this.charges.get(request.idempotencyKey);
    if (previous) return previous;
    this.maybeFailTransiently();
    const refund = { id: `re_${randomUUID()}`, amount: request.amount, currency: request.currency };
    this.charges.set(request.idempotencyKey, refund);
    return refund;
  }

  /**
   * The simulation's control panel: the bank stops declining `token` (the
   * customer topped up), so a retried charge goes through. Per process.
   */
  approve(token: string): void {
    this.approved.add(token);
  }

  private maybeFailTransiently(): void {
    if (this.options.failureRate > 0 && Math.random() < this.options.failureRate) {
      throw new GatewayUnavailableError('payment gateway unavailable (simulated transient failure)');
    }
  }
}
