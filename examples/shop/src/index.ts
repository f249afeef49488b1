export { CommerceModule } from './commerce.module.js';
export { ShopModule } from './shop.module.js';
export { commerceEnvSchema } from './commerce-config.js';
export type { CommerceEnv } from './commerce-config.js';
export { SEED_STOCK, seedStock } from './stock.seed.js';
export { CardDeclinedError, GatewayTimeoutError, GatewayUnavailableError, InsufficientFundsError, PaymentGateway } from './payment/payment-gateway.js';
export { lockOrderProgress } from './orders/order-progress.js';
export * from './events/index.js';
export { aShipment, anOrder, anOrderCancellation, orderPlacedEvent } from './builders.js';
