import { Module } from '@nestjs/common';
import { ReleaseStockHandler } from './release-stock.handler.js';
import { ReserveStockHandler } from './reserve-stock.handler.js';

@Module({ providers: [ReserveStockHandler, ReleaseStockHandler] })
export class InventoryModule {}
