import { Module } from '@nestjs/common';
import { FakeMailer } from '../email/fake-mailer.js';
import { ReviewLargeOrderHandler } from './review-large-order.handler.js';

@Module({ providers: [FakeMailer, ReviewLargeOrderHandler] })
export class FraudModule {}
