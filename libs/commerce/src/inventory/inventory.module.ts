import { Module } from '@nestjs/common';
import { ReleaseStockHandler } from './release-stock.handler.js';
import { ReserveStockHandler } from './reserve-stock.handler.js';
import { RestockCheckHandler } from './restock-check.handler.js';

@Module({ providers: [ReserveStockHandler, ReleaseStockHandler, RestockCheckHandler] })
export class InventoryModule {}
