import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Readiness, ReadinessProbe } from '@switchyard/core';
import type { FastifyReply } from 'fastify';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly probe: ReadinessProbe) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Redis and Postgres answer (503 when either does not)' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    const readiness = await this.probe.check();
    void reply.status(readiness.ready ? 200 : 503);
    return readiness;
  }
}
