import { applyDecorators, Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { LagPoint, MetricSeries, ThroughputPoint } from '@switchyard/core/contracts';
import { PrometheusMetrics } from '../../../foundation/metrics/prometheus-metrics.js';
import { QueueInspector } from '../queues/queue-inspector.js';
import { type SeriesQuery, TimeSeriesReader } from '../../../foundation/metrics/time-series.reader.js';
import type { FastifyReply } from 'fastify';
import { ref } from '../openapi.js';
import { MetricsScope, RequireScope } from '../auth/route-access.js';

const ApiSeriesParams = () =>
  applyDecorators(
    ApiQuery({ name: 'queue', required: true }),
    ApiQuery({ name: 'from', required: false, description: 'RFC 3339; default an hour before to' }),
    ApiQuery({ name: 'to', required: false, description: 'RFC 3339; default now' }),
    ApiQuery({ name: 'step', required: false, description: 'seconds: multiples of 5 within the last 2 hours, of 60 for up to 8 days' }),
  );

@ApiTags('metrics')
@Controller()
export class MetricsController {
  constructor(
    private readonly series: TimeSeriesReader,
    private readonly inspector: QueueInspector,
    private readonly prometheus: PrometheusMetrics,
  ) {}

  @Get('v1/metrics/throughput')
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'Completed and failed jobs per step, per queue: 5 s resolution for 2 h, 1 min for 8 days' })
  @ApiSeriesParams()
  @ApiResponse({ status: 200, schema: ref('ThroughputSeries') })
  throughput(@Query() query: SeriesQuery & { queue?: string }): Promise<MetricSeries<ThroughputPoint>> {
    this.inspector.assertKnown(query.queue ?? '');
    return this.series.throughput(query.queue!, query);
  }

  @Get('v1/metrics/lag')
  @RequireScope('ops:read')
  @ApiOperation({ summary: 'Backlog and oldest waiting age per step (the worst sample of each step), per queue' })
  @ApiSeriesParams()
  @ApiResponse({ status: 200, schema: ref('LagSeries') })
  lag(@Query() query: SeriesQuery & { queue?: string }): Promise<MetricSeries<LagPoint>> {
    this.inspector.assertKnown(query.queue ?? '');
    return this.series.lag(query.queue!, query);
  }

  @Get('metrics')
  @MetricsScope()
  @ApiOperation({ summary: 'Prometheus metrics of this API process' })
  async prometheusText(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await this.prometheus.text();
    await reply.header('Content-Type', contentType).send(body);
  }
}
