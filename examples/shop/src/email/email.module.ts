import { Module } from '@nestjs/common';
import { FakeMailer } from './fake-mailer.js';
import { SendCancellationNoticeHandler } from './send-cancellation-notice.handler.js';
import { SendOrderConfirmationHandler } from './send-order-confirmation.handler.js';
import { SendReviewRequestHandler } from './send-review-request.handler.js';
import { SendShippingNoticeHandler } from './send-shipping-notice.handler.js';

@Module({
  providers: [FakeMailer, SendOrderConfirmationHandler, SendCancellationNoticeHandler, SendShippingNoticeHandler, SendReviewRequestHandler],
})
export class EmailModule {}
