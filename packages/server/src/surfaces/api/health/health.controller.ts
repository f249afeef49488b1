import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Readiness, ReadinessProbe } from '../../../foundation/connections/readiness-probe.js';
import type { FastifyReply } from 'fastify';
import { API_CONFIG, type ApiConfig } from '../api-config.js';
import { Public } from '../auth/route-access.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly probe: ReadinessProbe,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({ summary: 'Redis and Postgres answer (503 when either does not); `auth` says whether API keys are required' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness & { auth: 'keys' | 'off' }> {
    const readiness = await this.probe.check();
    void reply.status(readiness.ready ? 200 : 503);
    // Said here too, so a deployment left in development mode shows on every probe.
    return { ...readiness, auth: this.config.security.authMode };
  }
}
