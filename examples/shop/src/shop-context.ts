import type { HandlerContext } from '@switchyard/core';
import type { ShopTransaction } from './shop-database.js';

/** The context the shop's handlers get: `once()` hands them a transaction of the shop's own client. */
export type ShopContext = HandlerContext<ShopTransaction>;
