import { Module } from '@nestjs/common';
import { ReReserveStockHandler } from './re-reserve-stock.handler.js';
import { ReleaseStockHandler } from './release-stock.handler.js';
import { ReleaseUnpaidStockHandler } from './release-unpaid-stock.handler.js';
import { ReserveStockHandler } from './reserve-stock.handler.js';
import { RestockCheckHandler } from './restock-check.handler.js';

@Module({ providers: [ReserveStockHandler, ReleaseStockHandler, RestockCheckHandler, ReleaseUnpaidStockHandler, ReReserveStockHandler] })
export class InventoryModule {}
