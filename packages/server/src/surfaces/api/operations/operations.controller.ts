import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { OperationStatus } from '@switchyard/core/contracts';
import { OperationService } from '../../../pipeline/operations/operation.service.js';
import { ref } from '../openapi.js';
import { RequireScope } from '../auth/route-access.js';

@ApiTags('operations')
@Controller('v1/operations')
export class OperationsController {
  constructor(private readonly operations: OperationService) {}

  @Get(':id')
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'Progress of a bulk operation: matched, done, failed' })
  @ApiResponse({ status: 200, schema: ref('Operation') })
  get(@Param('id') id: string): Promise<OperationStatus> {
    return this.operations.get(id);
  }
}
