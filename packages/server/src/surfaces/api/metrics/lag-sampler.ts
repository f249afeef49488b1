import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { QueueInspector } from '../queues/queue-inspector.js';
import { TimeSeriesReader } from '../../../foundation/metrics/time-series.reader.js';

const EVERY_MS = 5_000;

/**
 * Samples every queue's backlog and oldest waiting age every 5 seconds into
 * the Redis time series, for lag charts over hours and days. Every API
 * replica samples; a bucket keeps the last sample written, so replicas do not
 * need to agree on who samples.
 */
@Injectable()
export class LagSampler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LagSampler.name);
  private timer: NodeJS.Timeout | null = null;
  private failing = false;

  constructor(
    private readonly inspector: QueueInspector,
    private readonly series: TimeSeriesReader,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sample(), EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sample(): Promise<void> {
    try {
      await this.series.writeLag(await this.inspector.lags());
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`Lag not sampled: ${(error as Error).message}`);
      this.failing = true;
    }
  }
}
