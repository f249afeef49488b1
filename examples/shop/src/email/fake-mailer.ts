import { Injectable } from '@nestjs/common';
import type { ShopTransaction } from '../shop-database.js';
import { v7 as uuidv7 } from 'uuid';

export interface EmailMessage {
  template: string;
  to: string;
  subject: string;
  body: string;
  orderId: string;
  eventId: string;
}

/**
 * "Sends" an email by writing it to the emails table inside the caller's
 * transaction, so the example's effects are all visible in Postgres.
 */
@Injectable()
export class FakeMailer {
  async send(tx: ShopTransaction, message: EmailMessage): Promise<string> {
    const id = uuidv7();
    await tx.email.create({
      data: { id, template: message.template, recipient: message.to, subject: message.subject, body: message.body, orderId: message.orderId, eventId: message.eventId },
    });
    return id;
  }
}

/** The email queue's shared settings: one mail provider, one rate limit for all templates. */
export const EMAIL_QUEUE = {
  queue: 'email',
  priority: 10,
  concurrency: 5,
  rateLimit: { max: 50, duration: 1_000 },
} as const;

export function formatMoney(minorUnits: number, currency: string): string {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(minorUnits / 100);
}
