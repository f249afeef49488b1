import { Module } from '@nestjs/common';
import { RecordStoreCreditHandler } from './record-store-credit.handler.js';

@Module({ providers: [RecordStoreCreditHandler] })
export class StoreCreditModule {}
