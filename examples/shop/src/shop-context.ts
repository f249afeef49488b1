import type { HandlerContext } from '@switchyard/core';
import type { TransactionClient } from '@switchyard/server/internal';

/** The context the shop's handlers get: `once()` hands them a transaction of the shop's database. */
export type ShopContext = HandlerContext<TransactionClient>;
